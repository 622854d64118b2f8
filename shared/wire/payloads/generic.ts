// RFC 2408 §3.2 generic payload header, shared by every payload and by the chains nested in
// a GDOI SA (RFC 6407 §5.1), proposals and transforms:
//   Next Payload (1) | RESERVED (1) = 0 | Payload Length (2, header included)
import assert from 'node:assert/strict';
import { DecodeError } from '../../errors.ts';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import { PayloadType } from '../registry.ts';

export const GENERIC_HEADER_LENGTH = 4;

export interface Framed {
  /** Next Payload field. */
  next: number;
  /** Offset of the payload's first header octet. */
  start: number;
  /** A reader over exactly the body (Payload Length - 4 octets). */
  body: Reader;
}

/**
 * Reads the generic header of a payload of `type` and hands back a reader over its body;
 * `r` moves past the payload. The length must fit in what is left of the enclosing range.
 */
export function readFramed(r: Reader, type: number): Framed {
  const start = r.pos;
  if (r.remaining < GENERIC_HEADER_LENGTH) {
    throw new DecodeError('TRUNCATED', start, `${PayloadType.nameOf(type)} payload announced, ${r.remaining} octet(s) left`, 'payload header');
  }
  const next = r.u8();
  if (r.u8() !== 0) throw new DecodeError('BAD_VALUE', start + 1, `${PayloadType.nameOf(type)}: reserved field not zero`, 'RESERVED');
  const length = r.u16();
  if (length < GENERIC_HEADER_LENGTH) {
    throw new DecodeError('BAD_LENGTH', start + 2, `${PayloadType.nameOf(type)}: payload length ${length} < ${GENERIC_HEADER_LENGTH}`, 'payload length');
  }
  if (length - GENERIC_HEADER_LENGTH > r.remaining) {
    throw new DecodeError('BAD_LENGTH', start + 2, `${PayloadType.nameOf(type)}: payload length ${length} exceeds the ${r.remaining + GENERIC_HEADER_LENGTH} octets left`, 'payload length');
  }
  return { next, start, body: r.sub(length - GENERIC_HEADER_LENGTH) };
}

/** Offset of the Payload Length field for a body reader not yet read from (error offsets). */
export function lengthFieldAt(body: Reader): number {
  return body.pos - 2;
}

/** Starts a payload; returns the mark to give to `endFramed`. */
export function beginFramed(w: Writer, next: number): number {
  if (!(Number.isInteger(next) && next >= 0 && next <= 0xff)) assert.fail(`next payload ${next} out of range`);
  const start = w.pos;
  w.u8(next).u8(0).u16(0);
  return start;
}

/** Fills in the Payload Length of the payload begun at `start`. */
export function endFramed(w: Writer, start: number): void {
  const length = w.pos - start;
  if (length > 0xffff) assert.fail(`payload of ${length} octets exceeds the 16-bit length field`);
  w.patch16(start + 2, length);
}
