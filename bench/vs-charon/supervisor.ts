// Everything the benchmark starts (processes, temp dirs) is registered here and torn down by
// process id: on normal completion, on failure, on Ctrl-C/SIGTERM, and (synchronously, as a
// last resort) when node exits. Children run in their own process group (detached) so that a
// Ctrl-C in the terminal reaches only us and we stop them in order, not all at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Tracked {
  readonly pid: number;
  exit: ExitInfo | undefined;
  /** Resolves when the process has exited (or could not be spawned). */
  readonly exited: Promise<ExitInfo>;
  /** Set by stop(): an exit from now on is expected, not a failure. */
  stopping = false;

  constructor(readonly name: string, readonly child: ChildProcess, readonly outPath: string) {
    this.pid = child.pid ?? -1;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      child.once('error', () => {
        this.exit ??= { code: -1, signal: null };
        resolve(this.exit);
      });
    });
  }

  get running(): boolean {
    return this.exit === undefined && this.pid > 0;
  }

  /** Last lines of the process's stdout+stderr file, for error messages. */
  tail(n = 15): string {
    try {
      return readFileSync(this.outPath, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
    } catch {
      return '';
    }
  }

  describeExit(): string {
    const e = this.exit;
    if (e === undefined) return 'still running';
    return e.signal !== null ? `killed by ${e.signal}` : `exit code ${e.code}`;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 3000): Promise<void> {
    this.stopping = true;
    if (!this.running) return;
    this.signal('SIGTERM');
    const t = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(t);
  }

  signal(sig: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(this.pid, sig);
    } catch {
      // already gone
    }
  }
}

export class Supervisor {
  private readonly procs = new Set<Tracked>();
  private readonly dirs = new Set<string>();
  private interrupted: NodeJS.Signals | undefined;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    if (this.interrupted) return;
    this.interrupted = sig;
    process.stderr.write(`\nvs-charon: ${sig}: stopping everything this benchmark started\n`);
    void this.shutdown().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  private readonly onExit = () => this.killNowSync();

  constructor(readonly keepDirs = false) {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    process.on('SIGHUP', this.onSignal);
    process.on('exit', this.onExit);
  }

  /** Set when a signal asked us to stop; the run loop checks it between steps. */
  get stopRequested(): NodeJS.Signals | undefined {
    return this.interrupted;
  }

  tempDir(prefix: string): string {
    const d = mkdtempSync(join(tmpdir(), `vs-charon-${prefix}-`));
    this.dirs.add(d);
    return d;
  }

  /** Spawns a process with stdout+stderr going to `outPath`. */
  spawn(name: string, file: string, args: string[], outPath: string, env?: NodeJS.ProcessEnv): Tracked {
    const fd = openSync(outPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(file, args, { stdio: ['ignore', fd, fd], detached: true, env: env ?? process.env });
    } finally {
      closeSync(fd);
    }
    const t = new Tracked(name, child, outPath);
    this.procs.add(t);
    void t.exited.then(() => this.procs.delete(t));
    return t;
  }

  /** Stops every tracked process (in parallel, by pid) and removes the temp dirs. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.procs].map((p) => p.stop()));
    this.removeDirs();
  }

  removeDirs(): void {
    if (this.keepDirs) {
      if (this.dirs.size > 0) process.stderr.write(`vs-charon: kept ${[...this.dirs].join(' ')}\n`);
      this.dirs.clear();
      return;
    }
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
    this.dirs.clear();
  }

  /** Process-exit hook: no time left to wait, so SIGKILL and rm. */
  private killNowSync(): void {
    for (const p of this.procs) p.signal('SIGKILL');
    this.removeDirs();
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    process.off('SIGHUP', this.onSignal);
    process.off('exit', this.onExit);
  }
}
