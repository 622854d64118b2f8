// RFC 6407 §5.4 SA TEK payload (16): Protocol-ID (1) | TEK Protocol-Specific Payload.
// For IPSEC_ESP (1) and IPSEC_AH (2), §5.4.1, in the layout tshark parses:
//   Protocol (1) | SRC ID Type (1) | SRC ID Port (2) | SRC ID Data Len (2) | SRC ID Data |
//   DST ID Type (1) | DST ID Port (2) | DST ID Data Len (2) | DST ID Data |
//   Transform ID (1) | SPI (4) | RFC 2407 SA Attributes (rest)
// Other protocol ids (RFC 8052 IEC 61850, private) stay opaque.
import assert from 'node:assert/strict';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { SaTekPayload } from '../types.ts';
import { decodeAttributes, encodeAttributes } from '../attributes.ts';
import { decodeSelector, encodeSelector } from './selector.ts';

export const TEK_SPI_LENGTH = 4;

export function encodeSaTek(p: SaTekPayload, w: Writer): void {
  if ('body' in p) {
    assert(p.protocolId !== 1 && p.protocolId !== 2, 'ESP/AH SA TEK must use the parsed form');
    w.u8(p.protocolId).bytes(p.body);
    return;
  }
  if (p.spi.length !== TEK_SPI_LENGTH) assert.fail(`TEK SPI must be ${TEK_SPI_LENGTH} octets`);
  w.u8(p.protocolId).u8(p.protocol);
  encodeSelector(p.src, 2, w);
  encodeSelector(p.dst, 2, w);
  w.u8(p.transformId).bytes(p.spi);
  encodeAttributes(p.attributes, w);
}

export function decodeSaTek(r: Reader): SaTekPayload {
  const protocolId = r.u8('protocol id');
  if (protocolId !== 1 && protocolId !== 2) return { type: 16, protocolId, body: r.rest() };
  const protocol = r.u8('protocol');
  const src = decodeSelector(r, 2, 'SRC');
  const dst = decodeSelector(r, 2, 'DST');
  const transformId = r.u8('transform id');
  const spi = r.bytes(TEK_SPI_LENGTH, 'TEK SPI');
  return { type: 16, protocolId, protocol, src, dst, transformId, spi, attributes: decodeAttributes(r) };
}
