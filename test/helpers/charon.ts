/**
 * Harness: Debian's strongSwan charon (5.9.x) as a real IKEv1 main-mode peer for tests and
 * benchmarks, on loopback only. Proven charon-against-charon in
 * test/interop/charon-harness.test.ts; later tests replace one side with our daemon.
 *
 * What was established on this machine (Debian 12, strongSwan 5.9.8, kernel 6.x, root):
 *
 * Isolation (scripts/charon/run-charon.sh)
 *  - Each charon runs in a private mount namespace (`unshare --mount --propagation private`)
 *    with WORKDIR/run bind-mounted over /run: the pid file /run/charon.pid is compiled in.
 *  - kernel-netlink writes the global sysctl /proc/sys/net/core/xfrm_acq_expires (165) at
 *    start-up, even for IKE-only use (seen with strace). We bind-mount a private file over it
 *    and also configure the host's current value, so the host sysctl never changes.
 *  - kernel-netlink adds `ip rule ... lookup 220` (both families) at start-up unless
 *    `charon.routing_table = 0`; set here, so no rule is installed. `install_routes = no` and
 *    `install_virtual_ip = no` are set too. The only other kernel objects are per-socket
 *    IP_XFRM_POLICY bypass entries on charon's own sockets (shown by `ip xfrm policy` as
 *    "socket in/out"; they vanish with the sockets). The kernel-netlink plugin cannot be
 *    dropped: it is charon's only kernel-net interface in Debian's packages (no fake kernel;
 *    the load-tester's `fake_kernel` is not packaged). For an IKE SA only, nothing else is
 *    written to the kernel.
 *  - Quick mode (childSa): before sending the first QM message the initiator allocates an
 *    SPI (XFRM_MSG_ALLOCSPI, a larval state in the host's SAD that matches no traffic and is
 *    deleted when the CHILD_SA fails). A charon *responder* is never given children here:
 *    accepting quick mode would install real XFRM SAs and policies in the host kernel. It
 *    therefore refuses quick mode with INFORMATIONAL [ HASH N(INVAL_ID) ]. The initiator's
 *    traffic selectors are narrowed to udp/9 (discard) host-to-host so that even a peer that
 *    accepted could only capture UDP port 9 between the two loopback addresses.
 *
 * Ports
 *  - socket-default binds the wildcard address (0.0.0.0:port, no SO_REUSEADDR/SO_REUSEPORT,
 *    verified with strace) and has no option to bind one address; `charon.interfaces_use = lo`
 *    only filters address enumeration and, worse, made charon drop every packet addressed to
 *    127.0.0.2 (not set here). Hence two charons cannot share port 848 on one host, and a
 *    charon on 848 also conflicts with any other socket on *:848 or 127.x:848. The initiator
 *    therefore listens on `listenPort` and sends to remote port `port` via swanctl.conf
 *    `remote_port`; swanctl.conf `local_port` must equal a port charon has bound (charon.port),
 *    else "no socket found to send IPv4 packet from port N".
 *  - NON-ESP MARKER: when *neither* UDP port of a packet is 500, charon prepends the 4 zero
 *    bytes of RFC 3948 section 2.2 to every IKE message it sends, and silently drops received
 *    IKE messages that lack them (seen on the wire and in charon's NET log). So charon on 848
 *    talking to a peer on 848 (Cisco GDOI style) is NOT plain ISAKMP. With one side on 500 the
 *    messages are plain. The initiator's `listenPort` therefore defaults to 500: charon sends
 *    plain ISAKMP from 127.0.0.2:500 to :848. Charon.nonEspMarker(a, b) tells which case applies;
 *    a responder on 848 expects the marker from any peer port other than 500.
 *  - `charon.port_nat_t = 0` makes socket-default bind a kernel-chosen free NAT-T port. NAT-T
 *    cannot be switched off in charon's IKEv1: it always sends the NAT-T vendor IDs (RFC 3947
 *    and drafts) in message 1/2 and NAT-D payloads in messages 3/4. On loopback the NAT-D
 *    hashes match, so charon never floats to the NAT-T port. `encap = no` is set.
 *  - `use_ipv6 = no` so only IPv4 sockets are opened.
 *
 * swanctl.conf written for IKEv1 main mode (initiator shown; the responder has
 * local_port = 848, remote_addrs = 127.0.0.0/8, and no remote_port, keyingtries or children):
 *     connections {
 *       gdoi {
 *         version = 1              # IKEv1
 *         aggressive = no          # main mode
 *         local_addrs = 127.0.0.2
 *         remote_addrs = 127.0.0.1
 *         local_port = 500         # = charon.port (listenPort)
 *         remote_port = 848
 *         proposals = aes256-sha256-modp2048
 *         encap = no
 *         unique = never
 *         rekey_time = 0s
 *         reauth_time = 0s
 *         dpd_delay = 0s
 *         keyingtries = 1
 *         send_cert = always       # rsa only: CERT payload even without CERTREQ
 *         local { auth = psk  id = 127.0.0.2 }       # or auth = pubkey, certs = local.pem
 *         remote { auth = psk  id = %any }           # or auth = pubkey, cacerts = ca.pem
 *         children { gm { esp_proposals = aes256-sha256  local_ts = 127.0.0.2/32[udp/9]
 *                         remote_ts = 127.0.0.1/32[udp/9]  start_action = none } }  # childSa only
 *       }
 *     }
 *     secrets { ike-gdoi { secret = "..." } }   # no ids: PSK lookup in main mode happens before
 *                                                # the peer's ID is known (message 3/4)
 *  - `swanctl --initiate --ike gdoi` runs main mode only (6 messages, exchange type 2) and no
 *    quick mode; `swanctl --initiate --child gm` runs main mode (if needed) and then quick mode
 *    (exchange type 32, encrypted, non-zero message ID).
 *
 * Log lines (filelog, `time_format = %s` + `time_add_ms`: "1795482860.122 07[IKE] ..."):
 *  - established (DBG0, both sides):
 *      "IKE_SA gdoi[1] established between 127.0.0.1[127.0.0.1]...127.0.0.2[127.0.0.2]"
 *  - responder start of main mode: "127.0.0.2 is initiating a Main Mode IKE_SA"
 *  - initiator start: "initiating Main Mode IKE_SA gdoi[1] to 127.0.0.1"
 *  - quick mode: initiator "generating QUICK_MODE request <msgid> [ HASH SA No ID ID ]",
 *    responder "parsed QUICK_MODE request <msgid> [ HASH SA No ID ID ]" then
 *    "no matching CHILD_SA config found for ..." and "generating INFORMATIONAL_V1 request ...
 *    [ HASH N(INVAL_ID) ]"; initiator "received INVALID_ID_INFORMATION error notify".
 *
 * Gotchas
 *  - Debian's strongswan-charon brings only gmp (MODP groups). ECP groups (ecp256, ...) need
 *    the openssl plugin from libstrongswan-standard-plugins (scripts/charon/ensure-plugins.sh).
 *  - `filelog` buffers unless `flush_line = yes` (set here, needed for tailing).
 *  - `block_threshold` defaults to 5 half-open IKE_SAs per peer IP (silent drops beyond);
 *    raise it with `blockThreshold` for benchmarks.
 *  - `initiator_only = yes` is set for the initiator, so it never answers as a responder.
 *  - Set CHARON_HARNESS_KEEP=1 to keep the temp dirs (configs + charon.log) after stop().
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { udpPortFree } from './ike-ports-lock.ts';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CharonOptions {
  role: 'responder' | 'initiator';
  /** Address charon's connection uses locally (loopback only, e.g. 127.0.0.1). */
  localAddr: string;
  /** Peer address, or a 127.0.0.0/8 subnet for a responder. */
  remoteAddr: string;
  /** The IKE (GDOI) port: where a responder listens, and where an initiator sends to. */
  port: number;
  auth:
    | { kind: 'psk'; secret: string; localId?: string; remoteId?: string }
    | { kind: 'rsa'; certPem: string; keyPem: string; caPem: string; localId?: string; remoteId?: string };
  /** IKE proposal, e.g. 'aes256-sha256-modp2048', 'aes256-sha256-ecp256', 'aes128-sha1-modp1024'. */
  proposal: string;
  /** Pin charon to this core (taskset -c). */
  cpu?: number;
  /** Initiator only: also run quick mode (CHILD_SA) after main mode. */
  childSa?: boolean;
  /** charon.block_threshold (half-open IKE_SAs per peer IP; charon's default is 5). */
  blockThreshold?: number;
  /** Initiator only: charon's own IKE port (it cannot share `port` with a responder on this
   *  host). Default 500, so that charon's messages to `port` carry no non-ESP marker; 0 picks
   *  a free port (then, with `port` != 500, charon uses the RFC 3948 marker). */
  listenPort?: number;
  /** ESP proposal for childSa; default: the IKE proposal without its DH group(s). */
  espProposal?: string;
  /** filelog level for all subsystems (-1..4, default 1); IKE is always logged at >= 0 so the
   *  "established" lines are present. Use -1 for benchmarks. */
  logLevel?: number;
}

