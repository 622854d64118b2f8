// A strict, bounds-checked DER reader for X.509 v3 certificates (RFC 5280 §4.1). It exists
// because OpenSSL 3.0's X509 and SPKI decoders cost ~130 us per certificate on the key server's
// per-registration path; this reads the same fields in a few microseconds. Pure: no crypto here.
// Every malformed input throws DecodeError (code + byte offset into the certificate).
import { DecodeError } from '../errors.ts';

const BOOLEAN = 0x01, INTEGER = 0x02, BIT_STRING = 0x03, OCTET_STRING = 0x04, NULL = 0x05, OID = 0x06;
const UTC_TIME = 0x17, GENERALIZED_TIME = 0x18, SEQUENCE = 0x30, SET = 0x31;

/** One element: tag, where its header starts, where its contents start and end. */
interface Tlv { tag: number; at: number; start: number; end: number }

/** Cursor over the contents of one constructed element (or the whole buffer). */
class Der {
  constructor(readonly buf: Buffer, public pos: number, readonly end: number) {}

  more(): boolean { return this.pos < this.end; }
  peek(): number | undefined { return this.pos < this.end ? this.buf[this.pos] : undefined; }

  any(field: string): Tlv {
    const { buf, end } = this;
    const at = this.pos;
    if (at + 2 > end) throw overrun(buf, at, at + 2, field);
    const tag = buf[at]!;
    if ((tag & 0x1f) === 0x1f) throw new DecodeError('UNSUPPORTED', at, 'high-tag-number form', field);
    let len = buf[at + 1]!;
    let start = at + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0) throw new DecodeError('BAD_LENGTH', at + 1, 'indefinite length is not DER', field);
      if (n > 4) throw new DecodeError('BAD_LENGTH', at + 1, `${n}-octet length`, field);
      if (start + n > end) throw overrun(buf, at, start + n, field);
      if (buf[start] === 0) throw new DecodeError('BAD_LENGTH', at + 1, 'length not in shortest form', field);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
      if (len < 0x80) throw new DecodeError('BAD_LENGTH', at + 1, 'length not in shortest form', field);
      start += n;
    }
    if (start + len > end) throw overrun(buf, at, start + len, field);
    this.pos = start + len;
    return { tag, at, start, end: start + len };
  }

  next(tag: number, field: string): Tlv {
    if (this.pos < this.end && this.buf[this.pos] !== tag) {
      throw new DecodeError('BAD_VALUE', this.pos, `tag 0x${hex2(this.buf[this.pos]!)} where 0x${hex2(tag)} belongs`, field);
    }
    return this.any(field);
  }

  optional(tag: number, field: string): Tlv | undefined {
    return this.peek() === tag ? this.any(field) : undefined;
  }

  inside(t: Tlv): Der { return new Der(this.buf, t.start, t.end); }

  done(field: string): void {
    if (this.pos !== this.end) throw new DecodeError('TRAILING_DATA', this.pos, `${this.end - this.pos} unexpected trailing byte(s)`, field);
  }
}

/** A length running past the buffer is truncation; past an enclosing element, a bad length. */
function overrun(buf: Buffer, at: number, needed: number, field: string): DecodeError {
  return needed > buf.length
    ? new DecodeError('TRUNCATED', at, 'element runs past the end of the data', field)
    : new DecodeError('BAD_LENGTH', at, 'element runs past its enclosing element', field);
}

// (No closures on the parse path: tsx's keepNames wraps each one in a costly __name call.)
function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

export type HashName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface SignatureAlgorithm {
  oid: string;
  /** The AlgorithmIdentifier's DER (tbsCertificate's copy must equal the outer one). */
  der: Buffer;
  /** Set for the algorithms verified with crypto.verify; undefined for others (RSASSA-PSS, ...). */
  scheme?: 'rsa-pkcs1' | 'ecdsa';
  hash?: HashName;
  /** The kind of key that makes such signatures, when known ('rsa-pss': RSASSA-PSS, by an RSA or RSA-PSS key). */
  keyType?: KeyType;
}

