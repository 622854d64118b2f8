// RFC 6407 §5.6 Key Download payload and its key packets.
import { describe, expect, it } from 'vitest';
import { tlv } from '../../../shared/wire/attributes.ts';
import type { KdPayload } from '../../../shared/wire/types.ts';
import { decodeOne, expectDecodeError, fill, hex, roundTrip, vector } from './helpers.ts';
import { pullMsg4 } from './samples.ts';

// Offsets: header 0, count 4, RESERVED2 6; TEK packet 8 (type 8, reserved 9, length 10,
// SPI size 12, SPI 13, attributes 17 and 25); KEK packet 31 (type 31, reserved 32, length 33,
// SPI size 35, SPI 36, attribute 52: type 52, length 54); end 64.
const VECTOR = hex(
  '00 00 0040',                         // KD: next 0, reserved, length 64
  '0002 0000',                          // 2 key packets, RESERVED2
  '01 00 0017',                         // TEK packet: type 1, reserved, length 23
  '04 a1b2c3d4',                        // SPI size 4, TEK SPI
  '0001 0004 aabbccdd',                 // TEK_ALGORITHM_KEY (4 octets here, to keep the vector short)
  '0002 0002 eeff',                     // TEK_INTEGRITY_KEY (2 octets)
  '02 00 0021',                         // KEK packet: type 2, reserved, length 33
  '10 0123456789abcdef fedcba9876543210', // SPI size 16, KEK SPI
  '0001 0008 1122334455667788',         // KEK_ALGORITHM_KEY (IV || key, shortened)
);
function edit(at: number, v: number): Buffer { const b = Buffer.from(VECTOR); b[at] = v; return b; }

describe('Key Download', () => {
  it('decodes the vector (TEK + KEK packets) and re-encodes it', () => {
    const p = vector<KdPayload>(17, VECTOR);
    expect(p).toEqual({
      type: 17,
      packets: [
        { kdType: 1, spi: hex('a1b2c3d4'), attributes: [tlv(1, hex('aabbccdd')), tlv(2, hex('eeff'))] },
        { kdType: 2, spi: hex('0123456789abcdeffedcba9876543210'), attributes: [tlv(1, hex('1122334455667788'))] },
      ],
    });
  });
  it('round trips the PULL msg 4 KD, an empty KD, and SPI-less packets (SID)', () => {
    roundTrip(pullMsg4.payloads[2]!);
    roundTrip({ type: 17, packets: [] });
    roundTrip({ type: 17, packets: [{ kdType: 4, spi: Buffer.alloc(0), attributes: [] }, { kdType: 9, spi: fill(3, 1), attributes: [] }] });
  });
  it('rejects a count above the packets present', () => {
    expectDecodeError(() => decodeOne(17, edit(5, 3)), 'BAD_LENGTH', 4);
  });
  it('rejects packets beyond the count', () => {
    expectDecodeError(() => decodeOne(17, edit(5, 1)), 'BAD_LENGTH', 4);
  });
  it('rejects a huge count without allocating for it', () => {
    const b = Buffer.from(VECTOR);
    b.writeUInt16BE(0xffff, 4);
    expectDecodeError(() => decodeOne(17, b), 'BAD_LENGTH', 4);
  });
  it('rejects non-zero RESERVED2 and packet RESERVED', () => {
    expectDecodeError(() => decodeOne(17, edit(7, 1)), 'BAD_VALUE', 6);
    expectDecodeError(() => decodeOne(17, edit(9, 1)), 'BAD_VALUE', 9);
  });
  it('rejects a packet length below 5 or beyond the payload', () => {
    expectDecodeError(() => decodeOne(17, edit(11, 4)), 'BAD_LENGTH', 10);
    expectDecodeError(() => decodeOne(17, edit(34, 0x22)), 'BAD_LENGTH', 33);
  });
  it('rejects an SPI size beyond the packet', () => {
    expectDecodeError(() => decodeOne(17, edit(12, 0x20)), 'BAD_LENGTH', 12);
  });
  it('rejects a key attribute beyond its packet', () => {
    expectDecodeError(() => decodeOne(17, edit(55, 9)), 'BAD_LENGTH', 54);
  });
  it('rejects a packet whose length cuts its last attribute', () => {
    expectDecodeError(() => decodeOne(17, edit(11, 0x15)), 'BAD_LENGTH', 27);
  });
  it('rejects a KD cut inside its header', () => {
    expectDecodeError(() => decodeOne(17, hex('00 00 0007', '0000 00')), 'TRUNCATED', 6);
  });
});
