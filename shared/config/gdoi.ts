// `crypto gdoi group NAME`: a KS group (` server local`, see gdoi-server.ts) or a GM group
// (` server address ipv4 A`, in preference order). A group is one or the other.
//
// Extension: ` client registration address ipv4 A` names the GM's local registration
// address directly (IOS only has ` client registration interface NAME`, also accepted).

import type { ConfigLine } from './blocks.ts';
import { Cursor, type ParseContext } from './context.ts';
import { parseServerLocal } from './gdoi-server.ts';
import type { GdoiKsLocal } from './types.ts';

interface GroupAcc {
  identity?: number | string;
  identityLine?: number;
  local?: GdoiKsLocal;
  servers: string[];
  regAddress?: string;
  regInterface?: string;
  regLine?: number;
}

function identity(ctx: ParseContext, c: Cursor, acc: GroupAcc): void {
  if (acc.identityLine !== undefined) ctx.fail(c.line, `identity already set at line ${acc.identityLine}`);
  const kind = c.keyword('identity type', ['number', 'address']);
  if (kind === 'number') {
    acc.identity = c.int('group number', 0, 4294967295);   // sent as a 4-octet KEY_ID
  } else {
    c.expect('ipv4');
    acc.identity = c.ipv4('group address');
  }
  acc.identityLine = c.line;
}

function server(ctx: ParseContext, child: ConfigLine, c: Cursor, acc: GroupAcc): void {
  if (c.accept('local')) {
    if (acc.local) ctx.fail(child.no, `server local already given at line ${acc.local.line}`);
    c.end();
    acc.local = parseServerLocal(ctx, child);
    return;
  }
  ctx.noChildren(child);
  c.expect('address');
  c.expect('ipv4');
  const a = c.ipv4('key server address');
  if (acc.servers.includes(a)) ctx.fail(child.no, `key server ${a} listed twice`);
  acc.servers.push(a);
}

function client(ctx: ParseContext, c: Cursor, acc: GroupAcc): void {
  c.expect('registration');
  if (acc.regLine !== undefined) ctx.fail(c.line, `client registration already set at line ${acc.regLine}`);
  const kind = c.keyword('registration source', ['address', 'interface']);
  if (kind === 'interface') {
    acc.regInterface = c.next('interface name');
  } else {
    c.expect('ipv4');
    acc.regAddress = c.ipv4('registration address');
  }
  acc.regLine = c.line;
}

/** One ` ...` line of the group sub-mode. */
function groupLine(ctx: ParseContext, child: ConfigLine, acc: GroupAcc): void {
  const c = new Cursor(ctx, child);
  const word = c.peekLower();
  c.next('command');
  if (word === 'server') { server(ctx, child, c, acc); c.end(); return; }
  ctx.noChildren(child);
  if (word === 'identity') identity(ctx, c, acc);
  else if (word === 'client') client(ctx, c, acc);
  else ctx.unknown(child, 'crypto gdoi group');
  c.end();
}

/** `crypto gdoi group NAME` block. */
export function parseGdoiGroup(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  if (c.peekLower() === 'ipv6') ctx.fail(node.no, 'IPv6 GDOI groups are not supported');
  const name = c.next('group name');
  c.end();
  const cfg = ctx.config;
  const prev = [...cfg.ksGroups, ...cfg.gmGroups].find((g) => g.name === name);
  if (prev) ctx.fail(node.no, `GDOI group ${name} already defined at line ${prev.line}`);
  const acc: GroupAcc = { servers: [] };
  for (const child of node.children) groupLine(ctx, child, acc);
  if (acc.identity === undefined) ctx.fail(node.no, `GDOI group ${name} has no identity`);
  if (acc.local && acc.servers.length) ctx.fail(node.no, `GDOI group ${name} has both 'server local' and 'server address'`);
  if (acc.local) {
    if (acc.regLine !== undefined) ctx.fail(acc.regLine, "'client registration' applies to group members, not to 'server local'");
    cfg.ksGroups.push({ name, identity: acc.identity, local: acc.local, line: node.no });
    return;
  }
  if (!acc.servers.length) ctx.fail(node.no, `GDOI group ${name} needs 'server local' (key server) or 'server address ipv4 A' (group member)`);
  const gm = { name, identity: acc.identity, servers: acc.servers, line: node.no };
  cfg.gmGroups.push({
    ...gm,
    ...(acc.regAddress !== undefined ? { registrationAddress: acc.regAddress } : {}),
    ...(acc.regInterface !== undefined ? { registrationInterface: acc.regInterface } : {}),
  });
}
