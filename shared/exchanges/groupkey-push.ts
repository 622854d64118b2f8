// GROUPKEY-PUSH (RFC 6407 §4), the KS's rekey message, as pure functions (docs/wire.md §5.2-5.3):
//
//   HDR*, SEQ, [GETVPN-CTRL], [D, ...], [SA, KD], [CERT], SIG
//
// HDR: cookies = the 16-octet SPI of the KEK the GMs hold now, exchange 33, flags E, M-ID 0.
// SIG = RSA over hash("rekey" | HDR with final Length | every payload before SIG). Everything
// after HDR is encrypted with that KEK in CBC from its explicit IV. The same bytes go to every
// GM, so a rekey costs one signature and one encryption however many members there are.
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { cipherInfo, encryptCbc } from '../crypto/cipher.ts';
import { rekeySign } from '../crypto/kek.ts';
import { GdoiError } from '../errors.ts';
import { encodeHeader, encodePayloads } from '../wire/message.ts';
import { CertEncoding, ExchangeType, Flag, HEADER_LENGTH, ISAKMP_VERSION } from '../wire/registry.ts';
import type { DeletePayload, GetvpnCtrlPayload, KdPayload, Payload, SaGdoiPayload } from '../wire/types.ts';
import { policyToKd, policyToSa } from '../policy/sa-kd.ts';
import type { GroupPolicy, KekPolicy } from '../policy/group-policy.ts';

export interface RekeyContent {
  /** u32, strictly greater than any sent before under this group (the caller keeps the counter). */
  seq: number;
  /** New KEK and/or TEKs to install (SA + KD); omit for a delete-only PUSH. */
  policy?: GroupPolicy;
  /** Old TEK SPIs (protocol 1, SPI size 4) / the KEK (protocol 0, SPI size 16). */
  deletes?: DeletePayload[];
  /** GM-removal / policy-replace instruction (docs/wire.md §3); only for GMs that support it. */
  ctrl?: GetvpnCtrlPayload;
  /** Optional CERT payload (X.509 signature certificate, DER). */
  certDer?: Buffer;
}

export { PushRejected, type PushRejectReason } from './push-rejected.ts';

export interface OpenedPush {
  kekSpi: Buffer;
  seq: number;
  /**
   * The SEQ payload as it was on the wire (generic header included). Not the ack's hash input:
   * the ack hashes its own SEQ payload, whose Next Payload differs; buildAck takes the number.
   */
  seqBytes: Buffer;
  sa?: SaGdoiPayload;
  kd?: KdPayload;
  deletes: DeletePayload[];
  ctrl?: GetvpnCtrlPayload;
  certDer?: Buffer;
}

/** Signs `header | payloadsBeforeSig` (the "rekey" label is the signer's business). */
export type PushSigner = (headerBytes: Buffer, payloadsBeforeSig: Buffer) => Buffer;

/** The payloads before SIG, in docs/wire.md §5.2 order. */
export function rekeyPayloads(content: RekeyContent, now: number): Payload[] {
  const out: Payload[] = [{ type: 18, seq: content.seq }];
  if (content.ctrl) out.push(content.ctrl);
  for (const d of content.deletes ?? []) out.push(d);
  if (content.policy) out.push(policyToSa(content.policy, now), policyToKd(content.policy));
  if (content.certDer) out.push({ type: 6, encoding: CertEncoding.X509_SIG, data: content.certDer });
  return out;
}

/** SIG data length of an RSA key: the modulus size in octets. */
export function signatureLength(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || !bits) throw new GdoiError('BAD_KEY', 'the rekey signing key must be an RSA key');
  return Math.ceil(bits / 8);
}

/**
 * Assembles, signs and encrypts a PUSH. The final on-wire length is known before signing (SIG
 * has the key's fixed size, padding follows from the block size), so the signed header is the
 * header that is sent. `sign` is called once; tests pass their own to sign something else.
 */
export function sealPush(kek: KekPolicy, payloads: Payload[], sigLength: number, sign: PushSigner): Buffer {
  assert(kek.spi.length === 16, 'KEK SPI must be 16 octets');
  assert(payloads[0]?.type === 18, 'a PUSH starts with SEQ');
  const chain = encodePayloads([...payloads, { type: 9, data: Buffer.alloc(sigLength) }]);
  const sigAt = chain.length - sigLength;
  const { blockSize } = cipherInfo(kek.cipher);
  const padded = Math.max(blockSize, Math.ceil(chain.length / blockSize) * blockSize);
  const header = encodeHeader({
    icookie: kek.spi.subarray(0, 8), rcookie: kek.spi.subarray(8, 16), nextPayload: 18, version: ISAKMP_VERSION,
    exchange: ExchangeType.GROUPKEY_PUSH, flags: Flag.E, messageId: 0, length: HEADER_LENGTH + padded,
  });
  const sig = sign(header, chain.subarray(0, sigAt - 4));
  assert(sig.length === sigLength, `signature is ${sig.length} octets, SIG was sized for ${sigLength}`);
  sig.copy(chain, sigAt);
  const ct = encryptCbc(kek.cipher, kek.key, kek.iv, chain);
  return Buffer.concat([header, ct]);
}

/** Builds the whole datagram: signed once, encrypted with `kek` (the KEK the GMs hold now). */
export function buildPush(kek: KekPolicy, signingKey: KeyObject, content: RekeyContent, now: number): Buffer {
  return sealPush(kek, rekeyPayloads(content, now), signatureLength(signingKey),
    (header, before) => rekeySign(signingKey, kek.sigHash, header, before));
}

/** Cheap dispatcher peeks at the exchange type (header octet 18). */
export function isPush(bytes: Buffer): boolean {
  return bytes.length >= HEADER_LENGTH && bytes[18] === ExchangeType.GROUPKEY_PUSH;
}
export function isAck(bytes: Buffer): boolean {
  return bytes.length >= HEADER_LENGTH && bytes[18] === ExchangeType.GROUPKEY_PUSH_ACK;
}

export { openPush } from './groupkey-push-open.ts';
