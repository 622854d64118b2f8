// Phase-1 (IKEv1 main mode) settings: ISAKMP policies, pre-shared keys, identity, keepalive.
//
// Two syntaxes load into the same IsakmpPolicy:
// - IOS block: `crypto isakmp policy N` + ` encryption|encr`, ` hash`, ` authentication`,
//   ` group`, ` lifetime`. Defaults: 3des, sha, rsa-sig, group 2, 86400 s. IOS's own default
//   authentication is rsa-sig (operations.md §3); for the cipher and group we take the
//   documented ASA defaults (3des, group 2) rather than old IOS's des/group 1; either way
//   the weak defaults are reported as warnings.
// - ASA one-line: `isakmp policy N ATTR VALUE`, one line per attribute, lines with the same N
//   merge. Defaults per the ASA guide [S003]: 3des, sha, pre-share, group 2, 86400 s.

import type { ConfigLine } from './blocks.ts';
import { Cursor, type ParseContext } from './context.ts';
import { isNetmask, parseIpv4 } from './ipv4.ts';
import type { DhGroup, IkeAuth, IkeEncryption, IkeHash, IsakmpPolicy } from './types.ts';

const MAX_POLICIES = 20;                         // [S003]
const IOS_LIFETIME = [60, 86400] as const;       // IOS `lifetime <60-86400>`
const ASA_LIFETIME = [120, 2147483647] as const; // [S003]
const HASHES: readonly IkeHash[] = ['md5', 'sha', 'sha256', 'sha384', 'sha512'];
const AUTHS = ['pre-share', 'rsa-sig'] as const;
const GROUPS: readonly DhGroup[] = [1, 2, 5, 14, 15, 16, 19, 20, 21];

type Form = 'ios' | 'asa';
interface Pending { policy: IsakmpPolicy; form: Form; set: Set<string> }

/** Policies are assembled here while parsing, then published sorted by `finishIsakmp`. */
const pending = new WeakMap<ParseContext, Map<number, Pending>>();

function table(ctx: ParseContext): Map<number, Pending> {
  let t = pending.get(ctx);
  if (!t) pending.set(ctx, (t = new Map()));
  return t;
}

function newPolicy(ctx: ParseContext, priority: number, form: Form, line: number): Pending {
  const t = table(ctx);
  if (t.size >= MAX_POLICIES) ctx.fail(line, `more than ${MAX_POLICIES} ISAKMP policies`);
  const policy: IsakmpPolicy = {
    priority, encryption: '3des', hash: 'sha', authentication: form === 'ios' ? 'rsa-sig' : 'pre-share',
    group: 2, lifetime: 86400, line,
  };
  const p: Pending = { policy, form, set: new Set() };
  t.set(priority, p);
  return p;
}

function encryption(c: Cursor, form: Form): IkeEncryption {
  if (form === 'asa') return c.keyword('encryption', ['des', '3des', 'aes', 'aes-192', 'aes-256']);
  const e = c.keyword('encryption', ['des', '3des', 'aes']);
  if (e !== 'aes' || c.atEnd()) return e;
  const bits = c.keyword('AES key size', ['128', '192', '256']);
  return bits === '128' ? 'aes' : `aes-${bits}`;
}

/** One attribute (`encryption aes 256`, `group 14`...) from the cursor into the policy. */
function attribute(ctx: ParseContext, c: Cursor, p: Pending): void {
  let attr = c.keyword('ISAKMP policy attribute', ['encryption', 'encr', 'hash', 'authentication', 'group', 'lifetime']);
  if (attr === 'encr') attr = 'encryption';
  if (p.set.has(attr)) ctx.fail(c.line, `'${attr}' given twice for ISAKMP policy ${p.policy.priority}`);
  p.set.add(attr);
  const pol = p.policy;
  switch (attr) {
    case 'encryption': pol.encryption = encryption(c, p.form); break;
    case 'hash': pol.hash = c.keyword('hash', HASHES); break;
    case 'authentication': pol.authentication = c.keyword<IkeAuth>('authentication', AUTHS); break;
    case 'group': {
      const g = Number(c.keyword('DH group', GROUPS.map(String)));
      pol.group = g as DhGroup;
      break;
    }
    case 'lifetime': {
      const [min, max] = p.form === 'ios' ? IOS_LIFETIME : ASA_LIFETIME;
      pol.lifetime = c.int('lifetime', min, max);
      break;
    }
  }
  c.end();
}

