// TEK policy pieces: `crypto ipsec transform-set` and `crypto ipsec profile`.
// GET VPN TEKs are ESP only (RFC 6407 §5.4 carries IPsec ESP SAs), so AH and compression
// transforms are refused rather than loaded and never used.

import type { ConfigLine } from './blocks.ts';
import { Cursor, type ParseContext } from './context.ts';
import type { EspAuth, EspCipher, TransformSet } from './types.ts';

const SIZED: readonly string[] = ['esp-aes', 'esp-gcm', 'esp-gmac'];       // take an optional 128|192|256
const FIXED_BITS: Record<string, number> = { 'esp-3des': 192, 'esp-des': 64, 'esp-null': 0 };
const AUTHS: readonly EspAuth[] = ['esp-sha-hmac', 'esp-sha256-hmac', 'esp-sha384-hmac', 'esp-sha512-hmac', 'esp-md5-hmac'];
/** TEK lifetime range: IOS allows 120 s up; the long-SA feature allows up to 30 days (Cisco 215514). */
const TEK_LIFETIME = [10, 2592000] as const;     // below 120 s = lab and test use only (warns)

interface Esp { cipher?: EspCipher; keyBits: number; auth?: EspAuth }

function transform(ctx: ParseContext, c: Cursor, esp: Esp, written: string[]): void {
  const t = c.next('transform').toLowerCase();
  const cipherSeen = () => { if (esp.cipher) ctx.fail(c.line, `second ESP cipher '${t}'; a transform set has one`); };
  if (SIZED.includes(t)) {
    cipherSeen();
    esp.cipher = t as EspCipher;
    const bits = c.peek();
    const explicit = bits === '128' || bits === '192' || bits === '256';
    esp.keyBits = explicit ? Number(c.next('key size')) : 128;   // IOS default key size
    written.push(explicit ? `${t} ${bits}` : t);
  } else if (t in FIXED_BITS) {
    cipherSeen();
    esp.cipher = t as EspCipher;
    esp.keyBits = FIXED_BITS[t]!;
    written.push(t);
  } else if ((AUTHS as readonly string[]).includes(t)) {
    if (esp.auth) ctx.fail(c.line, `second ESP integrity transform '${t}'; a transform set has one`);
    esp.auth = t as EspAuth;
    written.push(t);
  } else if (t.startsWith('ah-') || t.startsWith('comp-')) {
    ctx.fail(c.line, `transform '${t}' is not supported: GET VPN TEKs are ESP only`);
  } else {
    ctx.fail(c.line, `unknown transform '${t}'`);
  }
}

/** Combination rules and weak-choice warnings for a parsed transform list. */
function checkEsp(ctx: ParseContext, line: number, name: string, esp: Esp): void {
  if (!esp.cipher) ctx.fail(line, `transform set ${name} has no ESP cipher`);
  const combined = esp.cipher === 'esp-gcm' || esp.cipher === 'esp-gmac';
  if (combined && esp.auth) ctx.fail(line, `${esp.cipher} carries its own integrity; drop ${esp.auth}`);
  if (esp.cipher === 'esp-null' && !esp.auth) ctx.fail(line, 'esp-null without an integrity transform protects nothing');
  if (!combined && esp.cipher !== 'esp-null' && !esp.auth) ctx.warn(line, `transform set ${name}: ${esp.cipher} without integrity`);
  if (esp.cipher === 'esp-des' || esp.cipher === 'esp-3des') ctx.warn(line, `transform set ${name}: ${esp.cipher} is weak; use esp-aes 256 or esp-gcm 256`);
  if (esp.auth === 'esp-md5-hmac') ctx.warn(line, `transform set ${name}: esp-md5-hmac is weak; use esp-sha256-hmac`);
}

/** `crypto ipsec transform-set NAME T1 [T2]` with optional ` mode tunnel|transport`. */
export function parseTransformSet(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  const name = c.next('transform set name');
  const prev = ctx.config.transformSets.get(name);
  if (prev) ctx.fail(node.no, `transform set ${name} already defined at line ${prev.line}`);
  const esp: Esp = { keyBits: 0 };
  const written: string[] = [];
  if (c.atEnd()) ctx.fail(node.no, 'missing transform');
  while (!c.atEnd()) transform(ctx, c, esp, written);
  checkEsp(ctx, node.no, name, esp);
  let mode: TransformSet['mode'] = 'tunnel';
  let modeLine: number | undefined;
  for (const child of node.children) {
    const cc = new Cursor(ctx, child);
    if (cc.peekLower() !== 'mode') ctx.unknown(child, 'transform set');
    if (modeLine !== undefined) ctx.fail(child.no, `mode already set at line ${modeLine}`);
    cc.next('mode');
    mode = cc.keyword('mode', ['tunnel', 'transport']);
    cc.end();
    modeLine = child.no;
  }
  const { cipher, keyBits, auth } = esp;
  ctx.config.transformSets.set(name, {
    name, transforms: written, esp: auth ? { cipher: cipher!, keyBits, auth } : { cipher: cipher!, keyBits }, mode, line: node.no,
  });
}

/** ` set transform-set T` / ` set security-association lifetime seconds|kilobytes N`. */
function profileSet(ctx: ParseContext, child: ConfigLine, acc: { ts?: string; secs?: number; kb?: number }): void {
  const c = new Cursor(ctx, child);
  if (!c.accept('set')) ctx.unknown(child, 'ipsec profile');
  const what = c.peekLower();
  if (what === 'transform-set') {
    c.next('transform-set');
    if (acc.ts !== undefined) ctx.fail(child.no, 'transform set already set');
    acc.ts = c.next('transform set name');
    if (!c.atEnd()) ctx.fail(child.no, 'a GDOI profile takes exactly one transform set');
  } else if (what === 'security-association') {
    c.next('security-association');
    c.expect('lifetime');
    const unit = c.keyword('lifetime unit', ['seconds', 'kilobytes']);
    if (unit === 'seconds') {
      acc.secs = c.int('lifetime seconds', TEK_LIFETIME[0], TEK_LIFETIME[1]);
      if (acc.secs < 120) ctx.warn(child.no, `TEK lifetime ${acc.secs} s is below the IOS minimum of 120 s (lab and test use only)`);
    }
    else acc.kb = c.int('lifetime kilobytes', 2560, 4294967295);
  } else {
    ctx.unknown(child, 'ipsec profile');
  }
  c.end();
}

/** `crypto ipsec profile NAME` block; the transform set is checked after the whole file. */
export function parseIpsecProfile(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  const name = c.next('profile name');
  c.end();
  const prev = ctx.config.profiles.get(name);
  if (prev) ctx.fail(node.no, `ipsec profile ${name} already defined at line ${prev.line}`);
  const acc: { ts?: string; secs?: number; kb?: number; tsLine?: number } = {};
  for (const child of node.children) {
    const before = acc.ts;
    profileSet(ctx, child, acc);
    if (before === undefined && acc.ts !== undefined) acc.tsLine = child.no;
  }
  if (acc.ts === undefined) ctx.fail(node.no, `ipsec profile ${name} has no 'set transform-set'`);
  const profile = { name, transformSet: acc.ts, lifetimeSeconds: acc.secs ?? 3600, line: node.no };
  ctx.config.profiles.set(name, acc.kb === undefined ? profile : { ...profile, lifetimeKilobytes: acc.kb });
  const ts = acc.ts, tsLine = acc.tsLine!;
  ctx.deferred.push(() => {
    if (!ctx.config.transformSets.has(ts)) ctx.fail(tsLine, `transform set '${ts}' is not defined`);
  });
}