/** Kinds of public key, as far as matching signature algorithms to issuer keys needs. */
export type KeyType = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'dsa';

export interface PublicKeyInfo {
  /** The whole SubjectPublicKeyInfo. */
  der: Buffer;
  algorithmOid: string;
  keyType?: KeyType;
  /** rsaEncryption with NULL parameters: the subjectPublicKey, a PKCS#1 RSAPublicKey (checked). */
  pkcs1?: Buffer;
  /** id-ecPublicKey: the namedCurve OID (absent for other parameter forms). */
  curveOid?: string;
  /** subjectPublicKey contents (after the unused-bits octet). */
  key: Buffer;
}

/** AttributeTypeAndValue: the value is kept as its tag and raw contents. */
export interface Attribute { oid: string; tag: number; value: Buffer }

export interface Name {
  der: Buffer;
  /** RelativeDistinguishedNames in certificate order, each a set of attributes. */
  rdns: Attribute[][];
}

export interface Extension {
  oid: string;
  critical: boolean;
  /** extnValue's contents (the DER of the extension's own value), and where they start in the certificate. */
  value: Buffer;
  at: number;
}

export interface Certificate {
  /** The whole certificate, tbsCertificate (what the signature covers), its signature. */
  der: Buffer;
  tbs: Buffer;
  version: 1 | 2 | 3;
  /** Upper-case hex as node's X509Certificate.serialNumber gives it. */
  serial: string;
  /** tbsCertificate's signature field. */
  tbsSignatureAlgorithm: SignatureAlgorithm;
  signatureAlgorithm: SignatureAlgorithm;
  signature: Buffer;
  issuer: Name;
  subject: Name;
  /** ms since the epoch. */
  notBefore: number;
  notAfter: number;
  publicKey: PublicKeyInfo;
  extensions: Extension[];
}

/** Parses a DER certificate. Views into `der` are not copied. */
export function parseCertificate(der: Buffer): Certificate {
  const top = new Der(der, 0, der.length);
  const whole = top.next(SEQUENCE, 'Certificate');
  top.done('Certificate');
  const c = top.inside(whole);
  const tbsTlv = c.next(SEQUENCE, 'tbsCertificate');
  const signatureAlgorithm = algorithm(c, 'signatureAlgorithm');
  const signature = bitString(c, c.next(BIT_STRING, 'signatureValue'), 'signatureValue');
  c.done('Certificate');

  const t = c.inside(tbsTlv);
  let version: 1 | 2 | 3 = 1;
  const v = t.optional(0xa0, 'version');
  if (v) {
    const vr = t.inside(v);
    const n = smallInteger(vr, 'version');
    vr.done('version');
    // v1 is the DEFAULT, which DER leaves out.
    if (n !== 1 && n !== 2) throw new DecodeError('BAD_VALUE', v.at, `version ${n}`, 'version');
    version = (n + 1) as 2 | 3;
  }
  const serial = serialHex(t, t.next(INTEGER, 'serialNumber'));
  const tbsSignatureAlgorithm = algorithm(t, 'signature');
  const issuer = name(t, 'issuer');
  const validity = t.inside(t.next(SEQUENCE, 'validity'));
  const notBefore = time(validity, 'notBefore');
  const notAfter = time(validity, 'notAfter');
  validity.done('validity');
  const subject = name(t, 'subject');
  const publicKey = publicKeyInfo(t);
  for (const [tag, field] of [[0x81, 'issuerUniqueID'], [0x82, 'subjectUniqueID']] as const) {
    const u = t.optional(tag, field);
    if (u && version < 2) throw new DecodeError('BAD_VALUE', u.at, 'unique identifier in a v1 certificate', field);
  }
  const extensions: Extension[] = [];
  const e = t.optional(0xa3, 'extensions');
  if (e) {
    if (version !== 3) throw new DecodeError('BAD_VALUE', e.at, 'extensions in a pre-v3 certificate', 'extensions');
    const outer = t.inside(e);
    const seq = outer.next(SEQUENCE, 'extensions');
    outer.done('extensions');
    const list = outer.inside(seq);
    if (!list.more()) throw new DecodeError('BAD_LENGTH', seq.at, 'empty extension list', 'extensions');
    while (list.more()) extensions.push(extension(list, extensions));
  }
  t.done('tbsCertificate');

  return {
    der, tbs: der.subarray(tbsTlv.at, tbsTlv.end), version, serial, tbsSignatureAlgorithm, signatureAlgorithm,
    signature, issuer, subject, notBefore, notAfter, publicKey, extensions,
  };
}

