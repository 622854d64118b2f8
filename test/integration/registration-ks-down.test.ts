// Issue #5 acceptance: a GM whose key server is down retransmits main mode with growing gaps,
// logs GM_REGS_FAIL, waits, tries again, and registers as soon as the key server starts.
// A plain UDP socket stands in for the dead KS first, so the retransmit times are measured
// on the wire rather than inferred from the GM's log.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort, removeDir, startDaemon, stopAll, tempDir, type DaemonProcess } from '../helpers/daemons.ts';
import { gmConfig, ksConfig, oneShot, parseGm, parseMembers, type Phase1Auth } from './registration-fixtures.ts';

const PSK: Phase1Auth = { kind: 'psk', key: 'ks-down-six' };
const KS = '127.0.6.2';
const GM = '127.0.6.31';
let dir: string;
let port: number;
let gm: DaemonProcess;
let deadKs: Socket;
/** Arrival times (ms) of the GM's datagrams at the dead KS's address, and their initiator cookies. */
const arrivals: Array<{ at: number; icookie: string }> = [];

beforeAll(async () => {
  dir = tempDir('reg6-ksdown');
  port = await freeUdpPort(KS);
  deadKs = createSocket('udp4');
  deadKs.on('message', (m) => arrivals.push({ at: Date.now(), icookie: m.subarray(0, 8).toString('hex') }));
  await new Promise<void>((r) => deadKs.bind(port, KS, () => r()));
  gm = startDaemon('gm', 'gm6-31', gmConfig({ name: 'gm6-31', address: GM, auth: PSK, servers: [KS] }), { port, dir });
});

afterAll(async () => {
  await new Promise<void>((r) => { try { deadKs.close(() => r()); } catch { r(); } });
  await stopAll();
  removeDir(dir);
});

describe('key server down', () => {
  it('the GM retransmits with backoff, logs GM_REGS_FAIL, then starts a new attempt', async () => {
    const fail = await gm.waitFor(/%GDOI-4-GM_REGS_FAIL/, 40_000);
    expect(fail).toMatch(new RegExp(`Registration to KS ${KS.replace(/\./g, '\\.')} failed for group G using address ${GM.replace(/\./g, '\\.')}: no answer from KS`));
    const failedAt = Date.now();
    const first = arrivals.filter((a) => a.icookie === arrivals[0]!.icookie);
    // The first main-mode message and four retransmits of it, the gaps doubling (1, 2, 4, 8 s
    // less up to 25 % jitter) so a dead KS is not hammered.
    expect(first).toHaveLength(5);
    const gaps = first.slice(1).map((a, i) => a.at - first[i]!.at);
    for (const [i, g] of gaps.entries()) {
      const nominal = 1000 * 2 ** i;
      expect(g, `gap ${i}: ${gaps.join(', ')}`).toBeGreaterThanOrEqual(nominal * 0.75 - 150);
      expect(g, `gap ${i}: ${gaps.join(', ')}`).toBeLessThanOrEqual(nominal + 1500);
    }
    expect(gaps[3]!).toBeGreaterThan(gaps[0]! * 3);
    // The next attempt comes after a pause, with a fresh exchange (new initiator cookie).
    while (arrivals.length === first.length) {
      expect(Date.now() - failedAt, 'no new attempt within 5 s').toBeLessThan(5_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    const retry = arrivals[first.length]!;
    expect(retry.icookie).not.toBe(first[0]!.icookie);
    expect(retry.at - first.at(-1)!.at).toBeGreaterThan(1000);
    for (const t = Date.now(); gm.count(/%CRYPTO-5-GM_REGSTER/) < 2 && Date.now() - t < 5_000;) await new Promise((r) => setTimeout(r, 20));
    expect(gm.count(/%CRYPTO-5-GM_REGSTER/)).toBe(2);
    const view = parseGm(await oneShot(gm, 'show crypto gdoi gm'));
    expect(view.status).not.toBe('Registered');
    expect(gm.exited).toBeUndefined();
  }, 45_000);

  it('registers once the key server starts', async () => {
    await new Promise<void>((r) => deadKs.close(() => r()));
    const ks = startDaemon('ks', 'ks6-2', ksConfig({ auth: PSK, address: KS }), { port, dir });
    await ks.waitFor(/%GDOI-5-KS_STARTED/, 20_000);
    expect(await gm.waitFor(/%GDOI-5-GM_REGS_COMPL/, 20_000)).toContain(`Registration to KS ${KS} complete`);
    const members = parseMembers(await oneShot(ks, 'show crypto gdoi ks members'));
    expect(members.map((m) => m.address)).toEqual([GM]);
    const view = parseGm(await oneShot(gm, 'show crypto gdoi gm'));
    expect(view.status).toBe('Registered');
    expect(gm.exited).toBeUndefined();
  }, 45_000);
});
