import { X509Certificate, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { certPublicKey, certSerial, certSubjectDn, verifyCertChain, checkCertChain } from '../../../shared/crypto/certs.ts';
import { certKeyUsage } from '../../../shared/crypto/key-usage.ts';
import { basicConstraints, keyUsage, nameToString, parseCertificate, type Certificate } from '../../../shared/crypto/x509-der.ts';
import { makeCa, makeLeaf } from '../../../shared/crypto/test-pki.ts';
import { DecodeError } from '../../../shared/errors.ts';
import { OpensslPki, type OsslCert } from './openssl-pki.ts';
import { forgeKeyUsage, oneLine, oracleVerifyCertChain } from './x509-oracle.ts';
import {
  STR, basicConstraintsExt, bits, buildCert, extension, generalizedTime, int, keyUsageExt, name, oid, rsaSigAlg, seq,
  simpleName, tlv, utcTime, type Ava,
} from './x509-build.ts';

const DAY = 86_400_000;
// Judged a minute ahead: openssl stamps notBefore with the second a certificate is made.
let now = new Date();
beforeEach(() => {
  now = new Date(Date.now() + 60_000);
});
const spki = (k: KeyObject): Buffer => (k.type === 'public' ? k : createPublicKey(k)).export({ type: 'spki', format: 'der' });

/** The DecodeError code `fn` throws; fails the test on any other kind of error. */
function decodeCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof DecodeError) return e.code;
    throw new Error(`not a DecodeError: ${String(e)}`);
  }
  return undefined;
}

let pki: OpensslPki;
let rsaRoot: OsslCert, ecRoot: OsslCert, ecInter: OsslCert;
let rsa2048: OsslCert, rsa4096: OsslCert, ecUnderRsa: OsslCert, ecUnderEc: OsslCert, underInter: OsslCert;
let utf8v1: OsslCert, pss: OsslCert, oddDn: OsslCert;
const LEAF_EXT = ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment'];

beforeAll(() => {
  pki = new OpensslPki();
  rsaRoot = pki.root({ subj: '/C=US/O=gdoi-test/CN=RSA Root', key: 'rsa2048', days: 3650 });
  ecRoot = pki.root({ subj: '/C=US/O=gdoi-test/CN=EC Root', key: 'p256', days: 3650 });
  ecInter = pki.issue(rsaRoot, {
    subj: '/C=US/O=gdoi-test/OU=Issuing/CN=EC Intermediate', key: 'p384', days: 365,
    extensions: ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign'],
  });
  rsa2048 = pki.issue(rsaRoot, { subj: '/C=US/ST=California/L=San Jose/O=gdoi-test/OU=GMs/CN=gm1/emailAddress=gm1@example.com', key: 'rsa2048', extensions: LEAF_EXT, serial: '0x00FF00' });
  rsa4096 = pki.issue(rsaRoot, { subj: '/DC=com/DC=example/serialNumber=42/CN=gm2', key: 'rsa4096', md: 'sha512', extensions: LEAF_EXT });
  ecUnderRsa = pki.issue(rsaRoot, { subj: '/O=gdoi-test/CN=ec-gm', key: 'p256', extensions: ['keyUsage=digitalSignature'] });
  ecUnderEc = pki.issue(ecRoot, { subj: '/O=gdoi-test/CN=ec-gm2', key: 'p256', md: 'sha384', extensions: LEAF_EXT });
  underInter = pki.issue(ecInter, { subj: '/O=gdoi-test/CN=gm3', key: 'rsa2048', md: 'sha384', extensions: LEAF_EXT });
  // no extensions: a v1 certificate; 100 years: notAfter is a GeneralizedTime
  utf8v1 = pki.issue(rsaRoot, { subj: '/CN=Jürgen Groß+UID=jg/O=日本/C=DE', key: 'p256', days: 36500 });
  pss = pki.issue(rsaRoot, { subj: '/O=gdoi-test/CN=pss-gm', key: 'rsa2048', sigopt: ['rsa_padding_mode:pss'], extensions: LEAF_EXT });
  oddDn = pki.issue(rsaRoot, { subj: '/C=US/O=a\\, b+CN=x;y/CN= #lead/OU=q"r<s>t\\\\u=v', key: 'p256', extensions: LEAF_EXT });
}, 120_000);
afterAll(() => pki?.cleanup());

