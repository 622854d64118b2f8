// From run records to the result file (bench/results/vs-charon.json, the agreed shape
// {name, date, params, metrics:{KEY:{value,unit}}, ceiling:{value,unit,how}, ratio}, where
// every metric also carries min/median/max over the runs) and to a table a person can read.
import { round, spread, type Spread } from './stats.ts';
import type { LoadMode, LoadResult } from './load.ts';
import type { DhCase } from './responder.ts';

export interface RunRecord {
  responder: 'charon' | 'gdoi-ks';
  group: DhCase;
  mode: LoadMode;
  run: number;
  result: LoadResult;
  /** charon's own count of IKE_SAs it logged as established inside the window (a cross-check of
   *  the generator's count; approximate: the window's epoch bounds are estimated from the
   *  generator's exit time). */
  responderLogged?: number;
}

export interface Case {
  responder: 'charon' | 'gdoi-ks';
  group: DhCase;
  mode: LoadMode;
}

export interface Metric extends Spread {
  value: number;
  unit: string;
}

/** A generator this busy while the responder is not is the bottleneck: raw rates are lower bounds. */
export const SATURATED = 0.9;

export function caseKey(c: Case): string {
  return `${c.responder === 'charon' ? 'charon' : 'gdoi_ks'}_g${c.group}_${c.mode === 'phase1-only' ? 'main_mode' : 'registration'}`;
}

export function caseLabel(c: Case): string {
  return c.mode === 'phase1-only' ? 'main mode + DELETE' : 'registration (main mode + PULL)';
}

export interface CaseFigures {
  c: Case;
  runs: RunRecord[];
  perCpuSecond: Spread;
  rate: Spread;
  responderCpu: Spread;
  generatorCpu: Spread;
  rssMiB: Spread;
  /** Runs in which the generator was saturated while the responder was not. */
  generatorBound: number;
  failed: number;
}

export function figures(c: Case, runs: RunRecord[]): CaseFigures {
  const r = runs.map((x) => x.result);
  return {
    c, runs,
    perCpuSecond: spread(r.map((x) => x.ks.perCpuSecond)),
    rate: spread(r.map((x) => x.rate)),
    responderCpu: spread(r.map((x) => x.ks.cpuShare * 100)),
    generatorCpu: spread(r.map((x) => x.generator.cpuShare * 100)),
    rssMiB: spread(r.map((x) => x.ks.rssAfter / 1048576)),
    generatorBound: r.filter((x) => x.generator.cpuShare >= SATURATED && x.ks.cpuShare < SATURATED).length,
    failed: r.reduce((n, x) => n + x.failed, 0),
  };
}

function metric(s: Spread, unit: string, digits = 1): Metric {
  const m = { min: round(s.min, digits), median: round(s.median, digits), max: round(s.max, digits) };
  return { value: m.median, unit, ...m };
}

export interface ResultFile {
  name: 'vs-charon';
  date: string;
  params: Record<string, unknown>;
  metrics: Record<string, Metric>;
  ceiling: { value: number; unit: string; how: string };
  ratio: number;
  notes: string[];
  runs: Array<Record<string, unknown>>;
}

/** ours (full registrations per CPU-second) / charon (main-mode SAs per CPU-second), per run pair and median. */
function ratioSpread(ours: CaseFigures, theirs: CaseFigures): Spread {
  const n = Math.min(ours.runs.length, theirs.runs.length);
  const pairs: number[] = [];
  for (let i = 0; i < n; i++) pairs.push(ours.runs[i]!.result.ks.perCpuSecond / theirs.runs[i]!.result.ks.perCpuSecond);
  const s = spread(pairs);
  return { ...s, median: ours.perCpuSecond.median / theirs.perCpuSecond.median };
}

