// Shared by the registration integration tests: IOS configurations for one KS and its GMs,
// parsers for the show commands they compare, and an interactive `gdoi` session.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT, tempDir, type DaemonProcess } from '../helpers/daemons.ts';

/** This suite's loopback range (127.0.6.x): KS .1, GMs .11-.13. */
export const KS_ADDR = '127.0.6.1';
export const GM_ADDRS = ['127.0.6.11', '127.0.6.12', '127.0.6.13'];
export const GROUP = { name: 'GETVPN6', id: 6006 };

export type Phase1Auth = { kind: 'psk'; key: string } | { kind: 'rsa'; cert: string; key: string; ca: string; identityDn?: boolean };

function phase1(auth: Phase1Auth, pskPeers: string[]): string {
  const policy = ['crypto isakmp policy 10', ' encr aes 256', ' hash sha256', ` authentication ${auth.kind === 'psk' ? 'pre-share' : 'rsa-sig'}`, ' group 19'];
  if (auth.kind === 'psk') return [...policy, ...pskPeers.map((p) => `crypto isakmp key ${auth.key} address ${p}`)].join('\n');
  return [...policy, `crypto pki certificate ${auth.cert}`, `crypto pki key ${auth.key}`, `crypto pki trusted-ca ${auth.ca}`,
    ...(auth.identityDn ? ['crypto isakmp identity dn'] : [])].join('\n');
}

/**
 * A KS with two TEKs (two `sa ipsec`, one ACL with a port), unicast rekeys, a 2048-bit rekey key.
 * `groups` adds further `crypto gdoi group` blocks; `extra` adds global lines (ACLs, keys).
 */
export function ksConfig(o: { auth: Phase1Auth; address?: string; pskPeers?: string[]; extra?: string[]; authorizationAcl?: string; groups?: Array<{ name: string; id: number; authorizationAcl?: string }> }): string {
  const address = o.address ?? KS_ADDR;
  const group = (g: { name: string; id: number; authorizationAcl?: string }) => [
    `crypto gdoi group ${g.name}`, ` identity number ${g.id}`, ' server local', '  rekey algorithm aes 256', '  rekey lifetime seconds 86400',
    '  rekey authentication mypubkey rsa REKEY6', '  rekey transport unicast',
    '  sa ipsec 1', '   profile P6', '   match address ipv4 ENCPOL6', '   replay counter window-size 64',
    '  sa ipsec 2', '   profile P6', '   match address ipv4 VOICE6', '   replay time window-size 5',
    `  address ipv4 ${address}`, ...(g.authorizationAcl ? [`  authorization address ipv4 ${g.authorizationAcl}`] : []),
  ];
  return [
    'hostname ks6',
    'crypto key generate rsa general-keys label REKEY6 modulus 2048',
    phase1(o.auth, o.pskPeers ?? ['0.0.0.0 0.0.0.0']),
    'crypto ipsec transform-set TS6 esp-aes 256 esp-sha256-hmac',
    'crypto ipsec profile P6', ' set transform-set TS6', ' set security-association lifetime seconds 3600',
    // Deny ACEs first and between the permits, as GET VPN ACLs are written: the GMs must get
    // them, in order, to know what stays in the clear.
    'ip access-list extended ENCPOL6',
    ' deny udp any eq 848 any eq 848',
    ' permit ip 10.61.0.0 0.0.255.255 10.62.0.0 0.0.255.255',
    ' deny tcp host 10.62.0.9 10.61.0.0 0.0.255.255 eq 22',
    ' permit ip 10.62.0.0 0.0.255.255 10.61.0.0 0.0.255.255',
    'ip access-list extended VOICE6',
    ' permit udp 10.63.1.0 0.0.0.255 host 10.64.0.1 eq 5060',
    ...(o.extra ?? []),
    ...group({ name: GROUP.name, id: GROUP.id, authorizationAcl: o.authorizationAcl }),
    ...(o.groups ?? []).flatMap(group),
    'end', '',
  ].join('\n');
}

