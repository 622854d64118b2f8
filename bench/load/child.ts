// gdoi-load as a child process (optionally pinned to a core), read through its --json lines.
// For benchmarks that drive a responder from another process, as bench:register,
// bench:rekey and bench:vs-charon do.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pin, ROOT } from './ks-process.ts';
import type { LoadSummary } from './stats.ts';
import type { RekeyReport } from './rekey-listener.ts';

export type LoadEvent =
  | LoadSummary
  | (Omit<LoadSummary, 'event'> & { event: 'registered' })
  | (RekeyReport & { event: 'rekey' })
  | { event: 'exit'; reason: string; rekeys: number };

export class LoadProcess {
  private readonly events: LoadEvent[] = [];
  private waiters: Array<{ pick: (e: LoadEvent) => boolean; resolve: (e: LoadEvent) => void }> = [];
  private stderr = '';
  exitCode?: number | null;
  private readonly exited: Promise<number | null>;

  private constructor(readonly proc: ChildProcess) {
    let buf = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let e: LoadEvent;
        try { e = JSON.parse(line) as LoadEvent; } catch { continue; }
        this.events.push(e);
        this.waiters = this.waiters.filter((w) => (w.pick(e) ? (w.resolve(e), false) : true));
      }
    });
    proc.stderr!.on('data', (c: Buffer) => { this.stderr = (this.stderr + c.toString()).slice(-4000); });
    this.exited = new Promise((res) => proc.on('exit', (code) => { this.exitCode = code; res(code); }));
  }

  /** Starts `gdoi-load --json ARGS` (pinned to `cpu` when given). */
  static start(args: string[], opts: { cpu?: number; nodeArgs?: string[] } = {}): LoadProcess {
    const argv = [...pin(opts.cpu), process.execPath, ...(opts.nodeArgs ?? []), join(ROOT, 'bin/gdoi-load.js'), '--json', '--no-progress', ...args];
    return new LoadProcess(spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get pid(): number { return this.proc.pid!; }

  /** The first event (seen or future) that `pick` accepts. */
  next<E extends LoadEvent>(pick: (e: LoadEvent) => e is E, timeoutMs: number): Promise<E>;
  next(pick: (e: LoadEvent) => boolean, timeoutMs: number): Promise<LoadEvent>;
  next(pick: (e: LoadEvent) => boolean, timeoutMs: number): Promise<LoadEvent> {
    const seen = this.events.find(pick);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`gdoi-load: no such event within ${timeoutMs} ms\n${this.stderr}`)), timeoutMs);
      void this.exited.then((code) => { clearTimeout(t); reject(new Error(`gdoi-load exited (${code}) before the event\n${this.stderr}`)); });
      this.waiters.push({ pick, resolve: (e) => { clearTimeout(t); resolve(e); } });
    });
  }

  /** Runs to the end (count mode); resolves with the summary or rejects with stderr. */
  async summary(timeoutMs: number): Promise<LoadSummary> {
    return (await this.next((e): e is LoadSummary => e.event === 'summary', timeoutMs));
  }

  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(t);
  }

  get lastError(): string { return this.stderr; }
}
