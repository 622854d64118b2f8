// GROUPKEY-PUSH build/open round trips and wire layout (RFC 6407 §4, docs/wire.md §5.2-5.3).
import { describe, expect, it } from 'vitest';
import { buildPush, openPush, rekeyPayloads, sealPush, signatureLength, isPush, isAck } from '../../../shared/exchanges/groupkey-push.ts';
import { rekeySign, rekeyVerify } from '../../../shared/crypto/kek.ts';
import { policyFromSaKd } from '../../../shared/policy/sa-kd.ts';
import { decodePayloads, decodeHeader } from '../../../shared/wire/message.ts';
import { tlvU32, tv } from '../../../shared/wire/attributes.ts';
import { CtrlAction, CtrlAttr } from '../../../shared/wire/registry.ts';
import type { DeletePayload, GetvpnCtrlPayload } from '../../../shared/wire/types.ts';
import type { KekPolicy } from '../../../shared/policy/group-policy.ts';
import { NOW, groupFixture, lookupOf, plaintextOf, rekeyKey } from './push-support.ts';

const { current, next, kek } = groupFixture();
const spi4 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const tekDelete: DeletePayload = { type: 12, doi: 2, protocolId: 1, spiSize: 4, spis: current.teks.map((t) => spi4(t.spi)) };
const kekDelete: DeletePayload = { type: 12, doi: 2, protocolId: 0, spiSize: 16, spis: [kek.spi] };
const open = (bytes: Buffer, k: KekPolicy = kek) => openPush(bytes, lookupOf(k), rekeyKey.publicKey);

/** Payload types of the decrypted chain, in order. */
function typesOf(bytes: Buffer, k: KekPolicy = kek): number[] {
  return decodePayloads(18, plaintextOf(bytes, k), { exchange: 33 }, { allowPadding: true }).payloads.map((p) => p.type);
}