describe('parseCertificate agrees with node\'s X509Certificate', () => {
  const cases = (): Array<[string, OsslCert, OsslCert]> => [
    ['RSA root (self-signed)', rsaRoot, rsaRoot], ['EC root (self-signed)', ecRoot, ecRoot],
    ['EC P-384 intermediate', ecInter, rsaRoot], ['RSA-2048 leaf', rsa2048, rsaRoot], ['RSA-4096 leaf, sha512', rsa4096, rsaRoot],
    ['EC P-256 leaf, RSA CA', ecUnderRsa, rsaRoot], ['EC P-256 leaf, EC CA', ecUnderEc, ecRoot],
    ['RSA leaf under the EC intermediate', underInter, ecInter], ['v1, UTF-8, multi-valued RDN, GeneralizedTime', utf8v1, rsaRoot],
    ['RSASSA-PSS signature', pss, rsaRoot], ['special characters in the DN', oddDn, rsaRoot],
  ];

  it('serial, names, validity, key, extensions and signature of every fixture', () => {
    for (const [label, cert, issuer] of cases()) {
      const x = new X509Certificate(cert.der);
      const xi = new X509Certificate(issuer.der);
      const p = parseCertificate(cert.der);
      const ctx = { label };
      expect({ ...ctx, serial: p.serial }).toEqual({ ...ctx, serial: x.serialNumber });
      expect({ ...ctx, subject: nameToString(p.subject) }).toEqual({ ...ctx, subject: oneLine(x.subject) });
      expect({ ...ctx, issuer: nameToString(p.issuer) }).toEqual({ ...ctx, issuer: oneLine(x.issuer) });
      expect({ ...ctx, dn: certSubjectDn(cert.der), serial: certSerial(cert.der) }).toEqual({ ...ctx, dn: oneLine(x.subject), serial: x.serialNumber });
      expect([p.notBefore, p.notAfter]).toEqual([Date.parse(x.validFrom), Date.parse(x.validTo)]);
      expect(p.publicKey.der).toEqual(spki(x.publicKey));
      expect(spki(certPublicKey(cert.der))).toEqual(spki(x.publicKey));
      expect(p.issuer.der.equals(parseCertificate(issuer.der).subject.der)).toBe(x.checkIssued(xi));
      expect(p.issuer.der.equals(parseCertificate(issuer.der).subject.der)).toBe(true);
      expect(basicConstraints(p)?.cA ?? false).toBe(x.ca);
      expect(keyUsage(p)?.usages).toEqual(forgeKeyUsage(cert.der));
      expect(p.tbsSignatureAlgorithm.der).toEqual(p.signatureAlgorithm.der);
      expect(x.verify(xi.publicKey)).toBe(true);
      const alg = p.signatureAlgorithm;
      if (cert === pss) {
        expect([alg.oid, alg.scheme, alg.hash, alg.keyType]).toEqual(['1.2.840.113549.1.1.10', undefined, undefined, 'rsa-pss']);
      } else {
        expect(verify(alg.hash!, p.tbs, xi.publicKey, p.signature)).toBe(true);
      }
    }
  });

  it('reads what each fixture was made with', () => {
    const alg = (c: OsslCert): Certificate['signatureAlgorithm'] => parseCertificate(c.der).signatureAlgorithm;
    expect(alg(rsa2048)).toMatchObject({ scheme: 'rsa-pkcs1', hash: 'sha256', keyType: 'rsa' });
    expect(alg(rsa4096)).toMatchObject({ scheme: 'rsa-pkcs1', hash: 'sha512' });
    expect(alg(ecUnderEc)).toMatchObject({ oid: '1.2.840.10045.4.3.3', scheme: 'ecdsa', hash: 'sha384', keyType: 'ec' });
    expect(alg(ecRoot)).toMatchObject({ scheme: 'ecdsa', hash: 'sha256' });
    expect(alg(underInter)).toMatchObject({ scheme: 'ecdsa', hash: 'sha384' });
    expect(parseCertificate(rsa2048.der)).toMatchObject({ version: 3, serial: 'FF00' });
    expect(parseCertificate(rsa4096.der).publicKey).toMatchObject({ keyType: 'rsa', algorithmOid: '1.2.840.113549.1.1.1' });
    expect(parseCertificate(rsa4096.der).publicKey.pkcs1?.length).toBeGreaterThan(512);
    expect(parseCertificate(ecUnderRsa.der).publicKey).toMatchObject({ keyType: 'ec', curveOid: '1.2.840.10045.3.1.7' });
    expect(parseCertificate(ecUnderRsa.der).publicKey.pkcs1).toBeUndefined();
    expect(parseCertificate(ecInter.der).publicKey.curveOid).toBe('1.3.132.0.34');
    expect(basicConstraints(parseCertificate(rsaRoot.der))).toEqual({ cA: true, critical: true });
    expect(basicConstraints(parseCertificate(ecInter.der))).toEqual({ cA: true, pathLen: 0, critical: true });
    expect(basicConstraints(parseCertificate(rsa2048.der))).toEqual({ cA: false, critical: false });
    expect(keyUsage(parseCertificate(rsa2048.der))).toEqual({ usages: new Set(['digitalSignature', 'keyEncipherment']), critical: true });
    expect(keyUsage(parseCertificate(ecUnderRsa.der))).toEqual({ usages: new Set(['digitalSignature']), critical: false });
    const v1 = parseCertificate(utf8v1.der);
    expect([v1.version, v1.extensions, basicConstraints(v1), keyUsage(v1)]).toEqual([1, [], undefined, undefined]);
    expect(new Date(v1.notAfter).getUTCFullYear()).toBeGreaterThanOrEqual(2050); // GeneralizedTime
    expect(nameToString(v1.subject)).toBe('UID=jg + CN=Jürgen Groß, O=日本, C=DE'); // the SET OF in DER order, as node prints it
    expect(certSubjectDn(oddDn.der)).toBe(oneLine(new X509Certificate(oddDn.der).subject));
    expect(certSubjectDn(oddDn.der)).toContain('a\\, b');
  });

  it('agrees on certificates made by node-forge (shared/crypto/test-pki.ts)', () => {
    const ca = makeCa('Forge CA', { bits: 1024 });
    for (const c of [ca, makeLeaf(ca, 'forge-gm', { bits: 1024 }), makeLeaf(ca, 'no-ku', { bits: 1024, keyUsage: false })]) {
      const x = new X509Certificate(c.der);
      const p = parseCertificate(c.der);
      expect([nameToString(p.subject), p.serial, p.notBefore, p.notAfter, basicConstraints(p)?.cA ?? false])
        .toEqual([oneLine(x.subject), x.serialNumber, Date.parse(x.validFrom), Date.parse(x.validTo), x.ca]);
      expect(certKeyUsage(c.der)).toEqual(forgeKeyUsage(c.der));
    }
  });
});

