// A second, independent computation of IKEv1 phase 1 (RFC 2409 §5, Appendix B) for tests:
// written from the RFC with node:crypto primitives only (createHmac/createHash, raw
// DiffieHellman/ECDH, createDecipheriv, publicDecrypt). It shares no code with
// shared/crypto or shared/exchanges, so a wrong derivation in the product cannot hide here.
import {
  constants, createDecipheriv, createDiffieHellman, createECDH, createHash, createHmac,
  getDiffieHellman, publicDecrypt, X509Certificate,
} from 'node:crypto';

export type OracleHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';
export type OracleCipher = 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';

const KEY_BYTES: Record<OracleCipher, number> = { 'aes-128-cbc': 16, 'aes-192-cbc': 24, 'aes-256-cbc': 32, 'des-ede3-cbc': 24 };
const BLOCK: Record<OracleCipher, number> = { 'aes-128-cbc': 16, 'aes-192-cbc': 16, 'aes-256-cbc': 16, 'des-ede3-cbc': 8 };
export const blockOf = (c: OracleCipher): number => BLOCK[c];

/** HMAC over the concatenation of parts: the IKEv1 prf. */
export function hmac(h: OracleHash, key: Buffer, ...parts: Buffer[]): Buffer {
  return createHmac(h, key).update(Buffer.concat(parts)).digest();
}

/**
 * A deterministic private value for `group`, from SHA-512 chains of `label`: a 256-bit MODP
 * exponent, or an ECP scalar of the curve's size kept below the group order.
 */
export function fixedPrivate(label: string, group: number): Buffer {
  const bytes = group === 20 ? 48 : group === 21 ? 66 : 32;
  const out: Buffer[] = [];
  for (let i = 0; Buffer.concat(out).length < bytes; i++) out.push(createHash('sha512').update(`${label}/${i}`).digest());
  const b = Buffer.from(Buffer.concat(out).subarray(0, bytes));
  b[0] = group === 21 ? 0x01 : (b[0]! & 0x7f) | 0x40;   // P-521's order starts 0x01ff...
  return b;
}

const MODP_NAMES: Record<number, string> = { 2: 'modp2', 5: 'modp5', 14: 'modp14', 15: 'modp15', 16: 'modp16' };
const CURVES: Record<number, { curve: string; coord: number }> = {
  19: { curve: 'prime256v1', coord: 32 }, 20: { curve: 'secp384r1', coord: 48 }, 21: { curve: 'secp521r1', coord: 66 },
};

const leftPad = (b: Buffer, n: number): Buffer => (b.length >= n ? b : Buffer.concat([Buffer.alloc(n - b.length), b]));

/** RFC 2409 §5 / RFC 5903 §7: the KE value for a private key, and g^xy with a peer's KE value. */
export function oracleDh(group: number, priv: Buffer): { pub: Buffer; secret(peer: Buffer): Buffer } {
  const modp = MODP_NAMES[group];
  if (modp) {
    const prime = getDiffieHellman(modp).getPrime();
    const dh = createDiffieHellman(prime, Buffer.from([2]));
    dh.setPrivateKey(priv);
    dh.generateKeys();
    return { pub: leftPad(dh.getPublicKey(), prime.length), secret: (peer) => leftPad(dh.computeSecret(peer), prime.length) };
  }
  const ec = CURVES[group];
  if (!ec) throw new Error(`oracle: no group ${group}`);
  const ecdh = createECDH(ec.curve);
  ecdh.setPrivateKey(priv);
  return {
    pub: ecdh.getPublicKey().subarray(1),                   // x | y, no 0x04 octet
    secret: (peer) => leftPad(ecdh.computeSecret(Buffer.concat([Buffer.from([4]), peer])), ec.coord),
  };
}

export interface OracleKeys { skeyid: Buffer; skeyidD: Buffer; skeyidA: Buffer; skeyidE: Buffer; encKey: Buffer }

