// Shared helpers for the crypto tests. refHmac is an independent HMAC (RFC 2104) built from
// plain hashes, so derivations can be checked without calling the code under test.
import { createHash } from 'node:crypto';
import { GdoiError } from '../../../shared/errors.ts';

const BLOCK: Record<string, number> = { md5: 64, sha1: 64, sha256: 64, sha384: 128, sha512: 128 };

export function refHmac(hash: string, key: Buffer, ...data: Buffer[]): Buffer {
  const block = BLOCK[hash]!;
  let k = key.length > block ? createHash(hash).update(key).digest() : key;
  k = Buffer.concat([k, Buffer.alloc(block - k.length)]);
  const ipad = Buffer.from(k.map((b) => b ^ 0x36));
  const opad = Buffer.from(k.map((b) => b ^ 0x5c));
  const inner = createHash(hash).update(Buffer.concat([ipad, ...data])).digest();
  return createHash(hash).update(Buffer.concat([opad, inner])).digest();
}

export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** The GdoiError code `fn` throws, undefined when it returns, or a marker for a foreign error. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof GdoiError ? e.code : `not a GdoiError: ${String(e)}`;
  }
  return undefined;
}
