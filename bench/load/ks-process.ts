// A real gdoi-ks child process for benchmarks: its own temp config and state directory, a free
// UDP port (never 848), optionally pinned to a core with taskset. Stopped by pid.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ControlClient } from '../../shared/control/client.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface KsConfigOptions {
  dhGroup: number;
  /** Pre-shared key for 127.0.0.0/8 (not configured with `pki`). */
  psk: string;
  /**
   * RSA-signature phase 1 instead of PSK: PEM files of the KS's certificate, its key and the CA
   * the GMs' certificates must chain to. The KS identifies itself by its certificate's subject DN.
   */
  pki?: { cert: string; key: string; ca: string };
  groupId: number;
  /** Multicast rekeys to this group (else unicast). */
  multicast?: string;
  encryption?: string;   // IOS `encr` words: 'aes 256'
  hash?: string;         // IOS `hash`: sha256
  address?: string;
}

/** An IOS-style KS configuration for loopback benchmarks (PSK for all of 127.0.0.0/8, or rsa-sig). */
export function ksConfig(o: KsConfigOptions): string {
  // Absolute paths: the config parser resolves relative ones from the config file's directory.
  const auth = o.pki ? [
    `crypto pki certificate ${resolve(o.pki.cert)}`,
    `crypto pki key ${resolve(o.pki.key)}`,
    `crypto pki trusted-ca ${resolve(o.pki.ca)}`,
    'crypto isakmp identity dn',
  ] : [`crypto isakmp key ${o.psk} address 127.0.0.0 255.0.0.0`];
  const mcast = o.multicast ? [
    'ip access-list extended REKEY-MCAST',
    ` permit udp host ${o.address ?? '127.0.0.1'} eq 848 host ${o.multicast} eq 848`,
  ] : [];
  return [
    'hostname bench-ks',
    'crypto key generate rsa general-keys label BENCHRSA modulus 2048',
    'crypto isakmp policy 10',
    ` encr ${o.encryption ?? 'aes 256'}`,
    ` hash ${o.hash ?? 'sha256'}`,
    ` authentication ${o.pki ? 'rsa-sig' : 'pre-share'}`,
    ` group ${o.dhGroup}`,
    ' lifetime 86400',
    ...auth,
    'crypto ipsec transform-set BENCH-TS esp-aes 256 esp-sha256-hmac',
    'crypto ipsec profile BENCH-P',
    ' set transform-set BENCH-TS',
    ' set security-association lifetime seconds 3600',
    'ip access-list extended BENCH-ENC',
    ' permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255',
    ...mcast,
    'crypto gdoi group BENCH',
    ` identity number ${o.groupId}`,
    ' server local',
    '  rekey algorithm aes 256',
    '  rekey lifetime seconds 86400',
    '  rekey authentication mypubkey rsa BENCHRSA',
    ...(o.multicast ? ['  rekey address ipv4 REKEY-MCAST'] : ['  rekey transport unicast']),
    '  sa ipsec 1',
    '   profile BENCH-P',
    '   match address ipv4 BENCH-ENC',
    '   replay counter window-size 64',
    `  address ipv4 ${o.address ?? '127.0.0.1'}`,
    'end',
    '',
  ].join('\n');
}

/** A UDP port free on `address` (bind, release), from the high range; never 848. */
export async function freeUdpPort(address = '127.0.0.1'): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const ok = await new Promise<boolean>((res) => {
      const s = createSocket('udp4');
      s.once('error', () => { s.close(); res(false); });
      s.bind(port, address, () => s.close(() => res(true)));
    });
    if (ok) return port;
  }
}

export function haveTaskset(): boolean {
  return spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}

/** argv prefix pinning a command to `cpu` when taskset works, else nothing. */
export function pin(cpu: number | undefined): string[] {
  return cpu !== undefined && haveTaskset() ? ['taskset', '-c', String(cpu)] : [];
}

export class KsProcess {
  readonly lines: string[] = [];
  private waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  exited?: number | null;

  private readonly poller: NodeJS.Timeout;
  private readonly logFd: number;
  private logAt = 0;
  private partial = '';

