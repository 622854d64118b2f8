// RFC 2408 §3.3 data attributes: both forms, helpers, and malformed lists.
import { describe, expect, it } from 'vitest';
import { VerifyError } from '../../../shared/errors.ts';
import { Reader } from '../../../shared/wire/reader.ts';
import { Writer } from '../../../shared/wire/writer.ts';
import {
  attrBuffer, attrNumber, decodeAttributes, encodeAttributes, findAttr, tlv, tlvU32, tv,
} from '../../../shared/wire/attributes.ts';
import type { Attribute } from '../../../shared/wire/types.ts';
import { expectDecodeError, hex } from './helpers.ts';

const VECTOR = hex(
  '800e 0080',          // AF=1 type 14 (KEY_LENGTH), TV value 128
  '000c 0004 00015180', // AF=0 type 12 (LIFE_DURATION), TLV length 4, 86400
  '0002 0000',          // AF=0 type 2, TLV with an empty value
  '8004 0003',          // AF=1 type 4, TV value 3 (same number as a TLV elsewhere: both forms kept)
);

function decode(buf: Buffer): Attribute[] { return decodeAttributes(new Reader(buf)); }
function encode(list: Attribute[]): Buffer { const w = new Writer(); encodeAttributes(list, w); return w.finish(); }

describe('data attributes', () => {
  it('decodes both forms and re-encodes byte for byte', () => {
    const list = decode(VECTOR);
    expect(list).toEqual([tv(14, 128), tlvU32(12, 86400), tlv(2, Buffer.alloc(0)), tv(4, 3)]);
    expect(encode(list).toString('hex')).toBe(VECTOR.toString('hex'));
  });

  it('attrNumber reads TV and 1..4-octet TLV values', () => {
    expect(attrNumber(tv(1, 65535))).toBe(65535);
    expect(attrNumber(tlv(1, hex('01')))).toBe(1);
    expect(attrNumber(tlv(1, hex('010203')))).toBe(0x010203);
    expect(attrNumber(tlvU32(1, 0xfffffffe))).toBe(0xfffffffe);
  });

  it('attrNumber refuses empty and over-long TLV values with VerifyError BAD_ATTRIBUTE', () => {
    for (const v of [Buffer.alloc(0), Buffer.alloc(5)]) {
      let err: unknown;
      try { attrNumber(tlv(7, v)); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(VerifyError);
      expect((err as VerifyError).code).toBe('BAD_ATTRIBUTE');
    }
  });

  it('attrBuffer and findAttr', () => {
    const list = [tv(1, 0x1234), tlv(2, hex('abcd')), tv(1, 9)];
    expect(attrBuffer(list[0]!).toString('hex')).toBe('1234');
    expect(attrBuffer(list[1]!).toString('hex')).toBe('abcd');
    expect(findAttr(list, 1)).toBe(list[0]);
    expect(findAttr(list, 3)).toBeUndefined();
  });

  it('builders refuse values that do not fit', () => {
    expect(() => tv(1, 0x10000)).toThrow();
    expect(() => tlvU32(1, -1)).toThrow();
    expect(() => encode([{ type: 0x8000, form: 'tv', value: 1 }])).toThrow(/type/);
  });

  it('rejects a TLV length beyond the list', () => {
    expectDecodeError(() => decode(hex('8001 0001', '0002 0005 01020304')), 'BAD_LENGTH', 6);
  });
  it('rejects a lone octet after the last attribute', () => {
    expectDecodeError(() => decode(hex('8001 0001', '80')), 'TRUNCATED', 4);
  });
  it('rejects an attribute header without its value', () => {
    expectDecodeError(() => decode(hex('8001 0001', '8002 00')), 'TRUNCATED', 6);
  });
  it('rejects a TLV cut inside its length field', () => {
    expectDecodeError(() => decode(hex('0002 00')), 'TRUNCATED', 2);
  });
  it('rejects the reserved attribute type 0 in either form', () => {
    expectDecodeError(() => decode(hex('8001 0001', '8000 0001')), 'BAD_ATTRIBUTE', 4);
    expectDecodeError(() => decode(hex('0000 0000')), 'BAD_ATTRIBUTE', 0);
  });
});
