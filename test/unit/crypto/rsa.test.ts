import { constants, createHash, generateKeyPairSync, publicDecrypt } from 'node:crypto';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  generateRsaKey, ikeSign, ikeVerify, publicKeyDer, publicKeyFromDer,
} from '../../../shared/crypto/rsa.ts';
import { codeOf } from './support.ts';

let keys: ReturnType<typeof generateRsaKey>;
let other: ReturnType<typeof generateRsaKey>;
beforeAll(() => {
  keys = generateRsaKey(2048);
  other = generateRsaKey(1024);
});

const hash = createHash('sha1').update('HASH_I input').digest();

describe('ikeSign', () => {
  it('is PKCS#1 v1.5 type 1 around the raw hash, with no DigestInfo', () => {
    const sig = ikeSign(keys.privateKey, hash);
    expect(sig.length).toBe(256);
    const em = publicDecrypt({ key: keys.publicKey, padding: constants.RSA_NO_PADDING }, sig);
    const ps = em.subarray(2, em.length - hash.length - 1);
    expect(em.subarray(0, 2).toString('hex')).toBe('0001');
    expect(ps.every((b) => b === 0xff)).toBe(true);
    expect(em[em.length - hash.length - 1]).toBe(0);
    expect(em.subarray(em.length - hash.length)).toEqual(hash);
  });

  it('equals node-forge\'s independent RSA with block type 1', () => {
    const fkey = forge.pki.privateKeyFromPem(keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    // forge's rsa.encrypt(m, key, 0x01) is the raw block-type-1 operation; its typings omit it
    const raw = forge.pki.rsa as unknown as { encrypt(m: string, k: forge.pki.rsa.PrivateKey, bt: number): string };
    const forgeSig = raw.encrypt(hash.toString('binary'), fkey as forge.pki.rsa.PrivateKey, 0x01);
    expect(ikeSign(keys.privateKey, hash).toString('hex')).toBe(Buffer.from(forgeSig, 'binary').toString('hex'));
  });
});

describe('ikeVerify', () => {
  it('accepts a good signature with the public or the private key', () => {
    const sig = ikeSign(keys.privateKey, hash);
    expect(ikeVerify(keys.publicKey, hash, sig)).toBe(true);
    expect(ikeVerify(keys.privateKey, hash, sig)).toBe(true);
  });

  it('returns false, never throws, on bad input', () => {
    const sig = ikeSign(keys.privateKey, hash);
    const flipped = Buffer.from(sig);
    flipped[100]! ^= 1;
    const otherHash = Buffer.from(hash);
    otherHash[0]! ^= 1;
    expect(ikeVerify(keys.publicKey, hash, flipped)).toBe(false);
    expect(ikeVerify(keys.publicKey, otherHash, sig)).toBe(false);
    expect(ikeVerify(keys.publicKey, hash.subarray(0, 19), sig)).toBe(false);
    expect(ikeVerify(other.publicKey, hash, sig)).toBe(false);
    expect(ikeVerify(keys.publicKey, hash, sig.subarray(1))).toBe(false);
    expect(ikeVerify(keys.publicKey, hash, Buffer.alloc(0))).toBe(false);
    expect(ikeVerify(keys.publicKey, hash, Buffer.alloc(256, 0xff))).toBe(false);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(ikeVerify(ec.publicKey, hash, sig)).toBe(false);
  });

  it('does not accept a DigestInfo (crypto.sign) signature as a raw one', () => {
    const sha1DigestInfo = Buffer.concat([Buffer.from('3021300906052b0e03021a05000414', 'hex'), hash]);
    const withDigestInfo = ikeSign(keys.privateKey, sha1DigestInfo);
    expect(ikeVerify(keys.publicKey, hash, withDigestInfo)).toBe(false);
  });
});

describe('public key DER', () => {
  it('round-trips SubjectPublicKeyInfo from a public or a private key', () => {
    const der = publicKeyDer(keys.publicKey);
    expect(der[0]).toBe(0x30);
    expect(publicKeyDer(keys.privateKey)).toEqual(der);
    const back = publicKeyFromDer(der);
    expect(back.type).toBe('public');
    expect(ikeVerify(back, hash, ikeSign(keys.privateKey, hash))).toBe(true);
  });

  it('also reads a bare PKCS#1 RSAPublicKey', () => {
    const pkcs1 = keys.publicKey.export({ type: 'pkcs1', format: 'der' });
    expect(publicKeyDer(publicKeyFromDer(pkcs1))).toEqual(publicKeyDer(keys.publicKey));
  });

  it('refuses garbage with BAD_KEY', () => {
    expect(codeOf(() => publicKeyFromDer(Buffer.alloc(0)))).toBe('BAD_KEY');
    expect(codeOf(() => publicKeyFromDer(Buffer.from('3003020101', 'hex')))).toBe('BAD_KEY');
    expect(codeOf(() => publicKeyFromDer(publicKeyDer(keys.publicKey).subarray(0, 100)))).toBe('BAD_KEY');
  });

  it('generateRsaKey makes keys of the asked size', () => {
    expect(keys.privateKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
  });
});