export function gmConfig(o: { name: string; address: string; auth: Phase1Auth; groupId?: number; servers?: string[]; version?: string; localDeny?: string[] }): string {
  const servers = o.servers ?? [KS_ADDR];
  return [
    `hostname ${o.name}`,
    ...(o.version ? [`gdoi version ${o.version}`] : []),
    phase1(o.auth, servers),
    ...(o.localDeny ? ['ip access-list extended LOCAL6', ...o.localDeny.map((l) => ` ${l}`)] : []),
    'crypto gdoi group G', ` identity number ${o.groupId ?? GROUP.id}`,
    ...servers.map((s) => ` server address ipv4 ${s}`), ` client registration address ipv4 ${o.address}`,
    'crypto map M6 10 gdoi', ' set group G', ...(o.localDeny ? [' match address LOCAL6'] : []),
    'end', '',
  ].join('\n');
}

/** Runs a show command through the real one-shot CLI and insists it succeeded. */
export async function oneShot(d: DaemonProcess, command: string): Promise<string> {
  const r = await d.cli(command);
  expect(r.err, `${d.name}: ${command}`).toBe('');
  expect(r.code, `${d.name}: ${command}`).toBe(0);
  return r.out;
}

// ---- parsers for the show layouts (operations.md §5) ---------------------------------------------

export interface MemberRow { address: string; version: string; identity: string; state: string; group: string }

/** `show crypto gdoi ks members`: one record per `Group Member ID` block. */
export function parseMembers(out: string): MemberRow[] {
  return out.split(/^(?=Group Member ID)/m).slice(1).map((block) => {
    const head = /^Group Member ID\s+: (\S+)\s+GM Version: (\S+)/.exec(block)!;
    const field = (label: string) => new RegExp(`^ ${label}\\s*: (.*)$`, 'm').exec(block)?.[1]?.trim() ?? '';
    return { address: head[1]!, version: head[2]!, identity: field('Phase 1 Identity'), state: field('GM State'), group: field('Group Name') };
  });
}

export interface KsPolicyView { kekSpi: string; teks: Array<{ spi: string; acl: string; transform: string }>; seq: number }

/** `show crypto gdoi ks policy` for a single group. */
export function parseKsPolicy(out: string): KsPolicyView {
  const kekSpi = /KEK POLICY[\s\S]*?\n\s+spi : (0x[0-9A-F]+)/.exec(out)?.[1] ?? '';
  const teks = out.split(/^ {2}TEK POLICY/m).slice(1).map((b) => ({
    spi: /spi\s+: (0x[0-9A-F]+)/.exec(b)![1]!, acl: /access-list\s+: (\S+)/.exec(b)![1]!, transform: /transform\s+: (.+)/.exec(b)![1]!.trim(),
  }));
  return { kekSpi, teks, seq: Number(/Seq num : (\d+)/.exec(out)?.[1]) };
}

export interface GmView { status: string; registeredWith: string; kekSpi: string; tekSpis: string[]; transforms: string[]; acl: string[]; version: string }

