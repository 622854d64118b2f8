// Unicast rekeys with RFC 8263 acks, retransmits per `rekey retransmit S number N`, removal
// after three consecutive missed acks (KS_NACK_GM_EJECT); multicast rekeys to the group the
// GMs joined. In-process KS and GMs on a MemoryNetwork, ManualClock, no sleeping.
import { describe, expect, it } from 'vitest';
import { RekeyRig, acceptedSeqs, count } from '../../helpers/rekey-rig.ts';
import { ksConfig, type KsGroupOpts } from '../../helpers/rekey-configs.ts';
import { ExchangeType } from '../../../shared/wire/registry.ts';

const KS = '127.0.7.1';
const GMS = ['127.0.7.11', '127.0.7.12', '127.0.7.13'];
const [GM1, , GM3] = GMS as [string, string, string];
const MCAST = '239.192.7.1';
const S = 1000;

async function rig(group: KsGroupOpts): Promise<RekeyRig> {
  const r = new RekeyRig();
  await r.startKs(KS, ksConfig(KS, [{ tekLifetime: 3600, ...group }]));
  GMS.forEach((a, i) => r.addGm(`gm${i + 1}`, a, [KS]));
  await r.advance(S);
  return r;
}

const pushesTo = (r: RekeyRig, to: string) => r.net.ofExchange(ExchangeType.GROUPKEY_PUSH, to).length;
const acksFrom = (r: RekeyRig, from: string) => r.net.ofExchange(ExchangeType.GROUPKEY_PUSH_ACK).filter((d) => d.from === from).length;

async function operatorRekey(r: RekeyRig): Promise<number> {
  const seq = await r.ks.rekeyer.rekey(r.group(), { newTeks: true, newKek: false, reason: 'operator' });
  await r.advance(0);
  return seq!;
}

