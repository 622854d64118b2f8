import { describe, expect, it } from 'vitest';
import { removalReregisterWindow, tekShortenedLifetime } from '../../../shared/policy/tek-slt.ts';

describe('tekShortenedLifetime: MIN(TEK_RLT, MAX(90, MIN(5% TEK_CLT, 3600)))', () => {
  it('takes 5 % of the configured lifetime between the floor and the cap', () => {
    expect(tekShortenedLifetime(3000, 3600)).toBe(180);
    expect(tekShortenedLifetime(50_000, 28_800)).toBe(1440);
  });

  it('never goes below 90 s while the TEK has that long left', () => {
    expect(tekShortenedLifetime(3000, 1800)).toBe(90);   // exactly 5 % = 90
    expect(tekShortenedLifetime(3000, 1799)).toBe(90);   // 89.95 -> 89 -> floor 90
    expect(tekShortenedLifetime(3000, 1820)).toBe(91);   // just above the floor
    expect(tekShortenedLifetime(3000, 120)).toBe(90);    // short lifetimes still get 90 s
    expect(tekShortenedLifetime(3000, 0)).toBe(90);
  });

  it('caps at 3600 s', () => {
    expect(tekShortenedLifetime(100_000, 72_000)).toBe(3600);  // exactly 5 % = 3600
    expect(tekShortenedLifetime(100_000, 71_980)).toBe(3599);
    expect(tekShortenedLifetime(100_000, 72_020)).toBe(3600);
    expect(tekShortenedLifetime(100_000, 86_400)).toBe(3600);
    expect(tekShortenedLifetime(3_000_000, 2_592_000)).toBe(3600);  // 30-day long-SA lifetime
  });

  it('never lengthens a TEK: the remaining lifetime wins when shorter', () => {
    expect(tekShortenedLifetime(30, 3600)).toBe(30);
    expect(tekShortenedLifetime(180, 3600)).toBe(180);
    expect(tekShortenedLifetime(179, 3600)).toBe(179);
    expect(tekShortenedLifetime(89, 1000)).toBe(89);
    expect(tekShortenedLifetime(0, 3600)).toBe(0);
    expect(tekShortenedLifetime(45.5, 3600)).toBe(45.5);
  });

  it('rejects negative and non-finite inputs', () => {
    expect(() => tekShortenedLifetime(-1, 3600)).toThrow(RangeError);
    expect(() => tekShortenedLifetime(10, -1)).toThrow(RangeError);
    expect(() => tekShortenedLifetime(Number.NaN, 3600)).toThrow(RangeError);
    expect(() => tekShortenedLifetime(10, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('removalReregisterWindow: 2 % of the TEK lifetime', () => {
  it('matches the documented examples and rounds down', () => {
    expect(removalReregisterWindow(1700)).toBe(34);   // the guide's 34 s example
    expect(removalReregisterWindow(3600)).toBe(72);
    expect(removalReregisterWindow(3649)).toBe(72);
  });
  it('is at least one second', () => {
    expect(removalReregisterWindow(10)).toBe(1);
    expect(removalReregisterWindow(0)).toBe(1);
  });
  it('rejects bad input', () => {
    expect(() => removalReregisterWindow(-5)).toThrow(RangeError);
  });
});
