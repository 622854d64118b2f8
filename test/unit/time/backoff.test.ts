import { describe, expect, it } from 'vitest';
import { backoff, jitter } from '../../../shared/time/backoff.ts';
import { seededRandom } from '../../../shared/time/clock.ts';

describe('backoff', () => {
  const opts = { baseMs: 1_000, maxMs: 10_000 };

  it('grows geometrically from baseMs and caps at maxMs', () => {
    expect([0, 1, 2, 3, 4, 5].map((t) => backoff(t, opts))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect([0, 1, 2].map((t) => backoff(t, { ...opts, factor: 3 }))).toEqual([1_000, 3_000, 9_000]);
    expect(backoff(3, { baseMs: 10_000, maxMs: 10_000, factor: 1 })).toBe(10_000);
  });

  it('with a Random only shortens, by at most the jitter fraction', () => {
    const rnd = seededRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const d = backoff(2, opts, rnd);
      expect(d).toBeGreaterThanOrEqual(3_000);
      expect(d).toBeLessThanOrEqual(4_000);
      seen.add(d);
    }
    expect(seen.size).toBeGreaterThan(100);
    for (let i = 0; i < 100; i++) expect(backoff(9, opts, rnd)).toBeLessThanOrEqual(10_000);
    expect(backoff(1, { ...opts, jitter: 0 }, rnd)).toBe(2_000);
  });

  it('is pure: same seed, same sequence', () => {
    const a = seededRandom(7), b = seededRandom(7);
    const seqA = [0, 1, 2, 3].map((t) => backoff(t, opts, a));
    expect([0, 1, 2, 3].map((t) => backoff(t, opts, b))).toEqual(seqA);
  });

  it('rejects a bad attempt number', () => {
    expect(() => backoff(-1, opts)).toThrow(RangeError);
    expect(() => backoff(0.5, opts)).toThrow(RangeError);
  });
});

describe('jitter', () => {
  it('is an integer in [0, range], inclusive at both ends', () => {
    const rnd = seededRandom('j');
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const v = jitter(3, rnd);
      expect([0, 1, 2, 3]).toContain(v);
      seen.add(v);
    }
    expect(seen.size).toBe(4);
    expect(jitter(0, rnd)).toBe(0);
    expect(jitter(-5, rnd)).toBe(0);
  });
});
