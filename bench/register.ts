// Registration benchmark (issue 5): GET VPN registrations (main mode + GROUPKEY-PULL) per second
// against one gdoi-ks process, driven by gdoi-load from another process, for DH group 14 and
// group 19 (PSK, AES-256, SHA-256). In the same run it measures the crypto ceiling of the same
// configuration on the KS's core (one DH keygen + computeSecret per registration; PSK needs no
// signature) and reports ratio = registrations/s / ceiling ops/s (target >= 0.5), plus the same
// ratio per KS CPU-second, which a shared machine disturbs far less. Then the KS's memory per
// registered member: 10,000 registrations, RSS from /proc before and after.
//   npm run bench:register                 writes bench/results/register.json, prints a table
//   npm run bench:register -- --quick      one short run per group and 1,000 members (smoke; result in the temp dir)
//   npm run bench:register -- --no-memory  skip the 10,000-member memory part
//   npm run bench:register -- --memory-only  just the memory part (prints it, writes no file)
// Pinning: the KS runs on core 0 and gdoi-load on core 1 (taskset) so they do not take turns on
// one core; other processes on the machine still share both.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KsProcess, haveTaskset } from './load/ks-process.ts';
import { LoadProcess } from './load/child.ts';
import { readRss } from './load/proc.ts';
import { runTs, sleep, stopEverything, stopOnSignals, track, untrack } from './load/procs.ts';
import type { CeilingFigure } from './load/crypto-ceiling.ts';
import type { LoadSummary } from './load/stats.ts';

const QUICK = process.argv.includes('--quick');
const MEMORY = !process.argv.includes('--no-memory');
const MEMORY_ONLY = process.argv.includes('--memory-only');
const COUNT = QUICK ? 200 : 1000;
const RUNS = QUICK ? 1 : 5;
const WARMUP = QUICK ? 100 : 1000;
const MEMBERS = QUICK ? 1000 : 10_000;
const CONCURRENCY = 48;
const DH_REUSE = 64;
const PSK = 'bench-register-psk';
const GROUP_ID = 3333;
const GROUPS = [14, 19] as const;
const PINNED = cpus().length >= 2 && haveTaskset();
const KS_CPU = PINNED ? 0 : undefined;
const LOAD_CPU = PINNED ? 1 : undefined;
/** Past the KS's half-open and PULL exchange lifetimes (30 s), so finished exchanges are gone. */
const SETTLE_MS = QUICK ? 5_000 : 35_000;

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

interface GroupResult { group: number; runs: LoadSummary[]; median: LoadSummary; ceiling: CeilingFigure; ratio: number; ratioPerCpu: number }

const median = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!;

/** The DH ceiling on the KS's core, in a process of its own (nothing else of ours running). */
async function ceilingNow(group: number): Promise<CeilingFigure> {
  const lines = await runTs('bench/load/crypto-ceiling.ts', ['--groups', String(group), '--json'], { cpu: KS_CPU });
  return (JSON.parse(lines[lines.length - 1]!) as CeilingFigure[])[0]!;
}

/** A shared machine drifts within minutes: the ceiling is measured before and after the runs and averaged. */
function meanCeiling(a: CeilingFigure, b: CeilingFigure): CeilingFigure {
  return { ...a, opsPerSec: Math.round((a.opsPerSec + b.opsPerSec) / 2), opsPerCpuSecond: Math.round((a.opsPerCpuSecond + b.opsPerCpuSecond) / 2) };
}

