// Registration benchmark (issue 5): GET VPN registrations (main mode + GROUPKEY-PULL) per second
// against one gdoi-ks process, driven by gdoi-load from another process, for DH group 14 and
// group 19 (AES-256, SHA-256), each with phase-1 PSK and with RSA signatures (IKEv1 auth method
// 3; a test PKI made at start: one CA, a KS certificate, one GM certificate that the generator's
// GMs share, all RSA-2048). In the same run it measures the crypto ceiling of each configuration
// on the KS's core: one DH (fresh key pair + shared secret) per registration, plus with rsa-sig
// the KS's signature work (sign SIG_R, verify SIG_I, verify the GM's certificate) with the run's
// keys, just before and after each run, and reports ratio = registrations/s / ceiling ops/s (target >= 0.5),
// plus the same ratio per KS CPU-second, which a shared machine disturbs far less (medians of
// the per-run ratios). Then the KS's memory per registered
// member (PSK): 10,000 registrations, RSS from /proc before and after.
//   npm run bench:register                 writes bench/results/register.json, prints a table
//   npm run bench:register -- --quick      one short run per configuration and 1,000 members (smoke; result in the temp dir)
//   npm run bench:register -- --auth psk   only the PSK configurations (psk | rsa-sig | both, default both)
//   npm run bench:register -- --no-memory  skip the 10,000-member memory part
//   npm run bench:register -- --memory-only  just the memory part (prints it, writes no file)
// Pinning: the KS runs on core 0 and gdoi-load on core 1 (taskset) so they do not take turns on
// one core; other processes on the machine still share both.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KsProcess, haveTaskset } from './load/ks-process.ts';
import { LoadProcess } from './load/child.ts';
import { readRss } from './load/proc.ts';
import { runTs, sleep, stopEverything, stopOnSignals, track, untrack } from './load/procs.ts';
import type { CeilingFigure } from './load/crypto-ceiling.ts';
import type { LoadSummary } from './load/stats.ts';
import { makeCa, makeLeaf } from '../shared/crypto/test-pki.ts';
import { machineParams } from './load/machine.ts';

const QUICK = process.argv.includes('--quick');
const MEMORY = !process.argv.includes('--no-memory');
const MEMORY_ONLY = process.argv.includes('--memory-only');
const COUNT = QUICK ? 200 : 1000;
const RUNS = QUICK ? 1 : 5;
/**
 * Registrations before the measured runs: V8 is still compiling after 1,000 (TurboFan was 7 % of
 * the KS's CPU over the next 5,000 in a perf profile, 0.6 % after 8,000), and the question is
 * the KS's steady state.
 */
const WARMUP = QUICK ? 100 : 3000;
const MEMBERS = QUICK ? 1000 : 10_000;
const CONCURRENCY = 48;
const DH_REUSE = 64;
const PSK = 'bench-register-psk';
const GROUP_ID = 3333;
const GROUPS = [14, 19] as const;
/** RSA modulus of the test CA, KS and GM keys: the usual size for IKE certificates. */
const RSA_BITS = 2048;
const TARGET = 0.5;
const PINNED = cpus().length >= 2 && haveTaskset();
const KS_CPU = PINNED ? 0 : undefined;
const LOAD_CPU = PINNED ? 1 : undefined;
/** Past the KS's half-open and PULL exchange lifetimes (30 s), so finished exchanges are gone. */
const SETTLE_MS = QUICK ? 5_000 : 35_000;

type Auth = 'psk' | 'rsa-sig';
const AUTHS: Auth[] = (() => {
  const i = process.argv.indexOf('--auth');
  const v = i > 0 ? process.argv[i + 1] : 'both';
  if (v === 'both') return ['psk', 'rsa-sig'];
  if (v === 'psk' || v === 'rsa-sig') return [v];
  process.stderr.write(`bench:register: --auth must be psk, rsa-sig or both, got ${v}\n`);
  process.exit(2);
})();

/** The test PKI's PEM files (rsa-sig): made once per benchmark run in a temp directory. */
interface Pki { dir: string; ca: string; ksCert: string; ksKey: string; gmCert: string; gmKey: string }

