// Test support: makes CAs and leaf certificates (good, expired, not-yet-valid, wrong CA, odd key
// usage) for certificate tests. Keys are generated natively (node-forge's pure-JS keygen is
// ~10x slower); forge only builds and signs the certificates (sha256WithRSAEncryption).
import { randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { generateRsaKey } from './rsa.ts';

export interface TestCert {
  certPem: string;
  keyPem: string;
  der: Buffer;
  privateKey: KeyObject;
}

/** A CA: a TestCert plus what signing with it needs. */
export interface TestCa extends TestCert {
  name: string;
  forgeCert: forge.pki.Certificate;
  forgeKey: forge.pki.rsa.PrivateKey;
}

export interface CertOptions {
  notBefore?: Date;
  notAfter?: Date;
  /** RSA modulus size; 2048 unless a test wants speed. */
  bits?: number;
}

export interface CaOptions extends CertOptions {
  /** Issuing CA for an intermediate; self-signed when absent. */
  issuer?: TestCa;
  /** basicConstraints cA flag (default true). false (keyUsage unchanged) makes an issuer that must be refused. */
  ca?: boolean;
}

export interface LeafOptions extends CertOptions {
  /** keyUsage bits to assert; false leaves the extension out. Default digitalSignature + keyEncipherment. */
  keyUsage?: Partial<Record<'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement', boolean>> | false;
}

const HOUR = 3600_000;
const YEAR = 365 * 24 * HOUR;

/** A CA certificate with subject CN=`name`, self-signed unless opts.issuer is given. */
export function makeCa(name: string, opts: CaOptions = {}): TestCa {
  const isCa = opts.ca ?? true;
  const exts = [
    { name: 'basicConstraints', cA: isCa, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
  ];
  const made = issue(name, opts, exts, opts.issuer);
  return { ...made.cert, name, forgeCert: made.forgeCert, forgeKey: made.forgeKey };
}

/** A leaf certificate with subject CN=`name` issued by `ca`. */
export function makeLeaf(ca: TestCa, name: string, opts: LeafOptions = {}): TestCert {
  const usage = opts.keyUsage ?? { digitalSignature: true, keyEncipherment: true };
  const exts: object[] = [{ name: 'basicConstraints', cA: false }];
  if (usage !== false) exts.push({ name: 'keyUsage', critical: true, ...usage });
  return issue(name, opts, exts, ca).cert;
}

function issue(name: string, opts: CertOptions, extensions: object[], issuer: TestCa | undefined) {
  const { privateKey, publicKey } = generateRsaKey(opts.bits ?? 2048);
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string);
  cert.serialNumber = '01' + randomBytes(8).toString('hex'); // leading 01: positive, no zero octet
  const now = Date.now();
  cert.validity.notBefore = opts.notBefore ?? new Date(now - HOUR);
  cert.validity.notAfter = opts.notAfter ?? new Date(now + YEAR);
  const subject = [{ name: 'commonName', value: name }, { name: 'organizationName', value: 'gdoi-test' }];
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.forgeCert.subject.attributes : subject);
  cert.setExtensions([...extensions, { name: 'subjectKeyIdentifier' }]);
  cert.sign(issuer ? issuer.forgeKey : forgeKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return {
    cert: { certPem, keyPem, der, privateKey },
    forgeCert: cert,
    forgeKey,
  };
}
