// The KS ` server local` sub-mode of `crypto gdoi group` (operations.md §1):
//   rekey algorithm aes 128|192|256 | 3des-cbc      KEK cipher, default 3des-cbc
//   rekey lifetime seconds N                        KEK lifetime, default 86400
//   rekey retransmit S number N                     default 10 s, 2
//   rekey authentication mypubkey rsa LABEL         rekey signing key; no rekeys without it
//   rekey address ipv4 ACL | rekey transport unicast
//   rekey sig-hash algorithm sha|sha256|sha384|sha512
//   sa ipsec N (sub-mode, gdoi-sa.ts) | sa receive-only
//   address ipv4 A | authorization address ipv4 ACL
//   redundancy (sub-mode: local priority N, peer address ipv4 A)
//
// Rekey transport: IOS calls multicast the default, but multicast needs a group address and
// that only comes from ` rekey address ipv4 ACL`. So: multicast when that line is present
// (and no ` rekey transport unicast`), unicast otherwise.

import type { ConfigLine } from './blocks.ts';
import { Cursor, type ParseContext } from './context.ts';
import { checkRekeyAcl, parseSaIpsec, requireAcl } from './gdoi-sa.ts';
import type { GdoiKsLocal, KekAlgorithmName, SigHashName } from './types.ts';

const KEK_LIFETIME = [20, 2592000] as const;      // IOS 300-86400; long SA up to 30 days (Cisco 215514); below 300 = lab only (warns)
const WEAK_RSA_BITS = 2048;

type Seen = Map<string, number>;                  // setting -> line, to refuse a second one

function once(ctx: ParseContext, seen: Seen, key: string, line: number): void {
  const prev = seen.get(key);
  if (prev !== undefined) ctx.fail(line, `'${key}' already set at line ${prev}`);
  seen.set(key, line);
}

function kekAlgorithm(c: Cursor): KekAlgorithmName {
  const a = c.keyword('rekey algorithm', ['aes', '3des-cbc']);
  if (a === '3des-cbc') return '3des';
  if (c.atEnd()) return 'aes-128';
  return `aes-${c.keyword('AES key size', ['128', '192', '256'])}`;
}

function rekeyLine(ctx: ParseContext, c: Cursor, local: GdoiKsLocal, seen: Seen): void {
  const what = c.keyword('rekey setting', ['algorithm', 'lifetime', 'retransmit', 'authentication', 'transport', 'address', 'sig-hash']);
  once(ctx, seen, `rekey ${what}`, c.line);
  switch (what) {
    case 'algorithm':
      local.rekeyAlgorithm = kekAlgorithm(c);
      if (local.rekeyAlgorithm === '3des') ctx.warn(c.line, 'rekey algorithm 3des-cbc is weak; use aes 256');
      break;
    case 'lifetime':
      c.expect('seconds');
      local.rekeyLifetime = c.int('rekey lifetime', KEK_LIFETIME[0], KEK_LIFETIME[1]);
      if (local.rekeyLifetime < 300) ctx.warn(c.line, `rekey lifetime ${local.rekeyLifetime} s is below the IOS minimum of 300 s (lab and test use only)`);
      break;
    case 'retransmit': {
      const seconds = c.int('retransmit interval', 1, 60);
      if (seconds < 10) ctx.warn(c.line, `rekey retransmit ${seconds} s is below the IOS minimum of 10 s (lab and test use only)`);
      c.expect('number');
      local.rekeyRetransmit = { seconds, number: c.int('retransmit count', 1, 10) };
      break;
    }
    case 'authentication': {
      c.expect('mypubkey');
      c.expect('rsa');
      const keyName = c.next('RSA key label');
      local.rekeyAuth = { keyName };
      checkRekeyKey(ctx, keyName, c.line);
      break;
    }
    case 'transport':
      c.keyword('rekey transport', ['unicast']);
      local.rekeyTransport = 'unicast';
      break;
    case 'address': {
      c.expect('ipv4');
      const acl = c.next('ACL name');
      local.rekeyAddressAcl = acl;
      const line = c.line;
      ctx.deferred.push(() => checkRekeyAcl(ctx, acl, line));
      break;
    }
    case 'sig-hash':
      c.expect('algorithm');
      local.rekeySigHash = c.keyword<SigHashName>('signature hash', ['sha', 'sha256', 'sha384', 'sha512']);
      if (local.rekeySigHash === 'sha') ctx.warn(c.line, 'rekey sig-hash sha (SHA-1) is weak; use sha256');
      break;
  }
}