describe('unicast rekey acks and retransmits', () => {
  it('retransmits only to the GM that has not acked, every S seconds, N times, then counts one missed ack', async () => {
    const r = await rig({ retransmit: [5, 3] });
    r.net.down.add(GM3);
    await operatorRekey(r);
    expect(GMS.map((a) => pushesTo(r, a))).toEqual([1, 1, 1]);
    expect([acksFrom(r, GMS[0]!), acksFrom(r, GMS[1]!), acksFrom(r, GM3)]).toEqual([1, 1, 0]);
    expect(r.ks.rekeyer.pendingFor(7001)!.waiting).toEqual(new Set([GM3]));

    await r.advance(5 * S - 1);
    expect(GMS.map((a) => pushesTo(r, a))).toEqual([1, 1, 1]);
    await r.advance(1);
    expect(GMS.map((a) => pushesTo(r, a))).toEqual([1, 1, 2]);
    await r.advance(10 * S);
    expect(GMS.map((a) => pushesTo(r, a))).toEqual([1, 1, 4]);    // +5, +10, +15: three retransmits
    const m3 = () => r.group().members.get(GM3)!;
    expect(m3().acksMissed).toBe(0);                                // the last wait is still running
    await r.advance(5 * S);
    expect(m3()).toMatchObject({ acksMissed: 1, consecutiveMissed: 1, rekeysSent: 1, rekeyRetries: 3 });
    expect(r.group().members.get(GM1)).toMatchObject({ acksReceived: 1, acksMissed: 0, lastAckedSeq: 1 });
    expect(r.group().counters).toMatchObject({ rekeysSent: 1, acksReceived: 2, retransmits: 3, lastRekeyRetransmits: 3 });
    expect(r.ks.rekeyer.pendingFor(7001)).toBeUndefined();
    await r.advance(60 * S);
    expect(pushesTo(r, GM3)).toBe(4);                               // no more after N retransmits
  });

  it('a GM whose ack was lost acknowledges the retransmission again, so it is not counted missing', async () => {
    const r = await rig({ retransmit: [5, 2] });
    let lost = 0;
    r.net.lose = (d) => d.from === GM3 && d.data[18] === ExchangeType.GROUPKEY_PUSH_ACK && lost++ === 0;
    const seq = await operatorRekey(r);
    expect(acksFrom(r, GM3)).toBe(1);                               // sent, but lost on the way
    expect(r.ks.rekeyer.pendingFor(7001)!.waiting).toEqual(new Set([GM3]));
    await r.advance(5 * S);                                         // KS retransmits the same bytes
    expect(pushesTo(r, GM3)).toBe(2);
    expect(acksFrom(r, GM3)).toBe(2);                               // GM re-acks the duplicate
    expect(r.ks.rekeyer.pendingFor(7001)).toBeUndefined();
    expect(r.group().members.get(GM3)).toMatchObject({ acksReceived: 1, acksMissed: 0, lastAckedSeq: seq });
  });

  it('stops retransmitting as soon as the late GM acks a retransmit', async () => {
    const r = await rig({ retransmit: [5, 3] });
    r.net.down.add(GM3);
    await operatorRekey(r);
    await r.advance(3 * S);
    r.net.down.delete(GM3);                                         // the GM comes back
    await r.advance(2 * S);                                         // first retransmit reaches it
    expect(pushesTo(r, GM3)).toBe(2);
    expect(acksFrom(r, GM3)).toBe(1);
    await r.advance(30 * S);
    expect(pushesTo(r, GM3)).toBe(2);
    expect(r.group().members.get(GM3)).toMatchObject({ acksReceived: 1, acksMissed: 0, consecutiveMissed: 0, rekeyRetries: 1 });
    expect(acceptedSeqs(r.gms[2]!.lines)).toEqual([1]);
  });

  it('removes a GM after three consecutive rekeys without an ack (KS_NACK_GM_EJECT) and stops sending to it', async () => {
    const r = await rig({ retransmit: [2, 2] });
    r.net.down.add(GM3);
    for (let i = 1; i <= 2; i++) {
      await operatorRekey(r);
      await r.advance(6 * S);
      expect(r.group().members.get(GM3)!.consecutiveMissed).toBe(i);
      expect(count(r.ks.lines, /KS_NACK_GM_EJECT/)).toBe(0);
    }
    await operatorRekey(r);
    await r.advance(6 * S - 1);
    expect(r.group().members.has(GM3)).toBe(true);
    await r.advance(1);
    expect(r.group().members.has(GM3)).toBe(false);
    expect(r.ks.lines.filter((l) => l.includes('KS_NACK_GM_EJECT'))).toEqual([
      expect.stringContaining(`%GDOI-3-KS_NACK_GM_EJECT: KS has not received an ack from GM ${GM3} in group GETVPN for 3 rekeys. GM ejected from the group.`),
    ]);
    expect(pushesTo(r, GM3)).toBe(9);                               // 3 rekeys x (1 + 2 retransmits)
    await operatorRekey(r);
    expect(GMS.map((a) => pushesTo(r, a))).toEqual([4, 4, 9]);
    expect([...r.group().members.keys()].sort()).toEqual([GMS[0], GMS[1]]);
  });

  it('a rekey sent before the previous one stopped retransmitting counts the unacked GM as missed', async () => {
    const r = await rig({ retransmit: [5, 3] });                      // a 20 s retransmit window
    r.net.down.add(GM3);
    const m3 = () => r.group().members.get(GM3);
    await operatorRekey(r);
    await r.advance(6 * S);                                         // one retransmit so far
    expect(pushesTo(r, GM3)).toBe(2);
    await operatorRekey(r);
    expect(m3()).toMatchObject({ acksMissed: 1, consecutiveMissed: 1 });
    await r.advance(6 * S);
    await operatorRekey(r);
    expect(m3()).toMatchObject({ acksMissed: 2, consecutiveMissed: 2 });
    expect(pushesTo(r, GM3)).toBe(5);                               // superseded rekeys are not retransmitted any more
    await r.advance(20 * S - 1);
    expect(m3()).toBeDefined();
    await r.advance(1);
    expect(m3()).toBeUndefined();
    expect(count(r.ks.lines, /KS_NACK_GM_EJECT: .* 127\.0\.7\.13 .* for 3 rekeys/)).toBe(1);
    for (const a of GMS.slice(0, 2)) expect(r.group().members.get(a)).toMatchObject({ acksReceived: 3, acksMissed: 0 });
  });

  it('an ack in between resets the count: two missed, one acked, two missed is no removal', async () => {
    const r = await rig({ retransmit: [2, 2] });
    const round = async (down: boolean) => {
      if (down) r.net.down.add(GM3); else r.net.down.delete(GM3);
      await operatorRekey(r);
      await r.advance(6 * S);
    };
    await round(true);
    await round(true);
    await round(false);
    expect(r.group().members.get(GM3)).toMatchObject({ consecutiveMissed: 0, acksMissed: 2, acksReceived: 1 });
    await round(true);
    await round(true);
    expect(r.group().members.get(GM3)).toMatchObject({ consecutiveMissed: 2, acksMissed: 4, acksReceived: 1 });
    expect(count(r.ks.lines, /KS_NACK_GM_EJECT/)).toBe(0);
  });
});

