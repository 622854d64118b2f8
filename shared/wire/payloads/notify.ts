// RFC 2408 §3.14 Notification payload (11):
//   DOI (4) | Protocol-ID (1) | SPI Size (1) | Notify Message Type (2) | SPI (SPI Size) |
//   Notification Data (rest)
import assert from 'node:assert/strict';
import { DecodeError } from '../../errors.ts';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { NotifyPayload } from '../types.ts';

export function encodeNotify(p: NotifyPayload, w: Writer): void {
  assert(p.spi.length <= 0xff, 'notify SPI longer than 255 octets');
  w.u32(p.doi).u8(p.protocolId).u8(p.spi.length).u16(p.notifyType).bytes(p.spi).bytes(p.data);
}

export function decodeNotify(r: Reader): NotifyPayload {
  const doi = r.u32('DOI');
  const protocolId = r.u8('protocol id');
  const spiSizeAt = r.pos;
  const spiSize = r.u8('SPI size');
  const notifyType = r.u16('notify message type');
  if (spiSize > r.remaining) {
    throw new DecodeError('BAD_LENGTH', spiSizeAt, `SPI size ${spiSize} exceeds the ${r.remaining} octets left`, 'SPI size');
  }
  const spi = r.bytes(spiSize);
  return { type: 11, doi, protocolId, spi, notifyType, data: r.rest() };
}