export interface SwanctlResult {
  ok: boolean;
  output: string;
}

const CONN = 'gdoi';
const CHILD = 'gm';
const ESTABLISHED = /IKE_SA \S+\[\d+\] established between/;
const RUNNER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'charon', 'run-charon.sh');
const SWANCTL = ['/usr/sbin/swanctl', '/usr/bin/swanctl'].find((p) => existsSync(p)) ?? '/usr/sbin/swanctl';
const CHARON_BIN = ['/usr/lib/ipsec/charon', '/usr/libexec/ipsec/charon'].find((p) => existsSync(p));
const PLUGIN_DIR = ['/usr/lib/ipsec/plugins', '/usr/libexec/ipsec/plugins'].find((p) => existsSync(p));

/** Plugins charon needs for IKEv1 PSK/RSA with MODP/ECP groups, vici control and loopback I/O. */
const CHARON_PLUGINS = [
  'random', 'nonce', 'aes', 'sha1', 'sha2', 'md5', 'hmac', 'kdf', 'gmp', 'openssl',
  'pem', 'pkcs1', 'pkcs8', 'x509', 'pubkey', 'constraints', 'kernel-netlink', 'socket-default', 'vici',
];
/** Plugins swanctl needs to parse certificates and keys (quiets its default plugin list). */
const SWANCTL_PLUGINS = ['pem', 'pkcs1', 'pkcs8', 'x509', 'pubkey', 'gmp', 'openssl'];

