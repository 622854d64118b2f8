// ACL evaluation: IOS wildcard tests and first-match-wins over a list of ACEs. Used for the
// KS `authorization address ipv4 ACL` check and for GM-local deny ACLs.

import { isContiguousWildcard, parseIpv4 } from './ipv4.ts';
import type { AclEntry, PortMatch } from './types.ts';

export interface AclPacket { protocol: number; src: string; dst: string; srcPort?: number; dstPort?: number }

function ip(s: string): number {
  const n = parseIpv4(s);
  if (n === undefined) throw new TypeError(`not an IPv4 address: '${s}'`);
  return n;
}

/** IOS wildcard test: `addr` matches `base` in every bit where `wildcard` is 0. */
export function addrInWildcard(addr: string, base: string, wildcard: string): boolean {
  return ((ip(addr) ^ ip(base)) & ~ip(wildcard)) === 0;
}

/**
 * Checks an ACE's address/wildcard pair; returns the problem, or undefined when fine.
 * `contiguous`: the wildcard must be an inverse netmask (an ACL that becomes a GDOI TEK
 * selector is sent as an ID payload subnet, RFC 6407 §5.4.1, which has no other form).
 * `exact`: the address may not have bits set under the wildcard (IOS would clear them).
 */
export function validateAclWildcard(addr: string, wildcard: string, opts: { contiguous?: boolean; exact?: boolean } = {}): string | undefined {
  const a = parseIpv4(addr), w = parseIpv4(wildcard);
  if (a === undefined) return `'${addr}' is not an IPv4 address`;
  if (w === undefined) return `wildcard '${wildcard}' is not a dotted quad`;
  if (opts.contiguous && !isContiguousWildcard(w)) return `wildcard ${wildcard} is not contiguous (not the inverse of a netmask)`;
  if (opts.exact && (a & w) !== 0) return `address ${addr} has bits set under wildcard ${wildcard}`;
  return undefined;
}

export function portMatches(m: PortMatch, port: number | undefined): boolean {
  if (port === undefined) return false;
  switch (m.op) {
    case 'eq': return m.ports.includes(port);
    case 'neq': return !m.ports.includes(port);
    case 'gt': return port > m.ports[0]!;
    case 'lt': return port < m.ports[0]!;
    case 'range': return port >= m.ports[0]! && port <= m.ports[1]!;
  }
}

export function aceMatches(e: AclEntry, pkt: AclPacket): boolean {
  if (e.protocol !== 0 && e.protocol !== pkt.protocol) return false;
  if (!addrInWildcard(pkt.src, e.src.addr, e.src.wildcard)) return false;
  if (!addrInWildcard(pkt.dst, e.dst.addr, e.dst.wildcard)) return false;
  if (e.srcPort && !portMatches(e.srcPort, pkt.srcPort)) return false;
  if (e.dstPort && !portMatches(e.dstPort, pkt.dstPort)) return false;
  return true;
}

/** First matching ACE decides; 'none' when no ACE matches (IOS's implicit deny is the caller's). */
export function aclMatches(entries: readonly AclEntry[], pkt: AclPacket): 'permit' | 'deny' | 'none' {
  for (const e of entries) if (aceMatches(e, pkt)) return e.action;
  return 'none';
}