  /**
   * The KS logs to a file (dir/ks.log), read back every 50 ms: writes to a pipe are synchronous
   * on Linux and would make the KS wait for this process to be scheduled to read them.
   */
  private constructor(readonly proc: ChildProcess, readonly dir: string, readonly control: string, readonly port: number, readonly address: string) {
    this.logFd = openSync(join(dir, 'ks.log'), 'r');
    this.poller = setInterval(() => this.readLog(), 50);
    this.poller.unref();
    proc.on('exit', (code) => { this.exited = code; this.readLog(); clearInterval(this.poller); });
  }

  private readLog(): void {
    const chunk = Buffer.alloc(1 << 16);
    for (;;) {
      let n = 0;
      try { n = readSync(this.logFd, chunk, 0, chunk.length, this.logAt); } catch { return; }
      if (n <= 0) return;
      this.logAt += n;
      const lines = (this.partial + chunk.subarray(0, n).toString()).split('\n');
      this.partial = lines.pop()!;
      for (const line of lines) {
        // Keep memory flat across 10,000 registrations: only lines someone may wait for.
        if (!/KS_REGS_COMPL|GM_REGS_COMPL/.test(line)) this.lines.push(line);
        this.waiters = this.waiters.filter((w) => (w.re.test(line) ? (w.resolve(line), false) : true));
      }
    }
  }

  get pid(): number { return this.proc.pid!; }

  /**
   * `gcProbe`: preload bench/load/gc-probe.mjs (with --expose-gc) so that memory() can ask for a
   * full GC and the live heap figures.
   */
  static async start(o: KsConfigOptions & { cpu?: number; port?: number; nodeArgs?: string[]; gcProbe?: boolean }): Promise<KsProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'gdoi-bench-ks-'));
    const conf = join(dir, 'ks.conf');
    writeFileSync(conf, ksConfig(o));
    const port = o.port ?? await freeUdpPort(o.address);
    const control = join(dir, 'ks.sock');
    const probe = o.gcProbe ? ['--expose-gc', '--import', join(ROOT, 'bench/load/gc-probe.mjs')] : [];
    const argv = [...pin(o.cpu), process.execPath, ...probe, ...(o.nodeArgs ?? []), join(ROOT, 'bin/gdoi-ks.js'), '--config', conf, '--port', String(port),
      '--control', control, '--state-dir', join(dir, 'state'), '--address', o.address ?? '127.0.0.1'];
    const env = o.gcProbe ? { ...process.env, GDOI_GC_PROBE_OUT: join(dir, 'gc-probe.jsonl') } : process.env;
    const log = openSync(join(dir, 'ks.log'), 'a');
    const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', log, log], cwd: dir, env });
    closeSync(log);
    const ks = new KsProcess(proc, dir, control, port, o.address ?? '127.0.0.1');
    await ks.waitFor(/KS_STARTED/, 30_000);
    return ks;
  }

  waitFor(re: RegExp, timeoutMs = 15_000): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`gdoi-ks: timed out waiting for ${re}\n${this.lines.slice(-20).join('\n')}`)), timeoutMs);
      this.waiters.push({ re, resolve: (l) => { clearTimeout(t); res(l); } });
      this.proc.once('exit', (code) => { clearTimeout(t); rej(new Error(`gdoi-ks exited (${code}) while waiting for ${re}\n${this.lines.slice(-20).join('\n')}`)); });
    });
  }

  /** One IOS command over the control socket (what `gdoi --control PATH ...` sends). */
  async command(line: string): Promise<string> {
    const c = await ControlClient.connect(this.control);
    try {
      const r = await c.request(line, { timeoutMs: 60_000 });
      if (!r.ok) throw new Error(`gdoi-ks refused '${line}': ${r.output}`);
      return r.output;
    } finally {
      c.close();
    }
  }

  /** With gcProbe: a full GC in the KS, then its memory figures (bytes). */
  async memory(): Promise<{ rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }> {
    const file = join(this.dir, 'gc-probe.jsonl');
    const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);
    const before = lines().length;
    this.proc.kill('SIGUSR2');
    const until = Date.now() + 30_000;
    while (lines().length <= before) {
      if (Date.now() > until || this.exited !== undefined) throw new Error('gdoi-ks did not answer the GC probe (started without gcProbe?)');
      await new Promise((r) => setTimeout(r, 50));
    }
    return JSON.parse(lines()[before]!);
  }

  async stop(): Promise<void> {
    if (this.exited === undefined) {
      const done = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
      if (this.exited === undefined) { this.proc.kill('SIGKILL'); await done; }
    }
    clearInterval(this.poller);
    try { closeSync(this.logFd); } catch { /* already closed */ }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
