// Phase-1 authentication material (RFC 2409 §5.1 signatures, §5.4 pre-shared keys).
import type { KeyObject } from 'node:crypto';
import { certSubjectDn, checkCertChain } from '../crypto/certs.ts';
import { parseCertificate } from '../crypto/x509-der.ts';
import { ikeSign, ikeVerify } from '../crypto/rsa.ts';
import { IdType, CertEncoding } from '../wire/registry.ts';
import { ipv4ToBytes } from '../wire/id-data.ts';
import type { CertPayload, IdPayload, Payload, SigPayload, HashPayload } from '../wire/types.ts';
import { AuthError } from '../errors.ts';
import { all, first } from '../wire/pick.ts';

export interface Phase1Credentials {
  /** Pre-shared key for a peer address (`crypto isakmp key K address A`). */
  psk(peerAddress: string): Buffer | undefined;
  /** Own certificate (DER), intermediate chain and private key, for rsa-sig. */
  cert?: { der: Buffer; chain: Buffer[]; privateKey: KeyObject };
  /** Trusted CA certificates (PEM) for the peer's chain. */
  trustedCas: string[];
  /** `crypto isakmp identity address|dn` */
  identity: 'address' | 'dn';
}

/** Our ID payload: IPv4 address, or the certificate's subject DN (DER) with `identity dn`. */
export function localIdPayload(cred: Phase1Credentials, localAddress: string): IdPayload {
  if (cred.identity === 'dn' && cred.cert) {
    return { type: 5, idType: IdType.DER_ASN1_DN, protocol: 17, port: 0, data: subjectDer(cred.cert.der) };
  }
  return { type: 5, idType: IdType.IPV4_ADDR, protocol: 17, port: 0, data: ipv4ToBytes(localAddress) };
}

/** Payloads proving our identity in msg 5/6: [CERT], then SIG or HASH. */
export function authPayloads(auth: 'psk' | 'sig', cred: Phase1Credentials, authHashValue: Buffer): Payload[] {
  if (auth === 'psk') return [{ type: 8, data: authHashValue } satisfies HashPayload];
  if (!cred.cert) throw new AuthError('NO_CERT', 'rsa-sig selected but no certificate is configured');
  const out: Payload[] = [{ type: 6, encoding: CertEncoding.X509_SIG, data: cred.cert.der } satisfies CertPayload];
  for (const c of cred.cert.chain) out.push({ type: 6, encoding: CertEncoding.X509_SIG, data: c } satisfies CertPayload);
  out.push({ type: 9, data: ikeSign(cred.cert.privateKey, authHashValue) } satisfies SigPayload);
  return out;
}

/**
 * Checks the peer's proof. PSK: HASH equals the expected value. Signatures: the first CERT
 * chains to a trusted CA and is valid now, and SIG verifies over the expected hash.
 * Returns the peer certificate (DER) when one was used.
 */
export function verifyPeerAuth(auth: 'psk' | 'sig', cred: Phase1Credentials, payloads: Payload[], expected: Buffer, now: Date): Buffer | undefined {
  if (auth === 'psk') {
    const h = first(payloads, 8);
    if (!h) throw new AuthError('NO_HASH', 'HASH payload missing');
    if (h.data.length !== expected.length || !h.data.equals(expected)) throw new AuthError('BAD_HASH', 'HASH does not verify');
    return undefined;
  }
  const certs = all(payloads, 6).filter((c) => c.encoding === CertEncoding.X509_SIG);
  const sig = first(payloads, 9);
  if (!certs.length) throw new AuthError('NO_CERT', 'no X.509 certificate from peer');
  if (!sig) throw new AuthError('NO_SIG', 'SIG payload missing');
  const [leaf, ...chain] = certs.map((c) => c.data);
  // One read of the peer's certificate: the chain check hands back the leaf's key.
  const check = checkCertChain(leaf!, chain, cred.trustedCas, now, { requireDigitalSignature: true });
  if (!check.ok) throw new AuthError('BAD_CERT', `certificate rejected: ${check.reason}`);
  if (!check.publicKey) throw new AuthError('BAD_CERT', 'certificate rejected: its public key cannot be imported');
  if (!ikeVerify(check.publicKey, expected, sig.data)) throw new AuthError('BAD_SIG', 'signature does not verify');
  return leaf;
}

/** The DER of a certificate's subject Name, for ID_DER_ASN1_DN (our own certificate: read once). */
const subjectCache = new WeakMap<Buffer, Buffer>();
function subjectDer(certDer: Buffer): Buffer {
  let der = subjectCache.get(certDer);
  if (!der) {
    try {
      der = parseCertificate(certDer).subject.der;
    } catch {
      throw new AuthError('BAD_CERT', 'cannot find certificate subject');
    }
    subjectCache.set(certDer, der);
  }
  return Buffer.from(der); // the caller's own copy, as before
}

/** The peer's identity for logs and show output; with identity dn, the certificate's subject (read by the DER reader). */
export function describePeerId(id: IdPayload, certDer?: Buffer): string {
  if (id.idType === IdType.DER_ASN1_DN && certDer) return certSubjectDn(certDer);
  if (id.idType === IdType.IPV4_ADDR && id.data.length === 4) return [...id.data].join('.');
  if (id.idType === IdType.FQDN || id.idType === IdType.USER_FQDN) return id.data.toString('latin1');
  return `${IdType.nameOf(id.idType)}:${id.data.toString('hex')}`;
}
