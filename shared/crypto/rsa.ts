// RSA as IKEv1 and GDOI use it. IKEv1 signature auth (RFC 2409 §5.1) signs the raw HASH_I/HASH_R:
// PKCS#1 v1.5 type-1 padding around the hash itself, with no DigestInfo, so this is the
// private-key "encrypt" primitive rather than crypto.sign.
import {
  constants, createPublicKey, generateKeyPairSync, privateEncrypt, publicDecrypt, timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { GdoiError } from '../errors.ts';

/** PKCS#1 v1.5 type-1 signature over `hash` as given (no DigestInfo). */
export function ikeSign(key: KeyObject, hash: Buffer): Buffer {
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, hash);
}

/** True when `sig` is a PKCS#1 v1.5 type-1 signature of exactly `hash`; false on any bad input. */
export function ikeVerify(key: KeyObject, hash: Buffer, sig: Buffer): boolean {
  let recovered: Buffer;
  try {
    recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, sig);
  } catch {
    return false;
  }
  return recovered.length === hash.length && timingSafeEqual(recovered, hash);
}

/** A fresh RSA key pair (public exponent 65537), generated natively. */
export function generateRsaKey(bits: number): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
}

/** DER SubjectPublicKeyInfo of a public key (or of a private key's public half). */
export function publicKeyDer(key: KeyObject): Buffer {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  return pub.export({ type: 'spki', format: 'der' });
}

/**
 * Public key from DER SubjectPublicKeyInfo (what KD SIG_ALGORITHM_KEY carries; the Cisco
 * reference writes it with i2d_RSA_PUBKEY). A bare PKCS#1 RSAPublicKey is accepted too.
 */
export function publicKeyFromDer(der: Buffer): KeyObject {
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return createPublicKey({ key: der, format: 'der', type });
    } catch {
      // try the next form
    }
  }
  throw new GdoiError('BAD_KEY', `${der.length} octets are not a DER public key`);
}
