// The best ratio a registration can reach on Node's crypto and UDP APIs on this machine, for
// issue 5's target (registrations per KS CPU-second >= 0.5 x DH operations per CPU-second).
// A KS must at least, per PSK registration: one DH (the ceiling's operation), the symmetric
// crypto of six encrypted messages (bench/floor/crypto-set.ts: six CBC operations, ten HMACs,
// two hashes, at a real registration's sizes), and five datagrams in and five out
// (bench/floor/udp-echo.ts: an echo server's CPU per request/answer pair, on the KS's core).
// Nothing else: no decoding, no state, no logging. floor = DH + symmetric + 5 x UDP pair;
// best possible ratio = DH / floor. Measured per CPU-second, in the same run, core 0 (the KS's
// core in bench:register), with the asking side on core 1.
//   npx tsx bench/register-floor.ts     writes bench/results/register-floor.json
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { haveTaskset } from './load/ks-process.ts';
import { readCpu } from './load/proc.ts';
import { runTs, startTs, stopEverything, stopOnSignals, untrack } from './load/procs.ts';
import { machineParams } from './load/machine.ts';

const PINNED = cpus().length >= 2 && haveTaskset();
const KS_CPU = PINNED ? 0 : undefined;
const ASK_CPU = PINNED ? 1 : undefined;
const PAIRS = 60_000;
const INFLIGHT = 48;
const DATAGRAMS_EACH_WAY = 5;   // main mode 1, 3, 5 and PULL 1, 3 in; 2, 4, 6 and PULL 2, 4 out
const SIZE = 200;

interface CryptoSet { group: number; dhUs: number; symUs: number; sizes: number[] }

async function udpPairUs(): Promise<number> {
  let resolvePort: (p: number) => void = () => {};
  const port = new Promise<number>((r) => { resolvePort = r; });
  const echo = startTs('bench/floor/udp-echo.ts', ['echo', '127.0.0.1', '0'], (l) => { try { resolvePort((JSON.parse(l) as { port: number }).port); } catch { /* not JSON */ } }, { cpu: KS_CPU });
  try {
    const p = await port;
    await runTs('bench/floor/udp-echo.ts', ['ask', '127.0.0.1', String(p), '5000', String(INFLIGHT), String(SIZE)], { cpu: ASK_CPU });   // warm-up
    const best: number[] = [];
    for (let r = 0; r < 3; r++) {
      const c0 = readCpu(echo.proc.pid!);
      await runTs('bench/floor/udp-echo.ts', ['ask', '127.0.0.1', String(p), String(PAIRS), String(INFLIGHT), String(SIZE)], { cpu: ASK_CPU });
      const c1 = readCpu(echo.proc.pid!);
      best.push(((c1.user + c1.system - c0.user - c0.system) * 1e6) / PAIRS);
    }
    return Math.min(...best);
  } finally {
    await untrack(echo);
  }
}

async function cryptoSet(group: number): Promise<CryptoSet> {
  const lines = await runTs('bench/floor/crypto-set.ts', ['--group', String(group)], { cpu: KS_CPU });
  return JSON.parse(lines[lines.length - 1]!) as CryptoSet;
}

const r1 = (v: number) => Math.round(v * 10) / 10;
const r3 = (v: number) => Math.round(v * 1000) / 1000;

async function main(): Promise<void> {
  stopOnSignals();
  const load0 = loadavg();
  const udpUs = await udpPairUs();
  const sets = [await cryptoSet(14), await cryptoSet(19)];
  const metrics: Record<string, { value: number; unit: string }> = {};
  const put = (k: string, value: number, unit: string) => { metrics[k] = { value, unit }; };
  put('udp_pair_us', r1(udpUs), 'us of echo-server CPU per datagram in + datagram out (loopback, 200 octets)');
  let measured: Record<string, { value: number }> | undefined;
  try { measured = (JSON.parse(readFileSync(fileURLToPath(new URL('./results/register.json', import.meta.url)), 'utf8')) as { metrics: Record<string, { value: number }> }).metrics; } catch { measured = undefined; }
  const rows: string[] = [];
  for (const s of sets) {
    const floor = s.dhUs + s.symUs + DATAGRAMS_EACH_WAY * udpUs;
    const p = `group${s.group}_`;
    put(`${p}dh_us`, r1(s.dhUs), 'us CPU: dhExchange, fresh key pair + shared secret (the ceiling operation)');
    put(`${p}symmetric_us`, r1(s.symUs), `us CPU: 6 AES-256-CBC operations (${s.sizes.join(', ')} octets), 10 HMAC-SHA256, 2 SHA-256`);
    put(`${p}floor_us`, r1(floor), 'us CPU per registration: DH + symmetric + 5 datagram pairs, nothing else');
    put(`${p}best_ratio`, r3(s.dhUs / floor), 'registrations per CPU-s at the floor / DH operations per CPU-s');
    const got = measured?.[`${p}ratio_per_cpu_s`]?.value;
    rows.push(`group ${s.group}: DH ${r1(s.dhUs)} us + symmetric ${r1(s.symUs)} us + 5 x UDP ${r1(udpUs)} us = ${r1(floor)} us -> best possible ratio ${r3(s.dhUs / floor)}${got !== undefined ? ` (bench:register PSK measured ${got})` : ''}`);
  }
  const g19 = sets.find((s) => s.group === 19)!;
  const floor19 = g19.dhUs + g19.symUs + DATAGRAMS_EACH_WAY * udpUs;
  const result = {
    name: 'register-floor',
    date: new Date().toISOString(),
    params: {
      ...machineParams(load0),
      pinning: PINNED ? 'crypto and echo server taskset -c 0 (the KS core), asking side taskset -c 1' : 'none',
      what: 'lower bound of a PSK registration\'s KS CPU on Node\'s APIs: DH + symmetric crypto + 5 datagrams each way; no codec, no state, no logging',
      crypto: 'best of 10 rounds of 150 ms, CPU time per operation (bench/floor/crypto-set.ts)',
      udp: `${PAIRS} request/answer pairs, ${INFLIGHT} in flight from ${INFLIGHT} addresses, best of 3 runs, echo server utime+stime from /proc (bench/floor/udp-echo.ts)`,
    },
    metrics,
    ceiling: { value: Math.round(1e6 / g19.dhUs), unit: 'DH keygen+compute per CPU-s, group 19', how: 'bench/floor/crypto-set.ts on core 0, this run' },
    ratio: r3(g19.dhUs / floor19),
  };
  const out = fileURLToPath(new URL('./results/register-floor.json', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${rows.join('\n')}\nWritten to ${out}\n`);
}

main().then(() => stopEverything()).catch(async (e) => {
  process.stderr.write(`bench register-floor failed: ${(e as Error)?.stack ?? e}\n`);
  await stopEverything();
  process.exit(1);
});
