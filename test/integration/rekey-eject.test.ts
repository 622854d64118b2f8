// A GM that stops answering (SIGSTOP): the KS retransmits each rekey to it per `rekey
// retransmit 2 number 2`, counts a missed ack per rekey, and after three removes it
// (KS_NACK_GM_EJECT) while the other two keep acking. Real processes on 127.0.7.x.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort, startDaemon, stopAll, type DaemonProcess } from '../helpers/daemons.ts';
import { gmConfig, ksConfig } from '../helpers/rekey-configs.ts';
import { ask, ksMembers, num } from '../helpers/rekey-show.ts';

const KS = '127.0.7.1';
const GMS = ['127.0.7.11', '127.0.7.12', '127.0.7.13'];
let ks: DaemonProcess;
let gms: DaemonProcess[];

const show = ask;
/** The operator's commands go through the real `gdoi` CLI. */
const cli = async (d: DaemonProcess, cmd: string) => {
  const r = await d.cli(cmd);
  expect(r.code, `${d.name}: ${cmd}\n${r.err}`).toBe(0);
  return r.out;
};

beforeAll(async () => {
  const port = await freeUdpPort(KS);
  // TEK lifetime 120 s: no scheduled rekey during the test, only the operator's.
  ks = startDaemon('ks', 'ks-eject', ksConfig(KS, [{ tekLifetime: 120, retransmit: [2, 2] }]), { port });
  await ks.waitFor(/KS_STARTED/);
  gms = GMS.map((a, i) => startDaemon('gm', `gm${i + 1}-eject`, gmConfig({ name: `gm${i + 1}`, address: a, servers: [KS] }), { port }));
  await Promise.all(gms.map((g) => g.waitFor(/GM_REGS_COMPL/)));
});

afterAll(async () => {
  for (const g of gms ?? []) if (g.exited === undefined) g.proc.kill('SIGKILL');
  await stopAll();
});

describe('unicast rekeys to a stopped GM', () => {
  it('retransmits twice per rekey, counts a missed ack per rekey, removes the GM after the third', async () => {
    const [gm1, gm2, gm3] = gms as [DaemonProcess, DaemonProcess, DaemonProcess];
    await expect.poll(async () => ksMembers(await show(ks, 'show crypto gdoi ks members')).size, { timeout: 10_000 }).toBe(3);
    gm3.proc.kill('SIGSTOP');
    const row = async () => ksMembers(await show(ks, 'show crypto gdoi ks members')).get(GMS[2]!);
    for (let i = 1; i <= 3; i++) {
      const out = await cli(ks, 'crypto gdoi ks rekey');
      const seq = Number(/Rekey sent for group GETVPN with seq # (\d+)/.exec(out)![1]);
      expect(seq).toBe(i);
      await Promise.all([gm1, gm2].map((g) => g.waitFor(new RegExp(`GM_RECV_REKEY: .* with seq # ${seq}$`))));
      if (i === 3) break;
      // Send, retransmit at +2 s and +4 s, give up at +6 s: one missed ack.
      await expect.poll(async () => (await row())?.missed, { timeout: 20_000, interval: 500 }).toBe(i);
      expect(await row()).toEqual({ sent: i, retries: 2 * i, acks: 0, missed: i });
      const rekey = await show(ks, 'show crypto gdoi ks rekey');
      expect(num(rekey, 'Retransmits')).toBe(2 * i);
      expect(num(rekey, 'Acks outstanding')).toBe(0);
      expect(num(rekey, 'Acknowledgements rcvd')).toBe(2 * i);
    }
    const eject = await ks.waitFor(/%GDOI-3-KS_NACK_GM_EJECT/, 20_000);
    expect(eject).toContain(`KS has not received an ack from GM ${GMS[2]} in group GETVPN for 3 rekeys. GM ejected from the group.`);
    const members = ksMembers(await cli(ks, 'show crypto gdoi ks members'));
    expect([...members.keys()].sort()).toEqual(GMS.slice(0, 2));
    for (const a of GMS.slice(0, 2)) expect(members.get(a)).toEqual({ sent: 3, retries: 0, acks: 3, missed: 0 });
    const rekey = await show(ks, 'show crypto gdoi ks rekey');
    expect(num(rekey, 'Retransmits')).toBe(6);
    expect(num(rekey, 'Acknowledgements rcvd')).toBe(6);
    expect(num(await show(ks, 'show crypto gdoi ks'), 'Group Members')).toBe(2);

    // The next rekey goes to the two members only.
    const out = await cli(ks, 'crypto gdoi ks rekey');
    expect(out).toContain('seq # 4');
    await expect.poll(async () => num(await show(ks, 'show crypto gdoi ks rekey'), 'Acknowledgements rcvd'), { timeout: 10_000 }).toBe(8);
    expect(num(await show(ks, 'show crypto gdoi ks rekey'), 'Acks outstanding')).toBe(0);
    expect(gm3.count(/GM_RECV_REKEY/)).toBe(0);
  });
});
