// Dotted-quad IPv4 helpers on unsigned 32-bit numbers.

/** `a.b.c.d` with each part 0-255 and no leading '+' or spaces; undefined if malformed. */
export function parseIpv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** A wildcard is contiguous when it is the inverse of a netmask: 0...01...1 in binary. */
export function isContiguousWildcard(w: number): boolean {
  return ((w + 1) & w) === 0 || w === 0xffffffff;
}

/** A netmask is 1...10...0 in binary (255.255.255.0, 0.0.0.0, 255.255.255.255). */
export function isNetmask(m: number): boolean {
  return isContiguousWildcard(~m >>> 0);
}

/** True if `ip` lies in 224.0.0.0/4. */
export function isMulticast(ip: number): boolean {
  return ip >>> 28 === 0xe;
}
