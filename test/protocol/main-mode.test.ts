// IKEv1 main mode (RFC 2409 §5), both roles in one process with pinned nonces and DH keys.
// Every derived key is checked against ike-oracle.ts, an independent computation from the
// RFC over raw node:crypto, and messages 5 and 6 are opened and verified with the oracle's
// keys, so a derivation both roles got wrong in the same way still fails here.
import { describe, expect, it } from 'vitest';
import forge from 'node-forge';
import { seededRandom } from '../../shared/time/clock.ts';
import { BASE_VERSION, defaultFeatureBits, parseVersion } from '../../shared/policy/version.ts';
import { describePeerId } from '../../shared/exchanges/phase1-auth.ts';
import { StateError } from '../../shared/errors.ts';
import type { Phase1Proposal } from '../../shared/exchanges/phase1-policy.ts';
import type { DhGroupId } from '../../shared/crypto/dh.ts';
import {
  blockOf, datagramPayloads, fixedPrivate, hmac, oracleDecrypt, oracleDh, oracleIv, oracleKeys, payloadOf,
  recoverSigned, walkPayloads, type OracleCipher, type OracleHash,
} from './ike-oracle.ts';
import { GM_ADDR, KS_ADDR, PSK, clock, credentials, pair, policy, runMainMode, testPki, type Run } from './main-mode-fixture.ts';

interface Case { auth: 'psk' | 'sig'; group: DhGroupId; cipher: OracleCipher; hash: OracleHash }

// auth x group family (MODP 14 and 2, ECP 19 and 20), spreading every cipher and hash over
// them; 3DES and AES-256 with SHA-1 need the Appendix B key expansion. Groups 5, 15, 16 and
// 21 ride along with PSK.
const CASES: Case[] = [
  { auth: 'psk', group: 14, cipher: 'aes-256-cbc', hash: 'sha1' },
  { auth: 'psk', group: 2, cipher: 'des-ede3-cbc', hash: 'sha256' },
  { auth: 'psk', group: 19, cipher: 'aes-128-cbc', hash: 'sha384' },
  { auth: 'psk', group: 20, cipher: 'aes-256-cbc', hash: 'sha512' },
  { auth: 'sig', group: 14, cipher: 'aes-256-cbc', hash: 'sha256' },
  { auth: 'sig', group: 2, cipher: 'des-ede3-cbc', hash: 'sha1' },
  { auth: 'sig', group: 19, cipher: 'aes-128-cbc', hash: 'sha512' },
  { auth: 'sig', group: 20, cipher: 'aes-192-cbc', hash: 'sha384' },
  { auth: 'psk', group: 5, cipher: 'aes-192-cbc', hash: 'sha1' },
  { auth: 'psk', group: 15, cipher: 'aes-128-cbc', hash: 'sha256' },
  { auth: 'psk', group: 16, cipher: 'aes-256-cbc', hash: 'sha384' },
  { auth: 'psk', group: 21, cipher: 'des-ede3-cbc', hash: 'sha512' },
];

function runCase(c: Case, seedTag: string): Run {
  const pol: Phase1Proposal = { cipher: c.cipher, hash: c.hash, auth: c.auth, group: c.group, lifetime: 86400 };
  const { ca, gm, ks } = testPki();
  const gmCred = c.auth === 'sig' ? credentials({ psk: null, cert: gm, trusted: [ca] }) : credentials();
  const ksCred = c.auth === 'sig' ? credentials({ psk: null, cert: ks, trusted: [ca] }) : credentials();
  return runMainMode(pair(
    { policies: [pol], credentials: gmCred, seed: `gm:${seedTag}` },
    { policies: [pol], credentials: ksCred, seed: `ks:${seedTag}` },
  ));
}

