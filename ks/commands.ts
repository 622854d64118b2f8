// The key server's IOS commands on its control socket (layouts: operations.md §5).
import type { CommandDispatcher, CommandContext } from '../shared/control/dispatcher.ts';
import { GdoiError } from '../shared/errors.ts';
import { formatVersion } from '../shared/policy/version.ts';
import { transformName, remainingSec } from '../shared/policy/group-policy.ts';
import { rekeyLeadSec } from '../shared/policy/timing.ts';
import { showIsakmpSa, showLogging, showVersion } from '../shared/daemon/show-common.ts';
import type { KeyServer } from './key-server.ts';
import type { KsGroup } from './ks-group.ts';
import { aceToSelector } from '../shared/policy/acl-selector.ts';
import { selectorAce } from '../shared/daemon/show-acl.ts';
import type { KsRekeyer } from './rekey.ts';
import { generateSigningKey } from './signing-keys.ts';

interface Env { stateDir: string; hostname: string; address: string; port: number }

const L = (label: string) => `    ${label.padEnd(25)}: `;

export function registerKsCommands(d: CommandDispatcher, ks: KeyServer, rekeyer: KsRekeyer, env: Env): void {
  const started = ks.opts.clock.now();
  const now = () => ks.opts.clock.now();
  const groups = (ctx: CommandContext): KsGroup[] => {
    const name = ctx.args.NAME;
    const all = [...ks.groups.values()];
    if (!name) return all;
    const g = all.filter((x) => x.name === name);
    if (!g.length) throw new GdoiError('NO_GROUP', `Group ${name} not found`);
    return g;
  };

  d.register('show version', () => showVersion('Key Server', env.hostname, ks.opts.version, started, now()), 'System software version');
  d.register('show logging', () => showLogging(ks.opts.log), 'Recent syslog lines');
  d.register('show crypto isakmp sa', () => showIsakmpSa(ks.sas.values(), env.address, now()), 'ISAKMP (phase 1) SAs');

  d.register('show crypto gdoi [group NAME]', (ctx) => groups(ctx).map((g) => showGroup(g, ks, now())).join('\n\n'), 'GDOI groups on this key server');
  d.register('show crypto gdoi ks', (ctx) => showKs(groups(ctx), ks, false), 'Key server summary');
  d.register('show crypto gdoi ks detail', (ctx) => showKs(groups(ctx), ks, true), 'Key server summary with redundancy');
  d.register('show crypto gdoi ks members', (ctx) => groups(ctx).map((g) => showMembers(g, undefined)).join('\n'), 'Registered group members');
  d.register('show crypto gdoi ks members summary', (ctx) => groups(ctx).map((g) => showMembersSummary(g, env.address)).join('\n'), 'One line per member');
  d.register('show crypto gdoi ks members ADDRESS', (ctx) => groups(ctx).map((g) => showMembers(g, ctx.args.ADDRESS)).join('\n'), 'One member');
  d.register('show crypto gdoi ks acl', (ctx) => groups(ctx).map((g) => showAcl(g, ks)).join('\n'), 'Traffic ACLs the group hands to members');
  d.register('show crypto gdoi ks policy', (ctx) => showPolicy(groups(ctx), env.address, now()), 'KEK and TEK policy');
  d.register('show crypto gdoi ks rekey', (ctx) => groups(ctx).map((g) => showRekey(g, rekeyer)).join('\n\n'), 'Rekey counters');

  d.register('crypto gdoi ks [group NAME] rekey', async (ctx) => {
    const out: string[] = [];
    for (const g of groups(ctx)) {
      const seq = await rekeyer.rekey(g, { newTeks: true, newKek: false, reason: 'operator' });
      out.push(seq === undefined ? `% Group ${g.name} has no rekey key: no rekey sent` : `Rekey sent for group ${g.name} with seq # ${seq}`);
    }
    return out.join('\n');
  }, 'Send a rekey now (new TEKs)');
  d.register('crypto key generate rsa label NAME modulus BITS', (ctx) => {
    const bits = Number(ctx.args.BITS);
    if (!Number.isInteger(bits) || bits < 2048 || bits > 4096) throw new GdoiError('USAGE', 'modulus must be 2048..4096 bits for a rekey key');
    generateSigningKey(env.stateDir, ctx.args.NAME!, bits);
    return `The name for the keys will be: ${ctx.args.NAME}\n% The key modulus size is ${bits} bits\n% Generating ${bits} bit RSA keys ...[OK]\n% Restart the key server (or reference the label in 'rekey authentication mypubkey rsa') to use it.`;
  }, 'Generate an RSA key pair in the state directory');
}

