// Multicast rekeys between real processes (`rekey address ipv4 ACL`, no `rekey transport
// unicast`): the GMs join 239.192.7.1 on loopback, one datagram per rekey reaches all three,
// nobody acks, and the KS repeats it per `rekey retransmit 2 number 2`. The test process joins
// the group too, as an observer, to see that the rekey really travels to the group address.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort, startDaemon, stopAll, type DaemonProcess } from '../helpers/daemons.ts';
import { gmConfig, ksConfig } from '../helpers/rekey-configs.ts';
import { ask, field, ksPolicy, num, tekSpis } from '../helpers/rekey-show.ts';

const KS = '127.0.7.1';
const MCAST = '239.192.7.1';
const GMS = ['127.0.7.11', '127.0.7.12', '127.0.7.13'];
let ks: DaemonProcess;
let gms: DaemonProcess[];
let observer: Socket;
const seen: Array<{ from: string; data: Buffer }> = [];

beforeAll(async () => {
  const port = await freeUdpPort(KS);
  observer = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((res) => observer.bind(port, MCAST, () => res()));
  observer.addMembership(MCAST, '127.0.7.99');
  observer.on('message', (data, r) => seen.push({ from: r.address, data }));
  ks = startDaemon('ks', 'ks-mcast', ksConfig(KS, [{ tekLifetime: 16, retransmit: [2, 2], multicast: MCAST }]), { port });
  await ks.waitFor(/KS_STARTED/);
  gms = GMS.map((a, i) => startDaemon('gm', `gm${i + 1}-mcast`, gmConfig({ name: `gm${i + 1}`, address: a, servers: [KS] }), { port }));
  await Promise.all(gms.map((g) => g.waitFor(/GM_REGS_COMPL/)));
});

afterAll(async () => {
  observer?.close();
  await stopAll();
});

const recv = (seq: number) => new RegExp(`%GDOI-5-GM_RECV_REKEY: Received Rekey for group GETVPN from 127\\.0\\.7\\.1 to \\S+ with seq # ${seq}$`);

async function expectAllOnNewest(seq: number): Promise<number> {
  await Promise.all(gms.map((g) => g.waitFor(recv(seq), 20_000)));
  const [ksOut, ...gmOuts] = await Promise.all([ask(ks, 'show crypto gdoi ks policy'), ...gms.map((g) => ask(g, 'show crypto gdoi gm'))]);
  const policy = ksPolicy(ksOut!);
  expect(policy.seq).toBe(seq);
  for (const gm of gmOuts) {
    expect(field(gm, 'Rekey Transport Type')).toBe('Multicast');
    expect(num(gm, 'Last rekey seq num')).toBe(seq);
    expect(num(gm, 'Rekey ACKs sent')).toBe(0);
    expect(field(gm, 'KEK SPI')).toBe(`0x${policy.kekSpi}`);
    const spis = tekSpis(gm.slice(gm.indexOf('TEK POLICY')));
    expect(spis).toContain(policy.newest);
    for (const s of spis) expect(policy.spis).toContain(s);
  }
  return policy.newest;
}

describe('multicast rekeys: 1 KS + 3 GM processes on loopback', () => {
  it('every GM joins the group and takes each rekey from one multicast datagram, without acks', async () => {
    const policy0 = ksPolicy(await ask(ks, 'show crypto gdoi ks policy'));
    expect(await ask(ks, 'show crypto gdoi ks policy')).toContain('KEK POLICY (transport type : Multicast)');
    const cli = await ks.cli('crypto gdoi ks rekey');
    expect(cli.code).toBe(0);
    const base = Number(/seq # (\d+)/.exec(cli.out)![1]);
    const tek1 = await expectAllOnNewest(base);
    // The CLI answered only after the rekey was sent; the KS's log line follows on its own pipe.
    await ks.waitFor(new RegExp(`%GDOI-5-KS_SEND_MCAST_REKEY: Sending Multicast Rekey for group GETVPN from address ${KS.replace(/\./g, '\\.')} to ${MCAST.replace(/\./g, '\\.')} with seq # ${base}$`), 5000);
    // The scheduled rekey 11 s later, also by multicast.
    const tek2 = await expectAllOnNewest(base + 1);
    expect(tek2).not.toBe(tek1);

    // The observer saw each rekey on the group address (plus 2 retransmits each), from the KS,
    // as a GROUPKEY-PUSH under the group's KEK.
    const pushes = seen.filter((d) => d.from === KS && d.data[18] === 33);
    expect(pushes.length).toBeGreaterThanOrEqual(3 * 2 - 2);          // the last retransmits may still be on their way
    expect(pushes.every((d) => d.data.subarray(0, 16).toString('hex').toUpperCase() === policy0.kekSpi)).toBe(true);

    const rekey = await ask(ks, 'show crypto gdoi ks rekey');
    expect(num(rekey, 'Acknowledgements rcvd')).toBe(0);
    expect(num(rekey, 'Acks outstanding')).toBe(0);
    for (const g of gms) {
      const out = await ask(g, 'show crypto gdoi gm');
      expect(num(out, 'Multicast rekey received')).toBe(base + 1);
      expect(g.count(/GM_REGS_COMPL/)).toBe(1);
    }
    // The retransmitted copies carry a SEQ already taken: each GM drops them as replays.
    await Promise.all(gms.map((g) => g.waitFor(new RegExp(`GM_REKEY_REJECT: .*replayed seq # ${base}$`))));
  });
});
