// One run of the load generator (bin/gdoi-load.js) against a responder: it joins the
// responder's network namespace (nsenter), is pinned to its own core (taskset), measures its
// window after a warm-up, samples the responder's /proc figures itself (--ks-pid) and prints a
// JSON summary. A responder that dies during the run ends the run with an error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from './ensure.ts';
import { ROOT, GROUP_ID } from './ks-responder.ts';
import { PSK, type DhCase, type Responder } from './responder.ts';
import type { Supervisor } from './supervisor.ts';

export type LoadMode = 'phase1-only' | 'register';

export interface LoadParams {
  group: DhCase;
  mode: LoadMode;
  durationSec: number;
  warmupSec: number;
  concurrency: number;
  addresses: number;
  dhReuse: number;
  cpu: number;
  /** Source UDP port of the simulated peers (not 500: charon holds *:500 in its namespace). */
  localPort: number;
}

/** The part of gdoi-load's JSON summary this benchmark uses. */
export interface LoadResult {
  completed: number;
  failed: number;
  failures: Record<string, number>;
  windowMs: number;
  rate: number;
  generator: { cpuSeconds: number; cpuShare: number; rss: number };
  ks: { pid: number; rssBefore: number; rssAfter: number; cpuSeconds: number; cpuShare: number; perCpuSecond: number };
  /** Epoch ms of the window (our estimate: end of run minus the window), for log cross-checks. */
  windowEpochMs: [number, number];
}

export function loadArgs(r: Responder, p: LoadParams): string[] {
  return [
    join(ROOT, 'bin', 'gdoi-load.js'),
    '--ks', r.address, '--port', String(r.port), '--local-port', String(p.localPort),
    '--group', String(p.group), '--encryption', 'aes-256', '--hash', 'sha256', '--psk', PSK,
    '--doi', String(r.doi), '--group-id', String(GROUP_ID),
    '--duration', String(p.durationSec), '--warmup', String(p.warmupSec),
    '--concurrency', String(p.concurrency), '--addresses', String(p.addresses), '--dh-reuse', String(p.dhReuse),
    '--ks-pid', String(r.proc.pid), '--json',
    // Like charon's main-mode runs, every exchange ends with an ISAKMP DELETE of the phase-1
    // SA, so neither responder's SA table grows over a run (the member record stays).
    ...(p.mode === 'phase1-only' ? ['--phase1-only'] : ['--delete-after']),
  ];
}

function parseSummary(text: string): Omit<LoadResult, 'windowEpochMs'> | undefined {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      const j = JSON.parse(line) as Record<string, unknown>;
      if (j.event === 'summary' || (typeof j.completed === 'number' && typeof j.windowMs === 'number')) return j as unknown as Omit<LoadResult, 'windowEpochMs'>;
    } catch {
      // a partial line: keep looking
    }
  }
  // Pretty-printed JSON (one object over many lines) as a fallback.
  const start = text.indexOf('{');
  if (start >= 0) {
    try {
      const j = JSON.parse(text.slice(start)) as Record<string, unknown>;
      if (typeof j.completed === 'number') return j as unknown as Omit<LoadResult, 'windowEpochMs'>;
    } catch {
      // not JSON
    }
  }
  return undefined;
}

export async function runLoad(sup: Supervisor, r: Responder, p: LoadParams, outPath: string): Promise<LoadResult> {
  if (!r.proc.running) throw new BenchError(`${r.kind} (pid ${r.proc.pid}) died before a ${p.mode} run (${r.proc.describeExit()}):\n${r.proc.tail()}`);
  const args = ['--net=/proc/' + r.proc.pid + '/ns/net', '--', 'taskset', '-c', String(p.cpu), process.execPath, ...loadArgs(r, p)];
  const gen = sup.spawn(`gdoi-load (${r.kind}, ${p.mode})`, 'nsenter', args, outPath);
  const limitMs = (p.durationSec + p.warmupSec + 90) * 1000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), limitMs); });
  const outcome = await Promise.race([gen.exited.then(() => 'gen' as const), r.proc.exited.then(() => 'responder' as const), timeout]);
  clearTimeout(timer);
  const endedAt = Date.now();
  if (outcome === 'responder' && !r.proc.stopping) {
    await gen.stop();
    throw new BenchError(`${r.kind} (pid ${r.proc.pid}) died during a ${p.mode} run (${r.proc.describeExit()}):\n${r.proc.tail()}`);
  }
  if (outcome === 'timeout') {
    await gen.stop();
    throw new BenchError(`gdoi-load did not finish within ${limitMs / 1000} s against ${r.kind}:\n${gen.tail()}`);
  }
  await gen.exited;
  const text = readFileSync(outPath, 'utf8');
  if (gen.exit?.code !== 0) {
    throw new BenchError(`gdoi-load failed against ${r.kind} (${p.mode}, ${gen.describeExit()}):\n${text.trimEnd().split('\n').slice(-15).join('\n')}`);
  }
  const s = parseSummary(text);
  if (s === undefined || s.ks === undefined) throw new BenchError(`gdoi-load printed no JSON summary with responder figures:\n${text.slice(-2000)}`);
  if (!r.proc.running) throw new BenchError(`${r.kind} (pid ${r.proc.pid}) died during a ${p.mode} run (${r.proc.describeExit()}):\n${r.proc.tail()}`);
  return { ...s, windowEpochMs: [endedAt - s.windowMs, endedAt] };
}
