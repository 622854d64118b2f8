// Main-mode benchmark (issue 4): IKEv1 main modes per second between two processes on loopback,
// a real gdoi-ks responder and an initiator process driving many MainModeInitiators at once,
// for PSK + group 14 and PSK + group 19 (AES-256, SHA-256). In the same run it measures the
// crypto ceiling of a responder, one DH keygen + compute per exchange on one core, and reports
// ratio = exchanges per responder CPU-second / DH ops per CPU-second (1.0 = the responder does
// nothing but its DH). strongSwan's charon scores 0.22 (group 14) and 0.24 (group 19) on the
// same measure (shared/reference/perf-anchor.md).
//   npm run bench:main-mode                 writes bench/results/main-mode.json, prints a table
//   npm run bench:main-mode -- --profile    also profiles the responder's measured window (V8
//                                           sampling profiler in a KeyServer process) and prints top costs
//   npm run bench:main-mode -- --profile-only   just the profiles (no result file)
import { spawn, type ChildProcess } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KsProcess, ksConfig, pin } from './load/ks-process.ts';
import { readCpu } from './load/proc.ts';
import { KeyServer } from '../ks/key-server.ts';
import { loadSigningKeys } from '../ks/signing-keys.ts';
import { parseConfig } from '../shared/config/index.ts';
import { Syslog } from '../shared/log/syslog.ts';
import { MainModeInitiator, type MainModeConfig } from '../shared/exchanges/main-mode.ts';
import { dhExchange, generateDh, type DhGroupId, type DhKeyPair } from '../shared/crypto/dh.ts';
import { UdpTransport } from '../shared/transport/udp.ts';
import { systemClock, systemRandom } from '../shared/time/clock.ts';
import { OUR_VERSION, defaultFeatureBits } from '../shared/policy/version.ts';

const KS_ADDR = '127.0.4.200';
const INITIATOR_ADDR = '127.0.4.201';
const PSK = 'bench-main-mode-psk';
const GROUPS: DhGroupId[] = [14, 19];
const CONCURRENCY = 128;
const WARMUP_MS = 1000;
const MEASURE_MS = 5000;
const SELF = fileURLToPath(import.meta.url);

// ---- initiator process -------------------------------------------------------------------------

interface InitiatorReport { completed: number; failed: number; retransmits: number; cpu: number }

/**
 * Keeps CONCURRENCY main modes in flight from one socket, starting a new one as each ends.
 * The initiator reuses one DH key pair (one compute per exchange instead of keygen + compute):
 * a load-generator shortcut that leaves the responder's work unchanged and spares the shared
 * machine's second core.
 */
async function runInitiator(port: number, group: DhGroupId): Promise<void> {
  const t = await UdpTransport.bind(INITIATOR_ADDR, 0, { recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
  const pair: DhKeyPair = generateDh(group);
  const cfg: MainModeConfig = {
    policies: [{ cipher: 'aes-256-cbc', hash: 'sha256', auth: 'psk', group, lifetime: 86400 }],
    credentials: { psk: () => Buffer.from(PSK), trustedCas: [], identity: 'address' },
    localAddress: INITIATOR_ADDR, doi: 2, version: OUR_VERSION, features: defaultFeatureBits(OUR_VERSION),
    clock: systemClock, random: systemRandom, dh: () => pair,
  };
  const live = new Map<string, { mm: MainModeInitiator; sentAt: number; tries: number }>();
  const report: InitiatorReport = { completed: 0, failed: 0, retransmits: 0, cpu: 0 };
  const launch = () => {
    const mm = new MainModeInitiator(cfg, KS_ADDR, port);
    const m1 = mm.start();
    live.set(mm.icookie.toString('hex'), { mm, sentAt: Date.now(), tries: 0 });
    t.send(m1, KS_ADDR, port);
  };
  t.onMessage((d) => {
    const key = d.data.subarray(0, 8).toString('hex');
    const e = live.get(key);
    if (!e) return;
    const step = e.mm.process(d.data);
    if (step.duplicate) return;
    if (step.sa || step.failure || !step.reply) {
      live.delete(key);
      if (step.sa) report.completed++; else report.failed++;
      launch();
      return;
    }
    e.sentAt = Date.now();
    e.tries = 0;
    t.send(step.reply, KS_ADDR, port);
  });
  // Lost datagrams (full socket buffers) would stall a slot: resend after 1 s, give up after 3.
  setInterval(() => {
    const now = Date.now();
    for (const [key, e] of live) {
      if (now - e.sentAt < 1000) continue;
      if (++e.tries > 3) { live.delete(key); report.failed++; launch(); continue; }
      report.retransmits++;
      e.sentAt = now;
      t.send(e.mm.lastSent!, KS_ADDR, port);
    }
  }, 200).unref();
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'start') for (let i = 0; i < CONCURRENCY; i++) launch();
    if (m.cmd === 'mark') {
      const u = process.cpuUsage();
      process.send!({ ...report, cpu: (u.user + u.system) / 1e6 });
    }
    if (m.cmd === 'stop') void t.close().then(() => process.exit(0));
  });
  process.send!({ ready: true });
}