async function registrations(group: number): Promise<GroupResult> {
  const before = await ceilingNow(group);
  const ks = track(await KsProcess.start({ dhGroup: group, psk: PSK, groupId: GROUP_ID, cpu: KS_CPU }));
  let ceiling = before;
  try {
    // Warm-up: JIT both sides, grow the KS's heap; not measured.
    await loadRun(ks, ['--count', String(WARMUP), '--base', '127.11.0.1', '--group', String(group)]);
    const runs: LoadSummary[] = [];
    for (let r = 0; r < RUNS; r++) {
      // A fresh address block per run: every run registers new members.
      const s = await loadRun(ks, ['--count', String(COUNT), '--base', `127.10.${r * 8}.1`, '--group', String(group), '--ks-pid', String(ks.pid)]);
      runs.push(s);
      process.stderr.write(`  group ${group} run ${r + 1}: ${s.rate} registrations/s, KS ${s.ks?.perCpuSecond} per CPU-second, failures ${s.failed}\n`);
    }
    const m = median(runs, (s) => s.rate);
    await untrack(ks);
    const after = await ceilingNow(group);
    ceiling = meanCeiling(before, after);
    process.stderr.write(`  group ${group} ceiling: ${before.opsPerSec} ops/s before, ${after.opsPerSec} after\n`);
    return {
      group, runs, median: m, ceiling,
      ratio: round3(m.rate / ceiling.opsPerSec),
      ratioPerCpu: round3((m.ks?.perCpuSecond ?? 0) / ceiling.opsPerCpuSecond),
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
  process.stderr.write(`bench:register: ${COUNT} registrations x ${RUNS} runs per group, ${PINNED ? 'KS on core 0, gdoi-load on core 1' : 'not pinned'}; load average ${load0.map((l) => l.toFixed(1)).join(' ')}\n`);
  if (MEMORY_ONLY) {
    const m = await memory();
    process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
    return;
  }
  const results: GroupResult[] = [];
  for (const g of GROUPS) results.push(await registrations(g));
  const mem = MEMORY ? await memory() : undefined;

  const metrics: Record<string, { value: number; unit: string }> = {};
  const put = (k: string, value: number, unit: string) => { metrics[k] = { value, unit }; };
  for (const r of results) {
    const m = r.median;
    const p = `group${r.group}_`;
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
    put(`${p}ceiling`, r.ceiling.opsPerSec, 'DH keygen+compute/s');
    put(`${p}ceiling_per_cpu_s`, r.ceiling.opsPerCpuSecond, 'DH keygen+compute/CPU-s');
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
  const g14 = results.find((r) => r.group === 14)!;
  const result = {
    name: 'register',
    date: new Date().toISOString(),
    params: {
      node: process.version, openssl: process.versions.openssl, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length,
      loadavg: { start: load0.map((l) => Math.round(l * 10) / 10), end: loadavg().map((l) => Math.round(l * 10) / 10) },
      proposal: 'PSK, AES-256-CBC, SHA-256, lifetime 86400; GDOI group 3333, one TEK (esp-aes 256 / esp-sha256-hmac), KEK aes 256, unicast rekeys',
      registrations: COUNT, runs: RUNS, warmup: WARMUP, concurrency: CONCURRENCY,
      pinning: PINNED ? 'gdoi-ks taskset -c 0, gdoi-load taskset -c 1' : 'none (fewer than 2 cores or no taskset)',
      generator: `gdoi-load, one process, one socket per GM address, DH key pair reused for ${DH_REUSE} GMs and, group 14, a 64-bit private exponent (both only lighten the generator: the KS makes a fresh key pair with its own full exponent per registration)`,
      rate: 'completed registrations / (first start to last completion); median of the runs; latency = main mode msg 1 sent to GROUPKEY-PULL msg 4 received',
      ceiling: 'bench/load/crypto-ceiling.ts on the KS core (its own process, nothing else of ours running): generateDh(group) + computeSecret, best of 10 rounds of 150 ms (per second) and over all rounds (per CPU-second); measured before and after each group\'s runs, averaged',
      memory: mem ? `fresh KS (group 19) with bench/load/gc-probe.mjs preloaded: ${mem.members} phase-1-only exchanges (warm-up burst, no members left), ${mem.settleMs / 1000} s settle, full GC, sample; then three batches of ${mem.members} registrations, each followed by settle, GC, sample: two with --delete-after (ISAKMP DELETE after PULL: members only; per-member figures from the second batch, the first also pays for growing to hold a burst), one without (members + phase-1 SAs). RSS from /proc/PID/status VmRSS, live = process.memoryUsage() heapUsed + external` : 'skipped',
      runsDetail: Object.fromEntries(results.map((r) => [`group${r.group}`, r.runs.map((s) => ({ rate: s.rate, ksPerCpuSecond: s.ks?.perCpuSecond, ksCpuShare: s.ks?.cpuShare, generatorCpuShare: s.generator.cpuShare, p50: s.latencyMs.p50, p99: s.latencyMs.p99, failed: s.failed, retransmits: s.retransmits }))])),
    },
    metrics,
    ceiling: { value: g14.ceiling.opsPerSec, unit: 'ops/s', how: `group 14 (the default proposal): ${g14.ceiling.op} per second on the KS core, measured in this run; group 19's is metrics.group19_ceiling` },
    ratio: g14.ratio,
  };
  // A --quick (smoke) run never replaces the committed result: it goes to the temp directory.
  const out = QUICK ? join(tmpdir(), 'register-quick.json') : fileURLToPath(new URL('./results/register.json', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

  const row = (cells: Array<string | number>) => cells.map((c, i) => String(c).padStart(i === 0 ? 0 : 14)).join('');
  const lines = [
    '',
    row(['DH group   ', 'regs/s', 'p50 ms', 'p99 ms', 'max ms', 'KS CPU', 'gen CPU', 'regs/KS-CPU-s', 'ceiling/s', 'ratio', 'ratio/CPU-s']),
    ...results.map((r) => row([`group ${r.group}`.padEnd(11), r.median.rate, r.median.latencyMs.p50, r.median.latencyMs.p99, r.median.latencyMs.max,
      `${Math.round((r.median.ks?.cpuShare ?? 0) * 100)} %`, `${Math.round(r.median.generator.cpuShare * 100)} %`, r.median.ks?.perCpuSecond ?? 0,
      r.ceiling.opsPerSec, r.ratio, r.ratioPerCpu])),
    '',
  ];
  if (mem) {
    const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
    lines.push(`KS memory per member (${mem.members} members, after a full GC; target <= 2048 B):`,
      `  phase-1 SA deleted: ${mem.bytesPerMember} B RSS, ${mem.liveBytesPerMember} B live heap (${mem.members} -> ${2 * mem.members} members; first ${mem.members}: ${mem.firstBatchBytesPerMember} B RSS)`,
      `  phase-1 SA kept:    ${mem.bytesPerMemberWithSa} B RSS, ${mem.liveBytesPerMemberWithSa} B live heap`,
      `  RSS ${mib(mem.start.rss)} -> ${mib(mem.first.rss)} -> ${mib(mem.second.rss)} -> ${mib(mem.withSa.rss)}; live ${mib(mem.start.live)} -> ${mib(mem.first.live)} -> ${mib(mem.second.live)} -> ${mib(mem.withSa.live)}`, '');
  }
  lines.push(`ratio target >= 0.5; load average ${load0.map((l) => l.toFixed(1)).join(' ')} at start. Written to ${out}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(() => stopEverything()).catch(async (e) => {
  process.stderr.write(`bench:register failed: ${(e as Error)?.stack ?? e}\n`);
  await stopEverything();
  process.exit(1);
});
