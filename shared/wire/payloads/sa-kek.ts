// RFC 6407 §5.3 SA KEK payload (15), in the layout tshark parses:
//   Protocol (1) | SRC ID Type (1) | SRC ID Port (2) | SRC ID Data Len (1) | SRC ID Data |
//   DST ID Type (1) | DST ID Port (2) | DST ID Data Len (1) | DST ID Data |
//   SPI (16) | RESERVED2 (4; RFC 3547's POP fields) | KEK Attributes (rest)
// RESERVED2 is kept as read, not checked: RFC 3547 peers fill it (POP algorithm/key length).
import assert from 'node:assert/strict';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { SaKekPayload } from '../types.ts';
import { decodeAttributes, encodeAttributes } from '../attributes.ts';
import { decodeSelector, encodeSelector } from './selector.ts';

export const KEK_SPI_LENGTH = 16;

export function encodeSaKek(p: SaKekPayload, w: Writer): void {
  if (p.spi.length !== KEK_SPI_LENGTH) assert.fail(`KEK SPI must be ${KEK_SPI_LENGTH} octets`);
  assert(p.reserved2.length === 4, 'SA KEK RESERVED2 must be 4 octets');
  w.u8(p.protocol);
  encodeSelector(p.src, 1, w);
  encodeSelector(p.dst, 1, w);
  w.bytes(p.spi).bytes(p.reserved2);
  encodeAttributes(p.attributes, w);
}

export function decodeSaKek(r: Reader): SaKekPayload {
  const protocol = r.u8('protocol');
  const src = decodeSelector(r, 1, 'SRC');
  const dst = decodeSelector(r, 1, 'DST');
  const spi = r.bytes(KEK_SPI_LENGTH, 'KEK SPI');
  const reserved2 = r.bytes(4, 'RESERVED2');
  return { type: 15, protocol, src, dst, spi, reserved2, attributes: decodeAttributes(r) };
}