function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'gdoi-bench-pki-'));
  track({ stop: async () => rmSync(dir, { recursive: true, force: true }) });
  const ca = makeCa('bench-register CA', { bits: RSA_BITS });
  const ks = makeLeaf(ca, 'bench-register ks', { bits: RSA_BITS });
  const gm = makeLeaf(ca, 'bench-register gm', { bits: RSA_BITS });
  const file = (name: string, pem: string) => { const f = join(dir, name); writeFileSync(f, pem, { mode: 0o600 }); return f; };
  return {
    dir, ca: file('ca.pem', ca.certPem), ksCert: file('ks.pem', ks.certPem), ksKey: file('ks.key', ks.keyPem),
    gmCert: file('gm.pem', gm.certPem), gmKey: file('gm.key', gm.keyPem),
  };
}

/** One configuration of the matrix: phase-1 authentication x DH group. */
interface Config { auth: Auth; group: number }
/** Metric prefix: PSK keeps the names of the results before rsa-sig was measured (group14_...). */
const prefix = (c: Config) => `${c.auth === 'psk' ? '' : 'rsa_'}group${c.group}`;
const label = (c: Config) => `${c.auth === 'psk' ? 'psk' : 'rsa-sig'} / group ${c.group}`;

/** gdoi-load's phase-1 options: PSK (the --psk every run passes), or the shared GM certificate. */
const authArgs = (c: Config, pki: Pki | undefined): string[] => (c.auth === 'psk'
  ? []
  : ['--auth', 'rsa-sig', '--cert', pki!.gmCert, '--key', pki!.gmKey, '--ca', pki!.ca]);

const load = (ks: KsProcess, extra: string[]) => track(LoadProcess.start([
  '--ks', ks.address, '--port', String(ks.port), '--psk', PSK, '--group-id', String(GROUP_ID),
  '--concurrency', String(CONCURRENCY), '--dh-reuse', String(DH_REUSE), '--dh-exponent-bits', '64', ...extra,
], { cpu: LOAD_CPU }));

async function loadRun(ks: KsProcess, extra: string[], timeoutMs = 600_000): Promise<LoadSummary> {
  const p = load(ks, extra);
  try {
    const s = await p.summary(timeoutMs);
    if (s.completed === 0) throw new Error(`no registration completed: ${JSON.stringify(s.failures)}`);
    return s;
  } finally {
    await untrack(p);
  }
}

interface ConfigResult extends Config {
  runs: LoadSummary[]; median: LoadSummary;
  /** Mean of the per-run ceilings (for the metrics); each run's own is in ceilings. */
  ceiling: CeilingFigure; ceilings: CeilingFigure[];
  /** Per run: its rate over its own ceiling; ratio / ratioPerCpu are their medians. */
  ratios: number[]; ratiosPerCpu: number[];
  ratio: number; ratioPerCpu: number;
}

const median = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!;

/** The configuration's ceiling on the KS's core, in a process of its own (nothing else of ours running). */
async function ceilingNow(c: Config, pki: Pki | undefined): Promise<CeilingFigure> {
  const keys = c.auth === 'psk' ? [] : ['--ks-key', pki!.ksKey, '--gm-cert', pki!.gmCert, '--gm-key', pki!.gmKey, '--ca', pki!.ca];
  const lines = await runTs('bench/load/crypto-ceiling.ts', ['--groups', String(c.group), ...keys, '--json'], { cpu: KS_CPU });
  return (JSON.parse(lines[lines.length - 1]!) as CeilingFigure[])[0]!;
}

function meanCeiling(a: CeilingFigure, b: CeilingFigure): CeilingFigure {
  return { ...a, opsPerSec: Math.round((a.opsPerSec + b.opsPerSec) / 2), opsPerCpuSecond: Math.round((a.opsPerCpuSecond + b.opsPerCpuSecond) / 2) };
}

