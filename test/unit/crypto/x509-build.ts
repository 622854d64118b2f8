// Test support: a tiny DER writer that builds X.509 certificates field by field (any names,
// string types, time forms, extensions), signed with node:crypto. Used to compare the DER
// reader with node's X509Certificate on inputs openssl's CLI cannot easily make.
import { createPublicKey, sign, type KeyObject } from 'node:crypto';

export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else if (n < 0x100) len = Buffer.from([0x81, n]);
  else if (n < 0x10000) len = Buffer.from([0x82, n >> 8, n & 0xff]);
  else len = Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}
export const seq = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);
export const set = (...parts: Buffer[]): Buffer => tlv(0x31, ...parts);
export const rsaSigAlg = (hash: keyof typeof RSA_SIG): Buffer => seq(oid(RSA_SIG[hash]!), nul());
export const nul = (): Buffer => Buffer.from([0x05, 0x00]);
export const bool = (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);
export const octets = (b: Buffer): Buffer => tlv(0x04, b);
export const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.from([unused]), b);

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const out: number[] = [];
  const push = (v: bigint): void => {
    const groups: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...groups);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, Buffer.from(out));
}

/** INTEGER from a bigint (two's complement, shortest form). */
export function int(v: bigint | number): Buffer {
  let x = BigInt(v);
  const bytes: number[] = [];
  for (;;) {
    bytes.unshift(Number(x & 0xffn));
    x >>= 8n;
    const top = bytes[0]! & 0x80;
    if ((x === 0n && !top) || (x === -1n && top)) break;
  }
  return tlv(0x02, Buffer.from(bytes));
}

export const ATTR = {
  C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3',
  emailAddress: '1.2.840.113549.1.9.1', serialNumber: '2.5.4.5', DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1', SN: '2.5.4.4', GN: '2.5.4.42', title: '2.5.4.12', street: '2.5.4.9',
  postalCode: '2.5.4.17', initials: '2.5.4.43', dnQualifier: '2.5.4.46',
} as const;
export const STR = { utf8: 0x0c, numeric: 0x12, printable: 0x13, teletex: 0x14, ia5: 0x16, visible: 0x1a, bmp: 0x1e } as const;

/** One attribute: [type (short name or dotted OID), value, string tag (default UTF8String)]. */
export type Ava = [string, string | Buffer, number?];

/** Name from RDNs, each RDN a list of attributes (sorted into DER SET OF order). */
export function name(rdns: Ava[][]): Buffer {
  return seq(...rdns.map((rdn) => {
    const avas = rdn.map(([type, value, tag]) => {
      const t = tag ?? STR.utf8;
      const v = Buffer.isBuffer(value) ? value : Buffer.from(value, t === STR.utf8 ? 'utf8' : 'latin1');
      return seq(oid((ATTR as Record<string, string>)[type] ?? type), tlv(t, v));
    });
    return set(...avas.sort(Buffer.compare));
  }));
}
export const simpleName = (cn: string): Buffer => name([[['O', 'gdoi-test', STR.printable]], [['CN', cn]]]);

export function utcTime(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(s, 'latin1'));
}
export function generalizedTime(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return tlv(0x18, Buffer.from(s, 'latin1'));
}
/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export const certTime = (d: Date): Buffer => (d.getUTCFullYear() < 2050 ? utcTime(d) : generalizedTime(d));

export function extension(id: string, value: Buffer, critical = false): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}
export const basicConstraintsExt = (cA: boolean, critical = true, pathLen?: number): Buffer =>
  extension('2.5.29.19', seq(...(cA ? [bool(true)] : []), ...(pathLen === undefined ? [] : [int(pathLen)])), critical);

/** keyUsage from bit numbers (0 = digitalSignature), as a minimal named-bit BIT STRING. */
export function keyUsageExt(bitNumbers: number[], critical = true): Buffer {
  const top = Math.max(...bitNumbers);
  const bytes = Buffer.alloc((top >> 3) + 1);
  for (const b of bitNumbers) bytes[b >> 3]! |= 0x80 >> (b & 7);
  const unused = 7 - (top & 7);
  return extension('2.5.29.15', bits(bytes, unused), critical);
}

export interface CertSpec {
  serial?: bigint;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date | Buffer;
  notAfter: Date | Buffer;
  /** Subject public key (its SPKI is written). */
  publicKey: KeyObject;
  /** Key that signs; its type picks sha256WithRSAEncryption or ecdsa-with-SHA256. */
  signer: KeyObject;
  extensions?: Buffer[];
  /** Digest of the signature (default sha256). */
  hash?: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /** Certificate version (default 3; 1 leaves the field out). */
  version?: 1 | 2 | 3;
  /** Outer signatureAlgorithm, when a test wants it to differ from tbsCertificate's. */
  outerAlgorithm?: Buffer;
}

const RSA_SIG: Record<string, string> = {
  sha1: '1.2.840.113549.1.1.5', sha256: '1.2.840.113549.1.1.11', sha384: '1.2.840.113549.1.1.12', sha512: '1.2.840.113549.1.1.13',
};
const EC_SIG: Record<string, string> = {
  sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4',
};

export function buildCert(spec: CertSpec): Buffer {
  const hash = spec.hash ?? 'sha256';
  const rsa = spec.signer.asymmetricKeyType === 'rsa';
  const alg = rsa ? seq(oid(RSA_SIG[hash]!), nul()) : seq(oid(EC_SIG[hash]!));
  const time = (t: Date | Buffer): Buffer => (Buffer.isBuffer(t) ? t : certTime(t));
  const pub = spec.publicKey.type === 'public' ? spec.publicKey : createPublicKey(spec.publicKey);
  const tbs = seq(
    ...((spec.version ?? 3) === 1 ? [] : [tlv(0xa0, int((spec.version ?? 3) - 1))]),
    int(spec.serial ?? 0x1234567890abcdefn),
    alg,
    spec.issuer,
    seq(time(spec.notBefore), time(spec.notAfter)),
    spec.subject,
    pub.export({ type: 'spki', format: 'der' }),
    ...(spec.extensions?.length ? [tlv(0xa3, seq(...spec.extensions))] : []),
  );
  const sig = sign(hash, tbs, spec.signer);
  return seq(tbs, spec.outerAlgorithm ?? alg, bits(sig));
}
