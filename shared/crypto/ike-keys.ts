// IKEv1 phase-1 keying material, authentication hashes and CBC IVs (RFC 2409 §5, Appendix B).
import { GdoiError } from '../errors.ts';
import { cipherInfo, type CipherName } from './cipher.ts';
import { digest, hashLength, prf, type HashName } from './hash.ts';

export interface Phase1KeyInput {
  hash: HashName;
  auth: 'psk' | 'sig';
  psk?: Buffer;
  /** Nonce payload bodies (Ni_b, Nr_b). */
  ni: Buffer;
  nr: Buffer;
  /** Shared DH secret g^xy as DhKeyPair.computeSecret returns it. */
  gxy: Buffer;
  icookie: Buffer;
  rcookie: Buffer;
  cipher: CipherName;
}

export interface Phase1Keys {
  skeyid: Buffer;
  skeyidD: Buffer;
  skeyidA: Buffer;
  skeyidE: Buffer;
  /** The phase-1 cipher key, derived from SKEYID_e. */
  encKey: Buffer;
}

const B0 = Buffer.from([0]);
const B1 = Buffer.from([1]);
const B2 = Buffer.from([2]);

/** SKEYID and its three children, and the cipher key (RFC 2409 §5, Appendix B). */
export function derivePhase1Keys(i: Phase1KeyInput): Phase1Keys {
  const h = i.hash;
  const skeyid = deriveSkeyid(i);
  const skeyidD = prf(h, skeyid, i.gxy, i.icookie, i.rcookie, B0);
  const skeyidA = prf(h, skeyid, skeyidD, i.gxy, i.icookie, i.rcookie, B1);
  const skeyidE = prf(h, skeyid, skeyidA, i.gxy, i.icookie, i.rcookie, B2);
  const encKey = expandKey(h, skeyidE, cipherInfo(i.cipher).keyLength);
  return { skeyid, skeyidD, skeyidA, skeyidE, encKey };
}

function deriveSkeyid(i: Phase1KeyInput): Buffer {
  if (i.auth === 'psk') {
    if (!i.psk) throw new GdoiError('BAD_KEY', 'pre-shared key authentication without a key');
    return prf(i.hash, i.psk, i.ni, i.nr); // prf(pre-shared-key, Ni_b | Nr_b)
  }
  return prf(i.hash, Buffer.concat([i.ni, i.nr]), i.gxy); // prf(Ni_b | Nr_b, g^xy)
}

/**
 * Appendix B: the leading octets of SKEYID_e when long enough; otherwise
 * K = K1 | K2 | ..., K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1), cut to `length`.
 */
function expandKey(h: HashName, skeyidE: Buffer, length: number): Buffer {
  if (skeyidE.length >= length) return Buffer.from(skeyidE.subarray(0, length));
  const blocks: Buffer[] = [];
  let k: Buffer = B0;
  for (let have = 0; have < length; have += hashLength(h)) {
    k = prf(h, skeyidE, k);
    blocks.push(k);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/**
 * HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b) when the initiator calls it
 * with its own values first; the responder's HASH_R is the same call from its side
 * (g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). SAi_b is always the initiator's SA body.
 */
export function authHash(
  h: HashName, skeyid: Buffer, gxMine: Buffer, gxPeer: Buffer,
  ckyMine: Buffer, ckyPeer: Buffer, saiBody: Buffer, idBody: Buffer,
): Buffer {
  return prf(h, skeyid, gxMine, gxPeer, ckyMine, ckyPeer, saiBody, idBody);
}

/** IV of the first encrypted phase-1 message: hash(g^xi | g^xr) cut to the block size. */
export function phase1Iv(h: HashName, gxi: Buffer, gxr: Buffer, blockSize: number): Buffer {
  return cutIv(h, digest(h, gxi, gxr), blockSize);
}

/**
 * IV of the first message of a phase-2 or informational exchange (GROUPKEY-PULL included):
 * hash(last phase-1 CBC block | M-ID) cut to the block size; M-ID as its 4 header octets.
 */
export function phase2Iv(h: HashName, lastPhase1Block: Buffer, messageId: number, blockSize: number): Buffer {
  if (!Number.isInteger(messageId) || messageId < 0 || messageId > 0xffffffff) {
    throw new GdoiError('BAD_VALUE', `message ID ${messageId} is not a 32-bit unsigned integer`);
  }
  const mid = Buffer.alloc(4);
  mid.writeUInt32BE(messageId);
  return cutIv(h, digest(h, lastPhase1Block, mid), blockSize);
}

function cutIv(h: HashName, hash: Buffer, blockSize: number): Buffer {
  if (blockSize > hash.length) throw new GdoiError('BAD_VALUE', `${h} is too short for a ${blockSize}-octet IV`);
  return hash.subarray(0, blockSize);
}