/** The rekey key must be declared (`crypto key generate|import rsa`) so the daemon can find it. */
function checkRekeyKey(ctx: ParseContext, label: string, line: number): void {
  ctx.deferred.push(() => {
    const k = ctx.config.rsaKeys.get(label);
    if (!k) ctx.fail(line, `RSA key '${label}' is not declared (crypto key generate rsa ... label ${label}, or crypto key import rsa ${label} pem url FILE)`);
    if (k.source === 'generate' && k.modulus < WEAK_RSA_BITS) {
      ctx.warn(line, `rekey RSA key '${label}' has a ${k.modulus}-bit modulus; use ${WEAK_RSA_BITS} or more`);
    }
  });
}

function redundancy(ctx: ParseContext, node: ConfigLine): NonNullable<GdoiKsLocal['redundancy']> {
  const r = { priority: 1, peers: [] as string[], line: node.no };
  let priorityLine: number | undefined;
  for (const child of node.children) {
    ctx.noChildren(child);
    const c = new Cursor(ctx, child);
    const word = c.peekLower();
    c.next('command');
    if (word === 'local') {
      if (priorityLine !== undefined) ctx.fail(child.no, `local priority already set at line ${priorityLine}`);
      c.expect('priority');
      r.priority = c.int('local priority', 1, 255);
      priorityLine = child.no;
    } else if (word === 'peer') {
      c.expect('address');
      c.expect('ipv4');
      const a = c.ipv4('peer address');
      if (r.peers.includes(a)) ctx.fail(child.no, `COOP peer ${a} listed twice`);
      r.peers.push(a);
    } else {
      ctx.unknown(child, 'redundancy');
    }
    c.end();
  }
  return r;
}

/** One line of ` server local`. */
function localLine(ctx: ParseContext, child: ConfigLine, local: GdoiKsLocal, seen: Seen): void {
  const c = new Cursor(ctx, child);
  const word = c.peekLower();
  c.next('command');
  if (word === 'sa' && c.peekLower() === 'ipsec') {
    c.next('ipsec');
    const sa = parseSaIpsec(ctx, child, c);
    const dup = local.sas.find((s) => s.seq === sa.seq);
    if (dup) ctx.fail(child.no, `sa ipsec ${sa.seq} already defined at line ${dup.line}`);
    local.sas.push(sa);
    return;
  }
  if (word === 'redundancy') {
    once(ctx, seen, 'redundancy', child.no);
    c.end();
    local.redundancy = redundancy(ctx, child);
    return;
  }
  ctx.noChildren(child);
  if (word === 'rekey') {
    rekeyLine(ctx, c, local, seen);
  } else if (word === 'sa') {
    c.keyword('sa option', ['receive-only']);
    once(ctx, seen, 'sa receive-only', child.no);
    local.receiveOnly = true;
  } else if (word === 'address') {
    once(ctx, seen, 'address', child.no);
    c.expect('ipv4');
    local.address = c.ipv4('key server address');
  } else if (word === 'authorization') {
    once(ctx, seen, 'authorization', child.no);
    c.expect('address');
    c.expect('ipv4');
    const acl = c.next('ACL name');
    local.authorizationAcl = acl;
    ctx.deferred.push(() => requireAcl(ctx, acl, child.no));
  } else {
    ctx.unknown(child, 'server local');
  }
  c.end();
}

/** Warnings for a finished ` server local` block; settles the rekey transport. */
function finish(ctx: ParseContext, local: GdoiKsLocal, seen: Seen): void {
  const unicast = seen.has('rekey transport');
  if (!unicast && local.rekeyAddressAcl !== undefined) local.rekeyTransport = 'multicast';
  if (unicast && local.rekeyAddressAcl !== undefined) {
    ctx.warn(seen.get('rekey address')!, "'rekey address ipv4' is unused with 'rekey transport unicast'");
  }
  if (!local.rekeyAuth) {
    ctx.warn(local.line, "no 'rekey authentication mypubkey rsa': the KS sends no rekeys; members re-register before TEKs expire");
  } else if (!seen.has('rekey algorithm')) {
    ctx.warn(local.line, "rekey algorithm defaults to 3des-cbc, which is weak; add 'rekey algorithm aes 256'");
  }
  if (local.sas.length === 0) ctx.warn(local.line, "no 'sa ipsec' block: members get no TEKs");
  local.sas.sort((a, b) => a.seq - b.seq);
}

/** ` server local` and its sub-mode. */
export function parseServerLocal(ctx: ParseContext, node: ConfigLine): GdoiKsLocal {
  const local: GdoiKsLocal = {
    rekeyAlgorithm: '3des', rekeyLifetime: 86400, rekeyRetransmit: { seconds: 10, number: 2 },
    rekeyTransport: 'unicast', sas: [], receiveOnly: false, line: node.no,
  };
  const seen: Seen = new Map();
  for (const child of node.children) localLine(ctx, child, local, seen);
  finish(ctx, local, seen);
  return local;
}
