// Unicast rekeys between real processes: one gdoi-ks and three gdoi-gm on 127.0.7.x, TEK
// lifetime 10 s (rekey every 8 s), `rekey retransmit 2 number 2`. After each scheduled rekey
// all three GMs hold the KS's new TEK and the KS counts their acks; a GM that is stopped
// (SIGSTOP) is retransmitted to and removed after three rekeys without an ack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort, startDaemon, stopAll, type DaemonProcess } from '../helpers/daemons.ts';
import { gmConfig, ksConfig } from '../helpers/rekey-configs.ts';
import { field, ksMembers, ksPolicy, num, tekSpis } from '../helpers/rekey-show.ts';

const KS = '127.0.7.1';
const GMS = ['127.0.7.11', '127.0.7.12', '127.0.7.13'];
let ks: DaemonProcess;
let gms: DaemonProcess[];

const show = async (d: DaemonProcess, cmd: string) => {
  const r = await d.cli(cmd);
  expect(r.code, `${d.name}: ${cmd}\n${r.err}`).toBe(0);
  return r.out;
};
const recvRekey = (seq: number) => new RegExp(`%GDOI-5-GM_RECV_REKEY: Received Rekey for group GETVPN from ${KS.replace(/\./g, '\\.')} to \\S+ with seq # ${seq}$`);

beforeAll(async () => {
  const port = await freeUdpPort(KS);
  ks = startDaemon('ks', 'ks-rekey', ksConfig(KS, [{ tekLifetime: 10, retransmit: [2, 2] }]), { port });
  await ks.waitFor(/KS_STARTED/);
  gms = GMS.map((a, i) => startDaemon('gm', `gm${i + 1}-rekey`, gmConfig({ name: `gm${i + 1}`, address: a, servers: [KS] }), { port }));
  await Promise.all(gms.map((g) => g.waitFor(/GM_REGS_COMPL/)));
});

afterAll(async () => {
  for (const g of gms ?? []) if (g.exited === undefined) g.proc.kill('SIGCONT');
  await stopAll();
});

/** After rekey `seq` reached all running GMs: each holds the KS's newest TEK, and only that or the one before. */
async function expectSameNewTek(seq: number, running: DaemonProcess[], previous: number[]): Promise<number> {
  await Promise.all(running.map((g) => g.waitFor(recvRekey(seq), 20_000)));
  const policy = ksPolicy(await show(ks, 'show crypto gdoi ks policy'));
  expect(policy.seq).toBe(seq);
  expect(previous).not.toContain(policy.newest);
  for (const g of running) {
    const gm = await show(g, 'show crypto gdoi gm');
    expect(num(gm, 'Last rekey seq num')).toBe(seq);
    expect(field(gm, 'KEK SPI')).toBe(`0x${policy.kekSpi}`);
    const spis = tekSpis(await show(g, 'show crypto gdoi ipsec sa'));
    expect(spis, g.name).toContain(policy.newest);
    for (const s of spis) expect([policy.newest, ...previous]).toContain(s);   // the old TEK may not have aged out yet
  }
  return policy.newest;
}

describe('unicast rekeys: 1 KS + 3 GM processes', () => {
  it('after each scheduled rekey all three GMs hold the same new TEK and every ack is counted', async () => {
    const first = tekSpis(await show(gms[0]!, 'show crypto gdoi ipsec sa'));
    expect(first).toHaveLength(1);
    for (const g of gms.slice(1)) expect(tekSpis(await show(g, 'show crypto gdoi ipsec sa'))).toEqual(first);

    const tek1 = await expectSameNewTek(1, gms, first);
    await ks.waitFor(/KS_SEND_UNICAST_REKEY: Sending Unicast Rekey for group GETVPN from address 127\.0\.7\.1 with seq # 1$/);
    const tek2 = await expectSameNewTek(2, gms, [tek1]);
    expect(tek2).not.toBe(tek1);

    // Acks: counted per rekey and per member (RFC 8263), nothing outstanding, no retransmits needed.
    await expect.poll(async () => num(await show(ks, 'show crypto gdoi ks rekey'), 'Acknowledgements rcvd'), { timeout: 5000 }).toBe(6);
    const rekey = await show(ks, 'show crypto gdoi ks rekey');
    expect(num(rekey, 'Rekeys sent')).toBe(2);
    expect(num(rekey, 'Acks outstanding')).toBe(0);
    expect(num(rekey, 'Acks rejected')).toBe(0);
    const members = ksMembers(await show(ks, 'show crypto gdoi ks members'));
    expect([...members.keys()].sort()).toEqual(GMS);
    for (const a of GMS) expect(members.get(a)).toMatchObject({ sent: 2, acks: 2, missed: 0 });
    for (const g of gms) {
      const gm = await show(g, 'show crypto gdoi gm rekey');
      expect(num(gm, 'Rekeys received')).toBe(2);
      expect(num(gm, 'Rekey ACKs sent')).toBe(2);
      expect(num(gm, 'Rekeys rejected')).toBe(0);
      expect(g.count(/GM_REGS_COMPL/)).toBe(1);                   // rekeys, not re-registrations
    }
  });

  it('retransmits to a stopped GM and removes it after three rekeys without an ack', async () => {
    const [gm1, gm2, gm3] = gms as [DaemonProcess, DaemonProcess, DaemonProcess];
    gm3.proc.kill('SIGSTOP');
    const before = ksMembers(await show(ks, 'show crypto gdoi ks members')).get(GMS[2]!)!;
    // Three operator rekeys, each followed by its full retransmit window (2 s x 2, then the last wait).
    for (let i = 1; i <= 3; i++) {
      const out = await show(ks, 'crypto gdoi ks rekey');
      const seq = Number(/seq # (\d+)/.exec(out)![1]);
      await Promise.all([gm1, gm2].map((g) => g.waitFor(recvRekey(seq))));
      if (i < 3) {
        await expect.poll(async () => ksMembers(await show(ks, 'show crypto gdoi ks members')).get(GMS[2]!)?.missed, { timeout: 15_000, interval: 500 }).toBe(before.missed + i);
        const m3 = ksMembers(await show(ks, 'show crypto gdoi ks members')).get(GMS[2]!)!;
        expect(m3.retries).toBe(before.retries + 2 * i);          // `rekey retransmit 2 number 2`
        expect(m3.sent).toBe(before.sent + i);
      }
    }
    await ks.waitFor(new RegExp(`%GDOI-3-KS_NACK_GM_EJECT: KS has not received an ack from GM ${GMS[2]!.replace(/\./g, '\\.')} in group GETVPN for 3 rekeys`), 15_000);
    const members = ksMembers(await show(ks, 'show crypto gdoi ks members'));
    expect([...members.keys()].sort()).toEqual(GMS.slice(0, 2));
    for (const a of GMS.slice(0, 2)) expect(members.get(a)).toMatchObject({ missed: 0, acks: 5 });
    const rekey = await show(ks, 'show crypto gdoi ks rekey');
    expect(num(rekey, 'Retransmits')).toBeGreaterThanOrEqual(6);
    expect(num(rekey, 'Acks outstanding')).toBe(0);
    expect(num(await show(ks, 'show crypto gdoi ks'), 'Group Members')).toBe(2);
    gm3.proc.kill('SIGKILL');
  });
});
