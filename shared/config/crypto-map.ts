// GM side: `crypto map NAME SEQ gdoi` (binds a GDOI group) and `interface NAME` (where the
// map is applied, which starts registration on IOS; operations.md §2).

import type { ConfigLine } from './blocks.ts';
import { Cursor, type ParseContext } from './context.ts';
import { requireAcl } from './gdoi-sa.ts';
import { isNetmask, parseIpv4 } from './ipv4.ts';
import type { InterfaceConfig } from './types.ts';

/** `crypto map NAME SEQ gdoi` + ` set group G` [+ ` match address ACL`] (local deny ACL). */
export function parseCryptoMap(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  const name = c.next('crypto map name');
  const seq = c.int('crypto map sequence', 1, 65535);
  if (c.peekLower() !== 'gdoi') ctx.fail(node.no, `crypto map ${name} ${seq}: only 'gdoi' maps are supported`);
  c.next('gdoi');
  c.end();
  const dup = ctx.config.cryptoMaps.find((m) => m.name === name && m.seq === seq);
  if (dup) ctx.fail(node.no, `crypto map ${name} ${seq} already defined at line ${dup.line}`);
  let group: string | undefined, groupLine = 0, acl: string | undefined, aclLine = 0;
  for (const child of node.children) {
    ctx.noChildren(child);
    const cc = new Cursor(ctx, child);
    if (cc.accept('set')) {
      cc.expect('group');
      if (group !== undefined) ctx.fail(child.no, `group already set at line ${groupLine}`);
      group = cc.next('group name');
      groupLine = child.no;
    } else if (cc.accept('match')) {
      cc.expect('address');
      if (acl !== undefined) ctx.fail(child.no, `match address already set at line ${aclLine}`);
      acl = cc.next('ACL name');
      aclLine = child.no;
    } else {
      ctx.unknown(child, 'crypto map');
    }
    cc.end();
  }
  if (group === undefined) ctx.fail(node.no, `crypto map ${name} ${seq} has no 'set group'`);
  const g = group;
  ctx.deferred.push(() => {
    if (ctx.config.ksGroups.some((k) => k.name === g)) ctx.fail(groupLine, `GDOI group '${g}' is a key server group ('server local'); a crypto map needs a member group`);
    if (!ctx.config.gmGroups.some((m) => m.name === g)) ctx.fail(groupLine, `GDOI group '${g}' is not defined`);
  });
  if (acl !== undefined) {
    const a = acl;
    ctx.deferred.push(() => {
      // Only denies of a GM-local ACL matter (operations.md §2); say so rather than drop permits quietly.
      const entries = requireAcl(ctx, a, aclLine);
      if (entries.some((e) => e.action === 'permit')) ctx.warn(aclLine, `permit entries of local ACL ${a} are ignored; only deny entries apply`);
    });
  }
  ctx.config.cryptoMaps.push({ name, seq, group, ...(acl !== undefined ? { localDenyAcl: acl } : {}), line: node.no });
}

function interfaceLine(ctx: ParseContext, child: ConfigLine, itf: InterfaceConfig): void {
  ctx.noChildren(child);
  const c = new Cursor(ctx, child);
  const word = c.peekLower();
  if (word === 'description') {
    c.next('description');
    itf.description = c.rest('description text');
    return;
  }
  if (word === 'shutdown' || (word === 'no' && child.tokens[1]?.toLowerCase() === 'shutdown')) {
    itf.shutdown = word === 'shutdown';
    c.next('command');
    if (word === 'no') c.next('shutdown');
  } else if (c.accept('ip')) {
    c.expect('address');
    if (itf.address !== undefined) ctx.fail(child.no, `interface ${itf.name} already has an address`);
    itf.address = c.ipv4('interface address');
    itf.mask = c.ipv4('interface mask');
    if (!isNetmask(parseIpv4(itf.mask)!)) ctx.fail(child.no, `mask ${itf.mask} is not a contiguous netmask`);
  } else if (c.accept('crypto')) {
    c.expect('map');
    if (itf.cryptoMap !== undefined) ctx.fail(child.no, `interface ${itf.name} already has a crypto map`);
    const map = c.next('crypto map name');
    itf.cryptoMap = map;
    ctx.deferred.push(() => {
      if (!ctx.config.cryptoMaps.some((m) => m.name === map)) ctx.fail(child.no, `crypto map '${map}' is not defined`);
    });
  } else {
    ctx.unknown(child, 'interface');
  }
  c.end();
}

/** `interface NAME` with ` ip address A M`, ` crypto map M`, ` description`, ` [no] shutdown`. */
export function parseInterface(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  // IOS accepts `interface GigabitEthernet 0/0` and stores it as GigabitEthernet0/0.
  const name = c.rest('interface name').replace(/ /g, '');
  const prev = ctx.config.interfaces.get(name);
  if (prev) ctx.fail(node.no, `interface ${name} already defined at line ${prev.line}`);
  const itf: InterfaceConfig = { name, shutdown: false, line: node.no };
  for (const child of node.children) interfaceLine(ctx, child, itf);
  ctx.config.interfaces.set(name, itf);
}
