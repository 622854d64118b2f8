// The KS killed with SIGKILL and restarted from its state directory: it keeps its keys, SEQ
// and members (ks/store.ts, written before each rekey is sent), so its next scheduled rekey
// continues the SEQ, every GM accepts and acks it, and nobody re-registers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort, startDaemon, stopAll, type DaemonProcess } from '../helpers/daemons.ts';
import { gmConfig, ksConfig } from '../helpers/rekey-configs.ts';
import { ask, ksMembers, ksPolicy, num, tekSpis } from '../helpers/rekey-show.ts';
import { parseState } from '../../ks/store.ts';

const KS = '127.0.7.1';
const GMS = ['127.0.7.11', '127.0.7.12', '127.0.7.13'];
// TEK lifetime 20 s: the KS rekeys every 15 s, and GMs would re-register only after that.
const CONFIG = ksConfig(KS, [{ tekLifetime: 20, retransmit: [2, 2] }]);
let port: number;
let ks: DaemonProcess;
let gms: DaemonProcess[];

beforeAll(async () => {
  port = await freeUdpPort(KS);
  ks = startDaemon('ks', 'ks-restart', CONFIG, { port });
  await ks.waitFor(/KS_STARTED/);
  gms = GMS.map((a, i) => startDaemon('gm', `gm${i + 1}-restart`, gmConfig({ name: `gm${i + 1}`, address: a, servers: [KS] }), { port }));
  await Promise.all(gms.map((g) => g.waitFor(/GM_REGS_COMPL/)));
});

afterAll(async () => { await stopAll(); });

const recv = (seq: number) => new RegExp(`%GDOI-5-GM_RECV_REKEY: Received Rekey for group GETVPN from 127\\.0\\.7\\.1 to \\S+ with seq # ${seq}$`);

describe('KS restart from its state directory', () => {
  it('after SIGKILL and restart, the next scheduled rekey continues the SEQ and every GM takes it without re-registering', async () => {
    const cli = await ks.cli('crypto gdoi ks rekey');
    expect(cli.code).toBe(0);
    const seq = Number(/seq # (\d+)/.exec(cli.out)![1]);
    await Promise.all(gms.map((g) => g.waitFor(recv(seq))));
    const saved = parseState(readFileSync(join(ks.dir, 'state', 'state.json'), 'utf8'));
    expect(saved.groups[0]!.policy.seq).toBe(seq);
    expect(saved.groups[0]!.members.map((m) => m.address).sort()).toEqual(GMS);
    const kekBefore = ksPolicy(await ask(ks, 'show crypto gdoi ks policy')).kekSpi;

    await ks.stop('SIGKILL');
    expect(ks.exited).toBeNull();                                    // killed, not exited
    const ks2 = startDaemon('ks', 'ks-restart', CONFIG, { port, dir: ks.dir });
    await ks2.waitFor(/KS_STARTED/);
    expect(ks2.count(/KEY_GENERATED/)).toBe(0);                      // the rekey key came from the state directory
    const restored = await ask(ks2, 'show crypto gdoi ks policy');
    expect(ksPolicy(restored)).toMatchObject({ seq, kekSpi: kekBefore });
    expect([...ksMembers(await ask(ks2, 'show crypto gdoi ks members')).keys()].sort()).toEqual(GMS);

    // The next rekey is the scheduled one, 15 s after the operator's: SEQ continues.
    await Promise.all(gms.map((g) => g.waitFor(recv(seq + 1), 30_000)));
    // The KS's own line may reach us after the GMs' (each daemon's stdout is its own pipe).
    await ks2.waitFor(new RegExp(`KS_SEND_UNICAST_REKEY: Sending Unicast Rekey for group GETVPN from address ${KS.replace(/\./g, '\\.')} with seq # ${seq + 1}$`), 5000);
    const policy = ksPolicy(await ask(ks2, 'show crypto gdoi ks policy'));
    expect(policy.seq).toBe(seq + 1);
    for (const g of gms) {
      const out = await ask(g, 'show crypto gdoi gm');
      expect(num(out, 'Last rekey seq num')).toBe(seq + 1);
      expect(tekSpis(out.slice(out.indexOf('TEK POLICY')))).toContain(policy.newest);
      expect(g.count(/GM_REGS_COMPL/)).toBe(1);                     // no re-registration
      expect(g.count(/GM_REGSTER/)).toBe(1);                         // the one registration at start only
      expect(g.count(/GM_RE_REGISTER/)).toBe(0);
      expect(g.count(/GM_REKEY_REJECT/)).toBe(0);
    }
    await expect.poll(async () => num(await ask(ks2, 'show crypto gdoi ks rekey'), 'Acknowledgements rcvd'), { timeout: 10_000 }).toBe(3);
    const members = ksMembers(await ask(ks2, 'show crypto gdoi ks members'));
    for (const a of GMS) expect(members.get(a)).toMatchObject({ missed: 0 });
  });
});
