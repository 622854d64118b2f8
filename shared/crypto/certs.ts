// X.509 certificate checks for IKE signature authentication and the KS rekey key. Certificates
// are read once by the DER reader (x509-der.ts) and signatures checked with crypto.verify:
// node's X509Certificate costs ~130 us per certificate in OpenSSL 3.0's decoders, on the key
// server's per-registration path. X509Certificate remains the fallback for the rare cases the
// reader leaves to OpenSSL (RSASSA-PSS and other signature algorithms, names it cannot print
// exactly as node does).
import { X509Certificate, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { GdoiError } from '../errors.ts';
import {
  checkedExtensions, keyUsage, nameToString, parseCertificate,
  type Certificate, type KeyUsageBit, type SignatureAlgorithm, type KeyType,
} from './x509-der.ts';

export interface CertCheck { ok: boolean; reason?: string }

/** Longest issuer path we follow: leaf, up to 7 intermediates, then a trust anchor. */
const MAX_DEPTH = 8;

/** A parsed certificate; its key, extensions and names are worked out at most once. */
class Cert {
  readonly c: Certificate;
  private keyObject?: KeyObject | null;
  private ext?: { usages?: Set<KeyUsageBit>; ca: boolean } | null;
  private subjectText?: string;

  constructor(readonly der: Buffer) {
    this.c = parseCertificate(der);
  }

  /** The public key; undefined when node cannot import it. */
  key(): KeyObject | undefined {
    if (this.keyObject === undefined) {
      try {
        this.keyObject = importKey(this.c);
      } catch {
        this.keyObject = null;
      }
    }
    return this.keyObject ?? undefined;
  }

  /** keyUsage and basicConstraints cA; null when an extension is malformed (OpenSSL then refuses the certificate as issuer or subject). */
  extensions(): { usages?: Set<KeyUsageBit>; ca: boolean } | null {
    if (this.ext === undefined) {
      try {
        const e = checkedExtensions(this.c);
        this.ext = { usages: e.keyUsage?.usages, ca: e.basicConstraints?.cA ?? false };
      } catch {
        this.ext = null;
      }
    }
    return this.ext;
  }

  dn(): string {
    this.subjectText ??= nameText(this.c.subject, this.der, 'subject');
    return this.subjectText;
  }
}

/** An RSA key straight from its PKCS#1 form (~3 us); other keys through OpenSSL's SPKI decoder. */
function importKey(c: Certificate): KeyObject {
  const pk = c.publicKey;
  if (pk.pkcs1) return createPublicKey({ key: pk.pkcs1, format: 'der', type: 'pkcs1' });
  return createPublicKey({ key: pk.der, format: 'der', type: 'spki' });
}

/**
 * Checks that `leafDer` chains to one of `trustedPem` through certificates in `chainDer`:
 * every signature verifies, every certificate (anchors too) is valid at `now`, every issuer is a
 * CA (basicConstraints), and the leaf's keyUsage, when present, allows digitalSignature
 * (RFC 5280 §4.2.1.3; skipped with requireDigitalSignature: false). A leaf that is itself in the
 * trust list is accepted (pinning). Never throws: bad input gives ok false and a reason.
 */
export function verifyCertChain(
  leafDer: Buffer, chainDer: Buffer[], trustedPem: string[], now: Date,
  opts: { requireDigitalSignature?: boolean } = {},
): CertCheck {
  const r = chainToAnchor(leafDer, chainDer, trustedPem, now, opts);
  return r.ok ? { ok: true } : r;
}

/**
 * verifyCertChain, handing back on success the leaf's public key (undefined if node cannot
 * import it), so that a registration reads the peer's certificate once.
 */
export function checkCertChain(
  leafDer: Buffer, chainDer: Buffer[], trustedPem: string[], now: Date,
  opts: { requireDigitalSignature?: boolean } = {},
): { ok: true; publicKey: KeyObject | undefined } | { ok: false; reason: string } {
  const r = chainToAnchor(leafDer, chainDer, trustedPem, now, opts);
  return r.ok ? { ok: true, publicKey: r.leaf.key() } : r;
}

function chainToAnchor(
  leafDer: Buffer, chainDer: Buffer[], trustedPem: string[], now: Date, opts: { requireDigitalSignature?: boolean },
): { ok: true; leaf: Cert } | { ok: false; reason: string } {
  const leaf = parse(leafDer);
  if (!leaf) return fail('leaf certificate does not parse');
  const chain: Cert[] = [];
  for (const [i, der] of chainDer.entries()) {
    const c = parse(der);
    if (!c) return fail(`chain certificate ${i} does not parse`);
    chain.push(c);
  }
  const anchors = trustAnchors(trustedPem);
  if (!anchors) return fail('a trusted certificate does not parse');
  if (opts.requireDigitalSignature !== false) {
    let usage: Set<KeyUsageBit> | undefined;
    try {
      usage = keyUsage(leaf.c)?.usages;
    } catch {
      return fail(`${leaf.dn()}: keyUsage extension does not parse`);
    }
    if (usage && !usage.has('digitalSignature')) return fail(`${leaf.dn()}: keyUsage lacks digitalSignature`);
  }
  const walked = walkToAnchor(leaf, chain, anchors, now.getTime());
  return walked ?? { ok: true, leaf };
}

/** undefined when the path reaches a trust anchor, else the failure. */
function walkToAnchor(leaf: Cert, chain: Cert[], anchors: Cert[], now: number): { ok: false; reason: string } | undefined {
  const used = new Set<Cert>();
  let cert = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const invalid = validityProblem(cert, now);
    if (invalid) return fail(invalid);
    if (isAnchor(cert, anchors)) return undefined;
    let nameMatched = false;
    let issuer: Cert | undefined;
    for (const candidate of [...anchors, ...chain]) {
      if (used.has(candidate) || !mayHaveIssued(candidate, cert)) continue;
      nameMatched = true;
      if (signedBy(cert, candidate)) {
        issuer = candidate;
        break;
      }
    }
    if (!issuer) {
      return fail(nameMatched
        ? `${cert.dn()}: signature does not verify with its issuer's key`
        : `${cert.dn()}: no trusted issuer "${nameText(cert.c.issuer, cert.der, 'issuer')}"`);
    }
    if (!issuer.extensions()?.ca) return fail(`${issuer.dn()}: issuer is not a CA (basicConstraints)`);
    if (anchors.includes(issuer)) {
      const anchorInvalid = validityProblem(issuer, now);
      return anchorInvalid ? fail(anchorInvalid) : undefined;
    }
    used.add(issuer);
    cert = issuer;
  }
  return fail(`issuer path longer than ${MAX_DEPTH}`);
}

