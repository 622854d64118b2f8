// ` sa ipsec N` (one TEK policy) and the checks on the ACLs a KS group names.
//   profile P                          crypto ipsec profile (TEK transform, lifetime)
//   match address ipv4 ACL             the traffic this TEK protects
//   replay counter window-size N | replay time window-size S | no replay
// Default anti-replay: counter, window 64 (operations.md §1, §9).

import type { ConfigLine } from './blocks.ts';
import { validateAclWildcard } from './acl-match.ts';
import { Cursor, type ParseContext } from './context.ts';
import { isMulticast, parseIpv4 } from './ipv4.ts';
import type { AclEntry, GdoiReplay, GdoiSaIpsec } from './types.ts';
import { MAX_DENY_ACES } from '../policy/deny-aces.ts';

const COUNTER_WINDOW = [1, 1024] as const;
const TBAR_WINDOW = [1, 100] as const;   // seconds

/** The ACL must exist; returns its entries. */
export function requireAcl(ctx: ParseContext, name: string, line: number): AclEntry[] {
  const acl = ctx.config.acls.get(name);
  if (!acl) ctx.fail(line, `access list '${name}' is not defined`);
  return acl;
}

/**
 * A TEK's ACL becomes GDOI TEK selectors, i.e. ID payloads (RFC 6407 §5.4.1) that carry a
 * subnet and one port each; an ACE that cannot be said that way is refused here, at load,
 * rather than silently widened or dropped by the KS later.
 */
function checkTekAcl(ctx: ParseContext, name: string, line: number): void {
  const acl = requireAcl(ctx, name, line);
  const where = `(ACL ${name}, used by 'match address' at line ${line})`;
  for (const e of acl) {
    for (const a of [e.src, e.dst]) {
      const why = validateAclWildcard(a.addr, a.wildcard, { contiguous: true });
      if (why) ctx.fail(e.line, `${why} ${where}`);
    }
    for (const p of [e.srcPort, e.dstPort]) {
      if (p && (p.op !== 'eq' || p.ports.length !== 1)) {
        ctx.fail(e.line, `only 'eq PORT' with one port can be sent as a GDOI selector ${where}`);
      }
    }
  }
  if (!acl.some((e) => e.action === 'permit')) ctx.warn(line, `ACL ${name} has no permit entry: this TEK protects no traffic`);
  const denies = acl.filter((e) => e.action === 'deny').length;
  if (denies > MAX_DENY_ACES) ctx.fail(line, `ACL ${name} has ${denies} deny entries; a TEK can carry at most ${MAX_DENY_ACES} (docs/wire.md §5.7)`);
}

/**
 * Multicast rekeys: the first permit of the rekey ACL gives the KS source and the group
 * address the rekey is sent to, so it must name one source host and one multicast host.
 */
export function checkRekeyAcl(ctx: ParseContext, name: string, line: number): void {
  const acl = requireAcl(ctx, name, line);
  const p = acl.find((e) => e.action === 'permit');
  if (!p) ctx.fail(line, `rekey ACL ${name} has no permit entry giving the rekey source and group address`);
  const dst = parseIpv4(p.dst.addr)!;
  if (p.dst.wildcard !== '0.0.0.0' || !isMulticast(dst)) {
    ctx.fail(p.line, `rekey ACL ${name}: the permit's destination must be 'host' and a multicast address (224.0.0.0/4)`);
  }
  if (p.src.wildcard !== '0.0.0.0') ctx.fail(p.line, `rekey ACL ${name}: the permit's source must be 'host' (the KS address)`);
}

function replay(c: Cursor): GdoiReplay {
  const kind = c.keyword('replay type', ['counter', 'time']);
  c.expect('window-size');
  if (kind === 'counter') return { kind, window: c.int('replay window', COUNTER_WINDOW[0], COUNTER_WINDOW[1]) };
  return { kind, window: c.int('TBAR window seconds', TBAR_WINDOW[0], TBAR_WINDOW[1]) };
}

interface SaAcc { profile?: string; acl?: string; replay?: GdoiReplay; lines: Map<string, number> }

function saLine(ctx: ParseContext, child: ConfigLine, acc: SaAcc): void {
  ctx.noChildren(child);
  const c = new Cursor(ctx, child);
  const word = c.peekLower();
  c.next('command');
  const key = word === 'no' ? 'replay' : word ?? '';
  const prev = acc.lines.get(key);
  if (prev !== undefined) ctx.fail(child.no, `'${key}' already set at line ${prev}`);
  if (word === 'profile') {
    acc.profile = c.next('profile name');
  } else if (word === 'match') {
    c.expect('address');
    c.expect('ipv4');
    acc.acl = c.next('ACL name');
  } else if (word === 'replay') {
    acc.replay = replay(c);
  } else if (word === 'no') {
    c.expect('replay');
    acc.replay = { kind: 'none' };
  } else {
    ctx.unknown(child, 'sa ipsec');
  }
  c.end();
  acc.lines.set(key, child.no);
}

/** ` sa ipsec N` block (cursor after `ipsec`). References are checked after the whole file. */
export function parseSaIpsec(ctx: ParseContext, node: ConfigLine, c: Cursor): GdoiSaIpsec {
  const seq = c.int('sa ipsec sequence', 1, 65535);
  c.end();
  const acc: SaAcc = { lines: new Map() };
  for (const child of node.children) saLine(ctx, child, acc);
  if (acc.profile === undefined) ctx.fail(node.no, `sa ipsec ${seq} has no 'profile'`);
  if (acc.acl === undefined) ctx.fail(node.no, `sa ipsec ${seq} has no 'match address ipv4 ACL'`);
  const profile = acc.profile, acl = acc.acl;
  const pLine = acc.lines.get('profile')!, aLine = acc.lines.get('match')!;
  ctx.deferred.push(() => {
    if (!ctx.config.profiles.has(profile)) ctx.fail(pLine, `ipsec profile '${profile}' is not defined`);
    checkTekAcl(ctx, acl, aLine);
  });
  return { seq, profile, matchAcl: acl, replay: acc.replay ?? { kind: 'counter', window: 64 }, line: node.no };
}
