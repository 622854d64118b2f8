// Benchmarks start child processes (a KS, load generators, probes); every one is registered
// here and stopped by pid on the way out, also on Ctrl-C or a failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pin, ROOT } from './ks-process.ts';

type Stoppable = { stop(): Promise<void> };
const live = new Set<Stoppable>();

export function track<T extends Stoppable>(p: T): T {
  live.add(p);
  return p;
}

export async function untrack(p: Stoppable): Promise<void> {
  live.delete(p);
  await p.stop();
}

export async function stopEverything(): Promise<void> {
  const all = [...live];
  live.clear();
  await Promise.allSettled(all.map((p) => p.stop()));
}

/** Stops what was started on SIGINT/SIGTERM, then exits non-zero. */
export function stopOnSignals(): void {
  const bail = (sig: string) => {
    process.stderr.write(`\n${sig}: stopping the processes this benchmark started\n`);
    void stopEverything().finally(() => process.exit(130));
  };
  process.on('SIGINT', () => bail('SIGINT'));
  process.on('SIGTERM', () => bail('SIGTERM'));
}

/** Runs `node --import tsx FILE ARGS` (pinned to `cpu`) and resolves with its stdout lines. */
export function runTs(file: string, args: string[], opts: { cpu?: number; timeoutMs?: number } = {}): Promise<string[]> {
  const argv = [...pin(opts.cpu), process.execPath, '--import', 'tsx', join(ROOT, file), ...args];
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
    let out = '', err = '';
    child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
    const handle = { stop: async () => { if (child.exitCode === null) child.kill('SIGKILL'); } };
    live.add(handle);
    const t = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${file}: timed out\n${err}`)); }, opts.timeoutMs ?? 120_000);
    child.on('exit', (code) => {
      clearTimeout(t);
      live.delete(handle);
      if (code === 0) resolve(out.split('\n').filter(Boolean));
      else reject(new Error(`${file} exited with ${code}\n${err.slice(-2000)}`));
    });
  });
}

/** A long-running `node --import tsx FILE ARGS` whose stdout lines arrive through `onLine`. */
export function startTs(file: string, args: string[], onLine: (l: string) => void, opts: { cpu?: number } = {}): Stoppable & { proc: ChildProcess } {
  const argv = [...pin(opts.cpu), process.execPath, '--import', 'tsx', join(ROOT, file), ...args];
  const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
  let buf = '';
  proc.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { onLine(buf.slice(0, i)); buf = buf.slice(i + 1); }
  });
  const h = {
    proc,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
  return track(h);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