describe('main mode: derived keys against an independent computation', () => {
  for (const c of CASES) {
    it(`${c.auth === 'psk' ? 'pre-share' : 'rsa-sig'}, group ${c.group}, ${c.cipher}, ${c.hash}`, () => {
      const tag = `${c.auth}-${c.group}`;
      const r = runCase(c, tag);
      expect(r.m).toHaveLength(6);
      expect(r.gm.state).toBe('ESTABLISHED');
      expect(r.ks.state).toBe('ESTABLISHED');

      // Pinned nonces and cookies: the wire carries exactly the seeded streams.
      const gmRand = seededRandom(`gm:${tag}`);
      const ksRand = seededRandom(`ks:${tag}`);
      const ci = gmRand.bytes(8), ni = gmRand.bytes(32);
      const cr = ksRand.bytes(8), nr = ksRand.bytes(32);
      expect(r.m[0]!.subarray(0, 8)).toEqual(ci);
      expect(r.m[1]!.subarray(8, 16)).toEqual(cr);
      const p3 = datagramPayloads(r.m[2]!), p4 = datagramPayloads(r.m[3]!);
      expect(payloadOf(p3, 10)).toEqual(ni);
      expect(payloadOf(p4, 10)).toEqual(nr);

      // Pinned DH keys: our own DH with the same private values gives the same KE data.
      const dhI = oracleDh(c.group, fixedPrivate('gm-private', c.group));
      const dhR = oracleDh(c.group, fixedPrivate('ks-private', c.group));
      const gxi = payloadOf(p3, 4)!, gxr = payloadOf(p4, 4)!;
      expect(gxi).toEqual(dhI.pub);
      expect(gxr).toEqual(dhR.pub);
      const gxy = dhI.secret(gxr);
      expect(dhR.secret(gxi)).toEqual(gxy);

      const want = oracleKeys({ hash: c.hash, cipher: c.cipher, auth: c.auth, psk: PSK, ni, nr, gxy, ci, cr });
      for (const sa of [r.gmSa!, r.ksSa!]) {
        expect(sa.keys.skeyid.toString('hex')).toBe(want.skeyid.toString('hex'));
        expect(sa.keys.skeyidD.toString('hex')).toBe(want.skeyidD.toString('hex'));
        expect(sa.keys.skeyidA.toString('hex')).toBe(want.skeyidA.toString('hex'));
        expect(sa.keys.skeyidE.toString('hex')).toBe(want.skeyidE.toString('hex'));
        expect(sa.keys.encKey.toString('hex')).toBe(want.encKey.toString('hex'));
        expect(sa.proposal).toMatchObject({ cipher: c.cipher, hash: c.hash, auth: c.auth, group: c.group });
      }

      // Message 5 opens with the oracle's key and IV; HASH_I (or SIG_I) is right.
      const saiB = payloadOf(datagramPayloads(r.m[0]!), 1)!;
      const m5 = oracleDecrypt(c.cipher, want.encKey, oracleIv(c.hash, gxi, gxr, c.cipher), r.m[4]!);
      const p5 = walkPayloads(r.m[4]![16]!, m5.plain);
      const idii = payloadOf(p5, 5)!;
      expect(idii).toEqual(Buffer.from([1, 17, 0, 0, ...GM_ADDR.split('.').map(Number)]));  // ID_IPV4_ADDR
      const hashI = hmac(c.hash, want.skeyid, gxi, gxr, ci, cr, saiB, idii);
      // Message 6 chains its IV from message 5's last cipher block (Appendix B).
      const m6 = oracleDecrypt(c.cipher, want.encKey, m5.nextIv, r.m[5]!);
      const p6 = walkPayloads(r.m[5]![16]!, m6.plain);
      const idir = payloadOf(p6, 5)!;
      expect(idir).toEqual(Buffer.from([1, 17, 0, 0, ...KS_ADDR.split('.').map(Number)]));
      const hashR = hmac(c.hash, want.skeyid, gxr, gxi, cr, ci, saiB, idir);
      if (c.auth === 'psk') {
        expect(payloadOf(p5, 8)).toEqual(hashI);
        expect(payloadOf(p6, 8)).toEqual(hashR);
      } else {
        const { gm, ks } = testPki();
        expect(payloadOf(p5, 6)!.subarray(1)).toEqual(gm.der);                      // CERT, X.509 signature
        expect(recoverSigned(gm.der, payloadOf(p5, 9)!)).toEqual(hashI);
        expect(payloadOf(p6, 6)!.subarray(1)).toEqual(ks.der);
        expect(recoverSigned(ks.der, payloadOf(p6, 9)!)).toEqual(hashR);
        expect(r.ksSa!.peerCertDer).toEqual(gm.der);
        expect(r.gmSa!.peerCertDer).toEqual(ks.der);
      }
      // Both sides seed phase-2 IVs from message 6's last block.
      expect(m6.nextIv.length).toBe(blockOf(c.cipher));
      expect(r.gmSa!.phase1LastBlock).toEqual(m6.nextIv);
      expect(r.ksSa!.phase1LastBlock).toEqual(m6.nextIv);
      expect(r.gmSa!.icookie).toEqual(ci);
      expect(r.ksSa!.rcookie).toEqual(cr);
      expect(r.gmDh.calls).toBe(1);
      expect(r.ksDh.calls).toBe(1);
    });
  }
});

