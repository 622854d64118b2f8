// Issue #5 acceptance: one gdoi-ks and three gdoi-gm processes register over real UDP on
// loopback with pre-shared-key phase 1, and the real `gdoi` CLI shows the same group policy
// on both sides (KEK SPI, TEK SPIs, transforms, ACL), never key material.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort, removeDir, startDaemon, stopAll, tempDir, type DaemonProcess } from '../helpers/daemons.ts';
import {
  Consoles, GM_ADDRS, GROUP, KS_ADDR, gmConfig, interactive, ksConfig, ksSecrets, oneShot, parseGm, parseIsakmpSa, parseKsAcl, parseKsPolicy,
  parseMembers, type Phase1Auth,
} from './registration-fixtures.ts';

const AUTH: Phase1Auth = { kind: 'psk', key: 'reg-six-psk' };
const GM_NAMES = ['gm6-1', 'gm6-2', 'gm6-3'];
/** gm6-1's crypto map also has a local deny ACL (`match address`), as IOS GMs may. */
const LOCAL_DENY = ['deny ip host 10.61.0.5 any'];
let dir: string;
let ks: DaemonProcess;
let gms: DaemonProcess[];
const con = new Consoles();
const show = (d: DaemonProcess, c: string) => con.show(d, c);
const eachGm = <T>(f: (g: DaemonProcess, i: number) => Promise<T>) => Promise.all(gms.map(f));

beforeAll(async () => {
  const port = await freeUdpPort(KS_ADDR);
  dir = tempDir('reg6-psk');
  ks = startDaemon('ks', 'ks6', ksConfig({ auth: AUTH }), { port, dir });
  await ks.waitFor(/%GDOI-5-KS_STARTED/, 30_000);
  // gm6-3 announces an older GET VPN version, which the KS must record as sent.
  gms = GM_ADDRS.map((address, i) => startDaemon('gm', GM_NAMES[i]!,
    gmConfig({ name: GM_NAMES[i]!, address, auth: AUTH, version: i === 2 ? '1.0.1' : undefined, localDeny: i === 0 ? LOCAL_DENY : undefined }), { port, dir }));
  await Promise.all(gms.map((g) => g.waitFor(/%GDOI-5-GM_REGS_COMPL/, 30_000)));
  await Promise.all([con.attach(ks, 'ks6'), ...gms.map((g, i) => con.attach(g, GM_NAMES[i]!))]);
}, 50_000);

afterAll(async () => {
  await con.closeAll();
  await stopAll();
  removeDir(dir);
});