const live = new Set<Charon>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when a test forgets stop(): synchronous, so only SIGKILL and rm.
  process.on('exit', () => {
    for (const c of live) c.killNowSync();
  });
}

function pluginPresent(name: string): boolean {
  return PLUGIN_DIR !== undefined && existsSync(join(PLUGIN_DIR, `libstrongswan-${name}.so`));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** 127.0.0.0/8 check for an address or CIDR: the harness must never touch other addresses. */
function assertLoopback(what: string, value: string): void {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(value);
  const ok = m !== null && m[1] === '127' && (m[5] === undefined || Number(m[5]) >= 8) &&
    m.slice(2, 5).every((o) => Number(o) <= 255);
  if (!ok) throw new Error(`charon harness: ${what} must be an IPv4 address or subnet inside 127.0.0.0/8, got '${value}'`);
}

/** swanctl.conf string literal. */
function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function stripDh(proposal: string): string {
  return proposal
    .split('-')
    .filter((t) => !/^(modp\d+|ecp\d+|ecp\d+bp|curve25519|curve448|x25519|x448)$/.test(t))
    .join('-');
}

/** A port the kernel considers free right now (tiny race until charon binds it). */
async function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind({ port: 0, address: '0.0.0.0', exclusive: true }, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}


function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

export class Charon {
  readonly pid: number;
  /** Temp directory with strongswan.conf, swanctl.conf, certs and charon.log. */
  readonly dir: string;
  readonly logPath: string;
  readonly viciUri: string;
  /** The UDP port charon listens on (charon.port); for an initiator also its source port. */
  readonly ikePort: number;
  private readonly child: ChildProcess;
  private readonly opts: CharonOptions;
  private exited = false;
  private exitWaiters: Array<() => void> = [];
  private stopping: Promise<void> | undefined;
  private finalLog: string | undefined;
  private static clkTck = 100; // sysconf(_SC_CLK_TCK) on Linux/x86-64 and arm64

  private constructor(opts: CharonOptions, dir: string, child: ChildProcess, ikePort: number) {
    this.opts = opts;
    this.ikePort = ikePort;
    this.dir = dir;
    this.child = child;
    this.pid = child.pid as number;
    this.logPath = join(dir, 'charon.log');
    this.viciUri = `unix://${join(dir, 'charon.vici')}`;
    const gone = () => {
      this.exited = true;
      for (const w of this.exitWaiters.splice(0)) w();
    };
    child.once('exit', gone);
    child.once('error', gone); // spawn failure: waitReady() reports it

  }

  /** Whether charon frames IKE messages between these two UDP ports with the 4-byte non-ESP
   *  marker (RFC 3948 section 2.2): charon does so whenever neither port is 500. */
  static nonEspMarker(portA: number, portB: number): boolean {
    return portA !== 500 && portB !== 500;
  }

  /** True when charon, swanctl and unshare exist and we are root (needed for the mount namespace). */
  static available(): boolean {
    return CHARON_BIN !== undefined && existsSync(SWANCTL) && existsSync(RUNNER) &&
      (existsSync('/usr/bin/unshare') || existsSync('/bin/unshare')) &&
      typeof process.getuid === 'function' && process.getuid() === 0;
  }

  static async start(o: CharonOptions): Promise<Charon> {
    if (CHARON_BIN === undefined) {
      throw new Error('charon harness: /usr/lib/ipsec/charon not found; install strongswan-charon strongswan-swanctl (scripts/ensure-tools.sh)');
    }
    if (!Charon.available()) {
      throw new Error('charon harness: needs root, swanctl (strongswan-swanctl) and unshare (util-linux)');
    }
    assertLoopback('localAddr', o.localAddr);
    assertLoopback('remoteAddr', o.remoteAddr);
    if (o.role === 'initiator' && o.remoteAddr.includes('/')) {
      throw new Error('charon harness: an initiator needs a single remoteAddr, not a subnet');
    }
    if (o.role === 'responder' && o.childSa) {
      throw new Error('charon harness: childSa is initiator-only (a charon responder accepting quick mode would install XFRM SAs/policies in the host kernel)');
    }
    if (/(^|-)(ecp|x25519|curve25519|x448|curve448)/.test(o.proposal) && !pluginPresent('openssl')) {
      throw new Error(`charon harness: proposal '${o.proposal}' needs charon's openssl plugin (apt-get install libstrongswan-standard-plugins; scripts/charon/ensure-plugins.sh)`);
    }
    let listenPort = o.role === 'responder' ? o.port : (o.listenPort ?? 500);
    if (listenPort === 0) listenPort = await freeUdpPort();
    if (!(await udpPortFree(listenPort))) {
      throw new Error(`charon harness: UDP port ${listenPort} is already in use on this host (charon binds 0.0.0.0:${listenPort}); stop the other user or pick another port`);
    }

    const dir = mkdtempSync(join(tmpdir(), `charon-${o.role}-`));
    try {
      writeConfig(dir, o, listenPort);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    const out = openSync(join(dir, 'stdout.txt'), 'w');
    const args = [dir];
    if (o.cpu !== undefined) args.push(String(o.cpu));
    const child = spawn(RUNNER, args, { stdio: ['ignore', out, out] });
    closeSync(out);
    if (child.pid === undefined) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`charon harness: could not spawn ${RUNNER}`);
    }
    const c = new Charon(o, dir, child, listenPort);
    live.add(c);
    installExitHook();
    try {
      await c.waitReady(15_000);
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  /** Waits for the vici socket, then loads connections/secrets/certs with swanctl. */
  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const vici = join(this.dir, 'charon.vici');
    let last = '';
    while (Date.now() < deadline) {
      if (this.exited) {
        const log = this.logText();
        const stdout = readFileSync(join(this.dir, 'stdout.txt'), 'utf8');
        const portTaken = /Address already in use/.test(log + stdout);
        throw new Error(`charon harness: charon exited during start-up${portTaken ? ' (its UDP port is taken)' : ''}\n${tail(log + stdout, 30)}`);
      }
      if (existsSync(vici)) {
        const r = await this.swanctl('--load-all', '--noprompt', '--file', join(this.dir, 'swanctl.conf'));
        if (r.ok) return;
        last = r.output;
        if (!/connecting to .* failed|Connection refused/i.test(r.output)) {
          throw new Error(`charon harness: swanctl --load-all failed:\n${r.output}`);
        }
      }
      await sleep(50);
    }
    throw new Error(`charon harness: charon not ready after ${timeoutMs} ms\n${last}\n${tail(this.logText(), 30)}`);
  }

  /** Runs swanctl against this charon's vici socket. */
  async swanctl(...args: string[]): Promise<SwanctlResult> {
    const env = { ...process.env, STRONGSWAN_CONF: join(this.dir, 'strongswan.conf') };
    const r = await run(SWANCTL, [...args, '--uri', this.viciUri], env, 60_000);
    return { ok: r.code === 0, output: r.output };
  }

  /** Initiator: main mode only, or main mode + quick mode when childSa. */
  async initiate(timeoutMs = 10_000): Promise<SwanctlResult> {
    if (this.opts.role !== 'initiator') throw new Error('charon harness: initiate() needs role initiator');
    const what = this.opts.childSa ? ['--child', CHILD] : ['--ike', CONN];
    const secs = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
    const env = { ...process.env, STRONGSWAN_CONF: join(this.dir, 'strongswan.conf') };
    const r = await run(SWANCTL, ['--initiate', ...what, '--timeout', secs, '--uri', this.viciUri], env, timeoutMs + 3000);
    return { ok: r.code === 0, output: r.output };
  }

  /** Polls charon's file log until a line matches; returns that line. */
  async waitForLog(re: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.logText();
      const hit = text.split('\n').find((l) => re.test(l));
      if (hit !== undefined) return hit;
      if (this.exited) throw new Error(`charon harness: charon exited while waiting for ${re}\n${tail(text, 30)}`);
      if (Date.now() >= deadline) throw new Error(`charon harness: no log line matching ${re} within ${timeoutMs} ms\n${tail(text, 30)}`);
      await sleep(50);
    }
  }

  logText(): string {
    if (this.finalLog !== undefined) return this.finalLog;
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  /** utime + stime of charon (all threads) in ms, from /proc/PID/stat. */
  async cpuTimeMs(): Promise<number> {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, utime 14, stime 15 (1-based).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / Charon.clkTck;
  }

  async rssBytes(): Promise<number> {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    if (m === null) throw new Error('charon harness: VmRSS missing (process gone?)');
    return Number(m[1]) * 1024;
  }

  /** Number of "IKE_SA ... established" lines in the log so far. */
  async established(): Promise<number> {
    return this.logText().split('\n').filter((l) => ESTABLISHED.test(l)).length;
  }

  /** SIGTERM, SIGKILL after 3 s, then remove the temp dir. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    if (!this.exited) {
      this.signal('SIGTERM');
      if (!(await this.waitExit(3000))) {
        this.signal('SIGKILL');
        await this.waitExit(3000);
      }
    }
    this.finalLog = this.logText();
    live.delete(this);
    if (process.env.CHARON_HARNESS_KEEP !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  /** @internal process-exit hook. */
  killNowSync(): void {
    if (!this.exited) this.signal('SIGKILL');
    if (process.env.CHARON_HARNESS_KEEP !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  private signal(sig: NodeJS.Signals): void {
    try {
      process.kill(this.pid, sig);
    } catch {
      // already gone
    }
  }

  private waitExit(ms: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(this.exited), ms);
      this.exitWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }
}

function tail(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

function hostXfrmAcqExpires(): string {
  try {
    return readFileSync('/proc/sys/net/core/xfrm_acq_expires', 'utf8').trim();
  } catch {
    return '30';
  }
}

function writeConfig(dir: string, o: CharonOptions, listenPort: number): void {
  mkdirSync(join(dir, 'run'));
  const acq = hostXfrmAcqExpires();
  writeFileSync(join(dir, 'xfrm_acq_expires'), `${acq}\n`);
  const level = o.logLevel ?? 1;
  const charonPlugins = CHARON_PLUGINS.filter(pluginPresent).join(' ');
  const swanctlPlugins = SWANCTL_PLUGINS.filter(pluginPresent).join(' ');
  const ss = [
    'charon {',
    `  load = ${charonPlugins}`,
    `  port = ${listenPort}`,
    '  port_nat_t = 0',
    '  install_routes = no',
    '  install_virtual_ip = no',
    '  routing_table = 0',
    '  ikesa_table_size = 4096',
    '  ikesa_table_segments = 16',
    o.role === 'initiator' ? '  initiator_only = yes' : '',
    o.blockThreshold !== undefined ? `  block_threshold = ${o.blockThreshold}` : '',
    '  plugins {',
    `    vici { socket = unix://${join(dir, 'charon.vici')} }`,
    '    socket-default { use_ipv6 = no }',
    `    kernel-netlink { xfrm_acq_expires = ${acq}\n      roam_events = no }`,
    '  }',
    '  filelog {',
    '    harness {',
    `      path = ${join(dir, 'charon.log')}`,
    '      time_format = %s',
    '      time_add_ms = yes',
    '      flush_line = yes',
    `      default = ${level}`,
    `      ike = ${Math.max(level, 0)}`,
    '    }',
    '  }',
    '}',
    'swanctl {',
    `  load = ${swanctlPlugins}`,
    '}',
    '',
  ];
  writeFileSync(join(dir, 'strongswan.conf'), ss.filter((l) => l !== '').join('\n') + '\n');

  const a = o.auth;
  const local: string[] = [];
  const remote: string[] = [];
  const secrets: string[] = [];
  if (a.kind === 'psk') {
    local.push('auth = psk', `id = ${q(a.localId ?? o.localAddr)}`);
    remote.push('auth = psk', `id = ${q(a.remoteId ?? '%any')}`);
    secrets.push(`ike-${CONN} {`, `  secret = ${q(a.secret)}`, '}');
  } else {
    for (const d of ['x509', 'x509ca', 'private']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'x509', 'local.pem'), a.certPem);
    writeFileSync(join(dir, 'x509ca', 'ca.pem'), a.caPem);
    writeFileSync(join(dir, 'private', 'local.pem'), a.keyPem, { mode: 0o600 });
    local.push('auth = pubkey', 'certs = local.pem');
    if (a.localId !== undefined) local.push(`id = ${q(a.localId)}`);
    remote.push('auth = pubkey', 'cacerts = ca.pem', `id = ${q(a.remoteId ?? '%any')}`);
  }
  const conn = [
    'version = 1',
    'aggressive = no',
    `local_addrs = ${o.localAddr}`,
    `remote_addrs = ${o.remoteAddr}`,
    `proposals = ${o.proposal}`,
    'encap = no',
    'unique = never',
    'rekey_time = 0s',
    'reauth_time = 0s',
    'dpd_delay = 0s',
  ];
  if (a.kind === 'rsa') conn.push('send_cert = always');
  if (o.role === 'initiator') {
    conn.push(`local_port = ${listenPort}`, `remote_port = ${o.port}`, 'keyingtries = 1');
  } else {
    conn.push(`local_port = ${o.port}`);
  }
  const children: string[] = [];
  if (o.childSa) {
    children.push(
      'children {',
      `  ${CHILD} {`,
      `    esp_proposals = ${o.espProposal ?? stripDh(o.proposal)}`,
      `    local_ts = ${o.localAddr}/32[udp/9]`,
      `    remote_ts = ${o.remoteAddr}/32[udp/9]`,
      '    start_action = none',
      '    rekey_time = 0s',
      '  }',
      '}',
    );
  }
  const ind = (lines: string[], n: number) => lines.map((l) => ' '.repeat(n) + l);
  const sw = [
    'connections {',
    `  ${CONN} {`,
    ...ind(conn, 4),
    '    local {',
    ...ind(local, 6),
    '    }',
    '    remote {',
    ...ind(remote, 6),
    '    }',
    ...ind(children, 4),
    '  }',
    '}',
    'secrets {',
    ...ind(secrets, 2),
    '}',
    '',
  ];
  writeFileSync(join(dir, 'swanctl.conf'), sw.join('\n'), { mode: 0o600 });
}
