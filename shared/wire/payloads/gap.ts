// RFC 6407 §5.5 Group Associated Policy payload (22): a list of data attributes
// (ACTIVATION_TIME_DELAY, DEACTIVATION_TIME_DELAY from the KS inside the SA;
// SENDER_ID_REQUEST from a GM in GROUPKEY-PULL message 3).
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { GapPayload } from '../types.ts';
import { decodeAttributes, encodeAttributes } from '../attributes.ts';

export function encodeGap(p: GapPayload, w: Writer): void {
  encodeAttributes(p.attributes, w);
}
export function decodeGap(r: Reader): GapPayload {
  return { type: 22, attributes: decodeAttributes(r) };
}