describe('multicast rekeys', () => {
  it('GMs join the KEK group; one datagram per rekey reaches all three; no acks; N retransmits every S seconds', async () => {
    const r = await rig({ multicast: MCAST, retransmit: [5, 2] });
    for (const g of r.gms) {
      expect(g.reg.sas.kek!).toMatchObject({ transport: 'multicast', dst: MCAST, ackRequested: false });
      expect([...g.gm.multicastGroups]).toEqual([`${MCAST}:848`]);
    }
    expect(r.net.members(MCAST, 848).sort()).toEqual(GMS);

    const seq = await operatorRekey(r);
    expect(pushesTo(r, MCAST)).toBe(1);
    expect(GMS.map((a) => pushesTo(r, a))).toEqual([0, 0, 0]);
    expect(r.ks.lines.at(-1)).toContain(`%GDOI-5-KS_SEND_MCAST_REKEY: Sending Multicast Rekey for group GETVPN from address ${KS} to ${MCAST} with seq # ${seq}`);
    const tek = r.group().policy.teks.at(-1)!;
    for (const g of r.gms) {
      expect(acceptedSeqs(g.lines)).toEqual([seq]);
      expect(g.reg.sas.activeTeks().map((t) => t.spi)).toEqual([tek.spi]);
    }
    expect(r.net.ofExchange(ExchangeType.GROUPKEY_PUSH_ACK)).toEqual([]);

    await r.advance(5 * S - 1);
    expect(pushesTo(r, MCAST)).toBe(1);
    await r.advance(1);
    expect(pushesTo(r, MCAST)).toBe(2);
    await r.advance(20 * S);
    expect(pushesTo(r, MCAST)).toBe(3);
    expect(r.group().counters).toMatchObject({ rekeysSent: 1, retransmits: 2 });
    // The copies are the same SEQ: each GM drops them as replays and keeps its SAs.
    for (const g of r.gms) {
      expect(count(g.lines, new RegExp(`GM_REKEY_REJECT: .*replayed seq # ${seq}`))).toBe(2);
      expect(g.reg.sas.seq).toBe(seq);
      expect([...g.gm.multicastGroups]).toEqual([`${MCAST}:848`]);    // joined once
    }
    expect(r.net.members(MCAST, 848).length).toBe(3);
  });

  it('scheduled multicast rekeys keep every GM on the same TEK', async () => {
    const r = await rig({ multicast: MCAST, tekLifetime: 600 });
    await r.advance(3 * 540 * S);
    const tek = r.group().policy.teks.at(-1)!;
    for (const g of r.gms) {
      expect(acceptedSeqs(g.lines)).toEqual([1, 2, 3]);
      expect(g.reg.sas.activeTeks().map((t) => t.spi)).toEqual([tek.spi]);
      expect(g.reg.counters.succeeded).toBe(1);
    }
  });
});