describe('one-line names', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certWith = (rdns: Ava[][]): Buffer => buildCert({
    issuer: simpleName('CA'), subject: name(rdns), notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + DAY),
    publicKey, signer: privateKey,
  });
  const nodeSubject = (der: Buffer): string | undefined => {
    const s = new X509Certificate(der).subject as string | undefined;
    return s === undefined ? undefined : oneLine(s);
  };

  it('escape every character as node does, in every position and string type', () => {
    let compared = 0;
    for (const tag of [STR.utf8, STR.printable, STR.ia5, STR.teletex, STR.numeric]) {
      for (let c = 0; c < (tag === STR.utf8 ? 0x80 : 0x100); c++) {
        const ch = String.fromCharCode(c);
        for (const v of [ch, `a${ch}`, `${ch}a`, `a${ch}b`, `${ch}${ch}${ch}`]) {
          const der = certWith([[['CN', Buffer.from(v, 'latin1'), tag]]]);
          const mine = nameToString(parseCertificate(der).subject);
          if (mine !== nodeSubject(der)) expect({ tag, v, mine }).toEqual({ tag, v, mine: nodeSubject(der) });
          compared++;
        }
      }
    }
    expect(compared).toBe(128 * 5 + 4 * 256 * 5);
  });

  it('multi-valued RDNs, UTF-8 and every attribute the reader names', () => {
    const names: Ava[][][] = [
      [[['O', 'a + b'], ['CN', 'x'], ['OU', 'y']], [['CN', ' both ends ']]],
      [[['CN', 'héllo 日本語 😀']], [['O', '\uFEFFbom']], [['OU', 'é', STR.teletex]]],
      [[['C', 'US', STR.printable]], [['ST', 'CA']], [['L', 'SF']], [['O', 'o']], [['OU', 'ou']], [['CN', 'cn']],
        [['emailAddress', 'a@b.example', STR.ia5]], [['serialNumber', '123', STR.printable]], [['DC', 'com', STR.ia5]],
        [['UID', 'u']], [['SN', 's']], [['GN', 'g']], [['title', 't']], [['street', 'st']], [['postalCode', '1']],
        [['initials', 'i']], [['dnQualifier', 'q', STR.printable]]],
    ];
    for (const rdns of names) {
      const der = certWith(rdns);
      expect(nameToString(parseCertificate(der).subject)).toBe(nodeSubject(der));
    }
  });

  it('leave to node what they cannot print identically', () => {
    // BMPString, attributes without a short name here (2.5.4.41 name, a private OID)
    const bmp = certWith([[['CN', Buffer.from([0x00, 0x41, 0x00, 0xe9]), STR.bmp]]]);
    const unnamed = certWith([[['2.5.4.41', 'n']], [['CN', 'x']]]);
    const privateOid = certWith([[['1.3.6.1.4.1.99999.1', 'p']], [['CN', 'x']]]);
    for (const der of [bmp, unnamed, privateOid]) {
      expect(nameToString(parseCertificate(der).subject)).toBeUndefined();
      expect(certSubjectDn(der)).toBe(nodeSubject(der));
    }
    expect(certSubjectDn(bmp)).toBe('CN=Aé');
    // a VisibleString, which OpenSSL refuses in a Name: the reader's loose form
    const visible = certWith([[['CN', 'vis', STR.visible]]]);
    expect(() => new X509Certificate(visible)).toThrow();
    expect(certSubjectDn(visible)).toBe('CN=#766973');
    // an empty subject, which node reports as undefined
    expect(nodeSubject(certWith([]))).toBeUndefined();
    expect(certSubjectDn(certWith([]))).toBe('');
  });

  it('refuse what OpenSSL refuses in a Name: bad UTF-8, values of a non-universal type', () => {
    const badUtf8 = certWith([[['CN', Buffer.from([0x41, 0xc3, 0x28])]]]);
    expect(() => new X509Certificate(badUtf8)).toThrow();
    expect(decodeCode(() => parseCertificate(badUtf8))).toBe('BAD_VALUE');
    expect(() => certSubjectDn(badUtf8)).toThrow(/not a DER certificate/);
    const contextTag = certWith([[['CN', 'x', 0x93]]]);
    expect(() => new X509Certificate(contextTag)).toThrow();
    expect(decodeCode(() => parseCertificate(contextTag))).toBe('BAD_VALUE');
  });
});

