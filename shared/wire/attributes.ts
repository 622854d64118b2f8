// RFC 2408 §3.3 data attributes, used by transforms, SA KEK/TEK, key packets, GAP and our
// private payloads. The decoder accepts either form for every type (peers differ: the Cisco
// reference sends KEK_KEY_LIFETIME as TV, others as a 4-octet TLV) and the model records the
// form seen, so decode -> encode reproduces the bytes.
import assert from 'node:assert/strict';
import { DecodeError, VerifyError } from '../errors.ts';
import type { Reader } from './reader.ts';
import type { Writer } from './writer.ts';
import type { Attribute } from './types.ts';

/** Attribute Format bit: set = TV (2-octet value), clear = TLV. */
const AF_TV = 0x8000;

/** A TV ("basic") attribute: 16-bit value. */
export function tv(type: number, value: number): Attribute {
  if (!(Number.isInteger(value) && value >= 0 && value <= 0xffff)) assert.fail(`TV attribute ${type}: value ${value} does not fit 16 bits`);
  return { type, form: 'tv', value };
}

/** A TLV ("variable") attribute. */
export function tlv(type: number, value: Buffer): Attribute {
  return { type, form: 'tlv', value };
}

/** A TLV attribute holding a 4-octet big-endian number (e.g. lifetimes over 65535 s). */
export function tlvU32(type: number, n: number): Attribute {
  if (!(Number.isInteger(n) && n >= 0 && n <= 0xffffffff)) assert.fail(`attribute ${type}: ${n} does not fit 32 bits`);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return { type, form: 'tlv', value: b };
}

/** The attribute's number: the TV value, or a 1..4-octet big-endian TLV. */
export function attrNumber(a: Attribute): number {
  if (a.form === 'tv') return a.value;
  if (a.value.length < 1 || a.value.length > 4) {
    throw new VerifyError('BAD_ATTRIBUTE', `attribute ${a.type}: ${a.value.length}-octet value is not a number`);
  }
  return a.value.readUIntBE(0, a.value.length);
}

/** The attribute's value as bytes (a TV value as its 2 octets). */
export function attrBuffer(a: Attribute): Buffer {
  if (a.form === 'tlv') return a.value;
  const b = Buffer.alloc(2);
  b.writeUInt16BE(a.value);
  return b;
}

/** The first attribute of a type, if any. */
export function findAttr(list: readonly Attribute[], type: number): Attribute | undefined {
  for (const a of list) if (a.type === type) return a;
  return undefined;
}

/** Writes a list of attributes back to back. */
export function encodeAttributes(list: readonly Attribute[], w: Writer): void {
  for (const a of list) {
    if (!(Number.isInteger(a.type) && a.type > 0 && a.type <= 0x7fff)) assert.fail(`attribute type ${a.type} out of range`);
    if (a.form === 'tv') {
      if (!(a.value >= 0 && a.value <= 0xffff)) assert.fail(`TV attribute ${a.type}: value out of range`);
      w.u16(AF_TV | a.type).u16(a.value);
    } else {
      if (a.value.length > 0xffff) assert.fail(`TLV attribute ${a.type}: value too long`);
      w.u16(a.type).u16(a.value.length).bytes(a.value);
    }
  }
}

/** Reads attributes up to the reader's end. Values are views into the input. */
export function decodeAttributes(r: Reader): Attribute[] {
  const list: Attribute[] = [];
  while (r.remaining > 0) {
    const at = r.pos;
    const afType = r.u16('attribute type');
    const type = afType & 0x7fff;
    // Type 0 is reserved in every attribute registry GDOI uses (RFC 2407 §4.5, RFC 6407 §5.3.1).
    if (type === 0) throw new DecodeError('BAD_ATTRIBUTE', at, 'attribute type 0 is reserved', 'attribute type');
    if (afType & AF_TV) {
      list.push({ type, form: 'tv', value: r.u16('attribute value') });
    } else {
      const len = r.u16('attribute length');
      if (len > r.remaining) {
        throw new DecodeError('BAD_LENGTH', at + 2, `attribute ${type} length ${len} exceeds ${r.remaining} remaining`, 'attribute length');
      }
      list.push({ type, form: 'tlv', value: r.bytes(len) });
    }
  }
  return list;
}
