// Dotted-quad IPv4 helpers on unsigned 32-bit numbers.

/** `a.b.c.d` with each part 0-255 and no leading '+' or spaces; undefined if malformed. */
export function parseIpv4(s: string): number | undefined {
  // A scan of char codes, not split + regex: the KS parses every new peer's address.
  let n = 0, part = 0, digits = 0, dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return undefined;
      part = part * 10 + (c - 48);
    } else if (c === 46) {
      if (digits === 0 || part > 255 || ++dots > 3) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0 || part > 255) return undefined;
  return n * 256 + part;
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