/** `crypto isakmp policy N` with its sub-mode. */
export function parseIosPolicy(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  const priority = c.int('policy priority', 1, 10000);
  c.end();
  const prev = table(ctx).get(priority);
  if (prev) ctx.fail(node.no, `ISAKMP policy ${priority} already defined at line ${prev.policy.line}`);
  const p = newPolicy(ctx, priority, 'ios', node.no);
  for (const child of node.children) attribute(ctx, new Cursor(ctx, child), p);
}

/** ASA `isakmp policy N ATTR VALUE`: creates policy N on first use, then sets one attribute. */
export function parseAsaPolicy(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  ctx.noChildren(node);
  const priority = c.int('policy priority', 1, 65535);
  let p = table(ctx).get(priority);
  if (p && p.form !== 'asa') ctx.fail(node.no, `ISAKMP policy ${priority} is an IOS block (line ${p.policy.line}); do not mix forms`);
  p ??= newPolicy(ctx, priority, 'asa', node.no);
  attribute(ctx, c, p);
}

function warnWeak(ctx: ParseContext, pol: IsakmpPolicy, set: Set<string>): void {
  const where = (attr: string) => (set.has(attr) ? '' : ' (default)');
  if (pol.encryption === 'des' || pol.encryption === '3des') {
    ctx.warn(pol.line, `ISAKMP policy ${pol.priority}: encryption ${pol.encryption}${where('encryption')} is weak; use aes-256`);
  }
  if (pol.hash === 'md5' || pol.hash === 'sha') {
    ctx.warn(pol.line, `ISAKMP policy ${pol.priority}: hash ${pol.hash}${where('hash')} is weak; use sha256 or better`);
  }
  if (pol.group <= 5) {
    ctx.warn(pol.line, `ISAKMP policy ${pol.priority}: DH group ${pol.group}${where('group')} is weak; use 14 or better`);
  }
}

/** Publishes the policies sorted by priority, with weak-choice warnings. */
export function finishIsakmp(ctx: ParseContext): void {
  const all = [...table(ctx).values()].sort((a, b) => a.policy.priority - b.policy.priority);
  for (const p of all) warnWeak(ctx, p.policy, p.set);
  ctx.config.isakmpPolicies = all.map((p) => p.policy);
}

/** `crypto isakmp key [0] KEY address A [MASK] [no-xauth]`. */
export function parseIsakmpKey(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  ctx.noChildren(node);
  const t = node.tokens;
  // A leading encryption type, unless it is itself the key (`crypto isakmp key 0 address A`).
  if ((t[3] === '0' || t[3] === '6') && t[4] !== undefined && t[4].toLowerCase() !== 'address') {
    if (t[3] === '6') ctx.fail(node.no, 'encrypted key type 6 is not supported; give the key in clear (type 0)');
    c.next('key type');
  }
  const key = c.next('pre-shared key');
  if (c.peekLower() !== 'address') {
    ctx.fail(node.no, `expected 'address' after the key (hostname and ipv6 peers are not supported)`);
  }
  c.expect('address');
  const address = c.ipv4('peer address');
  const mask = c.atEnd() || c.peekLower() === 'no-xauth' ? '255.255.255.255' : c.ipv4('peer mask');
  c.accept('no-xauth');
  c.end();
  if (!isNetmask(parseIpv4(mask)!)) ctx.fail(node.no, `peer mask ${mask} is not a contiguous netmask`);
  const dup = ctx.config.isakmpKeys.find((k) => k.address === address && k.mask === mask);
  if (dup) ctx.fail(node.no, `a key for ${address} ${mask} is already defined at line ${dup.line}`);
  ctx.config.isakmpKeys.push({ key, address, mask, line: node.no });
}

/** `crypto isakmp identity address|dn`. */
export function parseIsakmpIdentity(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  ctx.noChildren(node);
  ctx.config.isakmpIdentity = c.keyword('ISAKMP identity', ['address', 'dn']);
  c.end();
}

/** `crypto isakmp keepalive SECONDS [RETRY]` (DPD; retry default 2). */
export function parseIsakmpKeepalive(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  ctx.noChildren(node);
  const seconds = c.int('keepalive seconds', 10, 3600);
  const retry = c.atEnd() ? 2 : c.int('keepalive retry', 2, 60);
  c.end();
  ctx.config.isakmpKeepalive = { seconds, retry };
}