// ---- signature algorithms and keys

const RSA_PKCS1: Record<string, HashName> = {
  '1.2.840.113549.1.1.5': 'sha1', '1.2.840.113549.1.1.14': 'sha224', '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
};
const ECDSA: Record<string, HashName> = {
  '1.2.840.10045.4.1': 'sha1', '1.2.840.10045.4.3.1': 'sha224', '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512',
};
/** Signature algorithms left to OpenSSL, with the key type that makes them. */
const OTHER_SIGNERS: Record<string, SignatureAlgorithm['keyType']> = {
  '1.2.840.113549.1.1.10': 'rsa-pss',
  '1.2.840.113549.1.1.4': 'rsa',  // md5WithRSAEncryption
  '1.3.101.112': 'ed25519', '1.3.101.113': 'ed448',
  '1.2.840.10040.4.3': 'dsa', '2.16.840.1.101.3.4.3.1': 'dsa', '2.16.840.1.101.3.4.3.2': 'dsa',
};
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const KEY_TYPES: Record<string, KeyType> = {
  [RSA_ENCRYPTION]: 'rsa', '1.2.840.113549.1.1.10': 'rsa-pss', [EC_PUBLIC_KEY]: 'ec',
  '1.3.101.112': 'ed25519', '1.3.101.113': 'ed448', '1.2.840.10040.4.1': 'dsa',
};

function algorithm(d: Der, field: string): SignatureAlgorithm {
  const seq = d.next(SEQUENCE, field);
  const a = d.inside(seq);
  const oid = objectId(a, a.next(OID, field), field);
  const params = a.more() ? a.any(field) : undefined;
  a.done(field);
  const der = d.buf.subarray(seq.at, seq.end);
  const nullParams = params !== undefined && params.tag === NULL && params.end === params.start;
  // PKCS#1 v1.5: NULL parameters (RFC 4055 §5; absent tolerated, as OpenSSL does); ECDSA: none (RFC 5758 §3.2).
  const rsaHash = RSA_PKCS1[oid];
  if (rsaHash && (params === undefined || nullParams)) return { oid, der, scheme: 'rsa-pkcs1', hash: rsaHash, keyType: 'rsa' };
  const ecHash = ECDSA[oid];
  if (ecHash && params === undefined) return { oid, der, scheme: 'ecdsa', hash: ecHash, keyType: 'ec' };
  return { oid, der, keyType: rsaHash ? 'rsa' : ecHash ? 'ec' : OTHER_SIGNERS[oid] };
}

function publicKeyInfo(d: Der): PublicKeyInfo {
  const field = 'subjectPublicKeyInfo';
  const seq = d.next(SEQUENCE, field);
  const s = d.inside(seq);
  const alg = s.inside(s.next(SEQUENCE, field));
  const algorithmOid = objectId(alg, alg.next(OID, field), field);
  const params = alg.more() ? alg.any(field) : undefined;
  alg.done(field);
  const key = bitString(s, s.next(BIT_STRING, field), field);
  s.done(field);
  const der = d.buf.subarray(seq.at, seq.end);
  const keyType = KEY_TYPES[algorithmOid];
  if (algorithmOid === RSA_ENCRYPTION && params?.tag === NULL && params.end === params.start) {
    checkRsaPublicKey(d.buf, key);
    return { der, algorithmOid, keyType, pkcs1: key, key };
  }
  if (algorithmOid === EC_PUBLIC_KEY && params?.tag === OID) {
    return { der, algorithmOid, keyType, curveOid: objectId(alg, params, field), key };
  }
  return { der, algorithmOid, keyType, key };
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1), both positive. */
function checkRsaPublicKey(buf: Buffer, key: Buffer): void {
  const field = 'RSAPublicKey';
  const start = key.byteOffset - buf.byteOffset;
  const top = new Der(buf, start, start + key.length);
  const seq = top.next(SEQUENCE, field);
  top.done(field);
  const s = top.inside(seq);
  for (let i = 0; i < 2; i++) {
    const n = integer(s, s.next(INTEGER, field), field);
    if (buf[n.start]! & 0x80) throw new DecodeError('BAD_VALUE', n.at, 'negative RSA integer', field);
  }
  s.done(field);
}

