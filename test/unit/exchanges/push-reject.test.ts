// Forged, damaged and misdirected GROUPKEY-PUSH messages are dropped with the right reason
// (issue #6 item 1, at the message level). Replay is the GM's SeqNum check, not openPush's.
import { describe, expect, it } from 'vitest';
import { buildPush, openPush, rekeyPayloads, sealPush, signatureLength } from '../../../shared/exchanges/groupkey-push.ts';
import { buildAck } from '../../../shared/exchanges/groupkey-push-ack.ts';
import { rekeySign } from '../../../shared/crypto/kek.ts';
import { generateRsaKey } from '../../../shared/crypto/rsa.ts';
import { policyToKd, policyToSa } from '../../../shared/policy/sa-kd.ts';
import type { KekPolicy } from '../../../shared/policy/group-policy.ts';
import type { Payload } from '../../../shared/wire/types.ts';
import { NOW, groupFixture, lookupOf, reasonOf, rekeyKey, withOtherKey } from './push-support.ts';

const { next, kek, other } = groupFixture();
const intruder = generateRsaKey(2048);
const sigLen = signatureLength(rekeyKey.privateKey);
const good = buildPush(kek, rekeyKey.privateKey, { seq: 8, policy: next }, NOW);
const reason = (bytes: Buffer, keks: KekPolicy[] = [kek], verifyKey = rekeyKey.publicKey) =>
  reasonOf(() => openPush(bytes, lookupOf(...keks), verifyKey));

/** A PUSH sealed under `kek` whose signer is `sign` (for signatures that must not verify). */
function sealedWith(payloads: Payload[], sign: (h: Buffer, b: Buffer) => Buffer): Buffer {
  return sealPush(kek, payloads, sigLen, sign);
}
const honest = (h: Buffer, b: Buffer) => rekeySign(rekeyKey.privateKey, kek.sigHash, h, b);

