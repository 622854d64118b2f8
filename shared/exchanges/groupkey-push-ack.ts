// GROUPKEY-PUSH-ACK (RFC 8263 §4, docs/wire.md §5.5), unencrypted:
//
//   HDR(cookies = the PUSH's KEK SPI, exchange 35, flags 0, M-ID 0), HASH, SEQ, ID
//
// HASH = prf(ack_key, SEQ | ID) over this message's own SEQ and ID payloads (generic headers
// included); ack_key comes from the KEK (crypto/kek.ts ackKey). The KS opens thousands of these
// per rekey, so opening costs one HMAC: ack_key is derived once per KEK and cached.
import { timingSafeEqual } from 'node:crypto';
import { ackHash, ackKey, type AckType } from '../crypto/kek.ts';
import { bytesToIpv4, bytesToIpv6, ipv4ToBytes, ipv6ToBytes } from '../wire/id-data.ts';
import { decodeMessage, encodeHeader, encodePayload } from '../wire/message.ts';
import { AckType as AckTypes, ExchangeType, Flag, HEADER_LENGTH, IdType, ISAKMP_VERSION, PayloadType } from '../wire/registry.ts';
import type { DecodedMessage, IdPayload } from '../wire/types.ts';
import type { KekPolicy } from '../policy/group-policy.ts';
import { reject } from './push-rejected.ts';

/** We request (policy/sa-kd.ts) and so answer only REKEY_ACK_KEK_SHA256. */
const ACK_TYPE: AckType = AckTypes.REKEY_ACK_KEK_SHA256 as AckType;

const keyCache = new WeakMap<KekPolicy, { material: Buffer; spi: Buffer; ackKey: Buffer }>();

/** ack_key for this KEK, derived on first use (base_key = KEK key without its IV). */
function ackKeyOf(kek: KekPolicy): Buffer {
  const hit = keyCache.get(kek);
  if (hit && hit.material === kek.key && hit.spi === kek.spi) return hit.ackKey;
  const k = ackKey(ACK_TYPE, kek.key, kek.spi);
  keyCache.set(kek, { material: kek.key, spi: kek.spi, ackKey: k });
  return k;
}

function gmId(gmAddress: string): IdPayload {
  const v6 = gmAddress.includes(':');
  return {
    type: 5, idType: v6 ? IdType.IPV6_ADDR : IdType.IPV4_ADDR, protocol: 0, port: 0,
    data: v6 ? ipv6ToBytes(gmAddress) : ipv4ToBytes(gmAddress),
  };
}

/** HDR(exch 35, cookies = kek.spi, next HASH, flags 0, mid 0), HASH, SEQ, ID(GM address, proto 0 port 0). */
export function buildAck(kek: KekPolicy, seq: number, gmAddress: string): Buffer {
  const seqP = encodePayload({ type: 18, seq }, PayloadType.ID);
  const idP = encodePayload(gmId(gmAddress), PayloadType.NONE);
  const hashP = encodePayload({ type: 8, data: ackHash(ACK_TYPE, ackKeyOf(kek), seqP, idP) }, PayloadType.SEQ);
  const header = encodeHeader({
    icookie: kek.spi.subarray(0, 8), rcookie: kek.spi.subarray(8, 16), nextPayload: PayloadType.HASH,
    version: ISAKMP_VERSION, exchange: ExchangeType.GROUPKEY_PUSH_ACK, flags: 0, messageId: 0,
    length: HEADER_LENGTH + hashP.length + seqP.length + idP.length,
  });
  return Buffer.concat([header, hashP, seqP, idP]);
}

function addressOf(id: IdPayload): string {
  if (id.idType === IdType.IPV4_ADDR && id.data.length === 4) return bytesToIpv4(id.data);
  if (id.idType === IdType.IPV6_ADDR && id.data.length === 16) return bytesToIpv6(id.data);
  return reject('MALFORMED', `ack ID type ${IdType.nameOf(id.idType)} is not a GM address`);
}

/**
 * Checks an ack against the KEK its cookies name. Throws PushRejected: MALFORMED (not
 * `HDR, HASH, SEQ, ID` unencrypted), WRONG_SPI (no such KEK), BAD_SIGNATURE (HASH mismatch).
 * Duplicates are the caller's to drop, before calling this.
 */
export function openAck(bytes: Buffer, lookupKek: (spi: Buffer) => KekPolicy | undefined): { kekSpi: Buffer; seq: number; gmAddress: string } {
  let m: DecodedMessage;
  try {
    m = decodeMessage(bytes);
  } catch (e) {
    return reject('MALFORMED', `bad ack: ${(e as Error).message}`);
  }
  if (m.header.exchange !== ExchangeType.GROUPKEY_PUSH_ACK) reject('MALFORMED', `exchange ${m.header.exchange} is not GROUPKEY-PUSH-ACK`);
  if (m.header.flags & Flag.E || !m.chain) reject('MALFORMED', 'an ack is never encrypted');
  const [hash, seq, id] = m.chain.payloads;
  if (m.chain.payloads.length !== 3 || hash?.type !== 8 || seq?.type !== 18 || id?.type !== 5
    || !('data' in hash) || !('seq' in seq) || !('idType' in id)) {
    reject('MALFORMED', 'an ack is HASH, SEQ, ID');
  }
  const gmAddress = addressOf(id);
  const kekSpi = Buffer.from(bytes.subarray(0, 16));
  const kek = lookupKek(kekSpi);
  if (!kek) reject('WRONG_SPI', `no KEK with SPI ${kekSpi.toString('hex')}`);
  const want = ackHash(ACK_TYPE, ackKeyOf(kek), m.chain.raw[1]!, m.chain.raw[2]!);
  if (hash.data.length !== want.length || !timingSafeEqual(hash.data, want)) reject('BAD_SIGNATURE', 'ack HASH does not verify');
  return { kekSpi, seq: seq.seq, gmAddress };
}
export { isAck } from './groupkey-push.ts';