// ---- names

function name(d: Der, field: string): Name {
  const seq = d.next(SEQUENCE, field);
  const n = d.inside(seq);
  const rdns: Attribute[][] = [];
  while (n.more()) {
    const set = n.next(SET, field);
    const s = n.inside(set);
    const rdn: Attribute[] = [];
    if (!s.more()) throw new DecodeError('BAD_LENGTH', set.at, 'empty RelativeDistinguishedName', field);
    while (s.more()) {
      const a = s.inside(s.next(SEQUENCE, field));
      const oid = objectId(a, a.next(OID, field), field);
      const v = a.any(field);
      a.done(field);
      const value = d.buf.subarray(v.start, v.end);
      // As OpenSSL: a value of a universal type (DirectoryString and kin), UTF8String valid UTF-8.
      if (v.tag & 0xc0) throw new DecodeError('BAD_VALUE', v.at, 'attribute value of a non-universal type', field);
      if (v.tag === UTF8_STRING && !isUtf8(value)) throw new DecodeError('BAD_VALUE', v.start, 'UTF8String is not UTF-8', field);
      rdn.push({ oid, tag: v.tag, value });
    }
    rdns.push(rdn);
  }
  return { der: d.buf.subarray(seq.at, seq.end), rdns };
}

/** OpenSSL's short names, as node's X509Certificate prints them. */
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.4': 'SN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  '2.5.4.9': 'street', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.12': 'title', '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN', '2.5.4.43': 'initials', '2.5.4.46': 'dnQualifier',
  '1.2.840.113549.1.9.1': 'emailAddress', '0.9.2342.19200300.100.1.25': 'DC', '0.9.2342.19200300.100.1.1': 'UID',
};
const UTF8_STRING = 0x0c;
/** String types OpenSSL prints one octet per character (Latin-1): Numeric, Printable, Teletex, IA5. */
const OCTET_STRINGS = new Set([0x12, 0x13, 0x14, 0x16]);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // node keeps a BOM

