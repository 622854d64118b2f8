// bench:vs-charon on bad input: a clear message, a non-zero exit, and no process or temp dir
// left behind: an unsupported DH group, and charon killed while the load generator drives it.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'vs-charon-errors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const BENCH = ['--import', 'tsx', join(ROOT, 'bench', 'vs-charon.ts')];
const env = { ...process.env, TMPDIR: work };

function procText(pid: string, file: 'cmdline' | 'environ'): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Pids of processes that belong to a benchmark run under `work` (by command line or environment). */
function benchPids(match: (cmd: string, environ: string) => boolean = () => true): string[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d) && d !== String(process.pid)).filter((pid) => {
    const cmd = procText(pid, 'cmdline');
    const environ = procText(pid, 'environ');
    return (cmd.includes(`${work}/vs-charon-`) || environ.includes(`STRONGSWAN_CONF=${work}/vs-charon-`)) && match(cmd, environ);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bench:vs-charon bad input', () => {
  it('refuses a DH group it does not benchmark before starting anything', async () => {
    const r = await new Promise<{ code: number; stderr: string }>((res) => {
      execFile(process.execPath, [...BENCH, '--groups', '14,15'], { cwd: ROOT, env, timeout: 30_000 }, (err, _o, stderr) =>
        res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }));
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--groups: only 14 and 19 are benchmarked/);
    expect(readdirSync(work).filter((d) => d.startsWith('vs-charon-'))).toEqual([]);
  });

  it('stops with a clear message and leaves nothing behind when charon dies mid-run', async () => {
    const child = spawn(process.execPath, [...BENCH, '--quick', '--duration', '8', '--out', join(work, 'never.json')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    // Wait until the load generator drives charon (charon is found by its private config, the
    // generator by `--ks-pid <charon's pid>`), then kill charon.
    const deadline = Date.now() + 60_000;
    let charonPid: string | undefined;
    while (Date.now() < deadline && charonPid === undefined) {
      const pid = benchPids((cmd, environ) => environ.includes('STRONGSWAN_CONF=') && cmd.includes('ipsec/charon'))[0];
      const driven = pid !== undefined && readdirSync('/proc').some((d) => /^\d+$/.test(d) &&
        procText(d, 'cmdline').includes('gdoi-load.js') && procText(d, 'cmdline').includes(`--ks-pid ${pid} `));
      if (driven) {
        await sleep(1500);
        charonPid = pid;
      }
      await sleep(100);
    }
    expect(charonPid, stderr).toBeDefined();
    process.kill(Number(charonPid), 'SIGKILL');
    const code = await exited;
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/charon \(pid \d+\) died during a phase1-only run \(killed by SIGKILL\)/);
    expect(benchPids()).toEqual([]);
    expect(readdirSync('/proc').filter((d) => /^\d+$/.test(d) && procText(d, 'cmdline').includes(`--ks-pid ${charonPid} `))).toEqual([]);
    expect(readdirSync(work).filter((d) => d.startsWith('vs-charon-'))).toEqual([]);
  }, 90_000);
});
