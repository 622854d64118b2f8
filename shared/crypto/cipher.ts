// CBC encryption as ISAKMP uses it (RFC 2409 §5.3, RFC 2408 §3.1): the caller owns the IV
// chain, and plaintext is zero-padded to the block size instead of PKCS#7-padded.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { GdoiError } from '../errors.ts';

export type CipherName = 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';

const INFO: Record<CipherName, { blockSize: number; keyLength: number }> = {
  'aes-128-cbc': { blockSize: 16, keyLength: 16 },
  'aes-192-cbc': { blockSize: 16, keyLength: 24 },
  'aes-256-cbc': { blockSize: 16, keyLength: 32 },
  'des-ede3-cbc': { blockSize: 8, keyLength: 24 },
};

/** Block size and key length in octets. */
export function cipherInfo(c: CipherName): { blockSize: number; keyLength: number } {
  return INFO[c];
}

/**
 * Encrypts `plaintext` zero-padded to a whole number of blocks (at least one block, so the
 * result always decrypts). The header's length then covers the padding.
 */
export function encryptCbc(c: CipherName, key: Buffer, iv: Buffer, plaintext: Buffer): Buffer {
  const { blockSize } = checkKeyIv(c, key, iv);
  const padded = Math.max(blockSize, Math.ceil(plaintext.length / blockSize) * blockSize);
  let input = plaintext;
  if (padded !== plaintext.length) {
    // From the Buffer pool (Buffer.alloc above 64 octets is a fresh, zeroed allocation).
    input = Buffer.allocUnsafe(padded);
    plaintext.copy(input);
    input.fill(0, plaintext.length);
  }
  const cipher = createCipheriv(c, key, iv).setAutoPadding(false);
  return joinFinal(cipher.update(input), cipher.final());
}

/** Decrypts; the zero padding stays on (the payload chain's lengths tell where data ends). */
export function decryptCbc(c: CipherName, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const { blockSize } = checkKeyIv(c, key, iv);
  if (ciphertext.length === 0 || ciphertext.length % blockSize !== 0) {
    throw new GdoiError('BAD_CIPHERTEXT', `${c}: ciphertext of ${ciphertext.length} octets is not a non-empty multiple of ${blockSize}`);
  }
  const decipher = createDecipheriv(c, key, iv).setAutoPadding(false);
  return joinFinal(decipher.update(ciphertext), decipher.final());
}

/** Without padding, whole blocks come out of update() and final() is empty: no copy then. */
function joinFinal(head: Buffer, tail: Buffer): Buffer {
  return tail.length === 0 ? head : Buffer.concat([head, tail]);
}

/** The last cipher block: the IV of the next message in the same exchange (RFC 2409 Appendix B). */
export function lastBlock(ciphertext: Buffer, blockSize: number): Buffer {
  if (ciphertext.length < blockSize) {
    throw new GdoiError('BAD_CIPHERTEXT', `ciphertext of ${ciphertext.length} octets has no whole ${blockSize}-octet block`);
  }
  return Buffer.from(ciphertext.subarray(ciphertext.length - blockSize));
}

function checkKeyIv(c: CipherName, key: Buffer, iv: Buffer): { blockSize: number; keyLength: number } {
  const info = INFO[c];
  if (!info) throw new GdoiError('BAD_CIPHER', `unsupported cipher ${String(c)}`);
  if (key.length !== info.keyLength) throw new GdoiError('BAD_KEY', `${c}: key is ${key.length} octets, want ${info.keyLength}`);
  if (iv.length !== info.blockSize) throw new GdoiError('BAD_IV', `${c}: IV is ${iv.length} octets, want ${info.blockSize}`);
  return info;
}
