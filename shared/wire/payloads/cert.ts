// RFC 2408 §3.9 CERT (6): Cert Encoding (1) | Certificate Data (rest)
// RFC 2408 §3.10 CERTREQ (7): Cert Type (1) | Certificate Authority (rest, may be empty)
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { CertPayload, CertReqPayload } from '../types.ts';

export function encodeCert(p: CertPayload, w: Writer): void {
  w.u8(p.encoding).bytes(p.data);
}
export function decodeCert(r: Reader): CertPayload {
  const encoding = r.u8('certificate encoding');
  return { type: 6, encoding, data: r.rest() };
}

export function encodeCertReq(p: CertReqPayload, w: Writer): void {
  w.u8(p.encoding).bytes(p.authority);
}
export function decodeCertReq(r: Reader): CertReqPayload {
  const encoding = r.u8('certificate type');
  return { type: 7, encoding, authority: r.rest() };
}
