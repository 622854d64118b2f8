// RFC 2407 §4.6.2 Identification payload (5), IPsec DOI layout, also GDOI's group id
// (RFC 6407 §5.3 uses the same DOI-specific fields) and the RFC 8263 ack's GM address:
//   ID Type (1) | Protocol ID (1) | Port (2) | Identification Data (rest)
import assert from 'node:assert/strict';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { IdPayload } from '../types.ts';
import { checkIdDataLength } from '../id-data.ts';
import { lengthFieldAt } from './generic.ts';

export function encodeId(p: IdPayload, w: Writer): void {
  if (!(p.port >= 0 && p.port <= 0xffff)) assert.fail(`ID port ${p.port} out of range`);
  w.u8(p.idType).u8(p.protocol).u16(p.port).bytes(p.data);
}

/** Address ID types must carry their fixed data size (BAD_LENGTH at the payload length). */
export function decodeId(r: Reader): IdPayload {
  const lengthAt = lengthFieldAt(r);
  const idType = r.u8('ID type');
  const protocol = r.u8('protocol id');
  const port = r.u16('port');
  const data = r.rest();
  checkIdDataLength(idType, data.length, lengthAt, 'payload length');
  return { type: 5, idType, protocol, port, data };
}