async function registrations(c: Config, pki: Pki | undefined): Promise<ConfigResult> {
  const ksPki = c.auth === 'psk' ? undefined : { cert: pki!.ksCert, key: pki!.ksKey, ca: pki!.ca };
  const ks = track(await KsProcess.start({ dhGroup: c.group, psk: PSK, pki: ksPki, groupId: GROUP_ID, cpu: KS_CPU }));
  const args = ['--group', String(c.group), ...authArgs(c, pki)];
  try {
    // Warm-up: JIT both sides, grow the KS's heap; not measured.
    await loadRun(ks, ['--count', String(WARMUP), '--base', '127.11.0.1', ...args]);
    const runs: LoadSummary[] = [];
    const ceilings: CeilingFigure[] = [];
    const ratios: number[] = [], ratiosPerCpu: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      // A shared machine drifts within seconds: each run gets its own ceiling, measured on the
      // KS's core just before and just after it (the KS idle) and averaged, and its own ratio;
      // the result is the median of those ratios.
      const before = await ceilingNow(c, pki);
      // A fresh address block per run: every run registers new members.
      const s = await loadRun(ks, ['--count', String(COUNT), '--base', `127.10.${r * 8}.1`, ...args, '--ks-pid', String(ks.pid)]);
      const ceiling = meanCeiling(before, await ceilingNow(c, pki));
      runs.push(s);
      ceilings.push(ceiling);
      ratios.push(s.rate / ceiling.opsPerSec);
      ratiosPerCpu.push((s.ks?.perCpuSecond ?? 0) / ceiling.opsPerCpuSecond);
      process.stderr.write(`  ${label(c)} run ${r + 1}: ${s.rate} registrations/s, KS ${s.ks?.perCpuSecond} per CPU-second, ceiling ${ceiling.opsPerCpuSecond} per CPU-second, ratio/CPU-s ${round3(ratiosPerCpu[r]!)}, failures ${s.failed}\n`);
    }
    const m = median(runs, (s) => s.rate);
    const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
    const ceiling = { ...ceilings[0]!, opsPerSec: mean(ceilings.map((x) => x.opsPerSec)), opsPerCpuSecond: mean(ceilings.map((x) => x.opsPerCpuSecond)) };
    return {
      ...c, runs, median: m, ceiling, ceilings, ratios: ratios.map(round3), ratiosPerCpu: ratiosPerCpu.map(round3),
      ratio: round3(median(ratios, (x) => x)),
      ratioPerCpu: round3(median(ratiosPerCpu, (x) => x)),
    };
  } finally {
    await untrack(ks);
  }
}

interface MemorySample { rss: number; live: number; heapTotal: number; external: number }
interface MemoryResult {
  members: number; start: MemorySample; first: MemorySample; second: MemorySample; withSa: MemorySample;
  /** Members only (phase-1 SA deleted after registration), RSS and live heap, per member, from 1x to 2x members. */
  bytesPerMember: number; liveBytesPerMember: number;
  /** The same for the first batch: includes the process growing to hold a burst of exchanges in flight. */
  firstBatchBytesPerMember: number;
  /** Members that keep their phase-1 SA (the IOS default until the SA expires), from 2x to 3x members. */
  bytesPerMemberWithSa: number; liveBytesPerMemberWithSa: number;
  settleMs: number; registerRate: number; failures: number;
}

/** After a full GC in the KS: RSS from /proc and the live heap (V8 heap used + external memory). */
async function sample(ks: KsProcess): Promise<MemorySample> {
  const m = await ks.memory();
  return { rss: readRss(ks.pid), live: m.heapUsed + m.external, heapTotal: m.heapTotal, external: m.external };
}

/**
 * KS memory per member, marginal: RSS and live heap at N members and at 2N members (phase-1 SA
 * deleted after PULL, so only members stay), then at 3N with the phase-1 SAs kept. The first N
 * also pays for the process growing to hold a burst of N registrations in flight; RSS never
 * shrinks back (freed memory stays in the allocator), so that batch is reported apart.
 */
