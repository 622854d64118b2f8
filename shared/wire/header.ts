// RFC 2408 §3.1 ISAKMP header (28 octets):
//   Initiator Cookie (8) | Responder Cookie (8) | Next Payload (1) | MjVer|MnVer (1) |
//   Exchange Type (1) | Flags (1) | Message ID (4) | Length (4)
import assert from 'node:assert/strict';
import { DecodeError } from '../errors.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';
import { HEADER_LENGTH } from './registry.ts';
import type { IsakmpHeader } from './types.ts';

/** Flag bits RFC 2408 §3.1 defines (E, C, A); the rest must be zero. */
const KNOWN_FLAGS = 0x07;

/** Appends the 28-octet header exactly as given (length and next payload included). */
export function writeHeader(h: IsakmpHeader, w: Writer): void {
  assert(h.icookie.length === 8 && h.rcookie.length === 8, 'cookies must be 8 octets each');
  w.bytes(h.icookie).bytes(h.rcookie).u8(h.nextPayload).u8(h.version).u8(h.exchange).u8(h.flags)
    .u32(h.messageId).u32(h.length);
}

export function encodeHeader(h: IsakmpHeader): Buffer {
  const w = new Writer(HEADER_LENGTH);
  writeHeader(h, w);
  return w.finish();
}

/**
 * Decodes the header at `offset` and checks it frames the buffer exactly: major version 1,
 * no unknown flags, and Length (which includes any cipher padding) equal to the bytes from
 * `offset` to the buffer's end. Cookies are views into `buf`.
 */
export function decodeHeader(buf: Buffer, offset = 0): IsakmpHeader {
  const r = new Reader(buf, offset);
  r.need(HEADER_LENGTH, 'ISAKMP header');
  const icookie = r.bytes(8);
  const rcookie = r.bytes(8);
  const nextPayload = r.u8();
  const version = r.u8();
  // §5.1: a different major version cannot be parsed by us at all.
  if (version >> 4 !== 1) throw new DecodeError('BAD_VALUE', offset + 17, `major version ${version >> 4} is not 1`, 'version');
  const exchange = r.u8();
  const flags = r.u8();
  if (flags & ~KNOWN_FLAGS) throw new DecodeError('BAD_VALUE', offset + 19, `unknown flag bits 0x${flags.toString(16)}`, 'flags');
  const messageId = r.u32();
  const length = r.u32();
  const available = buf.length - offset;
  if (length < HEADER_LENGTH) throw new DecodeError('BAD_LENGTH', offset + 24, `message length ${length} < ${HEADER_LENGTH}`, 'length');
  if (length > available) throw new DecodeError('TRUNCATED', offset + 24, `message length ${length} but ${available} octets received`, 'length');
  if (length < available) throw new DecodeError('TRAILING_DATA', offset + length, `${available - length} octet(s) after message length ${length}`, 'length');
  return { icookie, rcookie, nextPayload, version, exchange, flags, messageId, length };
}
