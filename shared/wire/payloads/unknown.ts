// Payloads this codec does not parse (RFC 2408 §3.1: types it does not know, e.g. NAT-D,
// POP, private-use types) keep their body bytes so they re-encode identically and still
// count in hashes and signatures.
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { UnknownPayload } from '../types.ts';

export function encodeUnknown(p: UnknownPayload, w: Writer): void {
  w.bytes(p.body);
}
export function decodeUnknown(type: number, r: Reader): UnknownPayload {
  return { type, unknown: true, body: r.rest() };
}