function showGroup(g: KsGroup, ks: KeyServer, now: number): string {
  const l = g.cfg.local;
  const p = g.policy;
  const lines = [
    `${L('Group Name')}${g.name} (${g.transport === 'unicast' ? 'Unicast' : 'Multicast'})`,
    `${L('Group Identity')}${g.groupId}`,
    `${L('Group Members')}${g.members.size}`,
    `${L('IPSec SA Direction')}Both`,
    `${L('Active Group Server')}Local`,
    `${L('Group Rekey Lifetime')}${l.rekeyLifetime} secs`,
    `    Group Rekey`,
    `        ${'Remaining Lifetime'.padEnd(21)}: ${p.kek ? remainingSec(p.kek.expiresAt, now) : 0} secs`,
    `${L('Rekey Retransmit Period')}${l.rekeyRetransmit.seconds} secs`,
    `${L('Rekey Retransmit Attempts')}${l.rekeyRetransmit.number}`,
    '',
  ];
  for (const sa of l.sas) {
    const tek = [...p.teks].reverse().find((t) => t.saSeq === sa.seq);
    const prof = ks.opts.config.profiles.get(sa.profile);
    lines.push(
      `      ${'IPSec SA Number'.padEnd(23)}: ${sa.seq}`,
      `      ${'IPSec SA Rekey Lifetime'.padEnd(23)}: ${prof?.lifetimeSeconds ?? 0} secs`,
      `      ${'Profile Name'.padEnd(23)}: ${sa.profile}`,
      `      ${'Replay method'.padEnd(23)}: ${sa.replay.kind === 'time' ? 'Time Based' : sa.replay.kind === 'counter' ? 'Count Based' : 'Disabled'}`,
      `      ${'Replay Window Size'.padEnd(23)}: ${sa.replay.kind === 'none' ? 0 : sa.replay.window}`,
      `      SA Rekey`,
      `         ${'Remaining Lifetime'.padEnd(20)}: ${tek ? remainingSec(tek.expiresAt, now) : 0} secs`,
      `      ${'ACL Configured'.padEnd(23)}: access-list ${sa.matchAcl}`,
      '',
    );
  }
  lines.push(`     ${'Group Server list'.padEnd(21)}: Local`);
  return lines.join('\n');
}

