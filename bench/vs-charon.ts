// Side-by-side benchmark (issue #11): strongSwan's charon and our gdoi-ks as IKEv1 responders
// on one core each, driven by the same load generator (gdoi-load) on the other core, in the
// same run. Per DH group (14, 19; PSK, AES-256, SHA-256):
//   charon   main mode + ISAKMP DELETE         (gdoi-load --phase1-only)
//   gdoi-ks  main mode + ISAKMP DELETE         (gdoi-load --phase1-only)
//   gdoi-ks  registration: main mode + PULL    (gdoi-load)
// The runs of the three are interleaved (run 1 of each, then run 2, ...) so that the noise of
// a shared machine falls on all of them alike. Headline: responder work per responder
// CPU-second; ratio = our registrations per CPU-second / charon's main modes per CPU-second.
//   npm run bench:vs-charon                    full run, writes bench/results/vs-charon.json
//   npm run bench:vs-charon -- --quick         smoke: group 14, one short run, temp result file
// How it isolates the daemons: bench/vs-charon/netns-run.sh. Needs root (see ensure.ts).
import { Command } from 'commander';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BenchError, ensurePrerequisites } from './vs-charon/ensure.ts';
import { Supervisor } from './vs-charon/supervisor.ts';
import { startCharonResponder } from './vs-charon/charon-responder.ts';
import { ROOT, startKsResponder } from './vs-charon/ks-responder.ts';
import { runLoad, type LoadMode, type LoadParams } from './vs-charon/load.ts';
import { buildResult, caseLabel, figures, table, type Case, type CaseFigures, type RunRecord } from './vs-charon/report.ts';
import type { DhCase, Responder } from './vs-charon/responder.ts';
import { formatProfile, summarizeProfile } from './vs-charon/profile.ts';

const RESPONDER_CPU = 0;
const GENERATOR_CPU = 1;
const GENERATOR_PORT = 1500;

interface Options {
  quick: boolean;
  out?: string;
  runs: number;
  duration: number;
  warmup: number;
  groups: DhCase[];
  concurrency: number;
  addresses?: number;
  dhReuse: number;
  install: boolean;
  keep: boolean;
  ksProfile?: string;
  charonShortDhExponent: boolean;
}

function positiveInt(name: string, min: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new BenchError(`--${name} must be an integer >= ${min}, got '${v}'`);
    return n;
  };
}

function parseArgs(argv: string[]): Options {
  const p = new Command('bench:vs-charon')
    .description('charon vs gdoi-ks as IKEv1 responders on one core, same load generator, same run')
    .option('--quick', 'smoke mode: DH group 14 only, one run of 2 s after 1 s warm-up; result to a temp file unless --out')
    .option('--out <path>', 'result file (default bench/results/vs-charon.json; with --quick a temp file)')
    .option('--runs <n>', 'measured runs per responder and case (>= 3 for the committed result)', positiveInt('runs', 1))
    .option('--duration <s>', 'measured window of each run, seconds', positiveInt('duration', 1))
    .option('--warmup <s>', 'warm-up of each run before its window, seconds', positiveInt('warmup', 0))
    .option('--groups <list>', 'DH groups, comma-separated: 14,19', '14,19')
    .option('--concurrency <n>', 'exchanges in flight at the load generator', positiveInt('concurrency', 1), 64)
    .option('--addresses <n>', 'simulated peer addresses (127.10.x.y), cycled', positiveInt('addresses', 1))
    .option('--dh-reuse <n>', 'load generator: one DH key pair per this many peers (spares its core; responders always make fresh keys)', positiveInt('dh-reuse', 1), 16)
    .option('--no-install', 'fail instead of installing strongSwan with apt-get')
    .option('--keep', 'keep the temp dirs (configs, logs)')
    .option('--ks-profile <dir>', 'run gdoi-ks under node --cpu-prof (profiles written to DIR, summarized at the end); slows gdoi-ks, so use --out')
    .option('--charon-short-dh-exponent', 'diagnostic: charon with dh_exponent_ansi_x9_42 = no (not its default); needs --out')
    .exitOverride();
  p.parse(argv, { from: 'user' });
  const o = p.opts<{ quick?: boolean; out?: string; runs?: number; duration?: number; warmup?: number; groups: string; concurrency: number; addresses?: number; dhReuse: number; install: boolean; keep?: boolean; ksProfile?: string; charonShortDhExponent?: boolean }>();
  if (o.ksProfile !== undefined && o.out === undefined && !o.quick) throw new BenchError('--ks-profile slows gdoi-ks down: give --out so the committed result is not overwritten');
  if (o.charonShortDhExponent && o.out === undefined && !o.quick) throw new BenchError('--charon-short-dh-exponent is a diagnostic: give --out so the committed result (charon defaults) is not overwritten');
  const groups = o.groups.split(',').map((g) => Number(g.trim()));
  for (const g of groups) if (g !== 14 && g !== 19) throw new BenchError(`--groups: only 14 and 19 are benchmarked, got '${o.groups}'`);
  const quick = o.quick ?? false;
  return {
    quick, out: o.out,
    runs: o.runs ?? (quick ? 1 : 3),
    duration: o.duration ?? (quick ? 2 : 12),
    warmup: o.warmup ?? (quick ? 1 : 3),
    groups: quick && o.groups === '14,19' ? [14] : (groups as DhCase[]),
    concurrency: o.concurrency, addresses: o.addresses, dhReuse: o.dhReuse, install: o.install, keep: o.keep ?? false,
    ksProfile: o.ksProfile === undefined ? undefined : resolve(o.ksProfile),
    charonShortDhExponent: o.charonShortDhExponent ?? false,
  };
}

