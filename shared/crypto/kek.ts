// GROUPKEY-PUSH crypto: the rekey signature (RFC 6407 §4.2 / protocol.md §2.3), the KEK key
// material layout, and the RFC 8263 acknowledgement key and hash.
import type { KeyObject } from 'node:crypto';
import { GdoiError } from '../errors.ts';
import { cipherInfo, type CipherName } from './cipher.ts';
import { digest, prf, type HashName } from './hash.ts';
import { ikeSign, ikeVerify } from './rsa.ts';

const REKEY_LABEL = Buffer.from('rekey', 'ascii');

/**
 * What the KS signs: "rekey" | ISAKMP header (E flag set, final length) | every plaintext
 * payload before SIG. Verifiers should also try the header with the unpadded length, which the
 * Cisco reference signer uses (protocol.md §2.3 pitfall); that is the caller's choice of bytes.
 */
export function rekeySignatureInput(headerBytes: Buffer, payloadsBeforeSig: Buffer): Buffer {
  return Buffer.concat([REKEY_LABEL, headerBytes, payloadsBeforeSig]);
}

/**
 * SIG payload data: hash_SIG_HASH_ALGORITHM(signature input), then RSA PKCS#1 v1.5 type-1
 * padding around that bare hash, with no DigestInfo. This is how the Cisco reference signs
 * PUSH messages (the IKEv1 signature convention, as in ikeSign); GMs built on it would reject a
 * DigestInfo signature, so we match it to interoperate.
 */
export function rekeySign(key: KeyObject, sigHash: HashName, headerBytes: Buffer, payloadsBeforeSig: Buffer): Buffer {
  return ikeSign(key, digest(sigHash, REKEY_LABEL, headerBytes, payloadsBeforeSig));
}

/** True when `sig` is rekeySign's output for these bytes; false on any bad input. */
export function rekeyVerify(
  key: KeyObject, sigHash: HashName, headerBytes: Buffer, payloadsBeforeSig: Buffer, sig: Buffer,
): boolean {
  return ikeVerify(key, digest(sigHash, REKEY_LABEL, headerBytes, payloadsBeforeSig), sig);
}

/**
 * KD KEK_ALGORITHM_KEY = IV | key (protocol.md §3.4): the explicit CBC IV for PUSH messages
 * (one block) followed by the KEK cipher key.
 */
export function splitKekAlgorithmKey(c: CipherName, material: Buffer): { iv: Buffer; key: Buffer } {
  const { blockSize, keyLength } = cipherInfo(c);
  if (material.length !== blockSize + keyLength) {
    throw new GdoiError('BAD_KEY', `${c}: KEK_ALGORITHM_KEY is ${material.length} octets, want ${blockSize}+${keyLength}`);
  }
  return { iv: material.subarray(0, blockSize), key: material.subarray(blockSize) };
}

// ---- RFC 8263 GROUPKEY-PUSH acknowledgement -----------------------------------------------

/** KEK_ACK_REQUESTED values this implementation handles: 1 REKEY_ACK_KEK_SHA256, 3 REKEY_ACK_KEK_SHA512. */
export type AckType = 1 | 3;

const ACK_LABEL = Buffer.from('GROUPKEY-PUSH ACK\0', 'ascii'); // NUL-terminated label

function ackPrf(ackType: AckType): { hash: HashName; lengthBits: number } {
  if (ackType === 1) return { hash: 'sha256', lengthBits: 512 };
  if (ackType === 3) return { hash: 'sha512', lengthBits: 1024 };
  throw new GdoiError('UNSUPPORTED', `KEK_ACK_REQUESTED value ${String(ackType)} is not supported`);
}

/**
 * ack_key = prf(base_key, "GROUPKEY-PUSH ACK\0" | SPI | L), base_key = KEK_ALGORITHM_KEY without
 * its IV prefix, SPI = the 16-octet KEK SPI (PUSH cookies), L = 2-octet big-endian length in bits
 * (512 for the SHA-256 type, 1024 for SHA-512: the prf block size).
 */
export function ackKey(ackType: AckType, kekAlgorithmKey: Buffer, kekSpi: Buffer): Buffer {
  const { hash, lengthBits } = ackPrf(ackType);
  if (kekSpi.length !== 16) throw new GdoiError('BAD_VALUE', `KEK SPI is ${kekSpi.length} octets, want 16`);
  const l = Buffer.alloc(2);
  l.writeUInt16BE(lengthBits);
  return prf(hash, kekAlgorithmKey, ACK_LABEL, kekSpi, l);
}

/** ACK HASH payload data = prf(ack_key, SEQ | ID), both payloads with their generic headers. */
export function ackHash(ackType: AckType, ackKey: Buffer, seqPayloadBytes: Buffer, idPayloadBytes: Buffer): Buffer {
  return prf(ackPrf(ackType).hash, ackKey, seqPayloadBytes, idPayloadBytes);
}
