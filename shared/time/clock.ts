// Injectable time and randomness. Pure logic (exchanges, timers, backoff) takes a Clock and a
// Random so tests can pin them; only the daemons' edges use systemClock/systemRandom.
import { createHash, randomBytes } from 'node:crypto';

/** Wall-clock source. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** Random source. Protocol secrets (nonces, keys) must come from systemRandom only. */
export interface Random {
  /** n random bytes. */
  bytes(n: number): Buffer;
  /** Uniform integer in [0, maxExclusive); maxExclusive an integer in [1, 2^48]. */
  int(maxExclusive: number): number;
  /** Uniform float in [0, 1) with 53 bits of precision. */
  float(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

const TWO_48 = 2 ** 48;

/** Builds int/float on top of a byte source; int uses rejection sampling so it has no modulo bias. */
function randomFrom(bytes: (n: number) => Buffer): Random {
  return {
    bytes,
    int(maxExclusive: number): number {
      if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_48) {
        throw new RangeError(`Random.int: maxExclusive must be an integer in [1, 2^48], got ${maxExclusive}`);
      }
      // Largest multiple of maxExclusive that fits in 48 bits; draws at or above it are rejected.
      const limit = TWO_48 - (TWO_48 % maxExclusive);
      for (;;) {
        const u = bytes(6).readUIntBE(0, 6);
        if (u < limit) return u % maxExclusive;
      }
    },
    float(): number {
      const b = bytes(8);
      const hi = b.readUInt32BE(0) >>> 11; // 21 bits
      const lo = b.readUInt32BE(4); // 32 bits
      return (hi * 2 ** 32 + lo) / 2 ** 53;
    },
  };
}

/**
 * OS-seeded CSPRNG bytes, drawn from a pool refilled 8 KiB at a time: one RAND_bytes call per
 * few hundred cookies, nonces and SPIs instead of one each (it showed up at 9% of a
 * registration's CPU). Each caller gets its own copy, never a view of the pool.
 */
const POOL_SIZE = 8192;
let pool = randomBytes(POOL_SIZE);
let poolAt = 0;
function pooledBytes(n: number): Buffer {
  if (n > POOL_SIZE / 4) return randomBytes(n);
  if (poolAt + n > POOL_SIZE) { pool = randomBytes(POOL_SIZE); poolAt = 0; }
  const out = Buffer.allocUnsafe(n);
  pool.copy(out, 0, poolAt, poolAt + n);
  pool.fill(0, poolAt, poolAt + n);   // bytes handed out are not kept around
  poolAt += n;
  return out;
}

export const systemRandom: Random = randomFrom(pooledBytes);

/** A clock that moves only when told to. For tests and simulations. */
export class ManualClock implements Clock {
  constructor(private ms = 0) {}
  now(): number {
    return this.ms;
  }
  /** Moves time forward by ms (must be >= 0: wall time in tests never runs backwards). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.ms += ms;
  }
  /** Jumps to an absolute time (may go backwards, to test clock steps). */
  set(ms: number): void {
    this.ms = ms;
  }
}

/**
 * Deterministic random source for TESTS ONLY: SHA-256 in counter mode over the seed, so the same
 * seed always gives the same stream. Never use it for nonces or keys.
 */
export function seededRandom(seed: number | string): Random {
  let counter = 0;
  let pool: Buffer = Buffer.alloc(0);
  const next = (): Buffer => createHash('sha256').update(`seededRandom:${seed}:${counter++}`).digest();
  return randomFrom((n: number): Buffer => {
    const chunks: Buffer[] = [];
    let need = n;
    while (need > 0) {
      if (pool.length === 0) pool = next();
      const take = Math.min(need, pool.length);
      chunks.push(pool.subarray(0, take));
      pool = pool.subarray(take);
      need -= take;
    }
    return Buffer.concat(chunks, n);
  });
}
