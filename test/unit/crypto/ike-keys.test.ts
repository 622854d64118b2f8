import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CipherName } from '../../../shared/crypto/cipher.ts';
import type { HashName } from '../../../shared/crypto/hash.ts';
import {
  authHash, derivePhase1Keys, phase1Iv, phase2Iv, type Phase1KeyInput,
} from '../../../shared/crypto/ike-keys.ts';
import { codeOf, hex, refHmac } from './support.ts';

const base = {
  ni: hex('a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4'),
  nr: hex('c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8'),
  gxy: Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 7 + 3) & 0xff)),
  icookie: hex('0102030405060708'),
  rcookie: hex('f1f2f3f4f5f6f7f8'),
};

/** RFC 2409 §5 and Appendix B written out again with the reference HMAC. */
function independentKeys(h: HashName, auth: 'psk' | 'sig', psk: Buffer, keyLength: number) {
  const { ni, nr, gxy, icookie, rcookie } = base;
  const skeyid = auth === 'psk'
    ? refHmac(h, psk, Buffer.concat([ni, nr]))
    : refHmac(h, Buffer.concat([ni, nr]), gxy);
  const d = refHmac(h, skeyid, Buffer.concat([gxy, icookie, rcookie, Buffer.from([0])]));
  const a = refHmac(h, skeyid, Buffer.concat([d, gxy, icookie, rcookie, Buffer.from([1])]));
  const e = refHmac(h, skeyid, Buffer.concat([a, gxy, icookie, rcookie, Buffer.from([2])]));
  let enc = e;
  if (e.length < keyLength) {
    const parts: Buffer[] = [];
    let k = refHmac(h, e, Buffer.from([0]));
    parts.push(k);
    while (Buffer.concat(parts).length < keyLength) {
      k = refHmac(h, e, k);
      parts.push(k);
    }
    enc = Buffer.concat(parts);
  }
  return { skeyid, skeyidD: d, skeyidA: a, skeyidE: e, encKey: enc.subarray(0, keyLength) };
}

const KEY_LENGTHS: Record<CipherName, number> = { 'aes-128-cbc': 16, 'aes-192-cbc': 24, 'aes-256-cbc': 32, 'des-ede3-cbc': 24 };

describe('derivePhase1Keys', () => {
  const cases: Array<[HashName, CipherName]> = [
    ['sha256', 'aes-256-cbc'], // SKEYID_e long enough: no expansion
    ['sha1', 'aes-128-cbc'],
    ['sha1', 'aes-256-cbc'], // 20 < 32: Appendix B expansion, two blocks
    ['sha1', 'des-ede3-cbc'], // 20 < 24
    ['md5', 'aes-256-cbc'], // 16 < 32
    ['md5', 'aes-192-cbc'],
    ['sha384', 'aes-128-cbc'],
    ['sha512', 'aes-256-cbc'],
  ];
  for (const auth of ['psk', 'sig'] as const) {
    for (const [hash, cipher] of cases) {
      it(`${auth} auth, ${hash}, ${cipher}: matches an independent computation`, () => {
        const psk = Buffer.from('cisco123');
        const input: Phase1KeyInput = { ...base, hash, auth, cipher, ...(auth === 'psk' ? { psk } : {}) };
        const got = derivePhase1Keys(input);
        const want = independentKeys(hash, auth, psk, KEY_LENGTHS[cipher]);
        expect(got.skeyid.toString('hex')).toBe(want.skeyid.toString('hex'));
        expect(got.skeyidD.toString('hex')).toBe(want.skeyidD.toString('hex'));
        expect(got.skeyidA.toString('hex')).toBe(want.skeyidA.toString('hex'));
        expect(got.skeyidE.toString('hex')).toBe(want.skeyidE.toString('hex'));
        expect(got.encKey.toString('hex')).toBe(want.encKey.toString('hex'));
      });
    }
  }

  it('psk and sig derivations differ, and psk auth without a key is refused', () => {
    const sig = derivePhase1Keys({ ...base, hash: 'sha256', auth: 'sig', cipher: 'aes-128-cbc' });
    const psk = derivePhase1Keys({ ...base, hash: 'sha256', auth: 'psk', psk: Buffer.from('k'), cipher: 'aes-128-cbc' });
    expect(sig.skeyid).not.toEqual(psk.skeyid);
    expect(codeOf(() => derivePhase1Keys({ ...base, hash: 'sha256', auth: 'psk', cipher: 'aes-128-cbc' }))).toBe('BAD_KEY');
  });
});

describe('authHash', () => {
  const skeyid = hex('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff');
  const gxi = Buffer.alloc(256, 0x11);
  const gxr = Buffer.alloc(256, 0x22);
  const sai = hex('0000000100000001deadbeef');
  const idii = hex('01000000c0a80001');
  const idir = hex('01000000c0a80002');

  it('HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)', () => {
    const got = authHash('sha256', skeyid, gxi, gxr, base.icookie, base.rcookie, sai, idii);
    const want = refHmac('sha256', skeyid, Buffer.concat([gxi, gxr, base.icookie, base.rcookie, sai, idii]));
    expect(got).toEqual(want);
  });

  it('HASH_R swaps the roles but keeps the initiator SA body', () => {
    const hashR = authHash('sha1', skeyid, gxr, gxi, base.rcookie, base.icookie, sai, idir);
    const want = refHmac('sha1', skeyid, Buffer.concat([gxr, gxi, base.rcookie, base.icookie, sai, idir]));
    expect(hashR).toEqual(want);
    expect(hashR).not.toEqual(authHash('sha1', skeyid, gxi, gxr, base.icookie, base.rcookie, sai, idir));
  });
});

describe('IVs', () => {
  it('phase-1 IV = hash(g^xi | g^xr) cut to the block size', () => {
    const gxi = Buffer.alloc(64, 1);
    const gxr = Buffer.alloc(64, 2);
    const full = createHash('sha256').update(Buffer.concat([gxi, gxr])).digest();
    expect(phase1Iv('sha256', gxi, gxr, 16)).toEqual(full.subarray(0, 16));
    const md5 = createHash('md5').update(Buffer.concat([gxi, gxr])).digest();
    expect(phase1Iv('md5', gxi, gxr, 8)).toEqual(md5.subarray(0, 8));
  });

  it('phase-2 IV = hash(last phase-1 block | M-ID as 4 big-endian octets)', () => {
    const last = hex('00112233445566778899aabbccddeeff');
    const want = createHash('sha1').update(Buffer.concat([last, hex('deadbeef')])).digest().subarray(0, 16);
    expect(phase2Iv('sha1', last, 0xdeadbeef, 16)).toEqual(want);
    expect(phase2Iv('sha1', last, 1, 16)).not.toEqual(want);
  });

  it('refuses bad message IDs and IVs longer than the hash', () => {
    expect(codeOf(() => phase2Iv('sha1', Buffer.alloc(16), -1, 16))).toBe('BAD_VALUE');
    expect(codeOf(() => phase2Iv('sha1', Buffer.alloc(16), 2 ** 32, 16))).toBe('BAD_VALUE');
    expect(codeOf(() => phase2Iv('sha1', Buffer.alloc(16), 1.5, 16))).toBe('BAD_VALUE');
    expect(codeOf(() => phase1Iv('md5', Buffer.alloc(8), Buffer.alloc(8), 32))).toBe('BAD_VALUE');
  });
});