function isUtf8(b: Buffer): boolean {
  let ascii = true;
  for (let i = 0; i < b.length && ascii; i++) ascii = b[i]! < 0x80;
  if (ascii) return true;
  try {
    utf8.decode(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Name on one line as node's X509Certificate prints it (OpenSSL's RFC 2253 escaping, RDNs in
 * certificate order joined by ", ", multi-valued RDNs by " + "), or undefined when this reader
 * cannot promise the identical text (an attribute it has no name for, another string type).
 * `loose` always gives a text: dotted OIDs, other values as #hex.
 */
export function nameToString(n: Name, loose = false): string | undefined {
  const parts: string[] = [];
  for (const rdn of n.rdns) {
    const avas: string[] = [];
    for (const a of rdn) {
      const type = SHORT_NAMES[a.oid] ?? (loose ? a.oid : undefined);
      const value = type === undefined ? undefined : valueText(a, loose);
      if (value === undefined) return undefined;
      avas.push(`${type}=${value}`);
    }
    parts.push(avas.join(' + '));
  }
  return parts.join(', ');
}

function valueText(a: Attribute, loose: boolean): string | undefined {
  if (a.tag === UTF8_STRING) return escapeValue(utf8.decode(a.value)); // checked when parsed
  if (OCTET_STRINGS.has(a.tag)) return escapeValue(a.value.toString('latin1'));
  return loose ? `#${a.value.toString('hex')}` : undefined;
}

/**
 * OpenSSL's ASN1_STRFLGS_ESC_2253 | ESC_CTRL: backslash before , + " \ < > ; before a leading
 * '#' or ' ' and a trailing ' ', control characters as \XX; other characters as they are.
 * OpenSSL tests "last" after "first", so a one-character value is only checked as the last.
 */
function escapeValue(s: string): string {
  let out = '';
  const last = s.length - 1;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = ch.charCodeAt(0);
    if (c < 0x20 || c === 0x7f) out += '\\' + c.toString(16).toUpperCase().padStart(2, '0');
    else if (',+"\\<>;'.includes(ch)) out += '\\' + ch;
    else if (i === last ? ch === ' ' : i === 0 && (ch === ' ' || ch === '#')) out += '\\' + ch;
    else out += ch;
  }
  return out;
}

// ---- extensions

function extension(d: Der, seen: Extension[]): Extension {
  const field = 'extension';
  const seq = d.next(SEQUENCE, field);
  const e = d.inside(seq);
  const oid = objectId(e, e.next(OID, field), field);
  const b = e.optional(BOOLEAN, field);
  const critical = b ? boolean(e, b, field) : false;
  const v = e.next(OCTET_STRING, field);
  e.done(field);
  // RFC 5280 §4.2: at most one instance of an extension.
  for (const x of seen) if (x.oid === oid) throw new DecodeError('BAD_VALUE', seq.at, `extension ${oid} twice`, field);
  return { oid, critical, value: d.buf.subarray(v.start, v.end), at: v.start };
}

const BASIC_CONSTRAINTS = '2.5.29.19';
const KEY_USAGE = '2.5.29.15';

/** Bit order of RFC 5280's KeyUsage BIT STRING. */
export const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment',
  'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;
export type KeyUsageBit = (typeof KEY_USAGE_BITS)[number];

/** basicConstraints (RFC 5280 §4.2.1.9), undefined when absent; throws DecodeError when malformed. */
export function basicConstraints(c: Certificate): { cA: boolean; pathLen?: number; critical: boolean } | undefined {
  const ext = findExtension(c, BASIC_CONSTRAINTS);
  if (!ext) return undefined;
  const field = 'basicConstraints';
  const d = extensionValue(c, ext);
  const seq = d.inside(d.next(SEQUENCE, field));
  d.done(field);
  const b = seq.optional(BOOLEAN, field);
  const cA = b ? boolean(seq, b, field) : false;
  let pathLen: number | undefined;
  if (seq.more()) {
    const at = seq.pos;
    pathLen = smallInteger(seq, field);
    if (pathLen < 0) throw new DecodeError('BAD_VALUE', at, 'negative pathLenConstraint', field);
    if (!cA) throw new DecodeError('BAD_VALUE', at, 'pathLenConstraint without cA', field);
  }
  seq.done(field);
  return pathLen === undefined ? { cA, critical: ext.critical } : { cA, pathLen, critical: ext.critical };
}

/** keyUsage (RFC 5280 §4.2.1.3), undefined when absent; throws DecodeError when malformed. */
export function keyUsage(c: Certificate): { usages: Set<KeyUsageBit>; critical: boolean } | undefined {
  const ext = findExtension(c, KEY_USAGE);
  if (!ext) return undefined;
  const field = 'keyUsage';
  const d = extensionValue(c, ext);
  const bits = bitString(d, d.next(BIT_STRING, field), field, true);
  d.done(field);
  const usages = new Set<KeyUsageBit>();
  for (let i = 0; i < KEY_USAGE_BITS.length; i++) {
    if ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) usages.add(KEY_USAGE_BITS[i]!);
  }
  return { usages, critical: ext.critical };
}

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const EXT_KEY_USAGE = '2.5.29.37';

/**
 * basicConstraints and keyUsage, after checking that they and the key-identifier and
 * extKeyUsage extensions are well formed: OpenSSL will not take a certificate whose common
 * extensions do not decode as issuer or subject, and neither do we. Throws DecodeError.
 */