async function memory(): Promise<MemoryResult> {
  const ks = track(await KsProcess.start({ dhGroup: 19, psk: PSK, groupId: GROUP_ID, cpu: KS_CPU, gcProbe: true }));
  const batch = async (base: string, extra: string[]) => {
    const s = await loadRun(ks, ['--count', String(MEMBERS), '--base', base, '--group', '19', '--concurrency', '64', ...extra]);
    await sleep(SETTLE_MS);
    return s;
  };
  try {
    await batch('127.13.0.1', ['--phase1-only']);   // warm-up burst: JIT, heap, no members left
    const start = await sample(ks);
    const a = await batch('127.14.0.1', ['--delete-after']);
    const first = await sample(ks);
    const b = await batch('127.64.0.1', ['--delete-after']);
    const second = await sample(ks);
    const c = await batch('127.96.0.1', []);
    const withSa = await sample(ks);
    const total = /Total group members registered to this box: (\d+)/.exec(await ks.command('show crypto gdoi ks'))?.[1];
    if (Number(total) !== a.completed + b.completed + c.completed) throw new Error(`KS reports ${total} members, expected ${a.completed + b.completed + c.completed}`);
    return {
      members: MEMBERS, start, first, second, withSa,
      bytesPerMember: Math.round((second.rss - first.rss) / b.completed),
      liveBytesPerMember: Math.round((second.live - first.live) / b.completed),
      firstBatchBytesPerMember: Math.round((first.rss - start.rss) / a.completed),
      bytesPerMemberWithSa: Math.round((withSa.rss - second.rss) / c.completed),
      liveBytesPerMemberWithSa: Math.round((withSa.live - second.live) / c.completed),
      settleMs: SETTLE_MS, registerRate: b.rate, failures: a.failed + b.failed + c.failed,
    };
  } finally {
    await untrack(ks);
  }
}

function round3(v: number): number { return Math.round(v * 1000) / 1000; }

