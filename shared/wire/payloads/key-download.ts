// RFC 6407 §5.6 Key Download payload (17):
//   Number of Key Packets (2) | RESERVED2 (2) | Key Packets
// each key packet (§5.6.1):
//   KD Type (1) | RESERVED (1) | KD Length (2, the whole packet) | SPI Size (1) | SPI |
//   Key Packet Attributes (rest of the packet)
import assert from 'node:assert/strict';
import { DecodeError } from '../../errors.ts';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { KdPayload, KeyPacket } from '../types.ts';
import { decodeAttributes, encodeAttributes } from '../attributes.ts';

/** KD Type, RESERVED, KD Length, SPI Size. */
const PACKET_FIXED = 5;

export function encodeKd(p: KdPayload, w: Writer): void {
  assert(p.packets.length <= 0xffff, 'too many key packets');
  w.u16(p.packets.length).u16(0);
  for (const k of p.packets) {
    assert(k.spi.length <= 0xff, 'key packet SPI longer than 255 octets');
    const start = w.pos;
    w.u8(k.kdType).u8(0).u16(0).u8(k.spi.length).bytes(k.spi);
    encodeAttributes(k.attributes, w);
    const len = w.pos - start;
    assert(len <= 0xffff, 'key packet exceeds the 16-bit KD length');
    w.patch16(start + 2, len);
  }
}

function decodeKeyPacket(r: Reader): KeyPacket {
  const start = r.pos;
  const kdType = r.u8('KD type');
  if (r.u8('RESERVED') !== 0) throw new DecodeError('BAD_VALUE', start + 1, 'key packet RESERVED not zero', 'RESERVED');
  const len = r.u16('KD length');
  if (len < PACKET_FIXED || len - 4 > r.remaining) {
    throw new DecodeError('BAD_LENGTH', start + 2, `KD length ${len} outside ${PACKET_FIXED}..${r.remaining + 4}`, 'KD length');
  }
  const pr = r.sub(len - 4);
  const spiSize = pr.u8('SPI size');
  if (spiSize > pr.remaining) {
    throw new DecodeError('BAD_LENGTH', start + 4, `SPI size ${spiSize} exceeds the ${pr.remaining} octets left in the key packet`, 'SPI size');
  }
  const spi = pr.bytes(spiSize);
  return { kdType, spi, attributes: decodeAttributes(pr) };
}

/** Packets must fill the body exactly and match the count (BAD_LENGTH at the count otherwise). */
export function decodeKd(r: Reader): KdPayload {
  const countAt = r.pos;
  const count = r.u16('number of key packets');
  const reservedAt = r.pos;
  if (r.u16('RESERVED2') !== 0) throw new DecodeError('BAD_VALUE', reservedAt, 'KD RESERVED2 not zero', 'RESERVED2');
  // Never pre-size from the count: each packet takes at least 5 octets of real input.
  const packets: KeyPacket[] = [];
  while (r.remaining > 0) {
    if (packets.length === count) {
      throw new DecodeError('BAD_LENGTH', countAt, `${r.remaining} octet(s) after the ${count} key packet(s) counted`, 'number of key packets');
    }
    packets.push(decodeKeyPacket(r));
  }
  if (packets.length !== count) {
    throw new DecodeError('BAD_LENGTH', countAt, `count says ${count} key packet(s), body holds ${packets.length}`, 'number of key packets');
  }
  return { type: 17, packets };
}
