// Reads the X.509 keyUsage extension (RFC 5280 §4.2.1.3), which node's X509Certificate does not
// expose (its `keyUsage` is the *extended* key usage list). Parsing only, via the DER reader.
import { keyUsage, parseCertificate, type KeyUsageBit } from './x509-der.ts';

export type { KeyUsageBit };

/**
 * The key usages a certificate asserts, or undefined when it has no keyUsage extension.
 * Throws DecodeError when the certificate or the extension is malformed.
 */
export function certKeyUsage(der: Buffer): Set<KeyUsageBit> | undefined {
  return keyUsage(parseCertificate(der))?.usages;
}
