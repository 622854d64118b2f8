// The group member's IOS commands on its control socket (layouts: operations.md §5).
import type { CommandDispatcher, CommandContext } from '../shared/control/dispatcher.ts';
import { GdoiError } from '../shared/errors.ts';
import { formatVersion } from '../shared/policy/version.ts';
import { remainingSec, tekAces, transformName } from '../shared/policy/group-policy.ts';
import { showIsakmpSa, showLogging, showVersion, hms } from '../shared/daemon/show-common.ts';
import { selectorAce } from '../shared/daemon/show-acl.ts';
import { aceToSelector } from '../shared/policy/acl-selector.ts';
import type { GroupMember } from './group-member.ts';
import type { Registration } from './registration.ts';

interface Env { hostname: string; address: string; port: number }
const L = (label: string, indent = 4) => `${' '.repeat(indent)}${label.padEnd(25 - (indent - 4))}: `;

export function registerGmCommands(d: CommandDispatcher, gm: GroupMember, env: Env): void {
  const started = gm.opts.clock.now();
  const now = () => gm.opts.clock.now();
  const regs = (ctx: CommandContext): Registration[] => {
    const name = ctx.args.NAME;
    if (!name) return gm.registrations;
    const r = gm.registrations.filter((x) => x.name === name);
    if (!r.length) throw new GdoiError('NO_GROUP', `Group ${name} not found`);
    return r;
  };
  d.register('show version', () => showVersion('Group Member', env.hostname, gm.opts.version, started, now()), 'System software version');
  d.register('show logging', () => showLogging(gm.opts.log), 'Recent syslog lines');
  d.register('show crypto isakmp sa', () => showIsakmpSa(gm.registrations.flatMap((r) => (r.sa ? [r.sa] : [])), env.address, now()), 'ISAKMP (phase 1) SAs');
  d.register('show crypto gdoi [group NAME]', (ctx) => regs(ctx).map((r) => groupInfo(r) + '\n\n' + gmInfo(r, gm, env, now())).join('\n\n'), 'GDOI group information');
  d.register('show crypto gdoi gm', (ctx) => regs(ctx).map((r) => gmInfo(r, gm, env, now())).join('\n\n'), 'Group member information');
  d.register('show crypto gdoi gm acl', (ctx) => regs(ctx).map((r) => aclInfo(r, gm)).join('\n\n'), 'ACL downloaded from the KS and local deny ACL');
  d.register('show crypto gdoi gm rekey', (ctx) => [...regs(ctx).map((r) => rekeyInfo(r)), noGroupRejects(gm)].filter(Boolean).join('\n\n'), 'Rekey counters');
  d.register('show crypto gdoi ipsec sa', (ctx) => regs(ctx).map((r) => ipsecSa(r, now())).join('\n\n'), 'Installed TEKs (no keys)');
  d.register('clear crypto gdoi [group NAME]', (ctx) => {
    for (const r of regs(ctx)) { r.sas.clear(); gm.opts.log.emit({ facility: 'GDOI', severity: 5, mnemonic: 'GM_CLEAR_REGISTER', text: `Config: GM cleared gdoi configuration for the group ${r.name}.` }); r.start(); }
    return '';
  }, 'Clear downloaded policy and re-register');
}

/**
 * The KS's ACL as the GM holds it: per TEK policy (its newest TEK; an outgoing one during a
 * rollover carries the same ACL) the permits and denies in the KS's order.
 */
function downloadedAcl(r: Registration): string[] {
  return r.sas.activeTeks().flatMap((t) => tekAces(t).map((a) => `   access-list   ${selectorAce(a.action, a.selector)}`));
}

/** `show crypto gdoi gm acl`: the downloaded ACL, then the crypto map's local deny ACL. */
function aclInfo(r: Registration, gm: GroupMember): string {
  const local = gm.opts.config.cryptoMaps.filter((m) => m.group === r.name && m.localDenyAcl !== undefined).flatMap((m) => [
    `  Map Name: ${m.name}`,
    ...(gm.opts.config.acls.get(m.localDenyAcl!) ?? []).filter((e) => e.action === 'deny')
      .map((e) => `   access-list   ${selectorAce('deny', aceToSelector(e))}`),
  ]);
  return [`Group Name: ${r.name}`, ` ACL Downloaded From KS ${r.registeredWith ?? ''}:`, ...downloadedAcl(r), ' ACL Configured Locally:', ...local].join('\n');
}

function groupInfo(r: Registration): string {
  return ['GROUP INFORMATION', '', `${L('Group Name')}${r.name}`, `${L('Group Identity')}${r.cfg.identity}`,
    `${L('Group Type')}GDOI (ISAKMP)`, `${L('Crypto Path')}ipv4`, `${L('Key Management Path')}ipv4`,
    `${L('Rekeys received')}${r.counters.rekeysReceived}`, `${L('IPSec SA Direction')}Both`, '',
    `     ${'Group Server list'.padEnd(21)}: ${r.cfg.servers[0]}`, ...r.cfg.servers.slice(1).map((s) => `${' '.repeat(29)}${s}`)].join('\n');
}

