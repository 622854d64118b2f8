// Access lists: `ip access-list extended|standard NAME` blocks and numbered `access-list N`.
//   extended ACE: [SEQ] permit|deny PROTO SRC [PORTS] DST [PORTS] [log|log-input]
//   standard ACE: [SEQ] permit|deny SRC [log]
// SRC/DST = any | host A | A WILDCARD (standard also `A` alone = host). PORTS (tcp/udp
// only) = eq P.. | neq P.. | gt P | lt P | range P P. Other ACE options (icmp types,
// established, dscp, object-group...) are refused, not dropped.

import type { ConfigLine } from './blocks.ts';
import { Cursor, type ParseContext } from './context.ts';
import { formatIpv4, parseIpv4 } from './ipv4.ts';
import type { AclAddress, AclEntry, PortMatch } from './types.ts';

const PROTOCOLS: Record<string, number> = {
  ip: 0, icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ahp: 51, eigrp: 88, ospf: 89, pim: 103,
};
/** IOS port names (tcp and udp share this table; IOS keeps one per protocol). */
const PORTS: Record<string, number> = {
  'ftp-data': 20, ftp: 21, ssh: 22, telnet: 23, smtp: 25, tacacs: 49, domain: 53, bootps: 67, bootpc: 68,
  tftp: 69, www: 80, ntp: 123, snmp: 161, snmptrap: 162, bgp: 179, isakmp: 500, syslog: 514,
  'non500-isakmp': 4500,
};
const ANY: AclAddress = { addr: '0.0.0.0', wildcard: '255.255.255.255' };
const TCP = 6, UDP = 17;

type Kind = 'standard' | 'extended';

function portValue(t: string | undefined): number | undefined {
  if (t === undefined) return undefined;
  if (/^\d+$/.test(t)) return Number(t) <= 65535 ? Number(t) : undefined;
  return PORTS[t.toLowerCase()];
}

function port(c: Cursor): number {
  const t = c.next('port');
  const p = portValue(t);
  if (p === undefined) c.ctx.fail(c.line, `bad port '${t}'`);
  return p;
}

function ports(c: Cursor, protocol: number): PortMatch | undefined {
  const op = c.peekLower();
  if (op !== 'eq' && op !== 'neq' && op !== 'gt' && op !== 'lt' && op !== 'range') return undefined;
  if (protocol !== TCP && protocol !== UDP) c.ctx.fail(c.line, `port match '${op}' needs protocol tcp or udp`);
  c.next('port operator');
  if (op === 'gt' || op === 'lt') return { op, ports: [port(c)] };
  if (op === 'range') {
    const lo = port(c), hi = port(c);
    if (lo > hi) c.ctx.fail(c.line, `port range ${lo}-${hi} is reversed`);
    return { op, ports: [lo, hi] };
  }
  const list = [port(c)];
  while (portValue(c.peek()) !== undefined) list.push(port(c));
  return { op, ports: list };
}

/** any | host A | A WILDCARD (or A alone in a standard ACE). Bits under the wildcard are cleared, with a warning. */
function address(c: Cursor, what: string, kind: Kind): AclAddress {
  const first = c.peekLower();
  if (first === 'any') { c.next(what); return ANY; }
  if (first === 'host') { c.next(what); return { addr: c.ipv4(`${what} host`), wildcard: '0.0.0.0' }; }
  if (first === undefined) c.ctx.fail(c.line, `missing ${what}`);
  if (parseIpv4(first) === undefined) c.ctx.fail(c.line, `bad ${what} '${c.peek()}'; expected any, host A or A WILDCARD`);
  const addr = c.ipv4(what);
  if (kind === 'standard' && (c.atEnd() || parseIpv4(c.peek()!) === undefined)) return { addr, wildcard: '0.0.0.0' };
  const wildcard = c.ipv4(`${what} wildcard`);
  const a = parseIpv4(addr)!, w = parseIpv4(wildcard)!;
  if ((a & w) !== 0) {
    const fixed = formatIpv4((a & ~w) >>> 0);
    c.ctx.warn(c.line, `${what} ${addr} has bits set under wildcard ${wildcard}; using ${fixed}`);
    return { addr: fixed, wildcard };
  }
  return { addr, wildcard };
}

