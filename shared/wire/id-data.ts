// Identification data (RFC 2407 §4.6.2.1): the bytes behind an ID type, as used by the ID
// payload, SA KEK/TEK selectors and the GDOI group id (RFC 6407 §5.3). Builders for
// configuration, a parser for policy code, a printer for logs, and the per-type length check
// the decoder applies.
import assert from 'node:assert/strict';
import { DecodeError, VerifyError } from '../errors.ts';
import { IdType } from './registry.ts';
import type { IdData } from './types.ts';

/** Fixed data lengths of the address ID types; others (FQDN, DN, KEY_ID) are variable. */
export const ID_DATA_LENGTH: Readonly<Record<number, number>> = {
  [IdType.IPV4_ADDR]: 4, [IdType.IPV4_ADDR_SUBNET]: 8, [IdType.IPV4_ADDR_RANGE]: 8,
  [IdType.IPV6_ADDR]: 16, [IdType.IPV6_ADDR_SUBNET]: 32, [IdType.IPV6_ADDR_RANGE]: 32,
};

/** Decoder check: an address ID whose data is not its fixed size is malformed (BAD_LENGTH at `at`). */
export function checkIdDataLength(idType: number, length: number, at: number, field: string): void {
  const want = ID_DATA_LENGTH[idType];
  if (want !== undefined && want !== length) {
    throw new DecodeError('BAD_LENGTH', at, `${IdType.nameOf(idType)} data is ${length} octet(s), must be ${want}`, field);
  }
}

// ---- address text <-> bytes ----

function badId(msg: string): never { throw new VerifyError('BAD_ID_DATA', msg); }

export function ipv4ToBytes(text: string): Buffer {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) badId(`not an IPv4 address: ${text}`);
  return Buffer.from(parts.map(Number));
}

export function ipv6ToBytes(text: string): Buffer {
  const halves = text.split('::');
  if (halves.length > 2) badId(`not an IPv6 address: ${text}`);
  const groups = (s: string): number[] => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    parts.forEach((p, i) => {
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = ipv4ToBytes(p);
        out.push(v4.readUInt16BE(0), v4.readUInt16BE(2));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        badId(`not an IPv6 address: ${text}`);
      }
    });
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) badId(`not an IPv6 address: ${text}`);
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const b = Buffer.alloc(16);
  all.forEach((g, i) => b.writeUInt16BE(g, i * 2));
  return b;
}

export function bytesToIpv4(b: Buffer): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** RFC 5952 text: lower case, no leading zeros, the first longest run of 2+ zero groups as "::". */
export function bytesToIpv6(b: Buffer): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(b.readUInt16BE(i));
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** A mask of `prefix` leading one bits, `octets` long. */
export function prefixToMask(prefix: number, octets: 4 | 16): Buffer {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > octets * 8) badId(`bad prefix length ${prefix}`);
  const m = Buffer.alloc(octets);
  for (let i = 0; i < prefix; i++) m[i >> 3]! |= 0x80 >> (i & 7);
  return m;
}

/** The prefix length of a contiguous mask, or undefined when the mask has holes. */
export function maskToPrefix(mask: Buffer): number | undefined {
  let n = 0;
  while (n < mask.length * 8 && (mask[n >> 3]! & (0x80 >> (n & 7)))) n++;
  return prefixToMask(n, mask.length as 4 | 16).equals(mask) ? n : undefined;
}

// ---- builders ----

export function idIpv4Addr(addr: string): IdData {
  return { idType: IdType.IPV4_ADDR, data: ipv4ToBytes(addr) };
}
/** IPv4 subnet: address and mask, the mask given as prefix length or dotted quad. */
export function idIpv4Subnet(addr: string, mask: number | string): IdData {
  const m = typeof mask === 'number' ? prefixToMask(mask, 4) : ipv4ToBytes(mask);
  return { idType: IdType.IPV4_ADDR_SUBNET, data: Buffer.concat([ipv4ToBytes(addr), m]) };
}
export function idIpv4Range(from: string, to: string): IdData {
  return { idType: IdType.IPV4_ADDR_RANGE, data: Buffer.concat([ipv4ToBytes(from), ipv4ToBytes(to)]) };
}
export function idIpv6Addr(addr: string): IdData {
  return { idType: IdType.IPV6_ADDR, data: ipv6ToBytes(addr) };
}
/** IPv6 subnet: address and mask, the mask given as prefix length or address text. */
export function idIpv6Subnet(addr: string, mask: number | string): IdData {
  const m = typeof mask === 'number' ? prefixToMask(mask, 16) : ipv6ToBytes(mask);
  return { idType: IdType.IPV6_ADDR_SUBNET, data: Buffer.concat([ipv6ToBytes(addr), m]) };
}
export function idIpv6Range(from: string, to: string): IdData {
  return { idType: IdType.IPV6_ADDR_RANGE, data: Buffer.concat([ipv6ToBytes(from), ipv6ToBytes(to)]) };
}
export function idFqdn(name: string): IdData {
  if (name.length === 0 || !/^[\x21-\x7e]+$/.test(name)) badId(`not a printable FQDN: ${JSON.stringify(name)}`);
  return { idType: IdType.FQDN, data: Buffer.from(name, 'ascii') };
}

