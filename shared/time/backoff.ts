// Pure retransmit backoff and jitter (style.md §9: backoff is a function of (settings, try)).
import type { Random } from './clock.ts';

export interface BackoffOptions {
  /** Delay before the first retransmit (try 0). */
  baseMs: number;
  /** Cap on any single delay. */
  maxMs: number;
  /** Growth per try. Default 2. */
  factor?: number;
  /**
   * With a Random, the delay is drawn uniformly from [d * (1 - jitter), d]: only ever shortened,
   * so maxMs stays a hard cap, and peers that failed together spread out. Default 0.25.
   */
  jitter?: number;
}

/** Delay in ms before retransmit number `attempt` (0-based): min(maxMs, baseMs * factor^attempt). */
export function backoff(attempt: number, opts: BackoffOptions, rnd?: Random): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`backoff: attempt must be a non-negative integer, got ${attempt}`);
  const factor = opts.factor ?? 2;
  const d = Math.min(opts.maxMs, opts.baseMs * factor ** attempt);
  if (!rnd) return Math.round(d);
  const spread = Math.min(1, Math.max(0, opts.jitter ?? 0.25)) * d;
  return Math.round(d - spread * rnd.float());
}

/** Uniform integer in [0, rangeMs] (whole ms); 0 when rangeMs <= 0. */
export function jitter(rangeMs: number, rnd: Random): number {
  const range = Math.floor(rangeMs);
  return range <= 0 ? 0 : rnd.int(range + 1);
}
