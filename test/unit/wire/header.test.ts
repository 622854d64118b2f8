// RFC 2408 §3.1 ISAKMP header: fixed vector, round trip, and every rejection with its offset.
import { describe, expect, it } from 'vitest';
import { decodeHeader, encodeHeader } from '../../../shared/wire/message.ts';
import { expectDecodeError, hex } from './helpers.ts';

const VECTOR = hex(
  '0123456789abcdef', // initiator cookie
  'fedcba9876543210', // responder cookie
  '08',               // next payload: HASH
  '10',               // version 1.0
  '20',               // exchange 32 GROUPKEY-PULL
  '01',               // flags: E
  '5a5a1234',         // message id
  '0000001c',         // length 28
);

function withByte(buf: Buffer, at: number, v: number): Buffer {
  const b = Buffer.from(buf);
  b[at] = v;
  return b;
}

describe('ISAKMP header', () => {
  it('decodes the fixed vector and re-encodes it byte for byte', () => {
    const h = decodeHeader(VECTOR);
    expect(h).toEqual({
      icookie: Buffer.from('0123456789abcdef', 'hex'), rcookie: Buffer.from('fedcba9876543210', 'hex'),
      nextPayload: 8, version: 0x10, exchange: 32, flags: 1, messageId: 0x5a5a1234, length: 28,
    });
    expect(encodeHeader(h).toString('hex')).toBe(VECTOR.toString('hex'));
  });

  it('decodes at an offset (e.g. after a 4-octet non-ESP marker)', () => {
    const buf = Buffer.concat([Buffer.alloc(4), VECTOR]);
    expect(decodeHeader(buf, 4).messageId).toBe(0x5a5a1234);
    expectDecodeError(() => decodeHeader(withByte(buf, 4 + 17, 0x20), 4), 'BAD_VALUE', 21);
  });

  it('accepts any minor version and keeps it', () => {
    expect(encodeHeader(decodeHeader(withByte(VECTOR, 17, 0x11)))[17]).toBe(0x11);
  });

  it('rejects fewer than 28 octets', () => {
    expectDecodeError(() => decodeHeader(VECTOR.subarray(0, 27)), 'TRUNCATED', 0);
  });
  it('rejects major version 2', () => {
    expectDecodeError(() => decodeHeader(withByte(VECTOR, 17, 0x20)), 'BAD_VALUE', 17);
  });
  it('rejects unknown flag bits', () => {
    expectDecodeError(() => decodeHeader(withByte(VECTOR, 19, 0x09)), 'BAD_VALUE', 19);
  });
  it('rejects a length below 28', () => {
    expectDecodeError(() => decodeHeader(withByte(VECTOR, 27, 27)), 'BAD_LENGTH', 24);
  });
  it('rejects a length beyond the buffer', () => {
    expectDecodeError(() => decodeHeader(withByte(VECTOR, 27, 40)), 'TRUNCATED', 24);
  });
  it('rejects octets after the length', () => {
    expectDecodeError(() => decodeHeader(Buffer.concat([VECTOR, Buffer.alloc(2)])), 'TRAILING_DATA', 28);
  });
  it('refuses to encode cookies of the wrong size', () => {
    expect(() => encodeHeader({ ...decodeHeader(VECTOR), icookie: Buffer.alloc(7) })).toThrow(/cookies/);
  });
});