/** Pinning: the certificate itself is trusted. */
function isAnchor(cert: Cert, anchors: Cert[]): boolean {
  for (const a of anchors) if (a.der.equals(cert.der)) return true;
  return false;
}

/**
 * What OpenSSL's X509_check_issued asks, without the key-identifier match: the issuer's subject
 * is the certificate's issuer (DER equality), both have well-formed extensions, the issuer's
 * keyUsage (if present) allows keyCertSign, and its key is of the kind the signature needs.
 */
function mayHaveIssued(issuer: Cert, cert: Cert): boolean {
  if (!issuer.c.subject.der.equals(cert.c.issuer.der)) return false;
  const ext = issuer.extensions();
  if (!ext || !cert.extensions()) return false;
  if (ext.usages && !ext.usages.has('keyCertSign')) return false;
  return keyFits(cert.c.tbsSignatureAlgorithm, issuer.c.publicKey.keyType);
}

function keyFits(alg: SignatureAlgorithm, key: KeyType | undefined): boolean {
  if (!alg.keyType || !key) return false;
  return alg.keyType === key || (alg.keyType === 'rsa-pss' && key === 'rsa');
}

/** Signature check; the outer signatureAlgorithm must equal tbsCertificate's (RFC 5280 §4.1.1.2). */
function signedBy(cert: Cert, issuer: Cert): boolean {
  const key = issuer.key();
  const { signatureAlgorithm: alg, tbsSignatureAlgorithm, tbs, signature } = cert.c;
  if (!key || !alg.der.equals(tbsSignatureAlgorithm.der)) return false;
  try {
    if (alg.scheme && alg.hash) {
      if (key.asymmetricKeyType !== (alg.scheme === 'ecdsa' ? 'ec' : 'rsa')) return false;
      return verify(alg.hash, tbs, key, signature); // ECDSA: DER-encoded (r, s), node's default
    }
    return new X509Certificate(cert.der).verify(key); // algorithms the reader leaves to OpenSSL
  } catch {
    return false;
  }
}

