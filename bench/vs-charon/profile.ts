// Where a V8 .cpuprofile (node --cpu-prof) spends its samples: self time per function and per
// source file, as shares of the busy (non-idle) time. Used for `--ks-profile` reports.
import { readFileSync } from 'node:fs';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

export interface Cost {
  name: string;
  percent: number;
}

export interface ProfileSummary {
  busyMs: number;
  functions: Cost[];
  files: Cost[];
}

function shortUrl(url: string): string {
  if (url === '') return '(native)';
  return url.replace(/^file:\/\/.*?\/(ks|gm|shared|bench|bin|node_modules)\//, '$1/').replace(/^node:/, 'node:');
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  let busy = 0;
  p.samples.forEach((id, i) => {
    const f = byId.get(id);
    const dt = p.timeDeltas[i] ?? 0;
    if (!f || f.functionName === '(idle)') return;
    busy += dt;
    const where = shortUrl(f.url);
    const key = `${f.functionName || '(anonymous)'}  ${where}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + dt);
    const fileKey = f.url ? where : f.functionName; // (garbage collector), (program), ...
    files.set(fileKey, (files.get(fileKey) ?? 0) + dt);
  });
  const rank = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, v]) => ({ name, percent: (100 * v) / busy }));
  return { busyMs: busy / 1000, functions: rank(fn), files: rank(files) };
}

export function formatProfile(s: ProfileSummary): string {
  const line = (c: Cost) => `${c.percent.toFixed(1).padStart(5)} %  ${c.name}`;
  return [`busy ${s.busyMs.toFixed(0)} ms; self time by function:`, ...s.functions.map(line), 'by file:', ...s.files.map(line)].join('\n');
}
