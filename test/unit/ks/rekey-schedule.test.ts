// When the KS rekeys (ks/rekey.ts schedule, shared/policy/timing.ts), on the injected clock:
// TEK rekeys at expiry - rekeyLeadSec, KEK rekeys before the KEK expires, TBAR every 7200 s,
// SEQ strictly increasing across every kind of rekey and across a KS restart.
import { describe, expect, it } from 'vitest';
import { RekeyRig, T0, acceptedSeqs } from '../../helpers/rekey-rig.ts';
import { ksConfig, type KsGroupOpts } from '../../helpers/rekey-configs.ts';
import { rekeyLeadSec, TBAR_REKEY_PERIOD_SEC } from '../../../shared/policy/timing.ts';
import { ExchangeType } from '../../../shared/wire/registry.ts';
import { MemoryStore } from '../../../ks/store.ts';

const KS = '127.0.7.1';
const GMS = ['127.0.7.11', '127.0.7.12', '127.0.7.13'];
const S = 1000;

async function rig(group: KsGroupOpts): Promise<RekeyRig> {
  const r = new RekeyRig();
  await r.startKs(KS, ksConfig(KS, [group]));
  GMS.forEach((a, i) => r.addGm(`gm${i + 1}`, a, [KS]));
  await r.advance(0);
  for (const g of r.gms) expect(g.reg.state).toBe('REGISTERED');
  return r;
}

/** Times (s after T0) at which the KS sent PUSHes, one entry per rekey (not per GM). */
function pushTimes(sentAt: Map<number, number>): number[] {
  return [...new Set([...sentAt.values()])].sort((a, b) => a - b);
}

/** Records the clock time of every PUSH the KS sends. */
function watchPushes(r: RekeyRig): Map<number, number> {
  const at = new Map<number, number>();
  const send = r.ks.ks.transport!.send.bind(r.ks.ks.transport!);
  r.ks.ks.transport!.send = (data, address, port) => {
    if (data[18] === ExchangeType.GROUPKEY_PUSH) at.set(at.size, (r.clock.now() - T0) / S);
    send(data, address, port);
  };
  return at;
}

const activeSpis = (r: RekeyRig) => r.gms.map((g) => g.reg.sas.activeTeks().map((t) => t.spi));
const newestKsTek = (r: RekeyRig) => r.group().policy.teks.reduce((a, b) => (a.createdAt >= b.createdAt ? a : b));

