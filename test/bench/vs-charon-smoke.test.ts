// Keeps `npm run bench:vs-charon` from rotting: its --quick mode (DH group 14, one short run
// per responder: charon main mode, gdoi-ks main mode, gdoi-ks registration) runs for real and
// must exit 0 with a result file in the agreed shape, non-zero rates, and nothing left behind.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'vs-charon-smoke-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function runBench(args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    // TMPDIR: the benchmark's temp dirs go under ours, so leftovers are ours to find.
    const env = { ...process.env, TMPDIR: work };
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'vs-charon.ts'), ...args], { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 8 << 20 },
      (err, stdout, stderr) => res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

/** Processes whose command line mentions one of the benchmark's temp dirs under `work`. */
function benchProcesses(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(`${work}/vs-charon-`)) found.push(`${pid} ${cmd}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

describe('bench:vs-charon --quick', () => {
  it('runs charon and gdoi-ks side by side and writes a result in the agreed shape', async () => {
    const out = join(work, 'quick.json');
    const r = await runBench(['--quick', '--out', out], 150_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| 14 \| charon \| main mode \+ DELETE \|/);
    expect(r.stdout).toMatch(/Ratio, DH group 14: \*\*\d+\.\d\d\*\*/);
    expect(existsSync(out)).toBe(true);

    const res = JSON.parse(readFileSync(out, 'utf8'));
    expect(res.name).toBe('vs-charon');
    expect(Number.isNaN(Date.parse(res.date))).toBe(false);
    expect(res.params.quick).toBe(true);
    expect(res.params.runs).toBe(1);
    for (const [key, m] of Object.entries<Record<string, unknown>>(res.metrics)) {
      expect(typeof m.value, key).toBe('number');
      expect(typeof m.unit, key).toBe('string');
      expect(m.min as number, key).toBeLessThanOrEqual(m.median as number);
      expect(m.median as number, key).toBeLessThanOrEqual(m.max as number);
      expect(m.value, key).toBe(m.median);
    }
    for (const k of ['charon_g14_main_mode', 'gdoi_ks_g14_main_mode', 'gdoi_ks_g14_registration']) {
      expect(res.metrics[`${k}_per_cpu_second`].value, k).toBeGreaterThan(0);
      expect(res.metrics[`${k}_per_second`].value, k).toBeGreaterThan(0);
      expect(res.metrics[`${k}_responder_cpu`].value, k).toBeGreaterThan(0);
      expect(res.metrics[`${k}_generator_cpu`].value, k).toBeGreaterThan(0);
      expect(res.metrics[`${k}_responder_rss`].value, k).toBeGreaterThan(1);
    }
    expect(res.ceiling.value).toBe(res.metrics.charon_g14_main_mode_per_cpu_second.value);
    expect(res.ceiling.unit).toMatch(/charon CPU-second/);
    expect(res.ceiling.how).toMatch(/group 14/);
    const expected = res.metrics.gdoi_ks_g14_registration_per_cpu_second.median / res.metrics.charon_g14_main_mode_per_cpu_second.median;
    expect(res.ratio).toBeGreaterThan(0);
    expect(Math.abs(res.ratio - expected)).toBeLessThan(0.01);
    expect(res.runs).toHaveLength(3);
    // charon's own log agrees that it established SAs in the window (approximate bounds).
    expect(res.runs[0].charonLogEstablishedApprox).toBeGreaterThan(0);

    expect(benchProcesses()).toEqual([]);
    expect(readdirSync(work).filter((d) => d.startsWith('vs-charon-'))).toEqual([]);
  }, 180_000);
});