describe('validity times and serial numbers', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const make = (notBefore: Buffer | Date, notAfter: Buffer | Date, serial?: bigint): Buffer => buildCert({
    issuer: simpleName('CA'), subject: simpleName('x'), notBefore, notAfter, publicKey, signer: privateKey, serial,
  });
  const timeCode = (raw: string, tag = 0x17): string | undefined =>
    decodeCode(() => parseCertificate(make(tlv(tag, Buffer.from(raw, 'latin1')), new Date(now.getTime() + DAY))));

  it('read UTCTime (RFC 5280 50/49 rule) and GeneralizedTime as node does', () => {
    const pairs: Array<[Buffer, Buffer]> = [
      [utcTime(new Date('1950-01-01T00:00:00Z')), utcTime(new Date('2049-12-31T23:59:59Z'))],
      [generalizedTime(new Date('2050-01-01T00:00:00Z')), generalizedTime(new Date('9999-12-31T23:59:59Z'))],
      [utcTime(new Date('2024-02-29T12:34:56Z')), generalizedTime(new Date('2100-03-01T00:00:00Z'))],
    ];
    for (const [nb, na] of pairs) {
      const der = make(nb, na);
      const x = new X509Certificate(der);
      const p = parseCertificate(der);
      expect([p.notBefore, p.notAfter]).toEqual([Date.parse(x.validFrom), Date.parse(x.validTo)]);
    }
    expect(parseCertificate(make(utcTime(new Date('1999-12-31T23:59:59Z')), new Date(0))).notBefore).toBe(Date.parse('1999-12-31T23:59:59Z'));
  });

  it('refuse times outside RFC 5280\'s forms', () => {
    expect(timeCode('240229123456Z')).toBeUndefined();
    for (const bad of ['2402291234Z', '240229123456', '240229123456.5Z', '240229123456+0100', '241301000000Z', '240230000000Z', '240101240000Z', '240101006000Z', '24010100006 Z']) {
      expect({ bad, code: timeCode(bad) }).toEqual({ bad, code: 'BAD_VALUE' });
    }
    expect(timeCode('20240229123456Z', 0x18)).toBeUndefined();
    for (const bad of ['20240229123456.123Z', '202402291234Z', '20230229000000Z']) expect(timeCode(bad, 0x18)).toBe('BAD_VALUE');
    expect(timeCode('240229123456Z', 0x13)).toBe('BAD_VALUE'); // a PrintableString
  });

  it('print serial numbers as node does', () => {
    const serials = [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x100n, -1n, -128n, -129n, 2n ** 159n - 1n, 0xdeadbeefcafen];
    for (const serial of serials) {
      const der = make(new Date(now.getTime() - DAY), new Date(now.getTime() + DAY), serial);
      expect({ serial, hex: parseCertificate(der).serial }).toEqual({ serial, hex: new X509Certificate(der).serialNumber });
    }
  });
});