// ---- crypto ceiling ---------------------------------------------------------------------------

/**
 * One responder's DH per exchange as gdoi-ks makes it (dhExchange: a fresh key pair and one
 * shared secret with a fixed peer value, one ECDH engine per curve), the cheapest form the code
 * base has. Rated per CPU-second of this thread, the same unit as the responder figure, so other
 * load on the shared machine cancels out; the best of several rounds is kept.
 */
function dhCeiling(group: DhGroupId): { perCpuSecond: number; perWallSecond: number } {
  const peer = generateDh(group).publicValue;
  const op = (): void => { dhExchange(group, peer); };
  for (let i = 0; i < 50; i++) op();
  let bestCpu = 0, bestWall = 0;
  for (let r = 0; r < 8; r++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    let n = 0;
    while (performance.now() - w0 < 150) { op(); op(); n += 2; }
    const c = process.cpuUsage(c0);
    bestCpu = Math.max(bestCpu, n / ((c.user + c.system) / 1e6));
    bestWall = Math.max(bestWall, n / ((performance.now() - w0) / 1000));
  }
  return { perCpuSecond: bestCpu, perWallSecond: bestWall };
}

// ---- one measured case ------------------------------------------------------------------------

interface CaseResult {
  group: DhGroupId;
  exchanges: number;
  failed: number;
  retransmits: number;
  seconds: number;
  ratePerSecond: number;
  responderCpuSeconds: number;
  perResponderCpuSecond: number;
  responderCpuMsPerExchange: number;
  initiatorCpuSeconds: number;
  ceiling: { perCpuSecond: number; perWallSecond: number };
  ratio: number;
}

function startInitiator(port: number, group: DhGroupId): Promise<{ child: ChildProcess; ask: (cmd: string) => Promise<InitiatorReport> }> {
  const argv = [...pin(1), process.execPath, '--import', 'tsx', SELF, '--initiator', String(port), String(group)];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (cmd: string) => new Promise<InitiatorReport>((res) => { child.once('message', (m) => res(m as InitiatorReport)); child.send({ cmd }); });
  return new Promise((res, rej) => {
    child.once('message', () => res({ child, ask }));
    child.once('exit', (code) => rej(new Error(`initiator exited (${code}) before it was ready`)));
  });
}

const responderCpu = (pid: number) => { const c = readCpu(pid); return c.user + c.system; };

