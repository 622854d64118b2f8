// GDOI traffic and rekey selectors (RFC 6407 §5.3, §5.4.1):
//   ID Type (1) | ID Port (2) | ID Data Len (1 in SA KEK, 2 in SA TEK) | ID Data
// The widths follow what tshark parses (docs: reference protocol.md §3.2/§3.3).
import assert from 'node:assert/strict';
import { DecodeError } from '../../errors.ts';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { GdoiSelector } from '../types.ts';
import { checkIdDataLength } from '../id-data.ts';

export type LengthWidth = 1 | 2;

export function encodeSelector(s: GdoiSelector, lenWidth: LengthWidth, w: Writer): void {
  const max = lenWidth === 1 ? 0xff : 0xffff;
  if (s.data.length > max) assert.fail(`selector data of ${s.data.length} octets exceeds a ${lenWidth}-octet length`);
  if (!(s.port >= 0 && s.port <= 0xffff)) assert.fail(`selector port ${s.port} out of range`);
  w.u8(s.idType).u16(s.port);
  if (lenWidth === 1) w.u8(s.data.length); else w.u16(s.data.length);
  w.bytes(s.data);
}

/** Field names for errors, built once (decoding is on the rekey hot path). */
const FIELDS = {
  SRC: { type: 'SRC ID type', port: 'SRC ID port', length: 'SRC ID data length' },
  DST: { type: 'DST ID type', port: 'DST ID port', length: 'DST ID data length' },
} as const;

export function decodeSelector(r: Reader, lenWidth: LengthWidth, which: 'SRC' | 'DST'): GdoiSelector {
  const f = FIELDS[which];
  const idType = r.u8(f.type);
  const port = r.u16(f.port);
  const lenAt = r.pos;
  const len = lenWidth === 1 ? r.u8(f.length) : r.u16(f.length);
  if (len > r.remaining) throw new DecodeError('BAD_LENGTH', lenAt, `${f.length} ${len} exceeds the ${r.remaining} octets left`, f.length);
  checkIdDataLength(idType, len, lenAt, f.length);
  return { idType, port, data: r.bytes(len) };
}
