// parseIpv4 against fixed vectors and against the obvious split-and-regex definition on random
// strings over the characters that matter (digits, dots, a few others).
import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIpv4 } from '../../../shared/config/ipv4.ts';

/** The definition: four dot-separated parts of 1-3 decimal digits, each at most 255. */
function oracle(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    if (Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

describe('parseIpv4', () => {
  it('parses dotted quads to unsigned 32-bit numbers', () => {
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('127.0.0.1')).toBe(0x7f000001);
    expect(parseIpv4('10.1.2.3')).toBe(0x0a010203);
    expect(parseIpv4('010.001.000.009')).toBe(0x0a010009);   // leading zeros, as IOS accepts them
    expect(formatIpv4(parseIpv4('192.168.254.1')!)).toBe('192.168.254.1');
  });

  it('refuses anything else', () => {
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '1.2.3.', '.1.2.3', '1..2.3', '256.1.1.1', '1.2.3.256', '1.2.3.1000',
      '1.2.3.0004', ' 1.2.3.4', '1.2.3.4 ', '+1.2.3.4', '1.2.3.-4', '1.2.3.4a', 'a.b.c.d', '1,2,3,4', '１.2.3.4']) {
      expect(parseIpv4(bad), bad).toBeUndefined();
    }
  });

  it('agrees with the split-and-regex definition on 50,000 random strings', () => {
    const alphabet = '0123456789..........  x-+2559';
    let seed = 0x9e3779b9;
    const rand = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 2 ** 32; };
    for (let i = 0; i < 50_000; i++) {
      const len = 1 + Math.floor(rand() * 17);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      expect(parseIpv4(s), JSON.stringify(s)).toBe(oracle(s));
    }
  });
});
