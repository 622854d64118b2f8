// Payload type -> body codec. Types this codec does not parse decode as UnknownPayload.
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { DecodeContext, Payload } from '../types.ts';
import { encodeSa, decodeSa } from './sa.ts';
import { decodeSimpleData, encodeSimpleData, isSimpleDataType } from './simple-data.ts';
import { decodeId, encodeId } from './id.ts';
import { decodeCert, decodeCertReq, encodeCert, encodeCertReq } from './cert.ts';
import { decodeNotify, encodeNotify } from './notify.ts';
import { decodeDelete, encodeDelete } from './delete.ts';
import { decodeSaKek, encodeSaKek } from './sa-kek.ts';
import { decodeSaTek, encodeSaTek } from './sa-tek.ts';
import { decodeKd, encodeKd } from './key-download.ts';
import { decodeSeq, encodeSeq } from './seq.ts';
import { decodeGap, encodeGap } from './gap.ts';
import { decodeCoopAnn, decodeGetvpnCtrl, encodeCoopAnn, encodeGetvpnCtrl } from './private.ts';
import { decodeUnknown, encodeUnknown } from './unknown.ts';

/** Writes the body of `p` (no generic header). */
export function encodeBody(p: Payload, w: Writer): void {
  if ('unknown' in p) return encodeUnknown(p, w);
  switch (p.type) {
    case 1: return encodeSa(p, w);
    case 4: case 8: case 9: case 10: case 13: return encodeSimpleData(p, w);
    case 5: return encodeId(p, w);
    case 6: return encodeCert(p, w);
    case 7: return encodeCertReq(p, w);
    case 11: return encodeNotify(p, w);
    case 12: return encodeDelete(p, w);
    case 15: return encodeSaKek(p, w);
    case 16: return encodeSaTek(p, w);
    case 17: return encodeKd(p, w);
    case 18: return encodeSeq(p, w);
    case 22: return encodeGap(p, w);
    case 200: return encodeGetvpnCtrl(p, w);
    case 201: return encodeCoopAnn(p, w);
  }
}

/** Decodes a body of `type` from a reader bounded by the payload length. */
export function decodeBody(type: number, r: Reader, ctx: DecodeContext): Payload {
  if (isSimpleDataType(type)) return decodeSimpleData(type, r);
  switch (type) {
    case 1: return decodeSa(r, ctx);
    case 5: return decodeId(r);
    case 6: return decodeCert(r);
    case 7: return decodeCertReq(r);
    case 11: return decodeNotify(r);
    case 12: return decodeDelete(r);
    case 15: return decodeSaKek(r);
    case 16: return decodeSaTek(r);
    case 17: return decodeKd(r);
    case 18: return decodeSeq(r);
    case 22: return decodeGap(r);
    case 200: return decodeGetvpnCtrl(r);
    case 201: return decodeCoopAnn(r);
    default: return decodeUnknown(type, r);
  }
}