export function checkedExtensions(c: Certificate): {
  basicConstraints: ReturnType<typeof basicConstraints>; keyUsage: ReturnType<typeof keyUsage>;
} {
  const result = { basicConstraints: basicConstraints(c), keyUsage: keyUsage(c) };
  for (const ext of c.extensions) {
    if (ext.oid === SUBJECT_KEY_IDENTIFIER) {
      const d = extensionValue(c, ext);
      d.next(OCTET_STRING, 'subjectKeyIdentifier');
      d.done('subjectKeyIdentifier');
    } else if (ext.oid === AUTHORITY_KEY_IDENTIFIER) {
      // SEQUENCE { [0] keyIdentifier, [1] authorityCertIssuer, [2] authorityCertSerialNumber }, all optional
      const field = 'authorityKeyIdentifier';
      const d = extensionValue(c, ext);
      const seq = d.inside(d.next(SEQUENCE, field));
      d.done(field);
      seq.optional(0x80, field);
      seq.optional(0xa1, field);
      const serial = seq.optional(0x82, field);
      if (serial) integer(seq, serial, field);
      seq.done(field);
    } else if (ext.oid === EXT_KEY_USAGE) {
      const field = 'extKeyUsage';
      const d = extensionValue(c, ext);
      const seq = d.inside(d.next(SEQUENCE, field));
      d.done(field);
      while (seq.more()) objectId(seq, seq.next(OID, field), field);
    }
  }
  return result;
}

function findExtension(c: Certificate, oid: string): Extension | undefined {
  for (const e of c.extensions) if (e.oid === oid) return e;
  return undefined;
}

function extensionValue(c: Certificate, ext: Extension): Der {
  return new Der(c.der, ext.at, ext.at + ext.value.length);
}

// ---- primitives

/** BIT STRING contents after the unused-bits octet; DER wants the unused bits zero. */
function bitString(d: Der, t: Tlv, field: string, allowUnused = false): Buffer {
  const buf = d.buf;
  if (t.end === t.start) throw new DecodeError('BAD_LENGTH', t.at, 'empty BIT STRING', field);
  const unused = buf[t.start]!;
  if (unused > 7 || (unused > 0 && t.end - t.start === 1)) throw new DecodeError('BAD_VALUE', t.start, `${unused} unused bits`, field);
  if (unused > 0 && !allowUnused) throw new DecodeError('BAD_VALUE', t.start, 'BIT STRING not a whole number of octets', field);
  if (unused > 0 && (buf[t.end - 1]! & ((1 << unused) - 1)) !== 0) throw new DecodeError('BAD_VALUE', t.end - 1, 'unused bits not zero', field);
  return buf.subarray(t.start + 1, t.end);
}

function boolean(d: Der, t: Tlv, field: string): boolean {
  const v = d.buf[t.start];
  if (t.end - t.start !== 1 || (v !== 0 && v !== 0xff)) throw new DecodeError('BAD_VALUE', t.at, 'BOOLEAN not 00 or FF', field);
  return v === 0xff;
}

/** An INTEGER's element, after checking it is non-empty and minimally encoded. */
function integer(d: Der, t: Tlv, field: string): Tlv {
  const b = d.buf;
  const n = t.end - t.start;
  if (n === 0) throw new DecodeError('BAD_LENGTH', t.at, 'empty INTEGER', field);
  if (n > 1 && ((b[t.start] === 0 && !(b[t.start + 1]! & 0x80)) || (b[t.start] === 0xff && b[t.start + 1]! & 0x80))) {
    throw new DecodeError('BAD_VALUE', t.start, 'INTEGER not in shortest form', field);
  }
  return t;
}

function smallInteger(d: Der, field: string): number {
  const t = integer(d, d.next(INTEGER, field), field);
  if (t.end - t.start > 4) throw new DecodeError('UNSUPPORTED', t.at, 'INTEGER too large', field);
  return d.buf.readIntBE(t.start, t.end - t.start);
}