describe('main mode: identities, versions, policies', () => {
  it('crypto isakmp identity dn: ID_DER_ASN1_DN carries the certificate subject', () => {
    const { ca, gm, ks } = testPki();
    const pol = policy({ auth: 'sig', group: 19 });
    const r = runMainMode(pair(
      { policies: [pol], credentials: credentials({ psk: null, cert: gm, trusted: [ca], identity: 'dn' }), seed: 'dn-gm' },
      { policies: [pol], credentials: credentials({ psk: null, cert: ks, trusted: [ca], identity: 'dn' }), seed: 'dn-ks' },
    ));
    expect(r.ksSa).toBeDefined();
    expect(r.gmSa).toBeDefined();
    // The subject's DER as node-forge encodes it from the PEM (not the product's walker).
    const subjectDer = (pem: string) => Buffer.from(forge.asn1.toDer(forge.pki.distinguishedNameToAsn1(forge.pki.certificateFromPem(pem).subject)).getBytes(), 'binary');
    expect(r.ksSa!.peerId.idType).toBe(9);
    expect(r.ksSa!.peerId.data).toEqual(subjectDer(gm.certPem));
    expect(r.gmSa!.peerId.idType).toBe(9);
    expect(r.gmSa!.peerId.data).toEqual(subjectDer(ks.certPem));
    expect(describePeerId(r.ksSa!.peerId, r.ksSa!.peerCertDer)).toMatch(/CN=gm1\.getvpn\.test/);
  });

  it('records the peer version from its Vendor ID, and a peer that sends none as 1.0.1', () => {
    const announced = parseVersion('1.0.27');
    const withVid = runMainMode(pair(
      { policies: [policy()], seed: 'vid-gm', version: announced },
      { policies: [policy()], seed: 'vid-ks' },
    ));
    expect(withVid.ksSa!.peerVersion).toEqual(announced);
    expect(withVid.ksSa!.peerFeatures).toBe(defaultFeatureBits(announced));

    // Strip the VID from messages 1 and 2 in flight (SA first, VID second; see wire.md).
    const dropVid = (n: number, b: Buffer): Buffer => {
      if (n > 2) return b;
      const ps = datagramPayloads(b);
      expect(ps.map((p) => p.type)).toEqual([1, 13]);
      const saLen = b.readUInt16BE(28 + 2);
      const out = Buffer.from(b.subarray(0, 28 + saLen));
      out[28] = 0;                                    // SA is now the last payload
      out.writeUInt32BE(out.length, 24);
      return out;
    };
    const none = runMainMode(pair({ policies: [policy()], seed: 'novid-gm' }, { policies: [policy()], seed: 'novid-ks' }), dropVid);
    expect(none.ksSa!.peerVersion).toEqual(BASE_VERSION);
    expect(none.ksSa!.peerFeatures).toBe(0);
    expect(none.gmSa!.peerVersion).toEqual(BASE_VERSION);
    expect(none.ksSa!.peerVendorIds).toEqual([]);
  });

  it('lifetime: the shorter one wins', () => {
    const t0 = clock.now();
    // Initiator shorter: the responder accepts it and both sides use it.
    const a = runMainMode(pair({ policies: [policy({ lifetime: 600 })], seed: 'lt-a-gm' }, { policies: [policy({ lifetime: 86400 })], seed: 'lt-a-ks' }));
    expect(a.ksSa!.proposal.lifetime).toBe(600);
    expect(a.gmSa!.proposal.lifetime).toBe(600);
    expect(a.ksSa!.expiresAt - t0).toBe(600_000);
    expect(a.gmSa!.expiresAt - t0).toBe(600_000);
    // Responder shorter: IOS would refuse the proposal (peer lifetime must be <= its own);
    // we accept it and the responder's SA runs for its own, shorter lifetime. The reply
    // transform is the initiator's unchanged (a responder may not modify an offer, RFC 2409
    // §5) and no RESPONDER-LIFETIME notify is sent (RFC 2407 §4.6.3.1), so the initiator is
    // not told: its SA lasts what it offered and the two sides expire independently.
    const b = runMainMode(pair({ policies: [policy({ lifetime: 86400 })], seed: 'lt-b-gm' }, { policies: [policy({ lifetime: 3600 })], seed: 'lt-b-ks' }));
    expect(b.ksSa!.proposal.lifetime).toBe(3600);
    expect(b.ksSa!.expiresAt - t0).toBe(3600_000);
    expect(b.gmSa!.proposal.lifetime).toBe(86400);
  });

  it('proposal ordering: the responder walks its own policies in priority order (IOS)', () => {
    const strong = policy({ cipher: 'aes-256-cbc', hash: 'sha256', group: 14 });
    const weak = policy({ cipher: 'aes-128-cbc', hash: 'sha1', group: 19 });
    const other = policy({ cipher: 'des-ede3-cbc', hash: 'sha512', group: 20 });
    const chosenCipher = (r: Run) => {
      // Message 2's SA body: DOI, situation, one proposal (protocol ISAKMP) with one transform.
      const sa = payloadOf(datagramPayloads(r.m[1]!), 1)!;
      return { doi: sa.readUInt32BE(0), protocol: sa[8 + 5], transforms: sa[8 + 7] };
    };
    // GM offers weak first; KS prefers strong: strong wins.
    const r1 = runMainMode(pair({ policies: [other, weak, strong], seed: 'po-1g' }, { policies: [strong, weak], seed: 'po-1k' }));
    expect(r1.ksSa!.proposal.cipher).toBe('aes-256-cbc');
    expect(r1.gmSa!.proposal).toEqual(r1.ksSa!.proposal);
    expect(chosenCipher(r1)).toEqual({ doi: 2, protocol: 1, transforms: 1 });
    // Same offer, KS priorities reversed: weak wins.
    const r2 = runMainMode(pair({ policies: [other, weak, strong], seed: 'po-2g' }, { policies: [weak, strong], seed: 'po-2k' }));
    expect(r2.ksSa!.proposal).toMatchObject({ cipher: 'aes-128-cbc', hash: 'sha1', group: 19 });
    expect(r2.gmSa!.proposal).toEqual(r2.ksSa!.proposal);
    // The transform number in the reply is the GM's (3rd offered = #3 for strong in r1).
    const t1 = payloadOf(datagramPayloads(r1.m[1]!), 1)!;
    const transformNum = t1[8 + 8 + 4];
    expect(transformNum).toBe(3);
  });

  it('DOI 1 in the phase-1 SA (what Wireshark can decrypt) works as DOI 2 does', () => {
    const r = runMainMode(pair({ policies: [policy({ group: 19 })], seed: 'doi1-g', doi: 1 }, { policies: [policy({ group: 19 })], seed: 'doi1-k' }));
    expect(payloadOf(datagramPayloads(r.m[0]!), 1)!.readUInt32BE(0)).toBe(1);
    expect(payloadOf(datagramPayloads(r.m[1]!), 1)!.readUInt32BE(0)).toBe(1);
    expect(r.ksSa).toBeDefined();
    expect(r.gmSa).toBeDefined();
  });
});

