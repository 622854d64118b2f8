// Unicast rekeys between real processes: one gdoi-ks and three gdoi-gm on 127.0.7.x, TEK
// lifetime 16 s (the KS rekeys 5 s before expiry: every 11 s), `rekey retransmit 2 number 2`.
// After each rekey all three GMs hold the KS's new TEK and the KS counts their acks.
// (rekey-eject.test.ts: a stopped GM is retransmitted to and removed.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort, startDaemon, stopAll, type DaemonProcess } from '../helpers/daemons.ts';
import { gmConfig, ksConfig } from '../helpers/rekey-configs.ts';
import { ask, field, ksMembers, ksPolicy, num, tekSpis } from '../helpers/rekey-show.ts';

const KS = '127.0.7.1';
const GMS = ['127.0.7.11', '127.0.7.12', '127.0.7.13'];
let ks: DaemonProcess;
let gms: DaemonProcess[];

const show = ask;
const recvRekey = (seq: number) => new RegExp(`%GDOI-5-GM_RECV_REKEY: Received Rekey for group GETVPN from ${KS.replace(/\./g, '\\.')} to \\S+ with seq # ${seq}$`);

beforeAll(async () => {
  const port = await freeUdpPort(KS);
  ks = startDaemon('ks', 'ks-rekey', ksConfig(KS, [{ tekLifetime: 16, retransmit: [2, 2] }]), { port });
  await ks.waitFor(/KS_STARTED/);
  gms = GMS.map((a, i) => startDaemon('gm', `gm${i + 1}-rekey`, gmConfig({ name: `gm${i + 1}`, address: a, servers: [KS] }), { port }));
  await Promise.all(gms.map((g) => g.waitFor(/GM_REGS_COMPL/)));
});

afterAll(async () => { await stopAll(); });

/** After rekey `seq` reached all running GMs: each holds the KS's newest TEK (not one of `previous`), and no TEK the KS does not have. */
async function expectSameNewTek(seq: number, running: DaemonProcess[], previous: number[]): Promise<number> {
  await Promise.all(running.map((g) => g.waitFor(recvRekey(seq), 20_000)));
  // One round in parallel: the machine may be slow, and the next rekey is 11 s away.
  const [ksOut, ...gmOuts] = await Promise.all([show(ks, 'show crypto gdoi ks policy'), ...running.map((g) => show(g, 'show crypto gdoi gm'))]);
  // The rekey carried the ACL's deny ACE too; with the outgoing TEK still installed, each ACE shows once.
  for (const acl of await Promise.all(running.map((g) => show(g, 'show crypto gdoi gm acl')))) {
    expect(acl.split('\n').filter((l) => l.includes('access-list'))).toEqual([
      '   access-list   deny udp any port = 848 any port = 848', '   access-list   permit ip 10.1.0.0 0.0.255.255 10.99.0.0 0.0.255.255']);
  }
  const policy = ksPolicy(ksOut!);
  expect(policy.seq).toBe(seq);
  expect(previous).not.toContain(policy.newest);
  for (const gm of gmOuts) {
    expect(num(gm, 'Last rekey seq num')).toBe(seq);
    expect(field(gm, 'KEK SPI')).toBe(`0x${policy.kekSpi}`);
    const spis = tekSpis(gm.slice(gm.indexOf('TEK POLICY')));
    expect(spis).toContain(policy.newest);
    for (const s of spis) expect(policy.spis).toContain(s);                  // older TEKs that have not aged out yet
  }
  return policy.newest;
}

describe('unicast rekeys: 1 KS + 3 GM processes', () => {
  it('after each rekey (one by the operator, then two scheduled) all three GMs hold the same new TEK; every ack is counted', async () => {
    const [ipsec, ksRekey, ksRows, ...gmRekey] = await Promise.all([show(gms[0]!, 'show crypto gdoi ipsec sa'), show(ks, 'show crypto gdoi ks rekey'),
      show(ks, 'show crypto gdoi ks members'), ...gms.map((g) => show(g, 'show crypto gdoi gm rekey'))]);
    const first = tekSpis(ipsec!);
    const acks0 = num(ksRekey!, 'Acknowledgements rcvd');
    const rows0 = ksMembers(ksRows!);
    const gm0 = gmRekey.map((o) => num(o, 'Rekeys received'));
    // The operator rekey (through the real CLI) starts a fresh TEK; the scheduled ones follow it every 11 s.
    const cli = await ks.cli('crypto gdoi ks rekey');
    expect(cli.code).toBe(0);
    const out = cli.out;
    const base = Number(/Rekey sent for group GETVPN with seq # (\d+)/.exec(out)![1]);
    const tek1 = await expectSameNewTek(base, gms, first);
    await ks.waitFor(new RegExp(`KS_SEND_UNICAST_REKEY: Sending Unicast Rekey for group GETVPN from address 127\\.0\\.7\\.1 with seq # ${base}$`));
    const t1 = Date.now();
    const tek2 = await expectSameNewTek(base + 1, gms, [tek1]);
    const tek3 = await expectSameNewTek(base + 2, gms, [tek2]);
    expect(new Set([tek1, tek2, tek3]).size).toBe(3);
    expect(Date.now() - t1).toBeGreaterThan(20_000);                 // two scheduled periods of 11 s, not sooner

    // Acks: counted per rekey and per member (RFC 8263), nothing outstanding, no retransmits needed.
    await expect.poll(async () => num(await show(ks, 'show crypto gdoi ks rekey'), 'Acknowledgements rcvd'), { timeout: 5000 }).toBe(acks0 + 9);
    const rekey = await show(ks, 'show crypto gdoi ks rekey');
    expect(num(rekey, 'Rekeys sent')).toBe(base + 2);
    expect(num(rekey, 'Last rekey seq num')).toBe(base + 2);
    expect(num(rekey, 'Acks outstanding')).toBe(0);
    expect(num(rekey, 'Acks rejected')).toBe(0);
    const members = ksMembers(await show(ks, 'show crypto gdoi ks members'));
    expect([...members.keys()].sort()).toEqual(GMS);
    for (const a of GMS) expect(members.get(a)).toMatchObject({ sent: rows0.get(a)!.sent + 3, acks: rows0.get(a)!.acks + 3, missed: 0 });
    for (const [i, g] of gms.entries()) {
      const gm = await show(g, 'show crypto gdoi gm rekey');
      expect(num(gm, 'Rekeys received')).toBe(gm0[i]! + 3);
      expect(num(gm, 'Rekey ACKs sent')).toBe(gm0[i]! + 3);
      expect(num(gm, 'Rekeys rejected')).toBe(0);
      expect(num(gm, 'Last rekey seq num')).toBe(base + 2);
    }
    for (const g of gms) {
      expect(g.count(/GM_REGS_COMPL/)).toBe(1);                   // rekeys, not re-registrations
      expect(g.count(/GM_RE_REGISTER/)).toBe(0);
    }
  });
});
