// Seeded fuzzing of the wire decoder: valid random messages must round-trip; mutated ones must
// decode (and then re-encode byte for byte) or throw DecodeError, never anything else.
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../shared/errors.ts';
import { decodeMessage, decodePayloads, encodeMessage, encodePayloads } from '../../shared/wire/message.ts';
import { samples } from '../unit/wire/samples.ts';
import { randomMessage } from './gen.ts';
import { mutate, payloadOffsets, type Seed } from './mutate.ts';
import { Rng } from './rng.ts';

const SEED = 0x6d6f6f6e;
const VALID = 5_000;
const MUTATED = 250_000;

function seedOf(bytes: Buffer): Seed {
  const m = decodeMessage(bytes);
  return { bytes, offsets: payloadOffsets(bytes), types: m.chain!.payloads.map((p) => p.type) };
}

/** Decodes one input both ways; returns the error code, or 'ok'. Throws on any non-DecodeError. */
function exercise(input: Buffer, rng: Rng): string {
  let code = 'ok';
  try {
    const m = decodeMessage(input);
    // Whatever the decoder accepts, the encoder must reproduce exactly.
    const again = m.chain
      ? encodeMessage(m.header, m.chain.payloads)
      : Buffer.concat([m.headerBytes, m.ciphertext!]);
    if (!again.equals(input)) throw new Error(`re-encode differs for ${input.toString('hex')}`);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw withInput(e, input);
    code = e.code;
  }
  if (input.length >= 28) {
    const body = input.subarray(28);
    try {
      const c = decodePayloads(input[16]!, body, { exchange: input[18]! }, { allowPadding: rng.chance(0.5) });
      const chain = encodePayloads(c.payloads);
      if (!chain.equals(body.subarray(0, chain.length))) throw new Error(`chain re-encode differs for ${input.toString('hex')}`);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw withInput(e, input);
    }
  }
  return code;
}

function withInput(e: unknown, input: Buffer): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  err.message = `${err.message}\n  input: ${input.toString('hex')}`;
  return err;
}

describe('codec fuzz', () => {
  it(`${VALID} random valid messages round-trip`, () => {
    const rng = new Rng(SEED);
    const failures: string[] = [];
    for (let i = 0; i < VALID; i++) {
      const m = randomMessage(rng);
      const bytes = encodeMessage(m.header, m.payloads);
      const d = decodeMessage(bytes);
      if (d.chain!.payloads.length !== m.payloads.length || !encodeMessage(d.header, d.chain!.payloads).equals(bytes)) {
        failures.push(bytes.toString('hex'));
      }
    }
    expect(failures).toEqual([]);
  });

  it(`${MUTATED} mutated messages decode or throw DecodeError`, () => {
    const rng = new Rng(SEED + 1);
    const seeds: Seed[] = samples.map((s) => seedOf(encodeMessage(s.header, s.payloads)));
    for (let i = 0; i < 300; i++) { const m = randomMessage(rng); seeds.push(seedOf(encodeMessage(m.header, m.payloads))); }
    const codes = new Map<string, number>();
    for (let i = 0; i < MUTATED; i++) {
      const input = mutate(rng, rng.pick(seeds), rng.pick(seeds));
      const code = exercise(input, rng);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    // The mutations must reach past the header: every failure kind shows up, and some inputs still decode.
    for (const code of ['ok', 'TRUNCATED', 'BAD_LENGTH', 'TRAILING_DATA', 'BAD_VALUE', 'BAD_ATTRIBUTE']) {
      expect(codes.get(code) ?? 0, `${code} in ${JSON.stringify([...codes])}`).toBeGreaterThan(100);
    }
  });
});
