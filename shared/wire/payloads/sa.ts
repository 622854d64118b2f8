// Security Association payload (1). Two bodies share the type:
//  proposals form, RFC 2408 §3.4 / RFC 2407 §4.6.1 (phase 1, informational):
//    DOI (4) | Situation (4) | Proposal payloads
//  GDOI form, RFC 6407 §5.1 (GROUPKEY-PULL/PUSH with DOI 2), in the layout tshark parses:
//    DOI (4) = 2 | Situation (4) | SA Attribute Next Payload (2) | RESERVED2 (2) |
//    SA KEK / SA TEK / GAP payloads, chained and counted in the SA payload length
// The form depends on the exchange and the DOI: strongSwan sends a DOI-1 SA in exchange 32
// (its quick mode), and GDOI peers send DOI 2 in main mode, so neither alone decides.
import assert from 'node:assert/strict';
import { DecodeError } from '../../errors.ts';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { DecodeContext, GdoiPolicyPayload, SaPayload } from '../types.ts';
import { Doi, ExchangeType, PayloadType } from '../registry.ts';
import { decodeChain, encodeChain } from './chain.ts';
import { decodeProposals, encodeProposals } from './proposal.ts';
import { decodeSaKek, encodeSaKek } from './sa-kek.ts';
import { decodeSaTek, encodeSaTek } from './sa-tek.ts';
import { decodeGap, encodeGap } from './gap.ts';
import { decodeUnknown, encodeUnknown } from './unknown.ts';

const GDOI_FORM_EXCHANGES: ReadonlySet<number> = new Set([
  ExchangeType.GROUPKEY_PULL, ExchangeType.GROUPKEY_PUSH, ExchangeType.COOP,
]);

/** True when an SA with this DOI in this exchange carries the GDOI (SA KEK/TEK) body. */
export function isGdoiSaForm(exchange: number, doi: number): boolean {
  return doi === Doi.GDOI && GDOI_FORM_EXCHANGES.has(exchange);
}

/** RFC 2407 §4.6.1 situation bits that append labelled-domain fields we do not parse. */
const SIT_SECRECY_OR_INTEGRITY = 0x06;

function encodePolicy(p: GdoiPolicyPayload, w: Writer): void {
  if ('unknown' in p) return encodeUnknown(p, w);
  switch (p.type) {
    case 15: return encodeSaKek(p, w);
    case 16: return encodeSaTek(p, w);
    case 22: return encodeGap(p, w);
  }
}

/** Inside a GDOI SA only SA KEK, SA TEK and GAP are parsed; anything else stays opaque. */
function decodePolicy(type: number, r: Reader): GdoiPolicyPayload {
  switch (type) {
    case PayloadType.SA_KEK: return decodeSaKek(r);
    case PayloadType.SA_TEK: return decodeSaTek(r);
    case PayloadType.GAP: return decodeGap(r);
    default: return decodeUnknown(type, r);
  }
}

export function encodeSa(p: SaPayload, w: Writer): void {
  w.u32(p.doi).u32(p.situation);
  if (p.form === 'proposals') {
    encodeProposals(p.proposals, w);
    return;
  }
  assert(p.doi === Doi.GDOI, 'the GDOI SA form needs DOI 2');
  w.u16(p.policies.length > 0 ? p.policies[0]!.type : 0).u16(0);
  encodeChain(p.policies, w, encodePolicy);
}

export function decodeSa(r: Reader, ctx: DecodeContext): SaPayload {
  const doi = r.u32('DOI');
  const situationAt = r.pos;
  const situation = r.u32('situation');
  if (!isGdoiSaForm(ctx.exchange, doi)) {
    if (doi === Doi.IPSEC && situation & SIT_SECRECY_OR_INTEGRITY) {
      throw new DecodeError('UNSUPPORTED', situationAt, `IPsec situation 0x${situation.toString(16)} (labelled domains)`, 'situation');
    }
    return { type: 1, form: 'proposals', doi, situation, proposals: decodeProposals(r) };
  }
  const nextAt = r.pos;
  // Two octets here (tshark's reading): a peer writing one octet + padding shows up as > 255.
  const first = r.u16('SA attribute next payload');
  if (first > 0xff) throw new DecodeError('BAD_VALUE', nextAt, `SA attribute next payload ${first} is not a payload type`, 'SA attribute next payload');
  const reservedAt = r.pos;
  if (r.u16('RESERVED2') !== 0) throw new DecodeError('BAD_VALUE', reservedAt, 'SA RESERVED2 not zero', 'RESERVED2');
  const policies = decodeChain(first, r, decodePolicy);
  r.done('GDOI SA');
  return { type: 1, form: 'gdoi', doi, situation, policies };
}