export function buildResult(all: CaseFigures[], params: Record<string, unknown>, date: Date): ResultFile {
  const metrics: Record<string, Metric> = {};
  const notes: string[] = [];
  const unitOf = (c: Case) => (c.mode === 'phase1-only' ? 'SAs' : 'registrations');
  for (const f of all) {
    const k = caseKey(f.c);
    const who = f.c.responder === 'charon' ? 'charon' : 'gdoi-ks';
    metrics[`${k}_per_cpu_second`] = metric(f.perCpuSecond, `${unitOf(f.c)} per ${who} CPU-second`);
    metrics[`${k}_per_second`] = metric(f.rate, `${unitOf(f.c)}/s (raw)`);
    metrics[`${k}_responder_cpu`] = metric(f.responderCpu, `% of one core (${who})`);
    metrics[`${k}_generator_cpu`] = metric(f.generatorCpu, '% of one core (gdoi-load)');
    metrics[`${k}_responder_rss`] = metric(f.rssMiB, `MiB (${who} VmRSS at window end)`);
    if (f.generatorBound > 0) {
      notes.push(`${who}, group ${f.c.group}, ${caseLabel(f.c)}: the load generator saturated its core before the responder did in ${f.generatorBound} of ${f.runs.length} runs; the raw rate is a lower bound, the per-CPU-second figure is the headline.`);
    }
    if (f.failed > 0) notes.push(`${who}, group ${f.c.group}, ${caseLabel(f.c)}: ${f.failed} exchanges failed over all runs (${failureText(f)}).`);
  }
  const find = (responder: Case['responder'], group: DhCase, mode: LoadMode) =>
    all.find((f) => f.c.responder === responder && f.c.group === group && f.c.mode === mode);
  let headline: { value: number; ceiling: number; group: DhCase } | undefined;
  for (const g of [14, 19] as const) {
    const ours = find('gdoi-ks', g, 'register');
    const theirs = find('charon', g, 'phase1-only');
    if (!ours || !theirs) continue;
    const r = ratioSpread(ours, theirs);
    metrics[`ratio_g${g}`] = { value: round(r.median, 3), unit: 'gdoi-ks registrations per CPU-second / charon main-mode SAs per CPU-second', min: round(r.min, 3), median: round(r.median, 3), max: round(r.max, 3) };
    const oursMm = find('gdoi-ks', g, 'phase1-only');
    if (oursMm) {
      const m = oursMm.perCpuSecond.median / theirs.perCpuSecond.median;
      metrics[`ratio_g${g}_main_mode`] = { value: round(m, 3), unit: 'gdoi-ks main-mode SAs per CPU-second / charon main-mode SAs per CPU-second', min: round(m, 3), median: round(m, 3), max: round(m, 3) };
    }
    if (headline === undefined || g === 14) headline = { value: r.median, ceiling: theirs.perCpuSecond.median, group: g };
  }
  if (headline === undefined) throw new Error('no charon/gdoi-ks pair to compare');
  return {
    name: 'vs-charon',
    date: date.toISOString(),
    params,
    metrics,
    ceiling: {
      value: round(headline.ceiling, 1),
      unit: 'main-mode SAs per charon CPU-second',
      how: `strongSwan charon (Debian) as IKEv1 main-mode responder, PSK, AES-256, SHA-256, DH group ${headline.group}, pinned to one core; median over the runs of this benchmark, same machine, same run, same load generator (gdoi-load --phase1-only)`,
    },
    ratio: round(headline.value, 3),
    notes,
    runs: all.flatMap((f) => f.runs.map((x) => ({
      responder: x.responder, group: x.group, mode: x.mode, run: x.run,
      completed: x.result.completed, failed: x.result.failed, windowSec: round(x.result.windowMs / 1000, 2),
      perSecond: round(x.result.rate, 1), perCpuSecond: round(x.result.ks.perCpuSecond, 1),
      responderCpuSeconds: round(x.result.ks.cpuSeconds, 2), responderCpu: round(x.result.ks.cpuShare * 100, 1),
      generatorCpu: round(x.result.generator.cpuShare * 100, 1), responderRssMiB: round(x.result.ks.rssAfter / 1048576, 1),
      ...(x.responderLogged !== undefined ? { charonLogEstablishedApprox: x.responderLogged } : {}),
    }))),
  };
}

function failureText(f: CaseFigures): string {
  const sum = new Map<string, number>();
  for (const r of f.runs) for (const [k, v] of Object.entries(r.result.failures ?? {})) sum.set(k, (sum.get(k) ?? 0) + v);
  return [...sum].map(([k, v]) => `${v} ${k}`).join(', ') || 'no reasons given';
}

const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const triple = (s: Spread, d = 0) => `${fmt(s.min, d)} / ${fmt(s.median, d)} / ${fmt(s.max, d)}`;

/** Markdown table (the README's Performance section uses the same text). */
export function table(all: CaseFigures[], res: ResultFile): string {
  const out: string[] = [];
  out.push('| DH group | responder | exchange | per responder CPU-second (min / median / max) | per second, raw | responder CPU | generator CPU | responder RSS |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const f of all) {
    const who = f.c.responder === 'charon' ? 'charon' : 'gdoi-ks';
    const bound = f.generatorBound > 0 ? ' ¹' : '';
    out.push(`| ${f.c.group} | ${who} | ${caseLabel(f.c)} | **${triple(f.perCpuSecond)}** | ${triple(f.rate)}${bound} | ${fmt(f.responderCpu.median)} % | ${fmt(f.generatorCpu.median)} % | ${fmt(f.rssMiB.median, 1)} MiB |`);
  }
  out.push('');
  for (const g of [14, 19]) {
    const r = res.metrics[`ratio_g${g}`];
    if (r) out.push(`Ratio, DH group ${g}: **${r.value.toFixed(2)}** (per run pair ${r.min.toFixed(2)}–${r.max.toFixed(2)}): gdoi-ks full registrations per CPU-second / charon main-mode SAs per CPU-second.`);
  }
  if (all.some((f) => f.generatorBound > 0)) {
    out.push('', '¹ The load generator saturated its core before the responder did: the raw rate is a lower bound; the per-CPU-second figure is the headline.');
  }
  return out.join('\n');
}
