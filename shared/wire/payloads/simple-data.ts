// Payloads whose body is one opaque octet string (RFC 2408 §3.7, §3.11-3.13, §3.16):
//   KE (4): Key Exchange Data | HASH (8): Hash Data | SIG (9): Signature Data |
//   NONCE (10): Nonce Data | VENDOR_ID (13): Vendor ID
// Sizes (nonce 8..256 octets, hash = prf output) are the exchanges' checks, not the codec's.
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { HashPayload, KePayload, NoncePayload, SigPayload, VendorIdPayload } from '../types.ts';

export type SimpleDataPayload = KePayload | HashPayload | SigPayload | NoncePayload | VendorIdPayload;
export type SimpleDataType = SimpleDataPayload['type'];

export function isSimpleDataType(type: number): type is SimpleDataType {
  return type === 4 || type === 8 || type === 9 || type === 10 || type === 13;
}

export function encodeSimpleData(p: SimpleDataPayload, w: Writer): void {
  w.bytes(p.data);
}

/** The whole body, as a view into the input. */
export function decodeSimpleData(type: SimpleDataType, r: Reader): SimpleDataPayload {
  return { type, data: r.rest() };
}