describe('three GMs register with one KS (pre-shared keys)', () => {
  it('logs GM_REGS_COMPL on each GM and KS_REGS_COMPL for each GM on the KS', async () => {
    for (const [i, g] of gms.entries()) {
      expect(await g.waitFor(/GM_REGS_COMPL/)).toContain(`Registration to KS ${KS_ADDR} complete for group G using address ${GM_ADDRS[i]}`);
    }
    for (const a of GM_ADDRS) await ks.waitFor(new RegExp(`%GDOI-5-KS_REGS_COMPL: .*group ${GROUP.name} with GM ${a.replace(/\./g, '\\.')}\\.`));
    expect(ks.count(/KS_REGS_COMPL/)).toBe(3);
    for (const d of [ks, ...gms]) expect(d.exited).toBeUndefined();
  });

  it('show crypto gdoi ks members (one-shot CLI) lists the three GMs with the version each announced', async () => {
    const members = parseMembers(await oneShot(ks, 'show crypto gdoi ks members'));
    expect(members.map((m) => m.address).sort()).toEqual([...GM_ADDRS].sort());
    await eachGm(async (g, i) => {
      const m = members.find((x) => x.address === GM_ADDRS[i])!;
      const announced = /GET VPN software version: (\S+)/.exec(await show(g, 'show version'))![1];
      expect(m.version).toBe(announced);
      expect(m).toMatchObject({ state: 'Registered', group: GROUP.name, identity: GM_ADDRS[i] });
    });
    expect(members.find((m) => m.address === GM_ADDRS[2])!.version).toBe('1.0.1');
  });

  it('each GM holds the KS policy: same KEK SPI, TEK SPIs, transforms and ACL', async () => {
    const policy = parseKsPolicy(await show(ks, 'show crypto gdoi ks policy'));
    expect(policy.kekSpi).toMatch(/^0x[0-9A-F]{32}$/);
    expect(policy.teks.map((t) => t.acl)).toEqual(['ENCPOL6', 'VOICE6']);
    const acls = parseKsAcl(await show(ks, 'show crypto gdoi ks acl'));
    expect(acls.get('ENCPOL6')).toEqual(['deny udp any port = 848 any port = 848', 'permit ip 10.61.0.0 0.0.255.255 10.62.0.0 0.0.255.255',
      'deny tcp host 10.62.0.9 10.61.0.0 0.0.255.255 port = 22', 'permit ip 10.62.0.0 0.0.255.255 10.61.0.0 0.0.255.255']);
    expect(acls.get('VOICE6')).toEqual(['permit udp 10.63.1.0 0.0.0.255 host 10.64.0.1 port = 5060']);
    const ksAcl = policy.teks.flatMap((t) => acls.get(t.acl) ?? []);
    const ourVersion = /GET VPN software version: (\S+)/.exec(await show(ks, 'show version'))![1];
    // One GM through the one-shot CLI as well, the others through their open sessions.
    const views = await eachGm(async (g, i) => parseGm(i === 0 ? await oneShot(g, 'show crypto gdoi gm') : await show(g, 'show crypto gdoi gm')));
    for (const [i, view] of views.entries()) {
      expect(view.status).toBe('Registered');
      expect(view.registeredWith).toBe(KS_ADDR);
      expect(view.kekSpi).toBe(policy.kekSpi);
      expect([...view.tekSpis].sort()).toEqual(policy.teks.map((t) => t.spi).sort());
      expect(view.transforms).toEqual(policy.teks.map((t) => t.transform));
      expect(view.acl).toEqual(ksAcl);                       // denies too, in the KS's order
      expect(view.version, GM_NAMES[i]).toBe(i === 2 ? '1.0.1' : ourVersion);
    }
  });

  it('show crypto gdoi gm acl: the KS ACL with its denies, in order, then the local deny ACL', async () => {
    const acls = parseKsAcl(await show(ks, 'show crypto gdoi ks acl'));
    const ksAcl = [...acls.get('ENCPOL6')!, ...acls.get('VOICE6')!].map((l) => `   access-list   ${l}`);
    await eachGm(async (g, i) => {
      const out = (i === 1 ? await oneShot(g, 'show crypto gdoi gm acl') : await show(g, 'show crypto gdoi gm acl')).trimEnd().split('\n');
      expect(out.slice(0, 2)).toEqual(['Group Name: G', ` ACL Downloaded From KS ${KS_ADDR}:`]);
      expect(out.slice(2, 2 + ksAcl.length)).toEqual(ksAcl);
      expect(out.slice(2 + ksAcl.length)).toEqual(i === 0
        ? [' ACL Configured Locally:', '  Map Name: M6', '   access-list   deny ip host 10.61.0.5 any']
        : [' ACL Configured Locally:']);
    });
  });

  it('no show output or log line carries key material; ipsec sa shows selectors and SPIs only', async () => {
    const secrets = ksSecrets(`${dir}/state`);
    expect(secrets.length).toBe(3 * 5);   // KEK key, 2 TEKs x (cipher + HMAC key), each as hex, HEX and base64
    const policy = parseKsPolicy(await show(ks, 'show crypto gdoi ks policy'));
    const outputs: string[] = [];
    for (const c of ['show crypto gdoi', 'show crypto gdoi ks', 'show crypto gdoi ks members', 'show crypto gdoi ks policy', 'show crypto gdoi ks acl', 'show crypto isakmp sa', 'show logging']) {
      outputs.push(await show(ks, c));
    }
    await eachGm(async (g) => {
      const sa = await show(g, 'show crypto gdoi ipsec sa');
      expect(sa).toContain('SA created for group G:');
      expect(sa).toContain('local ident  = 10.61.0.0/255.255.0.0, port = 0');
      expect(sa).toContain('remote ident = 10.64.0.1/255.255.255.255, port = 5060');
      expect(sa).toMatch(/replay\(method\/window\): Time\/5 sec/);
      for (const t of policy.teks) expect(sa).toContain(`spi: ${t.spi}`);
      expect(sa).not.toMatch(/[0-9a-f]{16,}/i);        // no key-sized hex run at all
      outputs.push(sa);
      for (const c of ['show crypto gdoi', 'show crypto gdoi gm', 'show crypto isakmp sa', 'show logging']) outputs.push(await show(g, c));
    });
    for (const d of [ks, ...gms]) outputs.push(d.lines.join('\n'));
    const all = outputs.join('\n');
    for (const s of secrets) expect(all.includes(s), 'a key appears in show output or the log').toBe(false);
  });

  it('show crypto gdoi, show crypto gdoi ks and show crypto isakmp sa agree with the registrations', async () => {
    const gdoi = await show(ks, 'show crypto gdoi');
    expect(gdoi).toMatch(new RegExp(`Group Name\\s+: ${GROUP.name} \\(Unicast\\)`));
    expect(gdoi).toMatch(new RegExp(`Group Identity\\s+: ${GROUP.id}\\n`));
    expect(gdoi).toMatch(/Group Members\s+: 3\n/);
    expect(gdoi).toMatch(/IPSec SA Number\s+: 1\n[\s\S]*IPSec SA Number\s+: 2\n/);
    expect(gdoi).toMatch(/Replay method\s+: Time Based/);

    const summary = await show(ks, 'show crypto gdoi ks');
    expect(summary.split('\n')[0]).toBe('Total group members registered to this box: 3');
    expect(summary).toContain(`Key Server Information For Group ${GROUP.name}:`);
    expect(summary).toMatch(/ACL Configured:\n\s+access-list ENCPOL6\n\s+access-list VOICE6/);

    const ksSas = parseIsakmpSa(await show(ks, 'show crypto isakmp sa'));
    expect(ksSas.map((r) => r[1]).sort()).toEqual([...GM_ADDRS].sort());
    for (const r of ksSas) expect([r[0], r[2], r[4]]).toEqual([KS_ADDR, 'GDOI_IDLE', 'ACTIVE']);

    await eachGm(async (g, i) => {
      const gmGdoi = await show(g, 'show crypto gdoi');
      expect(gmGdoi.startsWith('GROUP INFORMATION\n')).toBe(true);
      expect(gmGdoi).toMatch(new RegExp(`Group Identity\\s+: ${GROUP.id}\\n`));
      expect(gmGdoi).toMatch(new RegExp(`Group Server list\\s+: ${KS_ADDR}`));
      expect(gmGdoi).toContain('Group Member Information For Group G:');
      expect(parseIsakmpSa(await show(g, 'show crypto isakmp sa'))).toEqual([[KS_ADDR, GM_ADDRS[i], 'GDOI_IDLE', expect.any(String), 'ACTIVE']]);
    });
  });

  it('show version names the role and the hostname', async () => {
    const v = await oneShot(ks, 'show version');
    expect(v).toMatch(/GDOI Key Server software, Version \d+\.\d+\.\d+/);
    expect(v).toMatch(/^ks6 uptime is \d+ day\(s\)/m);
    const gv = await show(gms[1]!, 'show version');
    expect(gv).toMatch(/GDOI Group Member software/);
    expect(gv).toMatch(/^gm6-2 uptime is/m);
  });

  it('output modifiers | include and | count work in one-shot form', async () => {
    const [inc, count, kek] = await Promise.all([
      oneShot(ks, 'show crypto gdoi ks members | include GM Version'),
      oneShot(ks, 'show crypto gdoi ks members | count GM State +: Registered'),
      oneShot(gms[0]!, 'sh cry gdoi gm | include KEK SPI'),
    ]);
    expect(inc.trimEnd().split('\n').map((l) => /^Group Member ID\s+: (\S+)/.exec(l)?.[1]).sort()).toEqual([...GM_ADDRS].sort());
    expect(count).toBe('Number of lines which match regexp = 3\n');
    expect(kek).toMatch(/^\s+KEK SPI\s+: 0x[0-9A-F]{32}\n$/);
  });

  it('the interactive CLI prompts with the hostname and runs commands with modifiers', async () => {
    const s = interactive(ks.control);
    try {
      await s.until('ks6#');
      expect(await s.run('show crypto gdoi ks members | count GM Version', 'ks6#')).toBe('Number of lines which match regexp = 3\n');
      expect(await s.run('show crypto gdoi ks | include Total', 'ks6#')).toBe('Total group members registered to this box: 3\n');
      expect(await s.run('show crypto gdoi gm', 'ks6#')).toContain("% Invalid input detected at '^' marker.");
      s.send('exit');
      expect(await s.exit).toBe(0);
    } finally {
      removeDir(s.home);
    }
    expect(await show(gms[2]!, 'show crypto gdoi gm | include Registration status')).toMatch(/^\s+Registration status\s+: Registered\n$/);
    expect(await show(gms[2]!, 'show crypto gdoi gm | count spi: 0x')).toBe('Number of lines which match regexp = 2\n');
  });

  it('answers an unknown command and an unknown group with a non-zero exit status', async () => {
    const [bad, noGroup, gmNoGroup] = await Promise.all([
      ks.cli('show crypto gdoi bogus'), ks.cli('show crypto gdoi group NOSUCH'), gms[0]!.cli('show crypto gdoi group NOSUCH'),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("% Invalid input detected at '^' marker.");
    for (const r of [noGroup, gmNoGroup]) {
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^% .*NOSUCH/);
    }
    for (const d of [ks, ...gms]) expect(d.exited).toBeUndefined();
  });
});