describe('GROUPKEY-PUSH build/open', () => {
  it('round-trips new TEKs and a new KEK, with deletes and a CERT', () => {
    const cert = Buffer.from('30820100deadbeef', 'hex');
    const bytes = buildPush(kek, rekeyKey.privateKey, { seq: 8, policy: next, deletes: [tekDelete], certDer: cert }, NOW);
    const h = decodeHeader(bytes);
    expect(Buffer.concat([h.icookie, h.rcookie])).toEqual(kek.spi);
    expect([h.nextPayload, h.version, h.exchange, h.flags, h.messageId]).toEqual([18, 0x10, 33, 1, 0]);
    expect((bytes.length - 28) % 16).toBe(0);
    expect(typesOf(bytes)).toEqual([18, 12, 1, 17, 6, 9]);
    expect(isPush(bytes) && !isAck(bytes)).toBe(true);

    const o = open(bytes);
    expect(o.kekSpi).toEqual(kek.spi);
    expect(o.seq).toBe(8);
    expect(o.seqBytes).toEqual(Buffer.from('0c000008 00000008'.replace(/ /g, ''), 'hex'));
    expect(o.deletes).toEqual([tekDelete]);
    expect(o.certDer).toEqual(cert);
    expect(o.ctrl).toBeUndefined();
    const got = policyFromSaKd(o.sa!, o.kd!, o.seq, 1234, 'GETVPN', NOW + 1000);
    expect(got.kek!.spi).toEqual(next.kek!.spi);
    expect(got.kek!.key).toEqual(next.kek!.key);
    expect(got.kek!.iv).toEqual(next.kek!.iv);
    expect(got.teks.map((t) => [t.spi, t.encKey, t.authKey])).toEqual(next.teks.map((t) => [t.spi, t.encKey, t.authKey]));
  });

  it('signs "rekey" | the header as sent (E set, on-wire length) | the payloads before SIG', () => {
    const bytes = buildPush(kek, rekeyKey.privateKey, { seq: 9, policy: next }, NOW);
    const chain = decodePayloads(18, plaintextOf(bytes, kek), { exchange: 33 }, { allowPadding: true });
    const before = Buffer.concat(chain.raw.slice(0, -1));
    const sig = (chain.payloads.at(-1) as { data: Buffer }).data;
    expect(sig.length).toBe(signatureLength(rekeyKey.privateKey));
    expect(chain.raw.at(-2)![0]).toBe(9); // the last payload before SIG names SIG as next
    expect(rekeyVerify(rekeyKey.publicKey, 'sha256', bytes.subarray(0, 28), before, sig)).toBe(true);
  });

  it('builds a delete-only PUSH (no SA, no KD)', () => {
    const bytes = buildPush(kek, rekeyKey.privateKey, { seq: 10, deletes: [tekDelete, kekDelete] }, NOW);
    expect(typesOf(bytes)).toEqual([18, 12, 12, 9]);
    const o = open(bytes);
    expect(o).toMatchObject({ seq: 10, deletes: [tekDelete, kekDelete] });
    expect(o.sa).toBeUndefined();
    expect(o.kd).toBeUndefined();
  });

  it('puts GETVPN-CTRL right after SEQ (docs/wire.md §3.1)', () => {
    const ctrl: GetvpnCtrlPayload = { type: 200, attributes: [tv(CtrlAttr.ACTION, CtrlAction.REMOVE_NOW), tlvU32(CtrlAttr.REREGISTER_WINDOW, 72)] };
    const bytes = buildPush(kek, rekeyKey.privateKey, { seq: 11, ctrl, deletes: [tekDelete, kekDelete] }, NOW);
    expect(typesOf(bytes)).toEqual([18, 200, 12, 12, 9]);
    expect(open(bytes).ctrl).toEqual(ctrl);
  });

  it('works with a 3DES KEK and other signature hashes', () => {
    for (const sigHash of ['sha1', 'sha384', 'sha512'] as const) {
      const k3: KekPolicy = { ...kek, cipher: 'des-ede3-cbc', iv: kek.iv.subarray(0, 8), key: kek.key.subarray(0, 24), sigHash };
      const bytes = buildPush(k3, rekeyKey.privateKey, { seq: 12, policy: next }, NOW);
      expect((bytes.length - 28) % 8).toBe(0);
      expect(open(bytes, k3).seq).toBe(12);
    }
  });

  it('signs once per rekey, and the datagram is the same for every GM', () => {
    let signatures = 0;
    const sign = (h: Buffer, b: Buffer) => { signatures++; return rekeySign(rekeyKey.privateKey, kek.sigHash, h, b); };
    const content = { seq: 13, policy: next, deletes: [tekDelete] };
    const sealed = sealPush(kek, rekeyPayloads(content, NOW), signatureLength(rekeyKey.privateKey), sign);
    expect(signatures).toBe(1);
    expect(sealed).toEqual(buildPush(kek, rekeyKey.privateKey, content, NOW));
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) buildPush(kek, rekeyKey.privateKey, { ...content, seq: 100 + i }, NOW);
    console.log(`buildPush: ${((performance.now() - t0) / 20).toFixed(2)} ms per rekey (RSA-2048, one SA+KD of 2 TEKs + KEK, ${sealed.length} octets)`);
  });

  it('accepts a signature over the unpadded length (the reference signer, docs/wire.md §5.2)', () => {
    const sigLen = signatureLength(rekeyKey.privateKey);
    let unpadded = 0;
    const bytes = sealPush(kek, rekeyPayloads({ seq: 14, policy: next }, NOW), sigLen, (h, before) => {
      unpadded = 28 + before.length + 4 + sigLen;
      const signed = Buffer.from(h);
      signed.writeUInt32BE(unpadded, 24);
      return rekeySign(rekeyKey.privateKey, kek.sigHash, signed, before);
    });
    expect(unpadded).not.toBe(bytes.length); // padding present, so the two lengths differ
    expect(open(bytes).seq).toBe(14);
  });
});
