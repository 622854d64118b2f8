// Simulated GM source addresses: consecutive 127.x.y.z addresses from a base, skipping host
// octets 0 and 255 so no address looks like a network or broadcast address. Loopback only:
// every address must stay inside 127.0.0.0/8.
import { GdoiError } from '../../shared/errors.ts';

export function ipv4ToInt(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new GdoiError('USAGE', `bad IPv4 address ${text}`);
  let n = 0;
  for (const p of parts) {
    const o = Number(p);
    if (!/^\d{1,3}$/.test(p) || o > 255) throw new GdoiError('USAGE', `bad IPv4 address ${text}`);
    n = n * 256 + o;
  }
  return n;
}

export function intToIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The first `count` usable addresses from `base` upward; throws if they leave 127.0.0.0/8. */
export function gmAddresses(base: string, count: number): string[] {
  let n = ipv4ToInt(base);
  const out: string[] = [];
  while (out.length < count) {
    if (n >>> 24 !== 127) throw new GdoiError('USAGE', `${count} addresses from ${base} do not fit in 127.0.0.0/8`);
    const host = n & 255;
    if (host !== 0 && host !== 255) out.push(intToIpv4(n));
    n++;
  }
  return out;
}
