// Reads the X.509 keyUsage extension (RFC 5280 §4.2.1.3), which node's X509Certificate does not
// expose (its `keyUsage` is the *extended* key usage list). Parsing only, via node-forge's ASN.1.
import forge from 'node-forge';

const KEY_USAGE_OID = '2.5.29.15';
/** Bit order of RFC 5280's KeyUsage BIT STRING. */
const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment',
  'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;
export type KeyUsageBit = (typeof KEY_USAGE_BITS)[number];

type Asn1 = forge.asn1.Asn1;

/** The key usages a certificate asserts, or undefined when it has no keyUsage extension. */
export function certKeyUsage(der: Buffer): Set<KeyUsageBit> | undefined {
  const ext = findExtension(der, KEY_USAGE_OID);
  if (ext === undefined) return undefined;
  const bitString = fromDer(ext);
  const bytes = bitString.value as string; // first octet = count of unused bits
  const usages = new Set<KeyUsageBit>();
  KEY_USAGE_BITS.forEach((name, i) => {
    const octet = 1 + (i >> 3);
    if (octet < bytes.length && (bytes.charCodeAt(octet) & (0x80 >> (i & 7))) !== 0) usages.add(name);
  });
  return usages;
}

/** extnValue (the OCTET STRING's content, as a binary string) of an extension, if present. */
function findExtension(der: Buffer, oid: string): string | undefined {
  const cert = fromDer(der.toString('binary'));
  const tbs = children(cert)[0];
  if (!tbs) return undefined;
  // Extensions are tbsCertificate's [3] EXPLICIT field: a SEQUENCE of Extension.
  const wrapper = children(tbs).find((f) => f.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && f.type === 3);
  const list = wrapper ? children(wrapper)[0] : undefined;
  for (const ext of list ? children(list) : []) {
    const fields = children(ext); // extnID, [critical], extnValue
    const id = fields[0];
    const value = fields[fields.length - 1];
    if (id && value && typeof id.value === 'string' && forge.asn1.derToOid(id.value) === oid) {
      return typeof value.value === 'string' ? value.value : undefined;
    }
  }
  return undefined;
}

/**
 * forge's DER parser with BIT STRING contents left as bytes (its default tries to parse them as
 * ASN.1, which would turn a key-usage bit mask into nonsense). The options form is in forge's
 * JS but not in its type declarations.
 */
function fromDer(binary: string): Asn1 {
  const parse = forge.asn1.fromDer as unknown as (
    bytes: forge.util.ByteStringBuffer, options: { strict: boolean; decodeBitStrings: boolean },
  ) => Asn1;
  return parse(forge.util.createBuffer(binary), { strict: true, decodeBitStrings: false });
}

function children(node: Asn1): Asn1[] {
  return Array.isArray(node.value) ? node.value : [];
}
