// Shared test helpers for the wire codec: hex vectors, round trips, decode-error assertions.
import { expect } from 'vitest';
import { DecodeError, type DecodeCode } from '../../../shared/errors.ts';
import { decodePayloads, encodePayload } from '../../../shared/wire/message.ts';
import type { DecodeContext, Payload } from '../../../shared/wire/types.ts';

/** Hex from parts that may contain spaces (one part per field, commented at the call site). */
export function hex(...parts: string[]): Buffer {
  const s = parts.join('').replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(s)) throw new Error(`bad hex vector: ${s}`);
  return Buffer.from(s, 'hex');
}

export { fill } from './samples.ts';

export const PUSH_CTX: DecodeContext = { exchange: 33 };
export const MAIN_CTX: DecodeContext = { exchange: 2 };

/** encode -> decode -> encode gives identical bytes and an equal model; returns the bytes. */
export function roundTrip(p: Payload, ctx: DecodeContext = PUSH_CTX): Buffer {
  const bytes = encodePayload(p, 0);
  expect(bytes.readUInt16BE(2)).toBe(bytes.length);
  const chain = decodePayloads(p.type, bytes, ctx);
  expect(chain.payloads).toHaveLength(1);
  expect(chain.payloads[0]).toEqual(p);
  expect(chain.raw[0]!.equals(bytes)).toBe(true);
  expect(encodePayload(chain.payloads[0]!, 0).equals(bytes)).toBe(true);
  return bytes;
}

/** A hand-written single-payload vector: decodes, re-encodes to the same bytes; returns the model. */
export function vector<T extends Payload>(type: number, bytes: Buffer, ctx: DecodeContext = PUSH_CTX): T {
  const chain = decodePayloads(type, bytes, ctx);
  expect(chain.payloads).toHaveLength(1);
  expect(encodePayload(chain.payloads[0]!, 0).toString('hex')).toBe(bytes.toString('hex'));
  return chain.payloads[0] as T;
}

/** Runs fn, asserts it throws a DecodeError with this code and offset; returns the error. */
export function expectDecodeError(fn: () => unknown, code: DecodeCode, offset: number): DecodeError {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught, 'expected a DecodeError').toBeInstanceOf(DecodeError);
  const err = caught as DecodeError;
  expect({ code: err.code, offset: err.offset }, err.message).toEqual({ code, offset });
  return err;
}

/** Decodes a single payload of `type` from `bytes` (for negative tests). */
export function decodeOne(type: number, bytes: Buffer, ctx: DecodeContext = PUSH_CTX): Payload {
  return decodePayloads(type, bytes, ctx).payloads[0]!;
}