function protocolOf(c: Cursor): number {
  const t = c.next('protocol').toLowerCase();
  if (t in PROTOCOLS) return PROTOCOLS[t]!;
  if (/^\d+$/.test(t) && Number(t) <= 255) return Number(t);
  c.ctx.fail(c.line, `bad protocol '${t}'`);
}

function options(c: Cursor): boolean {
  let log = false;
  while (!c.atEnd()) {
    const t = c.next('option').toLowerCase();
    if (t !== 'log' && t !== 'log-input') c.ctx.fail(c.line, `unsupported ACL option '${t}'`);
    log = true;
  }
  return log;
}

/** Parses one ACE from `c` (positioned at the optional sequence number). */
function entry(c: Cursor, kind: Kind): Omit<AclEntry, 'seq'> & { seq?: number } {
  const seq = /^\d+$/.test(c.peek() ?? '') ? c.int('sequence number', 1, 2147483647) : undefined;
  const action = c.keyword('ACL action', ['permit', 'deny']);
  if (kind === 'standard') {
    const src = address(c, 'source', kind);
    return { seq, action, protocol: 0, src, dst: ANY, log: options(c), line: c.line };
  }
  const protocol = protocolOf(c);
  const src = address(c, 'source', kind);
  const srcPort = ports(c, protocol);
  const dst = address(c, 'destination', kind);
  const dstPort = ports(c, protocol);
  const e: AclEntry = { seq: 0, action, protocol, src, dst, log: options(c), line: c.line };
  if (srcPort) e.srcPort = srcPort;
  if (dstPort) e.dstPort = dstPort;
  return { ...e, seq };
}

/** Adds an ACE to ACL `name`, keeping seq order; without a seq it goes last (+10, as IOS). */
function add(ctx: ParseContext, name: string, e: Omit<AclEntry, 'seq'> & { seq?: number }): void {
  const list = ctx.config.acls.get(name) ?? [];
  ctx.config.acls.set(name, list);
  const seq = e.seq ?? (list.length ? list[list.length - 1]!.seq + 10 : 10);
  const dup = list.find((x) => x.seq === seq);
  if (dup) ctx.fail(e.line, `sequence ${seq} of ACL ${name} already used at line ${dup.line}`);
  list.push({ ...e, seq });
  list.sort((a, b) => a.seq - b.seq);
}

function isRemark(c: Cursor): boolean {
  return c.peekLower() === 'remark';
}

/** `ip access-list extended|standard NAME` and its ACEs. */
export function parseNamedAcl(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  const kind = c.keyword('ACL type', ['extended', 'standard']);
  const name = c.next('ACL name');
  c.end();
  if (!ctx.config.acls.has(name)) ctx.config.acls.set(name, []);
  for (const child of node.children) {
    const cc = new Cursor(ctx, child);
    if (isRemark(cc)) continue;
    const first = cc.peekLower()!;
    if (!/^\d+$/.test(first) && first !== 'permit' && first !== 'deny') ctx.unknown(child, `access list ${name}`);
    add(ctx, name, entry(cc, kind));
  }
}

/** Numbered `access-list N permit|deny|remark ...` (1-99/1300-1999 standard, 100-199/2000-2699 extended). */
export function parseNumberedAcl(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  ctx.noChildren(node);
  const n = c.int('access list number', 1, 2699);
  const kind: Kind | undefined = n <= 99 || (n >= 1300 && n <= 1999) ? 'standard'
    : n <= 199 || n >= 2000 ? 'extended' : undefined;
  if (!kind) ctx.fail(node.no, `access list number ${n} is neither standard (1-99, 1300-1999) nor extended IP (100-199, 2000-2699)`);
  if (isRemark(c)) return;
  const first = c.peekLower();
  if (first !== 'permit' && first !== 'deny') ctx.fail(node.no, `bad ACL action '${c.peek() ?? ''}'; expected permit, deny or remark`);
  add(ctx, String(n), entry(c, kind));
}