describe('malformed certificates throw DecodeError', () => {
  it('on truncation at every offset, and on trailing bytes', () => {
    for (const c of [rsa2048, ecUnderEc]) {
      for (let i = 0; i < c.der.length; i++) {
        const code = decodeCode(() => parseCertificate(c.der.subarray(0, i)));
        if (code !== 'TRUNCATED' && code !== 'BAD_LENGTH') expect({ i, code }).toEqual({ i, code: 'TRUNCATED' });
      }
      expect(decodeCode(() => parseCertificate(Buffer.concat([c.der, Buffer.from([0])])))).toBe('TRAILING_DATA');
    }
  });

  it('on any flipped byte: a DecodeError or a certificate that fails the chain check, never anything else', () => {
    const der = ecUnderRsa.der;
    for (let i = 0; i < der.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const bad = Buffer.from(der);
        bad[i]! ^= mask;
        decodeCode(() => parseCertificate(bad)); // throws the test if the error is not a DecodeError
        const r = verifyCertChain(bad, [], [rsaRoot.pem], now);
        if (r.ok) expect({ i, mask, r }).toEqual({ i, mask, r: { ok: false } });
      }
    }
  });

  it('on BER and wrong tags', () => {
    const der = Buffer.from(rsa2048.der);
    expect(der[1]).toBe(0x82);
    const patched = (at: number, ...bytes: number[]): Buffer => Buffer.concat([der.subarray(0, at), Buffer.from(bytes), der.subarray(at + bytes.length)]);
    expect(decodeCode(() => parseCertificate(patched(0, 0x31)))).toBe('BAD_VALUE');
    expect(decodeCode(() => parseCertificate(patched(0, 0x3f)))).toBe('BAD_VALUE');
    expect(decodeCode(() => parseCertificate(Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(4), Buffer.from([0, 0])])))).toBe('BAD_LENGTH');
    // long form where the short form fits, and a padded long form
    expect(decodeCode(() => parseCertificate(Buffer.from([0x30, 0x81, 0x03, 0x02, 0x01, 0x00])))).toBe('BAD_LENGTH');
    expect(decodeCode(() => parseCertificate(Buffer.concat([Buffer.from([0x30, 0x83, 0x00]), der.subarray(2)])))).toBe('BAD_LENGTH');
    expect(decodeCode(() => parseCertificate(Buffer.from([0x30, 0x85, 1, 0, 0, 0, 0])))).toBe('BAD_LENGTH');
    expect(decodeCode(() => parseCertificate(Buffer.alloc(0)))).toBe('TRUNCATED');
    expect(decodeCode(() => parseCertificate(Buffer.from('30', 'hex')))).toBe('TRUNCATED');
    expect(() => parseCertificate(Buffer.from('nonsense'))).toThrow(DecodeError);
  });

  it('on structures RFC 5280 forbids', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const make = (extensions: Buffer[], version?: 1 | 2 | 3): Buffer => buildCert({
      issuer: simpleName('CA'), subject: simpleName('x'), notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + DAY),
      publicKey, signer: privateKey, extensions, version,
    });
    const ku = keyUsageExt([0]);
    expect(decodeCode(() => parseCertificate(make([ku])))).toBeUndefined();
    expect(decodeCode(() => parseCertificate(make([ku], 1)))).toBe('BAD_VALUE'); // extensions in v1
    expect(decodeCode(() => parseCertificate(make([ku, ku])))).toBe('BAD_VALUE'); // twice
    const notDerBoolean = seq(oid('2.5.29.15'), tlv(0x01, Buffer.from([0x01])), tlv(0x04, bits(Buffer.from([0x80]), 7)));
    expect(decodeCode(() => parseCertificate(make([notDerBoolean])))).toBe('BAD_VALUE');
    // malformed extension values fail when read, not when the certificate is parsed
    const pathLenNoCa = parseCertificate(make([extension('2.5.29.19', seq(int(1)))]));
    expect(decodeCode(() => basicConstraints(pathLenNoCa))).toBe('BAD_VALUE');
    const dirtyBits = parseCertificate(make([extension('2.5.29.15', bits(Buffer.from([0x81]), 1))]));
    expect(decodeCode(() => keyUsage(dirtyBits))).toBe('BAD_VALUE');
    const notBits = parseCertificate(make([extension('2.5.29.15', tlv(0x04, Buffer.from([0x80])))]));
    expect(decodeCode(() => keyUsage(notBits))).toBe('BAD_VALUE');
    expect(decodeCode(() => certKeyUsage(make([extension('2.5.29.15', bits(Buffer.from([0x80]), 7).subarray(0, 3))])))).toBe('BAD_LENGTH');
    // a high-tag-number attribute value
    const highTag = buildCert({
      issuer: simpleName('CA'), subject: seq(tlv(0x31, seq(oid('2.5.4.3'), Buffer.from([0x1f, 0x81, 0x00, 0x00])))),
      notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + DAY), publicKey, signer: privateKey,
    });
    expect(decodeCode(() => parseCertificate(highTag))).toBe('UNSUPPORTED');
  });
});

