// GM re-registration when no rekey comes (shared/policy/timing.ts reRegisterAt, gm/registration.ts):
// the documented window is 20-50 % of the KS's rekey lead before the TEK expires, so always
// after the KS's own rekey point, spread by jitter; and failover down the `server address` list.
import { describe, expect, it } from 'vitest';
import { reRegisterAt, rekeyLeadSec } from '../../../shared/policy/timing.ts';
import { seededRandom } from '../../../shared/time/clock.ts';
import { RekeyRig, T0, count } from '../../helpers/rekey-rig.ts';
import { ksConfig } from '../../helpers/rekey-configs.ts';

const S = 1000;
const KS = '127.0.7.1';

function window(expiresAt: number, lifetimeSec: number): { lo: number; hi: number; ksRekeyAt: number } {
  const lead = rekeyLeadSec(lifetimeSec) * S;
  return { lo: expiresAt - 0.5 * lead, hi: expiresAt - 0.2 * lead, ksRekeyAt: expiresAt - lead };
}

describe('reRegisterAt jitter', () => {
  for (const life of [10, 120, 3600, 86400]) {
    it(`stays in the window and spreads evenly over 2000 seeds (TEK lifetime ${life} s)`, () => {
      const exp = T0 + life * S;
      const { lo, hi, ksRekeyAt } = window(exp, life);
      const at = Array.from({ length: 2000 }, (_, i) => reRegisterAt(exp, life, T0, seededRandom(`jitter-${life}-${i}`)));
      for (const a of at) {
        expect(a).toBeGreaterThanOrEqual(lo);
        expect(a).toBeLessThanOrEqual(hi);
        expect(a).toBeGreaterThan(ksRekeyAt);            // a GM never races the KS's scheduled rekey
        expect(a).toBeLessThan(exp);
      }
      const span = hi - lo;
      expect(Math.min(...at) - lo).toBeLessThan(0.01 * span);
      expect(hi - Math.max(...at)).toBeLessThan(0.01 * span);
      // Ten equal buckets each get 10 % +- 3 %: no clumping that would bring GMs in at once.
      const buckets = new Array(10).fill(0) as number[];
      for (const a of at) buckets[Math.min(9, Math.floor(((a - lo) / span) * 10))]!++;
      for (const b of buckets) expect(Math.abs(b / at.length - 0.1)).toBeLessThan(0.03);
    });
  }

  it('never schedules in the past or within a second when the TEK is about to expire', () => {
    for (let i = 0; i < 200; i++) {
      const now = T0 + 3599 * S;
      expect(reRegisterAt(T0 + 3600 * S, 3600, now, seededRandom(i))).toBe(now + S);
    }
  });
});

describe('Registration re-registers before the TEK expires when no rekey comes', () => {
  it('20 GMs with their own random sources pick spread times inside the window, then re-register', async () => {
    const r = new RekeyRig();
    await r.startKs(KS, ksConfig(KS, [{ tekLifetime: 600, noRekeyKey: true }]));   // no rekey key: no rekeys at all
    for (let i = 0; i < 20; i++) r.addGm(`gm${i}`, `127.0.7.${100 + i}`, [KS]);
    await r.advance(0);
    const tek = r.group().policy.teks[0]!;
    const { lo, hi } = window(tek.expiresAt, 600);
    const times = r.gms.map((g) => {
      expect(g.reg.state).toBe('REGISTERED');
      expect(g.reg.sas.kek).toBeUndefined();
      return g.reg.reRegisterAt!;
    });
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(lo);
      expect(t).toBeLessThanOrEqual(hi);
    }
    expect(new Set(times).size).toBe(20);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(0.3 * (hi - lo));

    await r.advanceTo(Math.min(...times) - 1);
    expect(r.gms.map((g) => count(g.lines, /GM_RE_REGISTER/))).toEqual(new Array(20).fill(0));
    await r.advanceTo(Math.max(...times));
    for (const g of r.gms) {
      expect(count(g.lines, /%GDOI-4-GM_RE_REGISTER/)).toBe(1);
      expect(g.reg.counters.succeeded).toBe(2);
      expect(g.reg.state).toBe('REGISTERED');
    }
    expect(r.ks.ks.stats.registrations).toBe(40);
  });

  it('without a rekey key the KS still makes TEKs in time: GMs re-register once per lifetime, never with a dead TEK', async () => {
    const r = new RekeyRig();
    await r.startKs(KS, ksConfig(KS, [{ tekLifetime: 600, noRekeyKey: true }]));
    for (let i = 0; i < 5; i++) r.addGm(`gm${i}`, `127.0.7.${100 + i}`, [KS]);
    await r.advance(0);
    for (let life = 1; life <= 4; life++) {
      await r.advanceTo(T0 + life * 600 * S);
      const newest = r.group().policy.teks.reduce((a, b) => (a.createdAt >= b.createdAt ? a : b));
      expect(newest.expiresAt).toBeGreaterThan(r.clock.now());
      for (const g of r.gms) {
        expect(g.reg.counters.succeeded).toBe(life + 1);               // one re-registration per TEK lifetime
        expect(g.reg.state).toBe('REGISTERED');
        expect(g.reg.sas.activeTeks().map((t) => t.spi)).toEqual([newest.spi]);
        expect(g.reg.sas.teks.every((t) => t.expiresAt > r.clock.now())).toBe(true);
      }
    }
    for (const g of r.gms) expect(count(g.lines, /GM_REGS_FAIL/)).toBe(0);
  });

  it('fails over to the next configured server when the first does not answer', async () => {
    const r = new RekeyRig();
    await r.startKs(KS, ksConfig(KS));
    const g = r.addGm('gm1', '127.0.7.11', ['127.0.7.2', KS]);     // nothing listens on 127.0.7.2
    await r.advance(0);
    expect(g.reg.state).toBe('PHASE1');
    await r.advance(60 * S);
    expect(g.lines.find((l) => l.includes('GM_REGS_FAIL'))).toContain('127.0.7.2');
    expect(g.reg.state).toBe('REGISTERED');
    expect(g.reg.registeredWith).toBe(KS);
    expect(g.lines.filter((l) => l.includes('GM_REGS_COMPL'))).toEqual([expect.stringContaining(`Registration to KS ${KS} complete for group GETVPN`)]);
    // Main mode went to the dead server first, with retransmits, before the live one.
    const mmTo = r.net.ofExchange(2).filter((d) => d.from === '127.0.7.11').map((d) => d.to);
    expect(mmTo.indexOf(KS)).toBeGreaterThan(2);
    expect(mmTo.slice(0, mmTo.indexOf(KS)).every((a) => a === '127.0.7.2')).toBe(true);
  });
});
