// Real daemon processes for integration tests: spawn gdoi-ks / gdoi-gm with a config written
// to a temp dir, collect their syslog lines, talk to them with the real `gdoi` CLI.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export class DaemonProcess {
  lines: string[] = [];
  private waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  exited?: number | null;
  constructor(readonly name: string, readonly proc: ChildProcess, readonly control: string, readonly dir: string) {
    let buf = '';
    const feed = (chunk: Buffer) => {
      buf += chunk.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        this.lines.push(line);
        if (process.env.GDOI_TEST_VERBOSE) process.stdout.write(`[${name}] ${line}\n`);
        this.waiters = this.waiters.filter((w) => (w.re.test(line) ? (w.resolve(line), false) : true));
      }
    };
    proc.stdout!.on('data', feed);
    proc.stderr!.on('data', feed);
    proc.on('exit', (code) => { this.exited = code; });
  }
  /** Resolves with the first line (already seen or future) matching re. */
  waitFor(re: RegExp, timeoutMs = 15_000): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`${this.name}: timed out waiting for ${re}\n${this.lines.slice(-20).join('\n')}`)), timeoutMs);
      this.waiters.push({ re, resolve: (l) => { clearTimeout(t); res(l); } });
    });
  }
  count(re: RegExp): number { return this.lines.filter((l) => re.test(l)).length; }
  /** Runs one IOS command through the real CLI; returns stdout and the exit code. */
  cli(command: string, opts: { yes?: boolean } = {}): Promise<{ code: number; out: string; err: string }> {
    return gdoiCli(this.control, command, opts);
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.exited !== undefined) return;
    const done = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill(signal);
    await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
    if (this.exited === undefined) { this.proc.kill('SIGKILL'); await done; }
  }
}

export function gdoiCli(control: string, command: string, opts: { yes?: boolean } = {}): Promise<{ code: number; out: string; err: string }> {
  const args = [join(ROOT, 'bin/gdoi.js'), '--control', control, ...(opts.yes ? ['--yes'] : []), ...command.split(' ')];
  return new Promise((res) => {
    execFile(process.execPath, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      res({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, out: stdout, err: stderr });
    });
  });
}

export function tempDir(prefix: string): string { return mkdtempSync(join(tmpdir(), `gdoi-${prefix}-`)); }

/** Spawns a daemon ('ks' or 'gm') with the given config text. Extra args are appended. */
export function startDaemon(kind: 'ks' | 'gm', name: string, configText: string, opts: { port: number; dir?: string; args?: string[] }): DaemonProcess {
  const dir = opts.dir ?? tempDir(name);
  const conf = join(dir, `${name}.conf`);
  writeFileSync(conf, configText);
  const control = join(dir, `${name}.sock`);
  const args = [join(ROOT, `bin/gdoi-${kind}.js`), '--config', conf, '--port', String(opts.port), '--control', control, ...(kind === 'ks' ? ['--state-dir', join(dir, 'state')] : []), ...(opts.args ?? [])];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const d = new DaemonProcess(name, proc, control, dir);
  running.add(d);
  return d;
}

const running = new Set<DaemonProcess>();
/** Stops every daemon started by this test file (call in afterAll/afterEach). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((d) => d.stop()));
  running.clear();
}
export function removeDir(dir: string): void { rmSync(dir, { recursive: true, force: true }); }

/** A UDP port free on `address` (the load generator's helper, shared with the benches). */
export { freeUdpPort } from '../../bench/load/ks-process.ts';
