// Test oracle: the certificate chain check as shared/crypto/certs.ts did it before the DER reader,
// entirely on node's X509Certificate (OpenSSL), with keyUsage read by node-forge. The reader-based
// verifyCertChain must give the same verdict and the same reason on every certificate both read.
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { CertCheck } from '../../../shared/crypto/certs.ts';
import { loadPemCerts } from '../../../shared/crypto/certs.ts';

const MAX_DEPTH = 8;

export function oracleVerifyCertChain(
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
    let usage: Set<string> | undefined;
    try {
      usage = forgeKeyUsage(leafDer);
    } catch {
      return fail(`${dn(leaf)}: keyUsage extension does not parse`);
    }
    if (usage && !usage.has('digitalSignature')) return fail(`${dn(leaf)}: keyUsage lacks digitalSignature`);
  }
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

function parse(der: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

const dn = (c: X509Certificate): string => oneLine(c.subject);
export const oneLine = (name: string): string => name.split('\n').filter((s) => s !== '').join(', ');
const fail = (reason: string): CertCheck => ({ ok: false, reason });

const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment',
  'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
];

/** keyUsage read with node-forge's ASN.1 parser (independent of the DER reader). */
export function forgeKeyUsage(der: Buffer): Set<string> | undefined {
  const fromDer = forge.asn1.fromDer as unknown as (
    bytes: forge.util.ByteStringBuffer, options: { strict: boolean; decodeBitStrings: boolean },
  ) => forge.asn1.Asn1;
  const parse = (binary: string): forge.asn1.Asn1 => fromDer(forge.util.createBuffer(binary), { strict: true, decodeBitStrings: false });
  const children = (n: forge.asn1.Asn1): forge.asn1.Asn1[] => (Array.isArray(n.value) ? n.value : []);
  const tbs = children(parse(der.toString('binary')))[0];
  const wrapper = tbs && children(tbs).find((f) => f.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && f.type === 3);
  const list = wrapper ? children(wrapper)[0] : undefined;
  for (const ext of list ? children(list) : []) {
    const fields = children(ext);
    const id = fields[0];
    const value = fields[fields.length - 1];
    if (id && value && typeof id.value === 'string' && forge.asn1.derToOid(id.value) === '2.5.29.15' && typeof value.value === 'string') {
      const bytes = parse(value.value).value as string;
      const usages = new Set<string>();
      KEY_USAGE_BITS.forEach((name, i) => {
        const octet = 1 + (i >> 3);
        if (octet < bytes.length && (bytes.charCodeAt(octet) & (0x80 >> (i & 7))) !== 0) usages.add(name);
      });
      return usages;
    }
  }
  return undefined;
}
