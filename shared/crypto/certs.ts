// X.509 certificate checks for IKE signature authentication and the KS rekey key, with node's
// X509Certificate (OpenSSL) doing the signature and name work.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { GdoiError } from '../errors.ts';
import { certKeyUsage } from './key-usage.ts';

export interface CertCheck { ok: boolean; reason?: string }

/** Longest issuer path we follow: leaf, up to 7 intermediates, then a trust anchor. */
const MAX_DEPTH = 8;

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
  const leaf = parse(leafDer);
  if (!leaf) return fail('leaf certificate does not parse');
  const chain: X509Certificate[] = [];
  for (const [i, der] of chainDer.entries()) {
    const c = parse(der);
    if (!c) return fail(`chain certificate ${i} does not parse`);
    chain.push(c);
  }
  const anchors: X509Certificate[] = [];
  for (const der of trustedPem.flatMap(loadPemCerts)) {
    const c = parse(der);
    if (!c) return fail('a trusted certificate does not parse');
    anchors.push(c);
  }
  if (opts.requireDigitalSignature !== false) {
    let usage: ReturnType<typeof certKeyUsage>;
    try {
      usage = certKeyUsage(leafDer);
    } catch {
      return fail(`${dn(leaf)}: keyUsage extension does not parse`);
    }
    if (usage && !usage.has('digitalSignature')) return fail(`${dn(leaf)}: keyUsage lacks digitalSignature`);
  }
  return walkToAnchor(leaf, chain, anchors, now);
}

function walkToAnchor(leaf: X509Certificate, chain: X509Certificate[], anchors: X509Certificate[], now: Date): CertCheck {
  const used = new Set<X509Certificate>();
  let cert = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const invalid = validityProblem(cert, now);
    if (invalid) return fail(invalid);
    if (anchors.some((a) => a.raw.equals(cert.raw))) return { ok: true };
    let nameMatched = false;
    const issuer = [...anchors, ...chain.filter((c) => !used.has(c))].find((candidate) => {
      if (!cert.checkIssued(candidate)) return false;
      nameMatched = true;
      return cert.verify(candidate.publicKey);
    });
    if (!issuer) {
      return fail(nameMatched
        ? `${dn(cert)}: signature does not verify with its issuer's key`
        : `${dn(cert)}: no trusted issuer "${oneLine(cert.issuer)}"`);
    }
    if (!issuer.ca) return fail(`${dn(issuer)}: issuer is not a CA (basicConstraints)`);
    if (anchors.includes(issuer)) {
      const anchorInvalid = validityProblem(issuer, now);
      return anchorInvalid ? fail(anchorInvalid) : { ok: true };
    }
    used.add(issuer);
    cert = issuer;
  }
  return fail(`issuer path longer than ${MAX_DEPTH}`);
}

function validityProblem(c: X509Certificate, now: Date): string | undefined {
  const from = Date.parse(c.validFrom);
  const to = Date.parse(c.validTo);
  if (Number.isNaN(from) || Number.isNaN(to)) return `${dn(c)}: unreadable validity period`;
  if (now.getTime() < from) return `${dn(c)}: not yet valid (notBefore ${c.validFrom})`;
  if (now.getTime() > to) return `${dn(c)}: expired (notAfter ${c.validTo})`;
  return undefined;
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
  return dn(open(der));
}

/** The certificate's public key. */
export function certPublicKey(der: Buffer): KeyObject {
  return open(der).publicKey;
}

/** Serial number as upper-case hex. */
export function certSerial(der: Buffer): string {
  return open(der).serialNumber;
}

function open(der: Buffer): X509Certificate {
  const c = parse(der);
  if (!c) throw new GdoiError('BAD_CERT', `${der.length} octets are not a DER certificate`);
  return c;
}

function parse(der: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

function dn(c: X509Certificate): string {
  return oneLine(c.subject);
}

function oneLine(name: string): string {
  return name.split('\n').filter((s) => s !== '').join(', ');
}

function fail(reason: string): CertCheck {
  return { ok: false, reason };
}
