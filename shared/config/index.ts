// IOS-style configuration for the KS and GM daemons: parseConfig(text, file).
// Every non-comment line is either understood or a ConfigError naming its line; weak but
// IOS-legal choices load with a ConfigWarning. Syntax reference: docs/config.md.
//
// Project extension `gdoi version X.Y.Z`: the GET VPN software version this device announces
// (operations.md §7), to emulate an older device; unset = the daemon's own version.

import { buildBlocks, type ConfigLine } from './blocks.ts';
import { Cursor, ParseContext } from './context.ts';
import { parseCryptoMap, parseInterface } from './crypto-map.ts';
import { parseGdoiGroup } from './gdoi.ts';
import { parseIpsecProfile, parseTransformSet } from './ipsec.ts';
import { parseNamedAcl, parseNumberedAcl } from './acl.ts';
import {
  finishIsakmp, parseAsaPolicy, parseIosPolicy, parseIsakmpIdentity, parseIsakmpKeepalive, parseIsakmpKey,
} from './isakmp.ts';
import { parseCryptoKey, parsePkiFile, parseTrustpoint } from './pki.ts';
import type { ConfigWarning, DeviceConfig } from './types.ts';

export type * from './types.ts';
export { aclMatches, addrInWildcard, aceMatches, portMatches, validateAclWildcard, type AclPacket } from './acl-match.ts';

type Handler = (ctx: ParseContext, node: ConfigLine, c: Cursor) => void;

/** Global commands by their leading keywords (longest listed first where they share a prefix). */
const COMMANDS: [string[], Handler][] = [
  [['crypto', 'isakmp', 'policy'], parseIosPolicy],
  [['crypto', 'isakmp', 'key'], parseIsakmpKey],
  [['crypto', 'isakmp', 'identity'], parseIsakmpIdentity],
  [['crypto', 'isakmp', 'keepalive'], parseIsakmpKeepalive],
  [['crypto', 'isakmp', 'disconnect-revoked-peers'], disconnectRevoked],
  [['isakmp', 'policy'], parseAsaPolicy],
  [['crypto', 'ipsec', 'transform-set'], parseTransformSet],
  [['crypto', 'ipsec', 'profile'], parseIpsecProfile],
  [['ip', 'access-list'], parseNamedAcl],
  [['access-list'], parseNumberedAcl],
  [['crypto', 'gdoi', 'group'], parseGdoiGroup],
  [['crypto', 'map'], parseCryptoMap],
  [['interface'], parseInterface],
  [['crypto', 'pki', 'trustpoint'], parseTrustpoint],
  [['crypto', 'ca', 'trustpoint'], parseTrustpoint],
  [['crypto', 'pki'], parsePkiFile],
  [['crypto', 'key'], parseCryptoKey],
  [['gdoi', 'version'], parseGdoiVersion],
  [['hostname'], parseHostname],
];

function disconnectRevoked(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  ctx.noChildren(node);
  c.end();
  ctx.config.pki.disconnectRevokedPeers = true;
}

function parseHostname(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  ctx.noChildren(node);
  const name = c.next('host name');
  c.end();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) ctx.fail(node.no, `bad host name '${name}'`);
  ctx.config.hostname = name;
}

function parseGdoiVersion(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  ctx.noChildren(node);
  const v = c.next('version');
  c.end();
  const parts = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  // major.minor.mini, each sent as one octet
  if (!parts || parts.slice(1).some((p) => Number(p) > 255)) ctx.fail(node.no, `bad GDOI version '${v}'; expected MAJOR.MINOR.MINI, each 0-255`);
  ctx.config.gdoiVersion = parts.slice(1).map(Number).join('.');
}

function dispatch(ctx: ParseContext, node: ConfigLine): void {
  const words = node.tokens.map((t) => t.toLowerCase());
  for (const [prefix, handler] of COMMANDS) {
    if (prefix.every((w, i) => words[i] === w)) {
      handler(ctx, node, new Cursor(ctx, node, prefix.length));
      return;
    }
  }
  ctx.unknown(node, 'global configuration');
}

/** Whole-file checks between areas: phase-1 credentials for the configured policies. */
function checkCredentials(ctx: ParseContext): void {
  const { isakmpPolicies, isakmpKeys, pki } = ctx.config;
  for (const p of isakmpPolicies) {
    if (p.authentication === 'rsa-sig' && (!pki.certificate || !pki.key || pki.trustedCas.length === 0)) {
      ctx.fail(p.line, `ISAKMP policy ${p.priority} authenticates with rsa-sig (the IOS default without an 'authentication' line), which needs 'crypto pki certificate FILE', 'crypto pki key FILE' and 'crypto pki trusted-ca FILE'`);
    }
  }
  const psk = isakmpPolicies.find((p) => p.authentication === 'pre-share');
  if (psk && isakmpKeys.length === 0) ctx.warn(psk.line, `ISAKMP policy ${psk.priority} uses pre-share but no 'crypto isakmp key' is configured`);
}

/**
 * Parses a whole configuration. `file` names the source in errors and anchors relative
 * PEM paths. Throws ConfigError(file, line, message) on the first bad line.
 */
export function parseConfig(text: string, file: string): { config: DeviceConfig; warnings: ConfigWarning[] } {
  const ctx = new ParseContext(file);
  for (const node of buildBlocks(text, file)) dispatch(ctx, node);
  finishIsakmp(ctx);
  for (const check of ctx.deferred) check();
  checkCredentials(ctx);
  ctx.warnings.sort((a, b) => a.line - b.line);
  return { config: ctx.config, warnings: ctx.warnings };
}
