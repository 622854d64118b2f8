// RFC 6407 §5.7 Sequence Number payload (18): Sequence Number (4). Exactly 4 octets (tshark
// flags anything else as bogus), so a different body size is a length error.
import assert from 'node:assert/strict';
import { DecodeError } from '../../errors.ts';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { SeqPayload } from '../types.ts';
import { lengthFieldAt } from './generic.ts';

export function encodeSeq(p: SeqPayload, w: Writer): void {
  if (!(Number.isInteger(p.seq) && p.seq >= 0 && p.seq <= 0xffffffff)) assert.fail(`sequence number ${p.seq} does not fit 32 bits`);
  w.u32(p.seq);
}

export function decodeSeq(r: Reader): SeqPayload {
  if (r.remaining !== 4) {
    throw new DecodeError('BAD_LENGTH', lengthFieldAt(r), `SEQ body is ${r.remaining} octet(s), must be 4`, 'payload length');
  }
  return { type: 18, seq: r.u32() };
}
