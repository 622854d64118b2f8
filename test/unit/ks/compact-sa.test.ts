// The KS stores each phase-1 SA in one allocation of its own (ks/compact-sa.ts): same values,
// no Buffer left pointing into a received datagram or Node's shared allocation pool.
import { describe, expect, it } from 'vitest';
import { compactSa } from '../../../ks/compact-sa.ts';
import type { Phase1Sa } from '../../../shared/exchanges/phase1-sa.ts';

function pooled(hex: string): Buffer {
  // Buffer.from on a short value slices Node's 8 KiB pool: exactly what must not be kept.
  return Buffer.from(hex, 'hex');
}

const datagram = Buffer.alloc(400, 0x11);
const sa: Phase1Sa = {
  icookie: pooled('0102030405060708'), rcookie: pooled('1112131415161718'), role: 'responder',
  proposal: { cipher: 'aes-256-cbc', hash: 'sha256', auth: 'psk', group: 19, lifetime: 86400 },
  keys: { skeyid: pooled('aa'.repeat(32)), skeyidD: pooled('bb'.repeat(32)), skeyidA: pooled('cc'.repeat(32)), skeyidE: pooled('dd'.repeat(32)), encKey: pooled('ee'.repeat(32)) },
  phase1LastBlock: pooled('ff'.repeat(16)), peerAddress: '127.0.0.9', peerPort: 848,
  peerId: { type: 5, idType: 1, data: datagram.subarray(100, 104), protocol: 17, port: 0 },
  peerVersion: { major: 1, minor: 0, mini: 2 }, peerFeatures: 3,
  peerVendorIds: [datagram.subarray(200, 216), datagram.subarray(300, 320)], establishedAt: 1, expiresAt: 2,
};

describe('compactSa', () => {
  const c = compactSa(sa);
  // What the KS reads after phase 1: cookies, IV seed, peer id, SKEYID_a (hashes) and the cipher key.
  const buffers = (s: Phase1Sa) => [s.icookie, s.rcookie, s.phase1LastBlock, s.peerId.data, s.keys.skeyidA, s.keys.encKey];

  it('keeps every value that is read after phase 1', () => {
    expect(buffers(c).map((b) => b.toString('hex'))).toEqual(buffers(sa).map((b) => b.toString('hex')));
    expect(c).toMatchObject({ role: 'responder', peerAddress: '127.0.0.9', peerPort: 848, peerFeatures: 3, establishedAt: 1, expiresAt: 2, proposal: sa.proposal });
    expect(c.peerId).toMatchObject({ type: 5, idType: 1, protocol: 17, port: 0 });
    expect(c.peerCertDer).toBeUndefined();
    expect(c.peerVersion).toEqual(sa.peerVersion);
  });

  it('drops what nothing reads after phase 1: SKEYID, SKEYID_d, SKEYID_e and the raw vendor IDs', () => {
    expect([c.keys.skeyid.length, c.keys.skeyidD.length, c.keys.skeyidE.length]).toEqual([0, 0, 0]);
    expect(c.peerVendorIds).toEqual([]);
  });

  it('shares one proposal and version object between SAs that agree on them', () => {
    const other = compactSa({ ...sa, proposal: { ...sa.proposal }, peerVersion: { ...sa.peerVersion } });
    expect(other.proposal).toBe(c.proposal);
    expect(other.peerVersion).toBe(c.peerVersion);
  });

  it('puts all of them in one exact-size allocation of their own', () => {
    const stores = new Set(buffers(c).map((b) => b.buffer));
    expect(stores.size).toBe(1);
    const store = [...stores][0]!;
    expect(store.byteLength).toBe(buffers(sa).reduce((n, b) => n + b.length, 0));
    expect(store).not.toBe(sa.icookie.buffer);
    expect(store).not.toBe(datagram.buffer);
  });

  it('copies a peer certificate too', () => {
    const withCert = compactSa({ ...sa, peerCertDer: Buffer.from('3082', 'hex') });
    expect(withCert.peerCertDer!.toString('hex')).toBe('3082');
    expect(withCert.peerCertDer!.buffer).toBe(withCert.icookie.buffer);
  });
});
