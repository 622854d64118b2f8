// RFC 2408 §3.15 Delete payload (12):
//   DOI (4) | Protocol-Id (1) | SPI Size (1) | # of SPIs (2) | SPIs (# x SPI Size)
// In a GROUPKEY-PUSH (RFC 6407 §5.8 / §4.2): protocol 1/2 with 4-octet TEK SPIs, or 0 for the
// KEK with its 16-octet SPI.
import assert from 'node:assert/strict';
import { DecodeError } from '../../errors.ts';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { DeletePayload } from '../types.ts';

export function encodeDelete(p: DeletePayload, w: Writer): void {
  assert(p.spiSize >= 0 && p.spiSize <= 0xff && p.spis.length <= 0xffff, 'delete SPI size or count out of range');
  w.u32(p.doi).u8(p.protocolId).u8(p.spiSize).u16(p.spis.length);
  for (const spi of p.spis) {
    if (spi.length !== p.spiSize) assert.fail(`delete SPI of ${spi.length} octets, SPI size says ${p.spiSize}`);
    w.bytes(spi);
  }
}

/** # of SPIs x SPI Size must fill the body exactly (BAD_LENGTH at the count otherwise). */
export function decodeDelete(r: Reader): DeletePayload {
  const doi = r.u32('DOI');
  const protocolId = r.u8('protocol id');
  const spiSizeAt = r.pos;
  const spiSize = r.u8('SPI size');
  const countAt = r.pos;
  const count = r.u16('number of SPIs');
  // Zero-size SPIs would let a 12-octet payload claim 65535 entries: refuse (allocation guard).
  if (spiSize === 0 && count > 0) throw new DecodeError('BAD_VALUE', spiSizeAt, `SPI size 0 with ${count} SPI(s)`, 'SPI size');
  if (spiSize * count !== r.remaining) {
    throw new DecodeError('BAD_LENGTH', countAt, `${count} SPI(s) of ${spiSize} octets do not fill the ${r.remaining} octets left`, 'number of SPIs');
  }
  const spis: Buffer[] = [];
  for (let i = 0; i < count; i++) spis.push(r.bytes(spiSize));
  return { type: 12, doi, protocolId, spiSize, spis };
}