/** Serial number as node prints it (OpenSSL BN_bn2hex): upper-case hex octets, no leading zero octets, '-' if negative. */
function serialHex(d: Der, t: Tlv): string {
  integer(d, t, 'serialNumber');
  const raw = d.buf.subarray(t.start, t.end);
  let mag = raw;
  let sign = '';
  if (raw[0]! & 0x80) {
    sign = '-';
    mag = Buffer.alloc(raw.length);
    let carry = 1; // two's complement: invert and add one
    for (let i = raw.length - 1; i >= 0; i--) {
      const x = (~raw[i]! & 0xff) + carry;
      mag[i] = x & 0xff;
      carry = x >> 8;
    }
  }
  let i = 0;
  while (i < mag.length && mag[i] === 0) i++;
  return i === mag.length ? '0' : sign + mag.subarray(i).toString('hex').toUpperCase();
}

/** Dotted OBJECT IDENTIFIER; subidentifiers must be minimally encoded. */
function objectId(d: Der, t: Tlv, field: string): string {
  const b = d.buf;
  if (t.end === t.start) throw new DecodeError('BAD_LENGTH', t.at, 'empty OBJECT IDENTIFIER', field);
  let out = '';
  let first = true;
  let i = t.start;
  while (i < t.end) {
    if (b[i] === 0x80) throw new DecodeError('BAD_VALUE', i, 'OBJECT IDENTIFIER arc not in shortest form', field);
    let v = 0;
    let big: bigint | undefined;
    for (;;) {
      if (i >= t.end) throw new DecodeError('BAD_VALUE', t.at, 'OBJECT IDENTIFIER ends inside an arc', field);
      const x = b[i++]!;
      if (big !== undefined) big = (big << 7n) | BigInt(x & 0x7f);
      else if (v >= 2 ** 45) big = (BigInt(v) << 7n) | BigInt(x & 0x7f);
      else v = v * 128 + (x & 0x7f);
      if (!(x & 0x80)) break;
    }
    if (first) {
      first = false;
      // The first subidentifier packs two arcs: 40 * X + Y, with X in 0..2.
      if (big !== undefined) out = `2.${big - 80n}`;
      else out = v < 40 ? `0.${v}` : v < 80 ? `1.${v - 40}` : `2.${v - 80}`;
    } else {
      out += '.' + String(big ?? v);
    }
  }
  return out;
}

/** UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ (RFC 5280 §4.1.2.5), as ms. */
function time(d: Der, field: string): number {
  const at = d.pos;
  const tag = d.peek();
  if (tag !== UTC_TIME && tag !== GENERALIZED_TIME) {
    if (tag === undefined) d.any(field); // throws the right truncation error
    throw new DecodeError('BAD_VALUE', at, 'not a UTCTime or GeneralizedTime', field);
  }
  const t = d.any(field);
  const b = d.buf;
  const utc = tag === UTC_TIME;
  const yearDigits = utc ? 2 : 4;
  // Exactly the digits, seconds included, then Z: no fractions, no offsets.
  let ok = t.end - t.start === yearDigits + 11 && b[t.end - 1] === 0x5a;
  for (let i = t.start; ok && i < t.end - 1; i++) ok = b[i]! >= 0x30 && b[i]! <= 0x39;
  if (!ok) throw new DecodeError('BAD_VALUE', t.start, `time "${b.toString('latin1', t.start, t.end)}" not in RFC 5280 form`, field);
  let o = t.start;
  let year = 0;
  for (; o < t.start + yearDigits; o++) year = year * 10 + b[o]! - 0x30;
  if (utc) year += year >= 50 ? 1900 : 2000; // RFC 5280 §4.1.2.5.1
  const month = twoDigits(b, o), day = twoDigits(b, o + 2), hour = twoDigits(b, o + 4);
  const minute = twoDigits(b, o + 6), second = twoDigits(b, o + 8);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // setUTCFullYear keeps years 0..99 as given
  date.setUTCHours(hour, minute, second, 0);
  if (month < 1 || month > 12 || day < 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new DecodeError('BAD_VALUE', t.start, `time "${b.toString('latin1', t.start, t.end)}" is not a date`, field);
  }
  return date.getTime();
}

function twoDigits(b: Buffer, at: number): number {
  return (b[at]! - 0x30) * 10 + b[at + 1]! - 0x30;
}