describe('main mode: retransmissions and state', () => {
  it('answers a retransmitted message from its cache without new DH work', () => {
    const p = pair({ policies: [policy({ group: 19 })], seed: 'rt-g' }, { policies: [policy({ group: 19 })], seed: 'rt-k' });
    const m1 = p.gm.start();
    const m2 = p.ks.process(m1).reply!;
    const again2 = p.ks.process(m1);                          // msg 1 again: same msg 2, same cookie
    expect(again2.duplicate).toBe(true);
    expect(again2.reply).toEqual(m2);
    const m3 = p.gm.process(m2).reply!;
    expect(p.gm.process(m2)).toMatchObject({ duplicate: true, reply: m3 });
    expect(p.gmDh.calls).toBe(1);
    const m4 = p.ks.process(m3).reply!;
    expect(p.ksDh.calls).toBe(1);
    for (let i = 0; i < 3; i++) expect(p.ks.process(m3)).toMatchObject({ duplicate: true, reply: m4 });
    expect(p.ksDh.calls).toBe(1);                             // the DH was done once
    const m5 = p.gm.process(m4).reply!;
    expect(p.gm.process(m4)).toMatchObject({ duplicate: true, reply: m5 });
    const r6 = p.ks.process(m5);
    expect(r6.sa).toBeDefined();
    const again6 = p.ks.process(m5);                          // lost msg 6: resent, no second SA
    expect(again6).toEqual({ reply: r6.reply, duplicate: true });
    expect(p.gm.process(r6.reply!).sa).toBeDefined();
    expect(p.gmDh.calls).toBe(1);
    expect(p.ksDh.calls).toBe(1);
  });

  it('ignores a stale retransmission of an earlier message instead of failing the exchange', () => {
    const p = pair({ policies: [policy({ group: 19 })], seed: 'st-g' }, { policies: [policy({ group: 19 })], seed: 'st-k' });
    const m1 = p.gm.start();
    const m2 = p.ks.process(m1).reply!;
    const m3 = p.gm.process(m2).reply!;
    const m4 = p.ks.process(m3).reply!;
    // A copy of message 1 delayed in the network arrives after message 3.
    const late1 = p.ks.process(m1);
    expect(late1.failure).toBeUndefined();
    expect(late1.reply).toBeUndefined();
    expect(p.ks.state).toBe('KE_SENT');
    // Likewise the initiator with a late message 2.
    const m5 = p.gm.process(m4).reply!;
    expect(p.gm.process(m2).failure).toBeUndefined();
    expect(p.gm.state).toBe('AUTH_SENT');
    const r6 = p.ks.process(m5);
    expect(p.gm.process(r6.reply!).sa).toBeDefined();
    // After establishment, late copies of messages 1 and 3 change nothing.
    expect(p.ks.process(m1).failure).toBeUndefined();
    expect(p.ks.process(m3).failure).toBeUndefined();
    expect(p.ks.state).toBe('ESTABLISHED');
    expect(p.ksDh.calls).toBe(1);
  });

  it('state errors: start twice, messages out of order, stray input after establishment', () => {
    const p = pair({ policies: [policy({ group: 19 })], seed: 'se-g' }, { policies: [policy({ group: 19 })], seed: 'se-k' });
    const m1 = p.gm.start();
    expect(() => p.gm.start()).toThrow(StateError);
    // The initiator gets its own message 1 back: not a valid message 2 (no responder cookie).
    const q = pair({ policies: [policy({ group: 19 })], seed: 'se-g2' }, { policies: [policy({ group: 19 })], seed: 'se-k2' });
    const qm1 = q.gm.start();
    const bad = q.gm.process(qm1);
    expect(bad.failure?.code).toBe('BAD_COOKIE');
    expect(q.gm.state).toBe('FAILED');
    expect(q.gm.process(qm1)).toEqual({});                  // a failed exchange stays silent

    // Responder handed message 5 of another exchange while waiting for message 3: refused.
    const m2 = p.ks.process(m1).reply!;
    const other = runMainMode(pair({ policies: [policy({ group: 19 })], seed: 'se-o-g' }, { policies: [policy({ group: 19 })], seed: 'se-o-k' }));
    const wrong = p.ks.process(other.m[4]!);
    expect(wrong.failure?.code).toBe('BAD_COOKIE');
    expect(wrong.reply).toBeUndefined();
    expect(p.ks.state).toBe('FAILED');
    expect(p.ksDh.calls).toBe(0);
    expect(p.gm.process(m2).reply).toBeDefined();

    // An established responder meets an unknown message with its cookies: it reports a state
    // error but the SA stays up (an unauthenticated datagram must not tear it down).
    const est = runMainMode(pair({ policies: [policy({ group: 19 })], seed: 'se-e-g' }, { policies: [policy({ group: 19 })], seed: 'se-e-k' }));
    const forged = Buffer.from(est.m[4]!);
    forged[forged.length - 1]! ^= 0xff;
    const stray = est.ks.process(forged);
    expect(stray.failure?.code).toBe('BAD_STATE');
    expect(stray.reply).toBeUndefined();
    expect(est.ks.state).toBe('ESTABLISHED');
    expect(est.gm.process(est.m[5]!)).toEqual({ duplicate: true });      // nothing to resend after msg 6
    expect(est.gm.state).toBe('ESTABLISHED');
  });
});
