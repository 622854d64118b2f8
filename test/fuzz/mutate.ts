// Mutations of valid messages: bit flips, truncation, length-field edits, reshuffled payload
// chains, inserted/deleted octets, exchange and flag changes, and plain random bytes.
import { decodeMessage } from '../../shared/wire/message.ts';
import { EXCHANGES } from './gen.ts';
import type { Rng } from './rng.ts';

/** Top-level payload boundaries of a valid plaintext message (for structure-aware edits). */
export function payloadOffsets(msg: Buffer): number[] {
  const out: number[] = [];
  let at = 28;
  for (const raw of decodeMessage(msg).chain!.raw) { out.push(at); at += raw.length; }
  return out;
}

function fixLength(b: Buffer): Buffer {
  if (b.length >= 28) b.writeUInt32BE(b.length, 24);
  return b;
}

/** Re-links raw payloads into a chain with correct next-payload fields behind `header`. */
function relink(header: Buffer, raws: Buffer[], types: number[]): Buffer {
  const parts = raws.map((r, i) => { const c = Buffer.from(r); c[0] = i + 1 < raws.length ? types[i + 1]! : 0; return c; });
  const h = Buffer.from(header);
  h[16] = types[0] ?? 0;
  return fixLength(Buffer.concat([h, ...parts]));
}

export interface Seed { bytes: Buffer; offsets: number[]; types: number[] }

export function mutate(rng: Rng, seed: Seed, other: Seed): Buffer {
  const src = seed.bytes;
  const b = Buffer.from(src);
  switch (rng.int(10)) {
    case 0: { // bit flips, length kept consistent most of the time
      for (let n = rng.range(1, 4); n > 0; n--) { const i = rng.int(b.length); b[i]! ^= 1 << rng.int(8); }
      return rng.chance(0.7) ? fixLength(b) : b;
    }
    case 1: { // truncation
      const cut = b.subarray(0, rng.int(b.length));
      return rng.chance(0.8) ? fixLength(Buffer.from(cut)) : Buffer.from(cut);
    }
    case 2: { // edit a top-level payload length field
      if (seed.offsets.length === 0) return fixLength(b);
      const at = rng.pick(seed.offsets) + 2;
      const v = b.readUInt16BE(at);
      b.writeUInt16BE(rng.chance(0.5) ? (v + rng.range(-8, 8)) & 0xffff : rng.int(0x10000), at);
      return b;
    }
    case 3: { // edit any 16-bit word (nested lengths, counts, attribute headers)
      const at = 28 + rng.int(Math.max(1, b.length - 29));
      if (at + 2 > b.length) return b;
      const v = b.readUInt16BE(at);
      b.writeUInt16BE(rng.chance(0.6) ? (v + rng.range(-4, 4)) & 0xffff : rng.pick([0, 1, 4, 5, 0xff, 0x100, 0xffff]), at);
      return b;
    }
    case 4: { // random chain built from the payloads of two messages
      const pool = [...rawsOf(seed), ...rawsOf(other)];
      const picks = Array.from({ length: rng.int(6) }, () => rng.pick(pool.length > 0 ? pool : [{ raw: Buffer.alloc(4), type: 0 }]));
      return relink(src.subarray(0, 28), picks.map((p) => p.raw), picks.map((p) => rng.chance(0.9) ? p.type : rng.int(256)));
    }
    case 5: { // insert or delete octets
      const at = 28 + rng.int(Math.max(1, b.length - 27));
      const out = rng.chance(0.5)
        ? Buffer.concat([b.subarray(0, at), rng.bytes(rng.range(1, 8)), b.subarray(at)])
        : Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + rng.range(1, 8)))]);
      return rng.chance(0.8) ? fixLength(out) : out;
    }
    case 6: { // another exchange (changes how SA payloads decode), sometimes the E flag
      b[18] = rng.chance(0.8) ? rng.pick(EXCHANGES) : rng.int(256);
      if (rng.chance(0.1)) b[19]! |= 1;
      return b;
    }
    case 7: { // random body behind a valid header
      return fixLength(Buffer.concat([b.subarray(0, 28), rng.bytes(rng.int(200))]));
    }
    case 8: { // plain random bytes
      return rng.bytes(rng.int(120));
    }
    default: { // overwrite a run with a repeated byte
      const at = rng.int(b.length);
      b.fill(rng.pick([0, 0xff, rng.int(256)]), at, Math.min(b.length, at + rng.range(1, 16)));
      return rng.chance(0.5) ? fixLength(b) : b;
    }
  }
}

function rawsOf(s: Seed): { raw: Buffer; type: number }[] {
  return s.offsets.map((at, i) => ({
    raw: s.bytes.subarray(at, i + 1 < s.offsets.length ? s.offsets[i + 1] : s.bytes.length),
    type: s.types[i]!,
  }));
}