/** SKEYID and its children, and the cipher key (Appendix B expansion when SKEYID_e is short). */
export function oracleKeys(o: {
  hash: OracleHash; cipher: OracleCipher; auth: 'psk' | 'sig'; psk?: Buffer;
  ni: Buffer; nr: Buffer; gxy: Buffer; ci: Buffer; cr: Buffer;
}): OracleKeys {
  const skeyid = o.auth === 'psk' ? hmac(o.hash, o.psk!, o.ni, o.nr) : hmac(o.hash, Buffer.concat([o.ni, o.nr]), o.gxy);
  const skeyidD = hmac(o.hash, skeyid, o.gxy, o.ci, o.cr, Buffer.from([0]));
  const skeyidA = hmac(o.hash, skeyid, skeyidD, o.gxy, o.ci, o.cr, Buffer.from([1]));
  const skeyidE = hmac(o.hash, skeyid, skeyidA, o.gxy, o.ci, o.cr, Buffer.from([2]));
  const need = KEY_BYTES[o.cipher];
  let encKey: Buffer;
  if (skeyidE.length >= need) encKey = skeyidE.subarray(0, need);
  else {
    const ks: Buffer[] = [hmac(o.hash, skeyidE, Buffer.from([0]))];
    while (Buffer.concat(ks).length < need) ks.push(hmac(o.hash, skeyidE, ks[ks.length - 1]!));
    encKey = Buffer.concat(ks).subarray(0, need);
  }
  return { skeyid, skeyidD, skeyidA, skeyidE, encKey };
}

/** First phase-1 IV: hash(g^xi | g^xr), cut to the block size. */
export function oracleIv(h: OracleHash, gxi: Buffer, gxr: Buffer, c: OracleCipher): Buffer {
  return createHash(h).update(gxi).update(gxr).digest().subarray(0, BLOCK[c]);
}

/** Phase-2 IV: hash(last phase-1 CBC block | M-ID). */
export function oraclePhase2Iv(h: OracleHash, lastBlock: Buffer, mid: number, c: OracleCipher): Buffer {
  const m = Buffer.alloc(4);
  m.writeUInt32BE(mid);
  return createHash(h).update(lastBlock).update(m).digest().subarray(0, BLOCK[c]);
}

/** CBC-decrypts the body of an encrypted ISAKMP datagram; returns plaintext and the next IV. */
export function oracleDecrypt(c: OracleCipher, key: Buffer, iv: Buffer, datagram: Buffer): { plain: Buffer; nextIv: Buffer } {
  const ct = datagram.subarray(28);
  const d = createDecipheriv(c, key, iv).setAutoPadding(false);
  const plain = Buffer.concat([d.update(ct), d.final()]);
  return { plain, nextIv: ct.subarray(ct.length - BLOCK[c]) };
}

export interface RawPayload { type: number; body: Buffer }

/** Walks a generic payload chain (RFC 2408 §3.2) starting with type `first`; stops at next = 0. */
export function walkPayloads(first: number, buf: Buffer): RawPayload[] {
  const out: RawPayload[] = [];
  let type = first;
  let at = 0;
  while (type !== 0) {
    const len = buf.readUInt16BE(at + 2);
    out.push({ type, body: buf.subarray(at + 4, at + len) });
    type = buf[at]!;
    at += len;
  }
  return out;
}

/** The payloads of a plaintext datagram. */
export function datagramPayloads(datagram: Buffer): RawPayload[] {
  return walkPayloads(datagram[16]!, datagram.subarray(28, datagram.readUInt32BE(24)));
}

export const payloadOf = (ps: RawPayload[], type: number): Buffer | undefined => ps.find((p) => p.type === type)?.body;

/** The data a SIG payload signs, recovered with the certificate's public key (PKCS#1 type 1, no DigestInfo). */
export function recoverSigned(certDer: Buffer, sig: Buffer): Buffer {
  return publicDecrypt({ key: new X509Certificate(certDer).publicKey, padding: constants.RSA_PKCS1_PADDING }, sig);
}