/**
 * GDOI group id as ID_KEY_ID: the group number as 4 octets big-endian. (The Cisco reference
 * copies a host-order int; we emit network order, RFC 6407 §5.3 being silent.)
 */
export function keyIdFromNumber(n: number): IdData {
  if (!(Number.isInteger(n) && n >= 0 && n <= 0xffffffff)) assert.fail(`group number ${n} does not fit 32 bits`);
  const data = Buffer.alloc(4);
  data.writeUInt32BE(n);
  return { idType: IdType.KEY_ID, data };
}
/** The group number in a 4-octet big-endian KEY_ID (accepts the IdData or its data). */
export function numberFromKeyId(id: IdData | Buffer): number {
  const data = Buffer.isBuffer(id) ? id : id.data;
  if (!Buffer.isBuffer(id) && id.idType !== IdType.KEY_ID) badId(`${IdType.nameOf(id.idType)} is not a KEY_ID`);
  if (data.length !== 4) badId(`KEY_ID of ${data.length} octets is not a group number`);
  return data.readUInt32BE(0);
}

// ---- parser and printer ----

export type ParsedIdData =
  | { kind: 'addr'; family: 4 | 6; addr: string }
  | { kind: 'subnet'; family: 4 | 6; addr: string; mask: string; prefix: number | undefined }
  | { kind: 'range'; family: 4 | 6; from: string; to: string }
  | { kind: 'fqdn'; name: string }
  | { kind: 'key-id'; keyId: Buffer }
  | { kind: 'opaque'; idType: number; data: Buffer };

/** Structured view of ID data; throws VerifyError BAD_ID_DATA when an address type has the wrong length. */
export function parseIdData(id: IdData): ParsedIdData {
  const want = ID_DATA_LENGTH[id.idType];
  if (want !== undefined && id.data.length !== want) {
    badId(`${IdType.nameOf(id.idType)} data is ${id.data.length} octet(s), must be ${want}`);
  }
  const d = id.data;
  switch (id.idType) {
    case IdType.IPV4_ADDR: return { kind: 'addr', family: 4, addr: bytesToIpv4(d) };
    case IdType.IPV6_ADDR: return { kind: 'addr', family: 6, addr: bytesToIpv6(d) };
    case IdType.IPV4_ADDR_SUBNET:
      return { kind: 'subnet', family: 4, addr: bytesToIpv4(d), mask: bytesToIpv4(d.subarray(4)), prefix: maskToPrefix(d.subarray(4)) };
    case IdType.IPV6_ADDR_SUBNET:
      return { kind: 'subnet', family: 6, addr: bytesToIpv6(d), mask: bytesToIpv6(d.subarray(16)), prefix: maskToPrefix(d.subarray(16)) };
    case IdType.IPV4_ADDR_RANGE: return { kind: 'range', family: 4, from: bytesToIpv4(d), to: bytesToIpv4(d.subarray(4)) };
    case IdType.IPV6_ADDR_RANGE: return { kind: 'range', family: 6, from: bytesToIpv6(d), to: bytesToIpv6(d.subarray(16)) };
    case IdType.FQDN: case IdType.USER_FQDN: return { kind: 'fqdn', name: d.toString('latin1') };
    case IdType.KEY_ID: return { kind: 'key-id', keyId: d };
    default: return { kind: 'opaque', idType: id.idType, data: d };
  }
}

/** Printable text with non-printable octets escaped, for names from the wire. */
function printable(d: Buffer): string {
  let s = '';
  for (const c of d) s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  return s;
}

/**
 * Log text for ID data, never throws: "10.0.0.1", "10.0.0.0/255.255.255.0",
 * "10.0.0.1-10.0.0.9", "2001:db8::/64", "gm1.example.com", "key-id 1234" (4-octet KEY_ID),
 * otherwise the type name and hex.
 */
export function idDataToString(idType: number, data: Buffer): string {
  let p: ParsedIdData;
  try { p = parseIdData({ idType, data }); } catch { return `${IdType.nameOf(idType)} (bad length) ${data.toString('hex')}`; }
  switch (p.kind) {
    case 'addr': return p.addr;
    case 'subnet': return p.family === 6 && p.prefix !== undefined ? `${p.addr}/${p.prefix}` : `${p.addr}/${p.mask}`;
    case 'range': return `${p.from}-${p.to}`;
    case 'fqdn': return printable(data);
    case 'key-id': return data.length === 4 ? `key-id ${data.readUInt32BE(0)}` : `key-id 0x${data.toString('hex')}`;
    case 'opaque': return `${IdType.nameOf(idType)} ${data.toString('hex')}`;
  }
}