function showKs(gs: KsGroup[], ks: KeyServer, detail: boolean): string {
  const total = gs.reduce((n, g) => n + g.members.size, 0);
  const out = [`Total group members registered to this box: ${total}`, ''];
  for (const g of gs) {
    out.push(`Key Server Information For Group ${g.name}:`,
      `${L('Group Name')}${g.name}`, `${L('Re-auth on new CRL')}Disabled`, `${L('Group Identity')}${g.groupId}`,
      `${L('Group Type')}GDOI (ISAKMP)`, `${L('Group Members')}${g.members.size}`,
      `${L('Rekey Acknowledgement Cfg')}${g.transport === 'unicast' ? 'RFC 8263' : 'Disabled'}`,
      `${L('IPSec SA Direction')}Both`, `${L('IP D3P Window')}Disabled`, `${L('Split Resiliency Factor')}0`,
      `${L('CKM status')}Disabled`, '    ACL Configured:',
      ...g.cfg.local.sas.map((s) => `        access-list ${s.matchAcl}`));
    if (detail) {
      out.push(`${L('Redundancy')}${g.cfg.local.redundancy ? 'Configured' : 'Not configured'}`,
        `        ${'Local Address'.padEnd(21)}: ${g.cfg.local.address ?? ks.opts.localAddress}`,
        `        ${'Local Priority'.padEnd(21)}: ${g.cfg.local.redundancy?.priority ?? 1}`,
        `        ${'Local KS Status'.padEnd(21)}: Alive`, `        ${'Local KS Role'.padEnd(21)}: Primary`,
        `        ${'Local KS Version'.padEnd(21)}: ${formatVersion(ks.opts.version)}`);
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}

function showMembers(g: KsGroup, only: string | undefined): string {
  const out = [
    `Number of rekeys sent for group ${g.name} : ${g.counters.rekeysSent}`,
    `Number of retransmits during the last rekey for group ${g.name} : ${g.counters.lastRekeyRetransmits}`,
    `Duration of the last rekey for group ${g.name} : ${g.counters.lastRekeyDurationMs} msec`,
    '',
  ];
  for (const m of g.members.values()) {
    if (only && m.address !== only) continue;
    out.push(`Group Member ID    : ${m.address}  GM Version: ${formatVersion(m.version)}`,
      ` Group ID          : ${g.groupId}`, ` Group Name        : ${g.name}`, ` Group Type        : GDOI (ISAKMP)`,
      ` GM State          : Registered`, ` Key Server ID     : ${g.policy.kek?.src ?? g.localAddress}`,
      ` Phase 1 Identity  : ${m.identity}`,
      ` Rekeys sent       : ${m.rekeysSent}`, ` Rekeys retries    : ${m.rekeyRetries}`,
      ` Rekey Acks Rcvd   : ${m.acksReceived}`, ` Rekey Acks missed : ${m.acksMissed}`, '',
      ` Sent seq num : ${g.policy.seq}`, ` Rcvd seq num : ${m.lastAckedSeq}`, '');
  }
  return out.join('\n');
}

/** IOS layout: `Group Name: G`, ` Configured ACL:`, then `  access-list NAME ACE` per entry of every `sa ipsec` match ACL. */
function showAcl(g: KsGroup, ks: KeyServer): string {
  const out = [`Group Name: ${g.name}`, ' Configured ACL:'];
  for (const sa of g.cfg.local.sas) {
    for (const e of ks.opts.config.acls.get(sa.matchAcl) ?? []) out.push(`  access-list ${sa.matchAcl} ${selectorAce(e.action, aceToSelector(e))}`);
  }
  return out.join('\n');
}

function showMembersSummary(g: KsGroup, ksAddress: string): string {
  const out = [`Group Name: ${g.name}, ID: ${g.groupId}, Group Members: ${g.members.size}`, '',
    `Key Server ID: ${ksAddress}, GMDB state: LOCAL, Group Members: ${g.members.size}`,
    '  Member ID     Version      Rekey sent     Rekey Ack missed'];
  for (const m of g.members.values()) {
    out.push(`  ${m.address.padEnd(14)}${formatVersion(m.version).padEnd(13)}${String(m.rekeysSent).padEnd(15)}${m.acksMissed}`);
  }
  return out.join('\n');
}

function showPolicy(gs: KsGroup[], ks: string, now: number): string {
  const out = ['Key Server Policy:'];
  for (const g of gs) {
    const p = g.policy;
    out.push(`For group ${g.name} (handle: ${g.groupId}) server ${ks} (handle: ${g.groupId}):`, '', `  # of teks : ${p.teks.length}  Seq num : ${p.seq}`);
    if (p.kek) {
      const k = p.kek;
      const left = remainingSec(k.expiresAt, now);
      out.push(`  KEK POLICY (transport type : ${g.transport === 'unicast' ? 'Unicast' : 'Multicast'})`,
        `    spi : 0x${k.spi.toString('hex').toUpperCase()}`,
        `    management alg     : disabled      encrypt alg           : ${k.cipher.startsWith('aes') ? 'AES' : '3DES'}`,
        `    crypto iv length   : ${String(k.iv.length).padEnd(14)}key size              : ${k.key.length}`,
        `    orig life(sec)     : ${String(k.lifetimeSec).padEnd(14)}remaining life(sec)   : ${left}`,
        `    time to rekey (sec): ${Math.max(0, Math.floor(left - rekeyLeadSec(k.lifetimeSec)))}`,
        `    sig hash algorithm : ${k.sigHash.padEnd(14)}sig key length        : ${k.sigKeyBits}`,
        `    sig size           : ${k.sigKeyBits / 8}`,
        `    sig key name       : ${g.signingKey?.name ?? ''}`,
        `    acknowledgement    : ${k.ackRequested ? 'RFC 8263' : 'none'}`, '');
    }
    for (const t of p.teks) {
      const left = remainingSec(t.expiresAt, now);
      out.push(`  TEK POLICY (encaps : ENCAPS_${t.mode.toUpperCase()})`,
        `    spi                : 0x${t.spi.toString(16).toUpperCase().padStart(8, '0')}`,
        `    access-list        : ${t.aclName}`,
        `    transform          : ${transformName(t.transform)}`,
        `    alg key size       : ${String(t.encKey.length).padEnd(14)}sig key size          : ${t.authKey?.length ?? 0}`,
        `    orig life(sec)     : ${String(t.lifetimeSec).padEnd(14)}remaining life(sec)   : ${left}`,
        `    tek life(sec)      : ${String(t.lifetimeSec).padEnd(14)}elapsed time(sec)     : ${Math.floor((now - t.createdAt) / 1000)}`,
        `    override life(sec) : 0             antireplay window size: ${t.replay.kind === 'none' ? 0 : t.replay.window}`,
        `    time to rekey (sec): ${left === 0 ? 'n/a' : Math.max(0, Math.floor(left - rekeyLeadSec(t.lifetimeSec)))}`, '');
    }
  }
  return out.join('\n').trimEnd();
}

function showRekey(g: KsGroup, r: KsRekeyer): string {
  const c = g.counters;
  const p = r.pendingFor(g.groupId);
  return [`Rekey statistics for group ${g.name}:`,
    `${L('Rekeys sent')}${c.rekeysSent}`, `${L('Acknowledgements rcvd')}${c.acksReceived}`,
    `${L('Retransmits')}${c.retransmits}`, `${L('Acks rejected')}${c.acksRejected}`,
    `${L('Last rekey seq num')}${g.policy.seq}`, `${L('Last rekey duration')}${c.lastRekeyDurationMs} msec`,
    `${L('Acks outstanding')}${p ? p.waiting.size : 0}`].join('\n');
}