function gmInfo(r: Registration, gm: GroupMember, env: Env, now: number): string {
  const sas = r.sas;
  const kek = sas.kek;
  const acl = downloadedAcl(r);
  const out = [
    `Group Member Information For Group ${r.name}:`, `${L('IPSec SA Direction')}Both`, `${L('ACL Received From KS')}gdoi_group_${r.name}_temp_acl`, '',
    `${L('Group member')}${env.address.padEnd(16)}vrf: None`,
    `${L('Local addr/port', 7)}${env.address}/${env.port}`,
    `${L('Remote addr/port', 7)}${r.registeredWith ?? r.server}/${env.port}`,
    `${L('fvrf/ivrf', 7)}None/None`,
    `${L('Version', 7)}${formatVersion(gm.opts.version)}`,
    `${L('Registration status', 7)}${r.state === 'REGISTERED' ? 'Registered' : r.state === 'WAIT_RETRY' ? 'Not registered' : 'Registering'}`,
    `${L('Registered with', 7)}${r.registeredWith ?? 'none'}`,
    `${L('Re-registers in', 7)}${r.reRegisterAt ? Math.max(0, Math.floor((r.reRegisterAt - now) / 1000)) : 0} sec`,
    `${L('Succeeded registration', 7)}${r.counters.succeeded}`,
    `${L('Attempted registration', 7)}${r.counters.attempted}`,
    `${L('Last rekey from', 7)}${r.counters.lastRekeyFrom || '0.0.0.0'}`,
    `${L('Last rekey seq num', 7)}${sas.seq}`,
    `${L(kek?.transport === 'multicast' ? 'Multicast rekey received' : 'Unicast rekey received', 7)}${r.counters.rekeysReceived}`,
    `${L('Rekey ACKs sent', 7)}${r.counters.acksSent}`,
    `${L('Rekey Rcvd(hh:mm:ss)', 7)}${r.counters.lastRekeyAt ? hms((now - r.counters.lastRekeyAt) / 1000) : 'never'}`,
    `${L('Active TEK Number', 7)}${sas.activeTeks().length}`,
    '', ` ACL Downloaded From KS ${r.registeredWith ?? ''}:`, ...acl, '',
    'KEK POLICY:',
  ];
  if (kek) {
    out.push(`${L('Rekey Transport Type')}${kek.transport === 'multicast' ? 'Multicast' : 'Unicast'}`,
      `${L('KEK SPI')}0x${kek.spi.toString('hex').toUpperCase()}`,
      `${L('Lifetime (secs)')}${remainingSec(kek.expiresAt, now)}`,
      `${L('Encrypt Algorithm')}${kek.cipher.startsWith('aes') ? 'AES' : '3DES'}`,
      `${L('Key Size')}${kek.key.length * 8}`,
      `${L('Sig Hash Algorithm')}HMAC_AUTH_${kek.sigHash.toUpperCase()}`,
      `${L('Sig Key Length (bits)')}${kek.sigKeyBits}`);
  } else out.push('    (no KEK: rekeys are not expected)');
  out.push('', 'TEK POLICY for the current KS-Policy ACEs Downloaded:', ...sas.teks.flatMap((t) => tekLines(t, now)));
  return out.join('\n');
}

function tekLines(t: Registration['sas']['teks'][number], now: number): string[] {
  const replay = t.replay.kind === 'time' ? `Anti-Replay(Time Based) : ${t.replay.window} sec interval` : t.replay.kind === 'counter' ? `Anti-Replay(Counter Based) : ${t.replay.window}` : 'Anti-Replay : Disabled';
  return ['    IPsec SA:', `        spi: 0x${t.spi.toString(16).toUpperCase().padStart(8, '0')}(${t.spi})`, `        transform: ${transformName(t.transform)}`,
    `        sa timing:remaining key lifetime (sec): (${remainingSec(t.expiresAt, now)})`, `        ${replay}`, '        tag method : disabled',
    `        alg key size: ${t.encKey.length} (bytes)`, `        sig key size: ${t.authKey?.length ?? 0} (bytes)`, `        encaps: ENCAPS_${t.mode.toUpperCase()}`];
}

function rekeyInfo(r: Registration): string {
  const rej = Object.entries(r.counters.rekeysRejected);
  return [`Rekey statistics for group ${r.name}:`, `${L('Rekeys received')}${r.counters.rekeysReceived}`, `${L('Rekey ACKs sent')}${r.counters.acksSent}`,
    `${L('Last rekey seq num')}${r.sas.seq}`, `${L('Rekeys rejected')}${rej.reduce((n, [, v]) => n + v, 0)}`,
    ...rej.map(([k, v]) => `        ${k.padEnd(21)}: ${v}`)].join('\n');
}

/** Rejections that named no group of ours (unknown KEK SPI, runts): shown once, after the groups. */
function noGroupRejects(gm: GroupMember): string {
  const rej = Object.entries(gm.rekeysRejectedNoGroup);
  if (!rej.length) return '';
  return [`Rekeys rejected matching no group: ${rej.reduce((n, [, v]) => n + v, 0)}`, ...rej.map(([k, v]) => `        ${k.padEnd(21)}: ${v}`)].join('\n');
}

function ipsecSa(r: Registration, now: number): string {
  const out = [`SA created for group ${r.name}:`];
  for (const t of r.sas.teks) {
    for (const s of t.selectors) {
      out.push(`  protocol = ${s.protocol === 0 ? 'ip' : s.protocol}`, `  local ident  = ${s.src.addr}/${s.src.mask}, port = ${s.src.port}`,
        `  remote ident = ${s.dst.addr}/${s.dst.mask}, port = ${s.dst.port}`,
        `  direction: Both, replay(method/window): ${t.replay.kind === 'time' ? `Time/${t.replay.window} sec` : t.replay.kind === 'counter' ? `Counter/${t.replay.window}` : 'None'}`);
    }
    out.push(`    spi: 0x${t.spi.toString(16).toUpperCase().padStart(8, '0')}  transform: ${transformName(t.transform)}  remaining lifetime: ${remainingSec(t.expiresAt, now)} sec`, '');
  }
  return out.join('\n').trimEnd();
}
