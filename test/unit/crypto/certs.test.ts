import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  certPublicKey, certSerial, certSubjectDn, loadPemCerts, verifyCertChain,
} from '../../../shared/crypto/certs.ts';
import { certKeyUsage } from '../../../shared/crypto/key-usage.ts';
import { ikeSign, ikeVerify, publicKeyDer } from '../../../shared/crypto/rsa.ts';
import { makeCa, makeLeaf, type TestCa, type TestCert } from '../../../shared/crypto/test-pki.ts';
import { codeOf } from './support.ts';

const DAY = 86_400_000;
const now = new Date();

let root: TestCa;
let otherRoot: TestCa;
let impostor: TestCa; // same name as root, different key
let leaf: TestCert;
beforeAll(() => {
  // valid well before and after `now`, so leaves can be judged at other times
  root = makeCa('GDOI Test Root', { notBefore: new Date(now.getTime() - 100 * DAY), notAfter: new Date(now.getTime() + 1000 * DAY) });
  otherRoot = makeCa('Some Other Root');
  impostor = makeCa('GDOI Test Root');
  leaf = makeLeaf(root, 'ks1.example');
});

describe('verifyCertChain', () => {
  it('accepts a leaf issued by a trusted CA', () => {
    expect(verifyCertChain(leaf.der, [], [root.certPem], now)).toEqual({ ok: true });
    // the trust list may hold several CAs, in one PEM text or several
    expect(verifyCertChain(leaf.der, [], [otherRoot.certPem + root.certPem], now).ok).toBe(true);
    expect(verifyCertChain(leaf.der, [root.der], [otherRoot.certPem, root.certPem], now).ok).toBe(true);
  });

  it('refuses a leaf whose CA is not trusted', () => {
    const r = verifyCertChain(leaf.der, [], [otherRoot.certPem], now);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/no trusted issuer/);
    expect(verifyCertChain(leaf.der, [], [], now).ok).toBe(false);
  });

  it('refuses a leaf signed by an impostor CA with the trusted CA\'s name', () => {
    const forged = makeLeaf(impostor, 'ks1.example', { bits: 1024 });
    const r = verifyCertChain(forged.der, [], [root.certPem], now);
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/signature does not verify/) });
    // handing the impostor over as an intermediate does not help either
    expect(verifyCertChain(forged.der, [impostor.der], [root.certPem], now).ok).toBe(false);
  });

  it('refuses expired and not-yet-valid leaves, judged at the given time', () => {
    const expired = makeLeaf(root, 'old', { bits: 1024, notBefore: new Date(now.getTime() - 30 * DAY), notAfter: new Date(now.getTime() - DAY) });
    const future = makeLeaf(root, 'new', { bits: 1024, notBefore: new Date(now.getTime() + DAY), notAfter: new Date(now.getTime() + 30 * DAY) });
    expect(verifyCertChain(expired.der, [], [root.certPem], now)).toMatchObject({ ok: false, reason: expect.stringMatching(/expired/) });
    expect(verifyCertChain(future.der, [], [root.certPem], now)).toMatchObject({ ok: false, reason: expect.stringMatching(/not yet valid/) });
    expect(verifyCertChain(expired.der, [], [root.certPem], new Date(now.getTime() - 2 * DAY)).ok).toBe(true);
    expect(verifyCertChain(future.der, [], [root.certPem], new Date(now.getTime() + 2 * DAY)).ok).toBe(true);
    expect(verifyCertChain(leaf.der, [], [root.certPem], new Date(now.getTime() + 400 * DAY)).ok).toBe(false);
  });

  it('refuses a chain whose trusted CA has expired', () => {
    const oldRoot = makeCa('Old Root', { bits: 1024, notBefore: new Date(now.getTime() - 10 * DAY), notAfter: new Date(now.getTime() - DAY) });
    const l = makeLeaf(oldRoot, 'gm1', { bits: 1024 });
    expect(verifyCertChain(l.der, [], [oldRoot.certPem], now)).toMatchObject({ ok: false, reason: expect.stringMatching(/Old Root.*expired/) });
  });

  it('checks keyUsage digitalSignature on the leaf when the extension is present', () => {
    const encOnly = makeLeaf(root, 'enc-only', { bits: 1024, keyUsage: { keyEncipherment: true } });
    const none = makeLeaf(root, 'no-ku', { bits: 1024, keyUsage: false });
    expect(verifyCertChain(encOnly.der, [], [root.certPem], now)).toMatchObject({ ok: false, reason: expect.stringMatching(/digitalSignature/) });
    expect(verifyCertChain(encOnly.der, [], [root.certPem], now, { requireDigitalSignature: false }).ok).toBe(true);
    expect(verifyCertChain(none.der, [], [root.certPem], now).ok).toBe(true);
    expect(certKeyUsage(encOnly.der)).toEqual(new Set(['keyEncipherment']));
    expect(certKeyUsage(none.der)).toBeUndefined();
    expect(certKeyUsage(root.der)).toEqual(new Set(['digitalSignature', 'keyCertSign', 'cRLSign']));
  });

  it('follows intermediates, which must be CAs', () => {
    const sub = makeCa('GDOI Sub CA', { issuer: root, bits: 1024 });
    const subLeaf = makeLeaf(sub, 'gm2', { bits: 1024 });
    expect(verifyCertChain(subLeaf.der, [sub.der], [root.certPem], now).ok).toBe(true);
    expect(verifyCertChain(subLeaf.der, [leaf.der, sub.der], [root.certPem], now).ok).toBe(true);
    expect(verifyCertChain(subLeaf.der, [], [root.certPem], now)) // intermediate missing
      .toMatchObject({ ok: false, reason: expect.stringMatching(/no trusted issuer "CN=GDOI Sub CA/) });
    const notCa = makeCa('Not A CA', { issuer: root, ca: false, bits: 1024 });
    const underNotCa = makeLeaf(notCa, 'gm3', { bits: 1024 });
    expect(verifyCertChain(underNotCa.der, [notCa.der], [root.certPem], now))
      .toMatchObject({ ok: false, reason: expect.stringMatching(/Not A CA.*not a CA/) });
  });

  it('accepts a leaf that is itself trusted, and reports unparseable input', () => {
    expect(verifyCertChain(leaf.der, [], [leaf.certPem], now).ok).toBe(true);
    expect(verifyCertChain(Buffer.from('nonsense'), [], [root.certPem], now)).toMatchObject({ ok: false, reason: expect.stringMatching(/leaf/) });
    expect(verifyCertChain(leaf.der, [Buffer.alloc(3)], [root.certPem], now).ok).toBe(false);
  });
});

describe('certificate accessors', () => {
  it('loadPemCerts returns the DER of every CERTIFICATE block', () => {
    const pem = `junk before\n${root.certPem}\n${leaf.keyPem}${leaf.certPem}`;
    expect(loadPemCerts(pem)).toEqual([root.der, leaf.der]);
    expect(loadPemCerts('no certificates here')).toEqual([]);
  });

  it('reads the subject, serial and public key', () => {
    expect(certSubjectDn(leaf.der)).toBe('CN=ks1.example, O=gdoi-test');
    expect(certSerial(leaf.der)).toMatch(/^01[0-9A-F]{16}$/);
    expect(certSerial(leaf.der)).not.toBe(certSerial(root.der));
    const pub = certPublicKey(leaf.der);
    expect(publicKeyDer(pub)).toEqual(publicKeyDer(leaf.privateKey));
    const hash = createHash('sha256').update('HASH_R').digest();
    expect(ikeVerify(pub, hash, ikeSign(leaf.privateKey, hash))).toBe(true);
  });

  it('throws BAD_CERT on garbage', () => {
    expect(codeOf(() => certSubjectDn(Buffer.alloc(10)))).toBe('BAD_CERT');
    expect(codeOf(() => certPublicKey(Buffer.alloc(0)))).toBe('BAD_CERT');
    expect(codeOf(() => certSerial(Buffer.from('30', 'hex')))).toBe('BAD_CERT');
  });
});
