// Hashes and the IKEv1 pseudo-random function (RFC 2409 §5: prf = HMAC of the negotiated hash).
import { createHash, createHmac } from 'node:crypto';

export type HashName = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

const LENGTHS: Record<HashName, number> = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/** Output length in octets of `h` (also the length of every prf output). */
export function hashLength(h: HashName): number {
  return LENGTHS[h];
}

/** hash(data[0] | data[1] | ...), without concatenating first. */
export function digest(h: HashName, ...data: Buffer[]): Buffer {
  const ctx = createHash(h);
  for (const d of data) ctx.update(d);
  return ctx.digest();
}

/** prf(key, data[0] | data[1] | ...) = HMAC-h. */
export function prf(h: HashName, key: Buffer, ...data: Buffer[]): Buffer {
  const ctx = createHmac(h, key);
  for (const d of data) ctx.update(d);
  return ctx.digest();
}