async function main(): Promise<void> {
  stopOnSignals();
  const load0 = loadavg();
  const configs: Config[] = AUTHS.flatMap((auth) => GROUPS.map((group) => ({ auth, group })));
  process.stderr.write(`bench:register: ${COUNT} registrations x ${RUNS} runs per configuration (${configs.map(label).join(', ')}), ${PINNED ? 'KS on core 0, gdoi-load on core 1' : 'not pinned'}; load average ${load0.map((l) => l.toFixed(1)).join(' ')}\n`);
  if (MEMORY_ONLY) {
    const m = await memory();
    process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
    return;
  }
  const pki = AUTHS.includes('rsa-sig') ? makePki() : undefined;
  const results: ConfigResult[] = [];
  for (const c of configs) results.push(await registrations(c, pki));
  const mem = MEMORY ? await memory() : undefined;

  const metrics: Record<string, { value: number; unit: string }> = {};
  const put = (k: string, value: number, unit: string) => { metrics[k] = { value, unit }; };
  for (const r of results) {
    const m = r.median;
    const p = `${prefix(r)}_`;
    // What one ceiling op holds, for the units: the KS's crypto per registration.
    const op = r.auth === 'psk' ? 'DH key pair+secret' : `DH key pair+secret + RSA-${RSA_BITS} sign + 2 RSA-${RSA_BITS} verifies (SIG_I, GM certificate)`;
    put(`${p}registrations_per_s`, m.rate, 'registrations/s');
    put(`${p}registrations_per_s_min`, Math.min(...r.runs.map((s) => s.rate)), 'registrations/s');
    put(`${p}registrations_per_s_max`, Math.max(...r.runs.map((s) => s.rate)), 'registrations/s');
    put(`${p}latency_p50`, m.latencyMs.p50, 'ms');
    put(`${p}latency_p99`, m.latencyMs.p99, 'ms');
    put(`${p}latency_max`, m.latencyMs.max, 'ms');
    put(`${p}failures`, r.runs.reduce((n, s) => n + s.failed, 0), 'registrations');
    put(`${p}ks_cpu_share`, m.ks?.cpuShare ?? 0, 'cores');
    put(`${p}generator_cpu_share`, m.generator.cpuShare, 'cores');
    put(`${p}registrations_per_ks_cpu_s`, m.ks?.perCpuSecond ?? 0, 'registrations/CPU-s');
    put(`${p}ceiling`, r.ceiling.opsPerSec, `${op}/s`);
    put(`${p}ceiling_per_cpu_s`, r.ceiling.opsPerCpuSecond, `${op}/CPU-s`);
    put(`${p}ratio`, r.ratio, 'registrations/s / ceiling');
    put(`${p}ratio_per_cpu_s`, r.ratioPerCpu, 'registrations per KS CPU-s / ceiling per CPU-s');
  }
  if (mem) {
    put('memory_members', mem.members, 'members');
    put('memory_bytes_per_member', mem.bytesPerMember, `B (RSS after GC, from ${mem.members} to ${2 * mem.members} members, per member; phase-1 SA deleted after registration)`);
    put('memory_first_batch_bytes_per_member', mem.firstBatchBytesPerMember, `B (RSS after GC, from 0 to ${mem.members} members, per member: includes growing for the burst)`);
    put('memory_live_bytes_per_member', mem.liveBytesPerMember, 'B (V8 heap used + external delta after GC / members; phase-1 SA deleted)');
    put('memory_bytes_per_member_with_phase1_sa', mem.bytesPerMemberWithSa, 'B (RSS delta after GC / members; phase-1 SA kept)');
    put('memory_live_bytes_per_member_with_phase1_sa', mem.liveBytesPerMemberWithSa, 'B (live heap delta / members; phase-1 SA kept)');
    put('memory_rss_start', Math.round(mem.start.rss / 1024), 'KiB');
    put('memory_rss_1x_members', Math.round(mem.first.rss / 1024), 'KiB');
    put('memory_rss_2x_members', Math.round(mem.second.rss / 1024), 'KiB');
    put('memory_rss_3x_members_last_with_sas', Math.round(mem.withSa.rss / 1024), 'KiB');
  }
  // The top-level figure stays PSK group 14 (the default proposal), as in earlier results;
  // with --auth rsa-sig alone it is rsa-sig group 14.
  const head = results.find((r) => r.auth === 'psk' && r.group === 14) ?? results.find((r) => r.group === 14)!;
  const key = (r: ConfigResult) => `${r.auth === 'psk' ? 'psk' : 'rsa'}_group${r.group}`;
  const result = {
    name: 'register',
    date: new Date().toISOString(),
    params: {
      ...machineParams(load0),
      configurations: configs.map(label),
      proposal: 'AES-256-CBC, SHA-256, lifetime 86400, authentication pre-share (metrics group14_*, group19_*) or rsa-sig (metrics rsa_group14_*, rsa_group19_*); GDOI group 3333, one TEK (esp-aes 256 / esp-sha256-hmac), KEK aes 256, unicast rekeys',
      rsaSig: AUTHS.includes('rsa-sig')
        ? `IKEv1 auth method 3 (RSA signatures). Test PKI made at the start of the run (shared/crypto/test-pki.ts): a self-signed CA, a KS certificate and one GM certificate issued by it, all RSA-${RSA_BITS} keys, sha256WithRSAEncryption. gdoi-ks: crypto pki certificate/key/trusted-ca, crypto isakmp identity dn. gdoi-load: --auth rsa-sig --identity address (each GM sends its own 127.x address as ID); the generator shares one GM certificate and key among all its simulated GMs, and the KS still verifies the GM's certificate chain and SIG_I for every registration; each GM verifies the KS's certificate and SIG_R`
        : 'not run (--auth psk)',
      registrations: COUNT, runs: RUNS, warmup: WARMUP, concurrency: CONCURRENCY,
      pinning: PINNED ? 'gdoi-ks taskset -c 0, gdoi-load taskset -c 1' : 'none (fewer than 2 cores or no taskset)',
      generator: `gdoi-load, one process, one socket per GM address, DH key pair reused for ${DH_REUSE} GMs and, group 14, a 64-bit private exponent (both only lighten the generator: the KS makes a fresh key pair with its own full exponent per registration)`,
      rate: 'completed registrations / (first start to last completion); median of the runs; latency = main mode msg 1 sent to GROUPKEY-PULL msg 4 received',
      ceiling: `bench/load/crypto-ceiling.ts on the KS core (its own process, the KS idle), the KS's crypto per registration: PSK dhExchange(group), a fresh key pair and the shared secret as gdoi-ks makes them; rsa-sig the same + ikeSign with the KS's key (SIG_R) + ikeVerify with the GM certificate's key (SIG_I) + X509Certificate.verify of the GM certificate with the CA's key, using the run's PEM files. Best of 10 rounds of 150 ms (per second) and over all rounds (per CPU-second); measured just before and just after each run and averaged. Each run's ratio is its own rate over its own ceiling; the ratio metrics are the medians of those, the ceiling metrics the means`,
      target: `met = ratio_per_cpu_s >= ${TARGET} (the raw ratio is also disturbed by the neighbours on a shared machine)`,
      memory: mem ? `fresh KS (group 19, PSK) with bench/load/gc-probe.mjs preloaded: ${mem.members} phase-1-only exchanges (warm-up burst, no members left), ${mem.settleMs / 1000} s settle, full GC, sample; then three batches of ${mem.members} registrations, each followed by settle, GC, sample: two with --delete-after (ISAKMP DELETE after PULL: members only; per-member figures from the second batch, the first also pays for growing to hold a burst), one without (members + phase-1 SAs). RSS from /proc/PID/status VmRSS, live = process.memoryUsage() heapUsed + external` : 'skipped',
      runsDetail: Object.fromEntries(results.map((r) => [prefix(r), r.runs.map((s, i) => ({ ceilingPerCpuSecond: r.ceilings[i]!.opsPerCpuSecond, ceilingPerSecond: r.ceilings[i]!.opsPerSec, ratio: r.ratios[i], ratioPerCpuSecond: r.ratiosPerCpu[i], rate: s.rate, ksPerCpuSecond: s.ks?.perCpuSecond, ksCpuShare: s.ks?.cpuShare, generatorCpuShare: s.generator.cpuShare, p50: s.latencyMs.p50, p99: s.latencyMs.p99, failed: s.failed, retransmits: s.retransmits }))])),
    },
    metrics,
    ceiling: { value: head.ceiling.opsPerSec, unit: 'ops/s', how: `${label(head)} (the default proposal): ${head.ceiling.op} per second on the KS core, measured in this run; the other configurations' are metrics.*_ceiling` },
    ratio: head.ratio,
    targets: Object.fromEntries(results.map((r) => [key(r), { ratio: r.ratio, ratio_per_cpu_s: r.ratioPerCpu, met: r.ratioPerCpu >= TARGET }])),
  };
  // A --quick (smoke) run never replaces the committed result: it goes to the temp directory.
  const out = QUICK ? join(tmpdir(), 'register-quick.json') : fileURLToPath(new URL('./results/register.json', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

  const row = (cells: Array<string | number>) => cells.map((c, i) => (i < 2 ? String(c).padEnd(i === 0 ? 8 : 9) : String(c).padStart(14))).join('');
  const lines = [
    '',
    row(['auth', 'DH group', 'regs/s', 'p50 ms', 'p99 ms', 'max ms', 'KS CPU', 'gen CPU', 'regs/KS-CPU-s', 'ceiling/s', 'ratio', 'ratio/CPU-s', 'target']),
    ...results.map((r) => row([r.auth, `group ${r.group}`, r.median.rate, r.median.latencyMs.p50, r.median.latencyMs.p99, r.median.latencyMs.max,
      `${Math.round((r.median.ks?.cpuShare ?? 0) * 100)} %`, `${Math.round(r.median.generator.cpuShare * 100)} %`, r.median.ks?.perCpuSecond ?? 0,
      r.ceiling.opsPerSec, r.ratio, r.ratioPerCpu, r.ratioPerCpu >= TARGET ? 'met' : 'not met'])),
    '',
    `ceiling: psk = DH (fresh key pair + shared secret, as gdoi-ks makes them); rsa-sig = the same + RSA-${RSA_BITS} sign (SIG_R) + verify (SIG_I) + verify of the GM certificate`,
    '',
  ];
  if (mem) {
    const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
    lines.push(`KS memory per member (${mem.members} members, PSK, after a full GC; target <= 2048 B):`,
      `  phase-1 SA deleted: ${mem.bytesPerMember} B RSS, ${mem.liveBytesPerMember} B live heap (${mem.members} -> ${2 * mem.members} members; first ${mem.members}: ${mem.firstBatchBytesPerMember} B RSS)`,
      `  phase-1 SA kept:    ${mem.bytesPerMemberWithSa} B RSS, ${mem.liveBytesPerMemberWithSa} B live heap`,
      `  RSS ${mib(mem.start.rss)} -> ${mib(mem.first.rss)} -> ${mib(mem.second.rss)} -> ${mib(mem.withSa.rss)}; live ${mib(mem.start.live)} -> ${mib(mem.first.live)} -> ${mib(mem.second.live)} -> ${mib(mem.withSa.live)}`, '');
  }
  lines.push(`target: ratio per KS CPU-second >= ${TARGET}; load average ${load0.map((l) => l.toFixed(1)).join(' ')} at start. Written to ${out}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(() => stopEverything()).catch(async (e) => {
  process.stderr.write(`bench:register failed: ${(e as Error)?.stack ?? e}\n`);
  await stopEverything();
  process.exit(1);
});