describe('KS rekey schedule (ManualClock, in-process KS and 3 GMs)', () => {
  it('sends the TEK rekey at TEK expiry minus rekeyLeadSec, and every GM switches to the new TEK', async () => {
    const r = await rig({ tekLifetime: 3600 });
    const pushes = watchPushes(r);
    const lead = rekeyLeadSec(3600);
    expect(lead).toBe(300);
    const first = r.group().policy.teks[0]!;
    expect(r.ks.ks.wheel.when('rekey:7001')).toBe(first.expiresAt - lead * S);

    await r.advanceTo(T0 + (3600 - lead) * S - 1);
    expect(pushes.size).toBe(0);
    expect(activeSpis(r)).toEqual([[first.spi], [first.spi], [first.spi]]);

    await r.advance(1);
    expect(pushTimes(pushes)).toEqual([3300]);
    expect(pushes.size).toBe(3);                               // one copy per GM (unicast)
    const fresh = newestKsTek(r);
    expect(fresh.spi).not.toBe(first.spi);
    expect(activeSpis(r)).toEqual([[fresh.spi], [fresh.spi], [fresh.spi]]);
    for (const g of r.gms) expect(acceptedSeqs(g.lines)).toEqual([1]);
    // The old TEK stays installed until it expires, then ages out.
    for (const g of r.gms) expect(g.reg.sas.teks.map((t) => t.spi).sort()).toEqual([first.spi, fresh.spi].sort());
    await r.advanceTo(first.expiresAt);
    for (const g of r.gms) expect(g.reg.sas.teks.map((t) => t.spi)).toEqual([fresh.spi]);

    // The next rekey comes one (lifetime - lead) after the new TEK was made.
    expect(r.ks.ks.wheel.when('rekey:7001')).toBe(fresh.expiresAt - lead * S);
    await r.advanceTo(T0 + 2 * 3300 * S);
    expect(pushTimes(pushes)).toEqual([3300, 6600]);
    for (const g of r.gms) expect(acceptedSeqs(g.lines)).toEqual([1, 2]);
    expect(activeSpis(r)[0]).toEqual([newestKsTek(r).spi]);
  });

  it('rekeys the KEK before it expires; the new KEK encrypts the following rekeys', async () => {
    const r = await rig({ tekLifetime: 3600, kekLifetime: 1200 });
    const pushes = watchPushes(r);
    const kek0 = r.group().policy.kek!;
    const kekLead = rekeyLeadSec(1200);
    expect(kekLead).toBe(120);
    expect(r.ks.ks.wheel.when('rekey:7001')).toBe(kek0.expiresAt - kekLead * S);

    await r.advanceTo(T0 + 1080 * S - 1);
    expect(pushes.size).toBe(0);
    await r.advance(1);
    const kek1 = r.group().policy.kek!;
    expect(kek1.spi.equals(kek0.spi)).toBe(false);
    const kekPush = r.net.ofExchange(ExchangeType.GROUPKEY_PUSH).at(-1)!;
    expect(kekPush.data.subarray(0, 16).equals(kek0.spi)).toBe(true);   // sent under the KEK the GMs held
    for (const g of r.gms) {
      expect(g.reg.sas.kek!.spi.equals(kek1.spi)).toBe(true);
      expect(g.reg.sas.previousKek!.spi.equals(kek0.spi)).toBe(true);
    }
    // KEK rekeys every (lifetime - lead) = 1080 s; the TEK rekey at 3300 s goes under the newest KEK.
    await r.advanceTo(T0 + 3300 * S);
    expect(pushTimes(pushes)).toEqual([1080, 2160, 3240, 3300]);
    const last = r.net.ofExchange(ExchangeType.GROUPKEY_PUSH).at(-1)!;
    expect(last.data.subarray(0, 16).equals(r.group().policy.kek!.spi)).toBe(true);
    for (const g of r.gms) {
      expect(acceptedSeqs(g.lines)).toEqual([1, 2, 3, 4]);
      expect(g.reg.sas.kek!.spi.equals(r.group().policy.kek!.spi)).toBe(true);
      expect(g.reg.sas.activeTeks().map((t) => t.spi)).toEqual([newestKsTek(r).spi]);
    }
  });

  it('sends one rekey carrying a new KEK and new TEKs when both fall due together', async () => {
    const r = await rig({ tekLifetime: 600, kekLifetime: 1200 });   // TEK rekeys at 540, 1080; KEK at 1080
    const pushes = watchPushes(r);
    const kek0 = r.group().policy.kek!;
    await r.advanceTo(T0 + 1080 * S);
    expect(pushTimes(pushes)).toEqual([540, 1080]);
    expect(pushes.size).toBe(6);
    const tek = newestKsTek(r);
    expect((tek.createdAt - T0) / S).toBe(1080);
    for (const g of r.gms) {
      expect(acceptedSeqs(g.lines)).toEqual([1, 2]);
      expect(g.reg.sas.kek!.spi.equals(kek0.spi)).toBe(false);
      expect(g.reg.sas.kek!.spi.equals(r.group().policy.kek!.spi)).toBe(true);
      expect(g.reg.sas.activeTeks().map((t) => t.spi)).toEqual([tek.spi]);
    }
  });

  it('with TBAR (replay time window-size 5) rekeys every 7200 s although the TEK lives 86400 s', async () => {
    expect(TBAR_REKEY_PERIOD_SEC).toBe(7200);
    const r = await rig({ tekLifetime: 86400, tbar: 5 });
    const pushes = watchPushes(r);
    await r.advanceTo(T0 + 7200 * S - 1);
    expect(pushes.size).toBe(0);
    await r.advanceTo(T0 + 4 * 7200 * S);
    expect(pushTimes(pushes)).toEqual([7200, 14400, 21600, 28800]);
    for (const g of r.gms) {
      expect(acceptedSeqs(g.lines)).toEqual([1, 2, 3, 4]);
      expect(g.reg.sas.activeTeks().map((t) => t.spi)).toEqual([newestKsTek(r).spi]);
      expect(g.reg.sas.activeTeks()[0]!.replay).toEqual({ kind: 'time', window: 5 });
    }
    // The same lifetime with counter replay: the first rekey only at 86400 - 300 s.
    const c = await rig({ tekLifetime: 86400 });
    expect(c.ks.ks.wheel.when('rekey:7001')! - T0).toBe((86400 - 300) * S);
  });

  it('numbers every rekey (TEK, KEK, operator) with a strictly increasing SEQ, also across a KS restart', async () => {
    const store = new MemoryStore();
    const r = new RekeyRig();
    await r.startKs(KS, ksConfig(KS, [{ tekLifetime: 600, kekLifetime: 400 }]), store);
    GMS.forEach((a, i) => r.addGm(`gm${i + 1}`, a, [KS]));
    await r.advance(0);
    await r.ks.rekeyer.rekey(r.group(), { newTeks: true, newKek: false, reason: 'operator' });
    await r.advance(1500 * S);                                  // KEK rekeys at 360 s steps, TEK rekeys at 540 s steps
    const before = r.group().policy.seq;
    expect(before).toBeGreaterThanOrEqual(6);

    // Restart: a new KeyServer + KsRekeyer restored from the same store.
    await r.killKs();
    await r.advance(5 * S);
    await r.startKs(KS, ksConfig(KS, [{ tekLifetime: 600, kekLifetime: 400 }]), store);
    expect(r.group().policy.seq).toBe(before);
    await r.ks.rekeyer.rekey(r.group(), { newTeks: true, newKek: false, reason: 'operator' });
    await r.advance(600 * S);
    for (const g of r.gms) {
      const seqs = acceptedSeqs(g.lines);
      expect(seqs.length).toBeGreaterThanOrEqual(8);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));          // 1, 2, 3, ... no gap, no repeat
      expect(g.lines.filter((l) => l.includes('GM_REKEY_REJECT'))).toEqual([]);
      expect(g.reg.counters.succeeded).toBe(1);                   // never re-registered
    }
    expect(r.group().policy.seq).toBe(acceptedSeqs(r.gms[0]!.lines).at(-1));
  });
});
