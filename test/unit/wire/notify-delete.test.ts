// RFC 2408 §3.14 Notification and §3.15 Delete payloads.
import { describe, expect, it } from 'vitest';
import type { DeletePayload, NotifyPayload } from '../../../shared/wire/types.ts';
import { decodeOne, expectDecodeError, fill, hex, roundTrip, vector } from './helpers.ts';

describe('Notify', () => {
  const VECTOR = hex(
    '00 00 0014', // generic: length 20
    '00000002',   // DOI 2 GDOI
    '01',         // protocol id 1 ISAKMP
    '04',         // SPI size 4
    '0017',       // notify type 23 INVALID_HASH_INFORMATION
    'a1b2c3d4',   // SPI
    '00112233',   // notification data
  );
  it('vector and round trip', () => {
    const p = vector<NotifyPayload>(11, VECTOR);
    expect(p).toEqual({ type: 11, doi: 2, protocolId: 1, spi: hex('a1b2c3d4'), notifyType: 23, data: hex('00112233') });
    roundTrip({ type: 11, doi: 2, protocolId: 1, spi: fill(16, 1), notifyType: 45, data: Buffer.alloc(0) });
    roundTrip({ type: 11, doi: 0, protocolId: 0, spi: Buffer.alloc(0), notifyType: 24578, data: fill(9, 2) });
  });
  it('rejects an SPI size beyond the body at the SPI size field', () => {
    const b = Buffer.from(VECTOR);
    b[9] = 13; // 12 octets follow the type field
    expectDecodeError(() => decodeOne(11, b), 'BAD_LENGTH', 9);
  });
  it('rejects a body cut before the notify type', () => {
    expectDecodeError(() => decodeOne(11, hex('00 00 000b', '00000002 01 00 00')), 'TRUNCATED', 10);
  });
});

describe('Delete', () => {
  const VECTOR = hex(
    '00 00 0014', // generic: length 20
    '00000002',   // DOI 2
    '01',         // protocol id 1 (TEK, ESP)
    '04',         // SPI size 4
    '0002',       // 2 SPIs
    '11111111',   // SPI 1
    '22222222',   // SPI 2
  );
  it('vector: two TEK SPIs', () => {
    const p = vector<DeletePayload>(12, VECTOR);
    expect(p).toEqual({ type: 12, doi: 2, protocolId: 1, spiSize: 4, spis: [hex('11111111'), hex('22222222')] });
  });
  it('round trips a KEK delete (protocol 0, 16-octet SPI) and an empty delete', () => {
    roundTrip({ type: 12, doi: 2, protocolId: 0, spiSize: 16, spis: [fill(16, 3)] });
    roundTrip({ type: 12, doi: 2, protocolId: 1, spiSize: 4, spis: [] });
  });
  it('rejects a count larger than the SPIs present at the count', () => {
    const b = Buffer.from(VECTOR);
    b[11] = 3;
    expectDecodeError(() => decodeOne(12, b), 'BAD_LENGTH', 10);
  });
  it('rejects spare octets after the SPIs at the count', () => {
    const b = Buffer.from(VECTOR);
    b[11] = 1;
    expectDecodeError(() => decodeOne(12, b), 'BAD_LENGTH', 10);
  });
  it('rejects SPI size 0 with a non-zero count (allocation guard)', () => {
    expectDecodeError(() => decodeOne(12, hex('00 00 000c', '00000002 01 00 ffff')), 'BAD_VALUE', 9);
  });
  it('refuses to encode an SPI that disagrees with the SPI size', () => {
    expect(() => roundTrip({ type: 12, doi: 2, protocolId: 1, spiSize: 4, spis: [fill(3, 1)] })).toThrow(/SPI/);
  });
});