async function runCase(group: DhGroupId): Promise<CaseResult> {
  const ceiling = dhCeiling(group);
  const ks = await KsProcess.start({ dhGroup: group, psk: PSK, groupId: 4200 + group, address: KS_ADDR, cpu: 0 });
  const init = await startInitiator(ks.port, group);
  try {
    init.child.send({ cmd: 'start' });
    await sleep(WARMUP_MS);
    const a = await init.ask('mark');
    const cpu0 = responderCpu(ks.pid);
    const t0 = performance.now();
    await sleep(MEASURE_MS);
    const b = await init.ask('mark');
    const cpu1 = responderCpu(ks.pid);
    const seconds = (performance.now() - t0) / 1000;
    const exchanges = b.completed - a.completed;
    const responderCpuSeconds = cpu1 - cpu0;
    const perResponderCpuSecond = exchanges / responderCpuSeconds;
    return {
      group, exchanges, failed: b.failed - a.failed, retransmits: b.retransmits - a.retransmits, seconds,
      ratePerSecond: exchanges / seconds, responderCpuSeconds, perResponderCpuSecond,
      responderCpuMsPerExchange: (responderCpuSeconds * 1000) / exchanges, initiatorCpuSeconds: b.cpu - a.cpu,
      ceiling, ratio: perResponderCpuSecond / ceiling.perCpuSecond,
    };
  } finally {
    init.child.send({ cmd: 'stop' });
    await new Promise((r) => init.child.once('exit', r));
    await ks.stop();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- profiled responder (--profile) -------------------------------------------------------------

/**
 * The KeyServer as ks/main.ts builds it (config, signing keys, UDP endpoint, timer wheel; no
 * control socket or rekeyer, which are idle here), with V8's sampling profiler switched on
 * over exactly the measured window, so start-up (tsx compiling, RSA key generation) is left out.
 */
async function runResponder(group: DhGroupId): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gdoi-mm-resp-'));
  const { config } = parseConfig(ksConfig({ dhGroup: group, psk: PSK, groupId: 4200 + group, address: KS_ADDR }), 'bench.conf');
  const t = await UdpTransport.bind(KS_ADDR, 0, { recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
  const ks = new KeyServer({
    config, localAddress: KS_ADDR, port: t.port, clock: systemClock, random: systemRandom, version: OUR_VERSION,
    log: new Syslog({ clock: systemClock, out: () => undefined }),
    signingKeys: loadSigningKeys(config, join(dir, 'state'), () => undefined),
  });
  ks.attach(t);
  ks.wheel.start();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  process.on('message', (m: { cmd: string }) => {
    void (async () => {
      if (m.cmd === 'profile-start') await session.post('Profiler.start');
      if (m.cmd === 'profile-stop') {
        const { profile } = await session.post('Profiler.stop');
        process.send!({ profile });
      }
      if (m.cmd === 'stop') { await t.close(); rmSync(dir, { recursive: true, force: true }); process.exit(0); }
    })();
  });
  process.send!({ ready: true, port: t.port });
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

interface Cost { fn: string; where: string; selfMs: number; totalMs: number }

/** Self and inclusive (self + callees) time per function of a V8 profile, idle time left out. */
function costs(p: CpuProfile): { busyMs: number; list: Cost[] } {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const keyOf = (id: number) => {
    const f = byId.get(id)!.callFrame;
    // tsx's transform puts each module on few lines, so the file name (not the line) locates a function.
    return `${f.functionName || '(anonymous)'}\t${f.url.replace(/^.*?\/main\//, '').replace(/^file:\/\//, '') || '(native)'}`;
  };
  const self = new Map<string, number>(), total = new Map<string, number>();
  let busy = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000;   // a sample's time is the gap after it
    const k = keyOf(id);
    if (k.startsWith('(idle)')) return;
    busy += dt;
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const kk = keyOf(n);
      if (!seen.has(kk)) { seen.add(kk); total.set(kk, (total.get(kk) ?? 0) + dt); }
    }
  });
  const list = [...total].map(([k, t]) => { const [fn, where] = k.split('\t'); return { fn: fn!, where: where!, selfMs: self.get(k) ?? 0, totalMs: t }; });
  return { busyMs: busy, list };
}

async function profileCase(group: DhGroupId): Promise<void> {
  const argv = [...pin(0), process.execPath, '--import', 'tsx', SELF, '--responder', String(group)];
  const resp = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ port: number }>((res) => resp.once('message', (m) => res(m as { port: number })));
  const init = await startInitiator(ready.port, group);
  try {
    init.child.send({ cmd: 'start' });
    await sleep(WARMUP_MS);
    resp.send({ cmd: 'profile-start' });
    const a = await init.ask('mark');
    await sleep(MEASURE_MS);
    const b = await init.ask('mark');
    const profile = await new Promise<CpuProfile>((res) => { resp.once('message', (m) => res((m as { profile: CpuProfile }).profile)); resp.send({ cmd: 'profile-stop' }); });
    const n = b.completed - a.completed;
    const { busyMs, list } = costs(profile);
    const us = (ms: number) => ((ms * 1000) / n).toFixed(0).padStart(5);
    console.log(`\nresponder profile, PSK + group ${group}: ${n} exchanges, ${busyMs.toFixed(0)} ms busy = ${us(busyMs)} us per exchange`);
    console.log('  self us/exch  function (top 20 by self time)');
    for (const c of [...list].sort((x, y) => y.selfMs - x.selfMs).slice(0, 20)) console.log(`   ${us(c.selfMs)}       ${c.fn.padEnd(32)} ${c.where}`);
    const byFile = new Map<string, number>();
    for (const c of list) byFile.set(c.where, (byFile.get(c.where) ?? 0) + c.selfMs);
    console.log('  self us/exch  by file (top 12)');
    for (const [f, ms] of [...byFile].sort((x, y) => y[1] - x[1]).slice(0, 12)) console.log(`   ${us(ms)}       ${f}`);
    console.log('  incl us/exch  our functions (top 14 by inclusive time)');
    const ours = list.filter((c) => /^(ks|shared)\//.test(c.where));
    for (const c of ours.sort((x, y) => y.totalMs - x.totalMs).slice(0, 14)) console.log(`   ${us(c.totalMs)}       ${c.fn.padEnd(32)} ${c.where}`);
  } finally {
    init.child.send({ cmd: 'stop' });
    resp.send({ cmd: 'stop' });
    await Promise.all([new Promise((r) => init.child.once('exit', r)), new Promise((r) => resp.once('exit', r))]);
  }
}

// ---- main ----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const profile = process.argv.includes('--profile');
  if (process.argv.includes('--profile-only')) { for (const g of GROUPS) await profileCase(g); return; }
  const results: CaseResult[] = [];
  for (const g of GROUPS) results.push(await runCase(g));

  const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log('case            exch/s  resp CPU-s  exch/resp CPU-s  ms CPU/exch  DH ceiling/CPU-s  ratio  (fail, retx)');
  for (const r of results) {
    console.log(`PSK + group ${String(r.group).padEnd(3)} ${fmt(r.ratePerSecond).padStart(7)} ${fmt(r.responderCpuSeconds, 2).padStart(11)} ${fmt(r.perResponderCpuSecond).padStart(16)} ${fmt(r.responderCpuMsPerExchange, 3).padStart(12)} ${fmt(r.ceiling.perCpuSecond).padStart(17)} ${fmt(r.ratio, 2).padStart(6)}  (${r.failed}, ${r.retransmits})`);
  }

  const metrics: Record<string, { value: number; unit: string }> = {};
  for (const r of results) {
    const k = `group${r.group}`;
    metrics[`${k}_exchanges_per_s`] = { value: Math.round(r.ratePerSecond), unit: 'main modes/s' };
    metrics[`${k}_responder_cpu_s`] = { value: round(r.responderCpuSeconds, 2), unit: `CPU-s over ${round(r.seconds, 2)} s` };
    metrics[`${k}_exchanges_per_responder_cpu_s`] = { value: Math.round(r.perResponderCpuSecond), unit: 'main modes/CPU-s' };
    metrics[`${k}_responder_cpu_ms_per_exchange`] = { value: round(r.responderCpuMsPerExchange, 3), unit: 'ms' };
    metrics[`${k}_dh_ceiling_per_cpu_s`] = { value: Math.round(r.ceiling.perCpuSecond), unit: 'DH keygen+compute/CPU-s' };
    metrics[`${k}_dh_ceiling_per_wall_s`] = { value: Math.round(r.ceiling.perWallSecond), unit: 'DH keygen+compute/s' };
    metrics[`${k}_ratio`] = { value: round(r.ratio, 3), unit: 'exchanges per responder CPU-s / DH ops per CPU-s' };
    metrics[`${k}_initiator_cpu_s`] = { value: round(r.initiatorCpuSeconds, 2), unit: 'CPU-s' };
    metrics[`${k}_failed`] = { value: r.failed, unit: 'exchanges' };
    metrics[`${k}_retransmits`] = { value: r.retransmits, unit: 'datagrams' };
  }
  const g14 = results.find((r) => r.group === 14)!;
  const result = {
    name: 'main-mode',
    date: new Date().toISOString(),
    params: {
      node: process.version, openssl: process.versions.openssl, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length,
      loadavg: loadavg().map((x) => round(x, 2)),
      responder: 'gdoi-ks process (bin/gdoi-ks.js), PSK, AES-256-CBC, SHA-256, pinned to core 0 with taskset when available',
      initiator: `one process, ${CONCURRENCY} MainModeInitiators in flight over one UDP socket, pinned to core 1; reuses one DH key pair`,
      measured: `main mode only (6 messages), ${WARMUP_MS} ms warm-up then ${MEASURE_MS} ms per group; responder CPU from /proc/PID/stat`,
      ceiling: 'dhExchange(group) per op (fresh key pair + shared secret, as gdoi-ks does it), best of 8 rounds of 150 ms, per CPU-second of the measuring thread',
      anchor: { charon_ratio_group14: 0.22, charon_ratio_group19: 0.24, source: 'shared/reference/perf-anchor.md' },
    },
    metrics,
    ceiling: { value: Math.round(g14.ceiling.perCpuSecond), unit: 'DH ops/CPU-s', how: "group 14: dhExchange(14) (fresh key pair + shared secret, the KS's own DH path) on one core; group 19's is in metrics" },
    ratio: round(g14.ratio, 3),
  };
  const out = join(import.meta.dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'main-mode.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote bench/results/main-mode.json (group 14 ratio ${result.ratio}, group 19 ratio ${metrics.group19_ratio!.value})`);

  if (profile) for (const g of GROUPS) await profileCase(g);
}

const round = (x: number, d: number) => Number(x.toFixed(d));

if (process.argv[2] === '--initiator') void runInitiator(Number(process.argv[3]), Number(process.argv[4]) as DhGroupId);
else if (process.argv[2] === '--responder') void runResponder(Number(process.argv[3]) as DhGroupId);
else main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