/** `show crypto gdoi gm` for a single group. */
export function parseGm(out: string): GmView {
  const field = (label: string) => new RegExp(`^\\s+${label}\\s*: (.*)$`, 'm').exec(out)?.[1]?.trim() ?? '';
  const aclBlock = /ACL Downloaded From KS [^\n]*:\n([\s\S]*?)\n\n/.exec(out)?.[1] ?? '';
  return {
    status: field('Registration status'), registeredWith: field('Registered with'), kekSpi: field('KEK SPI'), version: field('Version'),
    tekSpis: [...out.matchAll(/^\s+spi: (0x[0-9A-F]+)\(/gm)].map((m) => m[1]!),
    transforms: [...out.matchAll(/^\s+transform: (.+)$/gm)].map((m) => m[1]!.trim()),
    acl: aclBlock.split('\n').filter((l) => l.trim()).map((l) => l.replace(/^\s+access-list\s+/, '')),
  };
}

/** `show crypto gdoi ks acl`: ACE text by ACL name. */
export function parseKsAcl(out: string): Map<string, string[]> {
  const acls = new Map<string, string[]>();
  for (const m of out.matchAll(/^ {2}access-list (\S+) (.+)$/gm)) acls.set(m[1]!, [...(acls.get(m[1]!) ?? []), m[2]!]);
  return acls;
}

/** Rows of `show crypto isakmp sa`: [dst, src, state, conn-id, status]. */
export function parseIsakmpSa(out: string): string[][] {
  return out.split('\n').slice(2).filter((l) => l.trim()).map((l) => l.trim().split(/\s+/));
}

// ---- key material the KS holds (state.json), to prove show output never prints it ---------------

/** Hex and base64 forms of every key in the KS state file (`__b64:` Buffers under *key* fields). */
export function ksSecrets(stateDir: string): string[] {
  const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as unknown;
  const found: string[] = [];
  const walk = (v: unknown, key: string) => {
    if (typeof v === 'string' && v.startsWith('__b64:') && /key$/i.test(key) && !/public/i.test(key)) {
      const b = Buffer.from(v.slice(6), 'base64');
      found.push(b.toString('hex'), b.toString('hex').toUpperCase(), b.toString('base64'));
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, Array.isArray(v) ? key : k);
  };
  walk(state, '');
  return found;
}

// ---- interactive CLI -----------------------------------------------------------------------------

export interface Session {
  exit: Promise<number | null>;
  home: string;
  out(): string;
  /** Resolves with everything printed after `from` once `text` appears after it. */
  until(text: string, from?: number): Promise<string>;
  /** Sends one line and returns what came back up to the next prompt. */
  run(line: string, prompt: string): Promise<string>;
  send(line: string): void;
}

/** `gdoi --control SOCK` with piped stdin (a fresh HOME keeps its history file out of the way). */
export function interactive(control: string): Session {
  const home = tempDir('cli-home');
  const p = spawn(process.execPath, [join(ROOT, 'bin/gdoi.js'), '--control', control], { env: { ...process.env, HOME: home, GDOI_CONTROL: '' } });
  let out = '';
  p.stdout.on('data', (c) => (out += c));
  p.stderr.on('data', (c) => (out += c));
  const exit = new Promise<number | null>((r) => p.on('close', r));
  const until = async (text: string, from = 0): Promise<string> => {
    const deadline = Date.now() + 15_000;
    while (out.indexOf(text, from) < 0) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(out.slice(from))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return out.slice(from);
  };
  return {
    exit, home, until,
    out: () => out,
    async run(line, prompt) {
      const mark = out.length;
      p.stdin.write(`${line}\n`);
      const got = await until(prompt, mark);
      return got.slice(0, got.lastIndexOf(prompt));
    },
    send(line) { p.stdin.write(`${line}\n`); },
  };
}

/**
 * One interactive CLI per daemon for the bulk of the show commands: starting `gdoi` costs about
 * a second of CPU, a command on an open session a few milliseconds.
 */
export class Consoles {
  private readonly open = new Map<DaemonProcess, { s: Session; prompt: string }>();

  async attach(d: DaemonProcess, hostname: string): Promise<void> {
    const s = interactive(d.control);
    await s.until(`${hostname}#`);
    this.open.set(d, { s, prompt: `${hostname}#` });
  }

  /** Runs a show command on d's session and insists it was accepted. */
  async show(d: DaemonProcess, command: string): Promise<string> {
    const c = this.open.get(d)!;
    const out = await c.s.run(command, c.prompt);
    expect(out, `${d.name}: ${command}`).not.toMatch(/^%|\n% /);
    return out;
  }

  async closeAll(): Promise<void> {
    for (const { s } of this.open.values()) {
      s.send('exit');
      await s.exit;
      rmSync(s.home, { recursive: true, force: true });
    }
    this.open.clear();
  }
}