const log = (s: string) => process.stderr.write(`vs-charon: ${s}\n`);

function machine(): Record<string, unknown> {
  let os = 'Linux';
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // keep the default
  }
  const c = cpus();
  return { cpu: c[0]?.model.trim() ?? 'unknown', cores: c.length, kernel: release(), os, node: process.version, openssl: process.versions.openssl };
}

async function main(argv: string[]): Promise<number> {
  const o = parseArgs(argv);
  ensurePrerequisites(log, { noInstall: !o.install });
  const sup = new Supervisor(o.keep);
  const loadAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
  try {
    const records: RunRecord[] = [];
    const versions: Record<string, string> = {};
    const scratch = sup.tempDir('runs');
    for (const group of o.groups) {
      log(`DH group ${group}: starting charon and gdoi-ks on core ${RESPONDER_CPU}, each in its own network namespace, UDP ${500}`);
      const charon = await startCharonResponder(sup, group, RESPONDER_CPU, { shortDhExponent: o.charonShortDhExponent });
      const ks = await startKsResponder(sup, group, RESPONDER_CPU, o.ksProfile ? { nodeOptions: ['--cpu-prof', '--cpu-prof-dir', o.ksProfile] } : {});
      versions.charon = charon.version;
      versions.ks = ks.version;
      const plan: Array<{ r: Responder; mode: LoadMode }> = [
        { r: charon, mode: 'phase1-only' },
        { r: ks, mode: 'phase1-only' },
        { r: ks, mode: 'register' },
      ];
      const charonRuns: RunRecord[] = [];
      for (let run = 1; run <= o.runs; run++) {
        for (const { r, mode } of plan) {
          if (sup.stopRequested) throw new BenchError(`interrupted by ${sup.stopRequested}`);
          const p: LoadParams = {
            group, mode, durationSec: o.duration, warmupSec: o.warmup, concurrency: o.concurrency,
            addresses: o.addresses ?? Math.max(4 * o.concurrency, 256), dhReuse: o.dhReuse, cpu: GENERATOR_CPU, localPort: GENERATOR_PORT,
          };
          log(`group ${group}, run ${run}/${o.runs}: ${r.kind}, ${caseLabel({ responder: r.kind as Case['responder'], group, mode })} (${o.warmup} s warm-up + ${o.duration} s)`);
          const result = await runLoad(sup, r, p, join(scratch, `g${group}-${r.kind}-${mode}-${run}.txt`));
          const rec: RunRecord = { responder: r.kind as RunRecord['responder'], group, mode, run, result };
          records.push(rec);
          if (r === charon) charonRuns.push(rec);
          log(`  ${result.completed} in ${(result.windowMs / 1000).toFixed(1)} s: ${result.rate.toFixed(0)}/s, ${result.ks.perCpuSecond.toFixed(0)} per ${r.kind} CPU-second; ${r.kind} CPU ${(result.ks.cpuShare * 100).toFixed(0)} %, generator CPU ${(result.generator.cpuShare * 100).toFixed(0)} %${result.failed ? `, ${result.failed} failed` : ''}`);
        }
      }
      await Promise.all([charon.stop(), ks.stop()]);
      // charon's own count of established IKE_SAs inside each window (its log is flushed at stop).
      for (const rec of charonRuns) rec.responderLogged = charon.establishedBetween?.(rec.result.windowEpochMs[0], rec.result.windowEpochMs[1]);
    }

    const cases: CaseFigures[] = [];
    for (const group of o.groups) {
      for (const c of [{ responder: 'charon', mode: 'phase1-only' }, { responder: 'gdoi-ks', mode: 'phase1-only' }, { responder: 'gdoi-ks', mode: 'register' }] as const) {
        const k: Case = { ...c, group };
        const runs = records.filter((x) => x.group === group && x.responder === c.responder && x.mode === c.mode);
        if (runs.length > 0) cases.push(figures(k, runs));
      }
    }
    for (const f of cases) {
      if (f.perCpuSecond.median <= 0) throw new BenchError(`${f.c.responder}, group ${f.c.group}, ${caseLabel(f.c)}: nothing completed (${f.failed} failed)`);
    }
    const params = {
      command: `npm run bench:vs-charon${o.quick ? ' -- --quick' : ''}`,
      quick: o.quick,
      machine: machine(),
      responders: versions,
      proposal: 'IKEv1 main mode, pre-shared key, AES-CBC-256, HMAC-SHA-256 (PRF and hash), DH group per case',
      groups: o.groups,
      runs: o.runs, durationSec: o.duration, warmupSec: o.warmup,
      loadGenerator: {
        tool: 'gdoi-load (bin/gdoi-load.js)', cpu: GENERATOR_CPU, concurrency: o.concurrency,
        addresses: o.addresses ?? Math.max(4 * o.concurrency, 256), dhReuse: o.dhReuse, sourcePort: GENERATOR_PORT,
        phase1Only: 'main mode, then one ISAKMP DELETE per SA (its processing is part of the responder\'s cost)',
      },
      responderSetup: `each responder pinned with taskset -c ${RESPONDER_CPU}, alone in a private network + mount namespace, 127.0.0.1 UDP 500; charon: Debian default plugin set (load_modular), 16 threads, block_threshold 100000, file log of IKE lines at level 0; gdoi-ks: one GET VPN group with RSA-2048 rekey key, syslog to a file`,
      window: 'gdoi-load measures its window after the warm-up and reads utime+stime of the responder from /proc/PID/stat at both ends',
      loadavg: { atStart: loadAtStart, atEnd: loadavg().map((x) => Math.round(x * 100) / 100), note: 'shared machine: other processes ran beside the benchmark; per-CPU-second figures are the headline' },
      ...(o.ksProfile ? { ksProfile: o.ksProfile } : {}),
      ...(o.charonShortDhExponent ? { charonTuning: 'dh_exponent_ansi_x9_42 = no (diagnostic run, not charon\'s default)' } : {}),
    };
    const res = buildResult(cases, params, new Date());
    const out = o.out ? resolve(o.out) : o.quick ? join(tmpdir(), `vs-charon-quick-${process.pid}.json`) : join(ROOT, 'bench', 'results', 'vs-charon.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(res, null, 2)}\n`);
    const m = res.params.machine as { cpu: string; cores: number; os: string; kernel: string };
    process.stdout.write(`\nvs-charon ${res.date} on ${m.cpu}, ${m.cores} cores, ${m.os}, kernel ${m.kernel}, node ${process.version}\n`);
    process.stdout.write(`${o.runs} run(s) per case of ${o.duration} s after ${o.warmup} s warm-up; responder on core ${RESPONDER_CPU}, gdoi-load on core ${GENERATOR_CPU}\n\n`);
    process.stdout.write(`${table(cases, res)}\n`);
    for (const n of res.notes) process.stdout.write(`note: ${n}\n`);
    process.stdout.write(`\nresult: ${out}\n`);
    if (o.ksProfile) {
      // node writes a profile per thread when gdoi-ks exits (SIGTERM at the end of each group):
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread (the
      // others are tsx's module loader).
      for (const f of readdirSync(o.ksProfile).filter((x) => /\.\d+\.0\.\d+\.cpuprofile$/.test(x))) {
        process.stdout.write(`\ngdoi-ks profile ${join(o.ksProfile, f)} (whole process life, all cases of one group):\n${formatProfile(summarizeProfile(join(o.ksProfile, f), 20))}\n`);
      }
    }
    return 0;
  } finally {
    await sup.shutdown();
    sup.dispose();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const err = e as Error & { code?: string; exitCode?: number };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) process.exit(2);
    process.stderr.write(`vs-charon: ${e instanceof BenchError ? err.message : err.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
