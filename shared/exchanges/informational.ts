// Informational exchange (RFC 2408 §4.8, RFC 2409 §5.7): NOTIFY and DELETE, plain before a
// phase-1 SA exists, encrypted and hashed (HASH(1) = prf(SKEYID_a, M-ID | N/D)) under one.
import { prf } from '../crypto/hash.ts';
import { encodeMessage, encodePayloads } from '../wire/message.ts';
import type { DeletePayload, NotifyPayload, Payload, HashPayload } from '../wire/types.ts';
import { Doi, ExchangeType, ISAKMP_VERSION, PROTO_ISAKMP } from '../wire/registry.ts';
import { Phase2IvChain, openUnder, sealUnder, type Phase1Sa } from './phase1-sa.ts';
import type { Random } from '../time/clock.ts';
import { AuthError, VerifyError } from '../errors.ts';

export function notifyPayload(notifyType: number, opts: { doi?: number; protocolId?: number; spi?: Buffer; data?: Buffer } = {}): NotifyPayload {
  return { type: 11, doi: opts.doi ?? Doi.IPSEC, protocolId: opts.protocolId ?? PROTO_ISAKMP, spi: opts.spi ?? Buffer.alloc(0), notifyType, data: opts.data ?? Buffer.alloc(0) };
}

/** An ISAKMP SA delete: protocol ISAKMP, SPI = the 16-octet cookie pair (RFC 2408 §3.15). */
export function deleteIsakmpPayload(icookie: Buffer, rcookie: Buffer): DeletePayload {
  return { type: 12, doi: Doi.IPSEC, protocolId: PROTO_ISAKMP, spiSize: 16, spis: [Buffer.concat([icookie, rcookie])] };
}

/** A plaintext informational (no phase-1 keys yet, e.g. NO_PROPOSAL_CHOSEN). */
export function plainInformational(icookie: Buffer, rcookie: Buffer, payload: Payload): Buffer {
  return encodeMessage({ icookie, rcookie, version: ISAKMP_VERSION, exchange: ExchangeType.INFORMATIONAL, flags: 0, messageId: 0 }, [payload]);
}

function messageIdBytes(mid: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32BE(mid >>> 0); return b; }

/** A protected informational under an established SA. */
export function protectedInformational(sa: Phase1Sa, random: Random, payload: NotifyPayload | DeletePayload): Buffer {
  const mid = random.bytes(4).readUInt32BE(0) || 1;
  const body = encodePayloads([payload]);
  const hash: HashPayload = { type: 8, data: prf(sa.proposal.hash, sa.keys.skeyidA, messageIdBytes(mid), body) };
  const iv = new Phase2IvChain(sa, mid);
  return sealUnder(sa, iv.current, ExchangeType.INFORMATIONAL, mid, [hash, payload]).bytes;
}

/** Opens a protected informational and checks its HASH(1); returns its NOTIFY/DELETE payloads. */
export function openInformational(sa: Phase1Sa, bytes: Buffer, messageId: number): Array<NotifyPayload | DeletePayload> {
  const iv = new Phase2IvChain(sa, messageId);
  const { chain } = openUnder(sa, iv.current, bytes);
  const [first, ...rest] = chain.payloads;
  if (!first || first.type !== 8) throw new VerifyError('NO_HASH', 'informational without leading HASH');
  const covered = Buffer.concat(chain.raw.slice(1));
  const expected = prf(sa.proposal.hash, sa.keys.skeyidA, messageIdBytes(messageId), covered);
  if (!(first as HashPayload).data.equals(expected)) throw new AuthError('BAD_HASH', 'informational HASH does not verify');
  return rest.filter((p): p is NotifyPayload | DeletePayload => p.type === 11 || p.type === 12);
}