function validityProblem(c: Cert, now: number): string | undefined {
  if (now < c.c.notBefore) return `${c.dn()}: not yet valid (notBefore ${asn1TimeText(c.c.notBefore)})`;
  if (now > c.c.notAfter) return `${c.dn()}: expired (notAfter ${asn1TimeText(c.c.notAfter)})`;
  return undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A time as node's X509Certificate.validFrom/validTo print it: "Jan  2 03:04:05 2025 GMT". */
function asn1TimeText(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} `
    + `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

/**
 * Trust anchors parsed once per PEM text (the configured CAs come back on every registration),
 * null when one does not parse. A small map keyed by the text, so a changed list is re-read.
 */
const anchorCache = new Map<string, Cert[] | null>();
const ANCHOR_CACHE_MAX = 64;

function trustAnchors(trustedPem: string[]): Cert[] | null {
  const out: Cert[] = [];
  for (const pem of trustedPem) {
    let certs = anchorCache.get(pem);
    if (certs === undefined) {
      certs = [];
      for (const der of loadPemCerts(pem)) {
        const c = parse(der);
        if (!c) {
          certs = null;
          break;
        }
        certs.push(c);
      }
      if (anchorCache.size >= ANCHOR_CACHE_MAX) anchorCache.clear();
      anchorCache.set(pem, certs);
    }
    if (!certs) return null;
    out.push(...certs);
  }
  return out;
}

/** DER of every CERTIFICATE block in a PEM text, in order. */
export function loadPemCerts(pem: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    out.push(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
  }
  return out;
}

/** Subject DN on one line, e.g. "C=US, O=Example, CN=ks1". */
export function certSubjectDn(der: Buffer): string {
  return open(der).dn();
}

/** The certificate's public key. */
export function certPublicKey(der: Buffer): KeyObject {
  const key = open(der).key();
  if (!key) throw new GdoiError('BAD_CERT', 'the certificate\'s public key cannot be imported');
  return key;
}

/** Serial number as upper-case hex. */
export function certSerial(der: Buffer): string {
  return open(der).c.serial;
}

function open(der: Buffer): Cert {
  const c = parse(der);
  if (!c) throw new GdoiError('BAD_CERT', `${der.length} octets are not a DER certificate`);
  return c;
}

function parse(der: Buffer): Cert | undefined {
  try {
    return new Cert(der);
  } catch {
    return undefined;
  }
}

/**
 * A Name on one line, identical to what node's X509Certificate prints (joined with ", "). When
 * the reader cannot promise that, node prints it; if node cannot either, the reader's loose form.
 */
function nameText(n: Certificate['subject'], der: Buffer, which: 'subject' | 'issuer'): string {
  const exact = nameToString(n);
  if (exact !== undefined) return exact;
  try {
    const text = new X509Certificate(der)[which] as string | undefined;
    if (typeof text === 'string') return text.split('\n').filter((s) => s !== '').join(', ');
  } catch {
    // fall through to the loose form
  }
  return nameToString(n, true)!;
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
