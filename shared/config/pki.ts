// Certificates and RSA keys.
//
// Project extensions (IOS keeps these in NVRAM, not in the config text):
//   crypto pki certificate FILE     our certificate (PEM), for rsa-sig phase 1
//   crypto pki key FILE             its private key (PEM, unencrypted)
//   crypto pki trusted-ca FILE      a CA certificate (PEM) we trust; may repeat
//   crypto key import rsa LABEL pem url FILE
//                                   an RSA key pair (PEM) by label, e.g. the rekey key that
//                                   COOP key servers must share
// Relative FILEs are taken from the config file's directory. Files are not read here.
//
// IOS lines: `crypto key generate rsa [general-keys] label L modulus N [exportable]`
// (key made when the daemon starts; label and modulus required since there is no prompt),
// and `crypto pki trustpoint NAME` / `crypto ca trustpoint NAME` blocks, recorded for the
// CRL work.

import type { ConfigLine } from './blocks.ts';
import { Cursor, type ParseContext } from './context.ts';
import type { Trustpoint } from './types.ts';

/** OpenSSL refuses RSA keys under 512 bits (IOS goes down to 360). */
const RSA_MODULUS = [512, 4096] as const;

/** `crypto pki certificate|key|trusted-ca FILE` (cursor after `pki`, at the keyword). */
export function parsePkiFile(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  ctx.noChildren(node);
  const what = c.keyword('pki file kind', ['certificate', 'key', 'trusted-ca']);
  const f = c.next('file path');
  if (what === 'certificate' && (f === 'chain' || f === 'map') && !c.atEnd()) {
    ctx.fail(node.no, `'crypto pki certificate ${f}' is not supported; give a PEM file: crypto pki certificate FILE`);
  }
  c.end();
  const path = ctx.resolvePath(node.no, f);
  const pki = ctx.config.pki;
  if (what === 'trusted-ca') {
    if (pki.trustedCas.includes(path)) ctx.fail(node.no, `trusted CA ${f} listed twice`);
    pki.trustedCas.push(path);
  } else {
    if (pki[what] !== undefined) ctx.fail(node.no, `crypto pki ${what} already given`);
    pki[what] = path;
  }
}

function declareKey(ctx: ParseContext, label: string, line: number): void {
  const prev = ctx.config.rsaKeys.get(label);
  if (prev) ctx.fail(line, `RSA key '${label}' already declared at line ${prev.line}`);
}

/** `crypto key generate rsa ...` or `crypto key import rsa LABEL pem url FILE` (cursor after `key`). */
export function parseCryptoKey(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  ctx.noChildren(node);
  const verb = c.keyword('crypto key action', ['generate', 'import']);
  c.expect('rsa');
  if (verb === 'import') {
    const label = c.next('key label');
    c.expect('pem');
    c.expect('url');
    const path = ctx.resolvePath(node.no, c.next('key file'));
    c.end();
    declareKey(ctx, label, node.no);
    ctx.config.rsaKeys.set(label, { label, source: 'file', path, line: node.no });
    return;
  }
  let label: string | undefined, modulus: number | undefined, exportable = false;
  while (!c.atEnd()) {
    const opt = c.keyword('key option', ['general-keys', 'label', 'modulus', 'exportable']);
    if (opt === 'label') label = c.next('key label');
    else if (opt === 'modulus') modulus = c.int('modulus', RSA_MODULUS[0], RSA_MODULUS[1]);
    else if (opt === 'exportable') exportable = true;
  }
  if (label === undefined) ctx.fail(node.no, "missing 'label NAME' (keys are found by label)");
  if (modulus === undefined) ctx.fail(node.no, "missing 'modulus BITS'");
  declareKey(ctx, label, node.no);
  ctx.config.rsaKeys.set(label, { label, source: 'generate', modulus, exportable, line: node.no });
}

function trustpointLine(ctx: ParseContext, child: ConfigLine, tp: Trustpoint): void {
  ctx.noChildren(child);
  const c = new Cursor(ctx, child);
  const word = c.keyword('trustpoint command', ['enrollment', 'revocation-check', 'auto-enroll', 'rsakeypair', 'subject-name']);
  if (word === 'enrollment') {
    const how = c.keyword('enrollment', ['url', 'mode', 'terminal']);
    if (how === 'url') tp.enrollmentUrl = c.next('enrollment URL');
    else if (how === 'mode') tp.enrollmentMode = c.keyword('enrollment mode', ['ra'] as const);
    else tp.enrollmentMode = 'terminal';
  } else if (word === 'revocation-check') {
    const methods: Trustpoint['revocationCheck'] = [];
    do methods.push(c.keyword('revocation method', ['crl', 'none', 'ocsp'])); while (!c.atEnd());
    tp.revocationCheck = methods;
  } else if (word === 'auto-enroll') {
    tp.autoEnroll = c.atEnd() ? 100 : c.int('auto-enroll percent', 1, 100);
    c.accept('regenerate');
  } else if (word === 'rsakeypair') {
    tp.rsaKeypair = c.next('key label');
  } else {
    tp.subjectName = c.rest('subject name');
  }
  c.end();
}

/** `crypto pki trustpoint NAME` / `crypto ca trustpoint NAME` block. */
export function parseTrustpoint(ctx: ParseContext, node: ConfigLine, c: Cursor): void {
  const name = c.next('trustpoint name');
  c.end();
  const prev = ctx.config.pki.trustpoints.get(name);
  if (prev) ctx.fail(node.no, `trustpoint ${name} already defined at line ${prev.line}`);
  const tp: Trustpoint = { name, revocationCheck: ['crl'], line: node.no };
  for (const child of node.children) trustpointLine(ctx, child, tp);
  ctx.config.pki.trustpoints.set(name, tp);
}