describe('verifyCertChain on the DER reader', () => {
  /** Same verdict and reason as the X509Certificate-based check it replaces. */
  function same(leaf: Buffer, chain: Buffer[], trusted: string[], at = now, opts: { requireDigitalSignature?: boolean } = {}): ReturnType<typeof verifyCertChain> {
    const r = verifyCertChain(leaf, chain, trusted, at, opts);
    expect(r).toEqual(oracleVerifyCertChain(leaf, chain, trusted, at, opts));
    return r;
  }

  it('accepts RSA and EC leaves, EC and RSA CAs, and an intermediate chain', () => {
    expect(same(rsa2048.der, [], [rsaRoot.pem])).toEqual({ ok: true });
    expect(same(rsa4096.der, [], [ecRoot.pem, rsaRoot.pem])).toEqual({ ok: true });
    expect(same(ecUnderRsa.der, [], [rsaRoot.pem])).toEqual({ ok: true });
    expect(same(ecUnderEc.der, [], [ecRoot.pem])).toEqual({ ok: true });
    expect(same(underInter.der, [ecInter.der], [rsaRoot.pem])).toEqual({ ok: true });
    expect(same(underInter.der, [rsa2048.der, ecInter.der], [rsaRoot.pem + ecRoot.pem])).toEqual({ ok: true });
    expect(same(utf8v1.der, [], [rsaRoot.pem])).toEqual({ ok: true }); // v1, no keyUsage
    expect(same(pss.der, [], [rsaRoot.pem])).toEqual({ ok: true }); // RSASSA-PSS: OpenSSL verifies it
    expect(same(oddDn.der, [], [oddDn.pem])).toEqual({ ok: true }); // pinned
    const r = checkCertChain(ecUnderEc.der, [], [ecRoot.pem], now);
    expect(r.ok && spki(r.publicKey!)).toEqual(spki(ecUnderEc.privateKey));
  });

  it('refuses with the same reasons as before', () => {
    // flipped signature byte
    const flipped = Buffer.from(rsa2048.der);
    flipped[flipped.length - 1]! ^= 1;
    expect(same(flipped, [], [rsaRoot.pem]).reason).toBe(`${certSubjectDn(rsa2048.der)}: signature does not verify with its issuer's key`);
    const flippedEc = Buffer.from(ecUnderEc.der);
    flippedEc[flippedEc.length - 3]! ^= 1;
    expect(same(flippedEc, [], [ecRoot.pem]).reason).toMatch(/signature does not verify/);
    // wrong issuer; intermediate missing
    expect(same(ecUnderEc.der, [], [rsaRoot.pem]).reason).toBe('O=gdoi-test, CN=ec-gm2: no trusted issuer "C=US, O=gdoi-test, CN=EC Root"');
    expect(same(underInter.der, [], [rsaRoot.pem]).reason).toMatch(/no trusted issuer "C=US, O=gdoi-test, OU=Issuing, CN=EC Intermediate"/);
    // special characters in a reason
    expect(same(oddDn.der, [], [ecRoot.pem]).reason).toBe(`${oneLine(new X509Certificate(oddDn.der).subject)}: no trusted issuer "C=US, O=gdoi-test, CN=RSA Root"`);
    // keyUsage
    const sign = pki.issue(rsaRoot, { subj: '/CN=enc-only', key: 'p256', extensions: ['keyUsage=keyAgreement'] });
    expect(same(sign.der, [], [rsaRoot.pem]).reason).toBe('CN=enc-only: keyUsage lacks digitalSignature');
    expect(same(sign.der, [], [rsaRoot.pem], now, { requireDigitalSignature: false })).toEqual({ ok: true });
    // unparseable input
    expect(same(Buffer.from('nonsense'), [], [rsaRoot.pem]).reason).toBe('leaf certificate does not parse');
    expect(same(rsa2048.der, [Buffer.alloc(3)], [rsaRoot.pem]).reason).toBe('chain certificate 0 does not parse');
    expect(same(rsa2048.der, [], ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n']).reason).toBe('a trusted certificate does not parse');
    expect(same(rsa2048.der, [], [rsaRoot.pem]).ok).toBe(true); // the bad anchor text did not poison the cache
  });

  it('judges validity at the given time, with node\'s time text', () => {
    const x = new X509Certificate(rsa2048.der);
    const after = new Date(Date.parse(x.validTo) + 1000);
    const before = new Date(Date.parse(x.validFrom) - 1000);
    expect(same(rsa2048.der, [], [rsaRoot.pem], after).reason).toBe(`C=US, ST=California, L=San Jose, O=gdoi-test, OU=GMs, CN=gm1, emailAddress=gm1@example.com: expired (notAfter ${x.validTo})`);
    expect(same(rsa2048.der, [], [rsaRoot.pem], before).reason).toBe(`C=US, ST=California, L=San Jose, O=gdoi-test, OU=GMs, CN=gm1, emailAddress=gm1@example.com: not yet valid (notBefore ${x.validFrom})`);
    // an expired intermediate and an expired anchor
    const ca = makeCa('Short Root', { bits: 1024, notBefore: new Date(now.getTime() - 10 * DAY), notAfter: new Date(now.getTime() + DAY) });
    const sub = makeCa('Short Sub', { bits: 1024, issuer: ca, notBefore: new Date(now.getTime() - 10 * DAY), notAfter: new Date(now.getTime() + 2 * DAY) });
    const leaf = makeLeaf(sub, 'gm', { bits: 1024, notBefore: new Date(now.getTime() - 10 * DAY), notAfter: new Date(now.getTime() + 3 * DAY) });
    expect(same(leaf.der, [sub.der], [ca.certPem]).ok).toBe(true);
    expect(same(leaf.der, [sub.der], [ca.certPem], new Date(now.getTime() + 1.5 * DAY)).reason).toMatch(/^CN=Short Root, O=gdoi-test: expired \(notAfter /);
    expect(same(leaf.der, [sub.der], [ca.certPem], new Date(now.getTime() + 2.5 * DAY)).reason).toMatch(/^CN=Short Sub, O=gdoi-test: expired/);
    // GeneralizedTime validity, judged far in the future
    expect(same(utf8v1.der, [], [utf8v1.pem], new Date('2100-01-01T00:00:00Z')).ok).toBe(true);
    expect(same(utf8v1.der, [], [utf8v1.pem], new Date('2200-01-01T00:00:00Z')).reason).toMatch(/expired \(notAfter .* 21\d\d GMT\)$/);
  });

  it('refuses issuers that are not CAs, and CAs whose keyUsage lacks keyCertSign', () => {
    const notCa = pki.issue(rsaRoot, { subj: '/CN=Not A CA', key: 'p256', extensions: ['basicConstraints=CA:FALSE', 'keyUsage=keyCertSign,digitalSignature'] });
    const under = pki.issue(notCa, { subj: '/CN=gm-under-not-ca', key: 'p256', extensions: LEAF_EXT });
    expect(same(under.der, [notCa.der], [rsaRoot.pem]).reason).toBe('CN=Not A CA: issuer is not a CA (basicConstraints)');
    const noBc = pki.issue(rsaRoot, { subj: '/CN=No BC', key: 'p256', extensions: ['keyUsage=keyCertSign'] });
    const underNoBc = pki.issue(noBc, { subj: '/CN=gm-under-no-bc', key: 'p256', extensions: LEAF_EXT });
    expect(same(underNoBc.der, [noBc.der], [rsaRoot.pem]).reason).toBe('CN=No BC: issuer is not a CA (basicConstraints)');
    const noCertSign = pki.issue(rsaRoot, { subj: '/CN=No CertSign', key: 'p256', extensions: ['basicConstraints=critical,CA:TRUE', 'keyUsage=cRLSign'] });
    const underNoCertSign = pki.issue(noCertSign, { subj: '/CN=gm4', key: 'p256', extensions: LEAF_EXT });
    expect(same(underNoCertSign.der, [noCertSign.der], [rsaRoot.pem]).reason).toBe('CN=gm4: no trusted issuer "CN=No CertSign"');
  });

  it('refuses an issuer whose key-identifier or extKeyUsage extensions do not decode, as OpenSSL does', () => {
    const ca = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const leafKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const validity = { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + DAY) };
    const caWith = (ext: Buffer): string => new X509Certificate(buildCert({
      issuer: simpleName('Ext CA'), subject: simpleName('Ext CA'), ...validity, publicKey: ca.publicKey, signer: ca.privateKey,
      extensions: [basicConstraintsExt(true), keyUsageExt([5]), ext],
    })).toString();
    const leaf = buildCert({ issuer: simpleName('Ext CA'), subject: simpleName('ext-gm'), ...validity, publicKey: leafKey, signer: ca.privateKey });
    expect(same(leaf, [], [caWith(extension('2.5.29.14', tlv(0x04, Buffer.alloc(20, 7))))])).toEqual({ ok: true });
    expect(same(leaf, [], [caWith(extension('2.5.29.35', seq(tlv(0x80, Buffer.alloc(20, 7)))))])).toEqual({ ok: true });
    expect(same(leaf, [], [caWith(extension('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.2'))))])).toEqual({ ok: true });
    for (const bad of [
      extension('2.5.29.14', tlv(0x05, Buffer.alloc(0))), // subjectKeyIdentifier not an OCTET STRING
      extension('2.5.29.35', seq(tlv(0x04, Buffer.alloc(20, 7)))), // authorityKeyIdentifier with a wrong tag
      extension('2.5.29.37', seq(int(1))), // extKeyUsage with an INTEGER for an OID
    ]) {
      expect(same(leaf, [], [caWith(bad)]).reason).toBe('O=gdoi-test, CN=ext-gm: no trusted issuer "O=gdoi-test, CN=Ext CA"');
    }
  });

  it('refuses a signature by a key of the wrong kind, or under a changed algorithm', () => {
    // an RSA CA and an EC CA with the same name: the EC-signed leaf only matches the EC one
    const rsaTwin = pki.root({ subj: '/C=US/O=gdoi-test/CN=EC Root', key: 'rsa2048' });
    expect(same(ecUnderEc.der, [], [rsaTwin.pem]).reason).toMatch(/no trusted issuer/);
    expect(same(ecUnderEc.der, [], [rsaTwin.pem, ecRoot.pem])).toEqual({ ok: true });
    // outer signatureAlgorithm differs from tbsCertificate's
    const ca = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const caDer = buildCert({
      issuer: simpleName('Alg CA'), subject: simpleName('Alg CA'), notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + DAY),
      publicKey: ca.publicKey, signer: ca.privateKey, extensions: [basicConstraintsExt(true)],
    });
    const caPem = new X509Certificate(caDer).toString();
    const leafKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const leaf = (outerAlgorithm?: Buffer): Buffer => buildCert({
      issuer: simpleName('Alg CA'), subject: simpleName('alg-gm'), notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + DAY),
      publicKey: leafKey, signer: ca.privateKey, outerAlgorithm,
    });
    expect(same(leaf(), [], [caPem])).toEqual({ ok: true });
    expect(same(leaf(rsaSigAlg('sha384')), [], [caPem]).reason).toMatch(/signature does not verify/);
    expect(same(leaf(seq(oid('1.2.840.113549.1.1.11'))), [], [caPem]).reason).toMatch(/signature does not verify/); // NULL left out
  });

  it('keeps reading and parsing the trust anchors right when the list changes', () => {
    const lists = [[rsaRoot.pem], [ecRoot.pem], [ecRoot.pem, rsaRoot.pem], [], [rsaRoot.pem]];
    for (const list of lists) {
      for (const c of [rsa2048, ecUnderEc]) same(c.der, [], list);
    }
  });
});
