// Latency and failure bookkeeping for a load run, and the summary it ends with.
export class Latencies {
  private data = new Float64Array(1024);
  private n = 0;
  add(ms: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = ms;
  }
  get count(): number { return this.n; }
  /** p50/p90/p99/max/mean in ms, rounded to 0.1 ms; zeros when empty. */
  summary(): LatencySummary {
    if (this.n === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
    const s = this.data.slice(0, this.n).sort();
    const at = (q: number) => s[Math.min(this.n - 1, Math.ceil(q * this.n) - 1)]!;
    let sum = 0;
    for (const v of s) sum += v;
    const r = (v: number) => Math.round(v * 10) / 10;
    return { p50: r(at(0.5)), p90: r(at(0.9)), p99: r(at(0.99)), max: r(s[this.n - 1]!), mean: r(sum / this.n) };
  }
}

export interface LatencySummary { p50: number; p90: number; p99: number; max: number; mean: number }

export interface ProcessFigures {
  pid: number;
  rssBefore: number;
  rssAfter: number;
  /** utime + stime spent inside the measured window, seconds. */
  cpuSeconds: number;
  /** Of which in the kernel (stime): loopback UDP delivery is charged to the sender. */
  systemSeconds: number;
  /** cpuSeconds / window seconds: 1.0 = one core busy. */
  cpuShare: number;
  /** Completed registrations (or SAs) per CPU-second of that process. */
  perCpuSecond: number;
}

export interface LoadSummary {
  event: 'summary';
  mode: 'register' | 'phase1-only';
  responder: string;
  proposal: string;
  groupId: number;
  concurrency: number;
  addresses: number;
  requested: number | null;
  durationSec: number | null;
  warmupSec: number;
  started: number;
  completed: number;
  failed: number;
  failures: Record<string, number>;
  /** Datagrams for no exchange of ours (late retransmits and the like). */
  stray: number;
  /** Datagrams sent again after a retransmit timeout (all GMs, whole run). */
  retransmits: number;
  /** Measured window, ms: first start to last completion (count mode), or --duration. */
  windowMs: number;
  /** Completions per second of window. */
  rate: number;
  latencyMs: LatencySummary;
  /** This process (the load generator). */
  generator: { cpuSeconds: number; cpuShare: number; rss: number };
  ks?: ProcessFigures;
}

export function formatSummary(s: LoadSummary): string {
  const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
  const lines = [
    `gdoi-load: ${s.mode === 'phase1-only' ? 'main mode + ISAKMP DELETE' : 'main mode + GROUPKEY-PULL'} against ${s.responder} (${s.proposal}${s.mode === 'register' ? `, group ${s.groupId}` : ''})`,
    `  completed        ${s.completed} of ${s.started} started${s.requested !== null ? ` (${s.requested} requested)` : ''}, concurrency ${s.concurrency}, ${s.addresses} addresses`,
    `  window           ${(s.windowMs / 1000).toFixed(2)} s${s.warmupSec ? ` after ${s.warmupSec} s warm-up` : ''}`,
    `  rate             ${s.rate.toFixed(1)} ${s.mode === 'phase1-only' ? 'SAs' : 'registrations'}/s`,
    `  latency (ms)     p50 ${s.latencyMs.p50}  p90 ${s.latencyMs.p90}  p99 ${s.latencyMs.p99}  max ${s.latencyMs.max}`,
    `  failures         ${s.failed}${s.failed ? '' : ' (none)'}`,
    ...Object.entries(s.failures).sort((a, b) => b[1] - a[1]).map(([k, v]) => `    ${String(v).padStart(7)}  ${k}`),
    `  generator        CPU ${(s.generator.cpuShare * 100).toFixed(0)} % of a core, RSS ${mib(s.generator.rss)}`,
  ];
  if (s.retransmits) lines.push(`  retransmits      ${s.retransmits}`);
  if (s.stray) lines.push(`  stray datagrams  ${s.stray}`);
  if (s.ks) {
    const k = s.ks;
    lines.push(
      `  responder pid ${k.pid}: CPU ${(k.cpuShare * 100).toFixed(0)} % of a core (${k.cpuSeconds.toFixed(2)} s, ${k.systemSeconds.toFixed(2)} s system), ${k.perCpuSecond.toFixed(1)} per CPU-second`,
      `                   RSS ${mib(k.rssBefore)} -> ${mib(k.rssAfter)} (${k.rssAfter >= k.rssBefore ? '+' : ''}${((k.rssAfter - k.rssBefore) / 1024).toFixed(0)} KiB${s.completed ? `, ${((k.rssAfter - k.rssBefore) / s.completed).toFixed(0)} B per completion` : ''})`,
    );
  }
  return lines.join('\n');
}