describe('GROUPKEY-PUSH rejection', () => {
  it('accepts the untouched message (control)', () => {
    expect(reason(good)).toBe('accepted');
  });

  it('BAD_SIGNATURE: one octet of SIG flipped before encryption', () => {
    const bytes = sealedWith(rekeyPayloads({ seq: 8, policy: next }, NOW), (h, b) => {
      const sig = honest(h, b);
      sig[sig.length >> 1]! ^= 0x01;
      return sig;
    });
    expect(reason(bytes)).toBe('BAD_SIGNATURE');
  });

  it('BAD_SIGNATURE: signed by another key, or checked against another key', () => {
    expect(reason(buildPush(kek, intruder.privateKey, { seq: 8, policy: next }, NOW))).toBe('BAD_SIGNATURE');
    expect(reason(good, [kek], intruder.publicKey)).toBe('BAD_SIGNATURE');
  });

  it('BAD_SIGNATURE: signed over a length that is neither the on-wire nor the unpadded one', () => {
    const bytes = sealedWith(rekeyPayloads({ seq: 8, policy: next }, NOW), (h, b) => {
      const wrong = Buffer.from(h);
      wrong.writeUInt32BE(h.readUInt32BE(24) + 16, 24);
      return honest(wrong, b);
    });
    expect(reason(bytes)).toBe('BAD_SIGNATURE');
  });

  it('WRONG_SPI: the GM holds no KEK with the cookies\' SPI', () => {
    expect(reason(good, [other])).toBe('WRONG_SPI');
    expect(reason(good, [])).toBe('WRONG_SPI');
  });

  it('WRONG_SPI / UNDECRYPTABLE: valid bytes from another group', () => {
    const foreign = buildPush(other, rekeyKey.privateKey, { seq: 50, policy: next }, NOW);
    expect(reason(foreign)).toBe('WRONG_SPI');
    // The same bytes relabelled with our KEK's SPI do not decrypt under our KEK.
    const relabelled = Buffer.from(foreign);
    kek.spi.copy(relabelled, 0);
    expect(reason(relabelled)).toBe('UNDECRYPTABLE');
  });

  it('UNDECRYPTABLE: the KEK with that SPI has another key', () => {
    expect(reason(good, [withOtherKey(kek)])).toBe('UNDECRYPTABLE');
  });

  it('MALFORMED: truncated datagrams', () => {
    expect(reason(good.subarray(0, good.length - 16))).toBe('MALFORMED'); // header length disagrees
    expect(reason(good.subarray(0, 20))).toBe('MALFORMED');               // not even a header
    const cut = Buffer.from(good.subarray(0, good.length - 5));
    cut.writeUInt32BE(cut.length, 24);                                      // consistent length, partial block
    expect(reason(cut)).toBe('MALFORMED');
  });

  it('MALFORMED: unencrypted, or not starting with SEQ', () => {
    const clear = Buffer.from(good);
    clear[19] = 0;
    expect(reason(clear)).toBe('MALFORMED');
    const noSeq = Buffer.from(good);
    noSeq[16] = 1;
    expect(reason(noSeq)).toBe('MALFORMED');
  });

  it('MALFORMED: structure rules (SA without KD, foreign payloads, CTRL out of place, bad Delete)', () => {
    const seq: Payload = { type: 18, seq: 8 };
    const sa = policyToSa(next, NOW);
    const kd = policyToKd(next);
    const ctrl: Payload = { type: 200, attributes: [] };
    const del = (protocolId: number, spiSize: number): Payload => ({ type: 12, doi: 2, protocolId, spiSize, spis: [Buffer.alloc(spiSize, 1)] });
    expect(reason(sealedWith([seq, sa, kd], honest))).toBe('accepted');
    expect(reason(sealedWith([seq, sa], honest))).toBe('MALFORMED');
    expect(reason(sealedWith([seq, kd], honest))).toBe('MALFORMED');
    expect(reason(sealedWith([seq, sa, kd, sa, kd], honest))).toBe('MALFORMED');
    expect(reason(sealedWith([seq, { type: 10, data: Buffer.alloc(16) }], honest))).toBe('MALFORMED');
    expect(reason(sealedWith([seq, { type: 150, unknown: true, body: Buffer.alloc(4) }], honest))).toBe('MALFORMED');
    expect(reason(sealedWith([seq, del(1, 4), ctrl], honest))).toBe('MALFORMED');
    expect(reason(sealedWith([seq, ctrl, ctrl], honest))).toBe('MALFORMED');
    expect(reason(sealedWith([seq, del(1, 16)], honest))).toBe('MALFORMED');
    expect(reason(sealedWith([seq, del(0, 4)], honest))).toBe('MALFORMED');
    expect(reason(sealedWith([seq, { type: 1, form: 'proposals', doi: 1, situation: 1, proposals: [] }], honest))).toBe('MALFORMED');
  });

  it('NOT_PUSH: an ack, a PULL message', () => {
    expect(reason(buildAck(kek, 8, '10.1.1.5'))).toBe('NOT_PUSH');
    const pull = Buffer.from(good);
    pull[18] = 32;
    expect(reason(pull)).toBe('NOT_PUSH');
  });

  it('no single-bit change anywhere in the datagram is accepted', () => {
    const small = buildPush(kek, rekeyKey.privateKey, { seq: 8, deletes: [{ type: 12, doi: 2, protocolId: 1, spiSize: 4, spis: [Buffer.alloc(4, 7)] }] }, NOW);
    const seen = new Set<string>();
    for (let i = 0; i < small.length; i++) {
      const bad = Buffer.from(small);
      bad[i]! ^= 0x01;
      const r = reason(bad);
      expect(['MALFORMED', 'WRONG_SPI', 'UNDECRYPTABLE', 'BAD_SIGNATURE', 'NOT_PUSH'], `octet ${i}`).toContain(r);
      seen.add(r);
    }
    expect([...seen].sort()).toEqual(['BAD_SIGNATURE', 'MALFORMED', 'NOT_PUSH', 'UNDECRYPTABLE', 'WRONG_SPI']);
  });

  it('is stateless: a replayed PUSH opens to the same SEQ, which the GM\'s SeqNum state then refuses', () => {
    const first = openPush(good, lookupOf(kek), rekeyKey.publicKey);
    const again = openPush(Buffer.from(good), lookupOf(kek), rekeyKey.publicKey);
    expect(again).toEqual(first);
    expect(first.seq).toBe(8);
  });
});
