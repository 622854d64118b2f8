// One gdoi-load run: binds the simulated GMs' sockets, keeps `concurrency` registrations in
// flight until --count are done (or --duration runs out), with ONE TimerWheel for every
// retransmit, and returns the summary. With --stay the registered GMs keep listening for
// rekeys (rekey-listener.ts) until stop() is called.
import type { MainModeConfig } from '../../shared/exchanges/main-mode.ts';
import type { Phase1Credentials } from '../../shared/exchanges/phase1-auth.ts';
import { randomBytes } from 'node:crypto';
import { dhGroup, generateDh, type DhKeyPair, type DhGroupId } from '../../shared/crypto/dh.ts';
import { OUR_VERSION, defaultFeatureBits } from '../../shared/policy/version.ts';
import { systemClock, systemRandom } from '../../shared/time/clock.ts';
import { TimerWheel } from '../../shared/time/timer-wheel.ts';
import { ExchangeType, HEADER_LENGTH } from '../../shared/wire/registry.ts';
import type { Datagram } from '../../shared/transport/udp.ts';
import type { UdpTransport } from '../../shared/transport/udp.ts';
import { GdoiError } from '../../shared/errors.ts';
import { gmAddresses } from './addresses.ts';
import { loadCredentials } from './credentials.ts';
import { closeAll, openEndpoints, openMulticast, type Endpoint } from './endpoints.ts';
import { proposalLabel, type LoadOptions } from './options.ts';
import { openFileLimit, sampleProcess, type ProcSample } from './proc.ts';
import { RekeyListener, StayMember, type RekeyReport } from './rekey-listener.ts';
import { SimGm, type SimDeps, type SimOutcome } from './sim-gm.ts';
import { Latencies, type LoadSummary } from './stats.ts';

export interface Progress { done: number; failed: number; total: number | null; elapsedMs: number; rate: number; inFlight: number; measuring: boolean }

export interface RunHooks {
  progress?(p: Progress): void;
  rekey?(r: RekeyReport): void;
}

interface EndpointState { gm?: SimGm; member?: StayMember }

export class LoadRun {
  private endpoints: Endpoint[] = [];
  private readonly state = new Map<Endpoint, EndpointState>();
  private readonly free: Endpoint[] = [];
  private readonly wheel = new TimerWheel(systemClock, { resolutionMs: 5 });
  private readonly mmConfigs = new Map<string, MainModeConfig>();
  private readonly deps: SimDeps;
  /** Loaded once: with rsa-sig every simulated GM presents the same certificate and key. */
  private readonly credentials: Phase1Credentials;
  private latencies = new Latencies();
  private readonly failures: Record<string, number> = {};
  private nextId = 0;
  private started = 0;
  private completed = 0;
  private failed = 0;
  private stray = 0;
  private retransmits = 0;
  private inFlight = 0;
  private t0 = 0;
  private windowStart = 0;
  private windowEnd = Infinity;
  private lastCompletion = 0;
  private measuring = true;
  private ksBefore?: ProcSample;
  private ksAfter?: ProcSample;
  private cpuBefore = process.cpuUsage();
  private cpuAfter?: NodeJS.CpuUsage;
  private finished?: () => void;
  private progressTimer?: NodeJS.Timeout;
  private multicast?: UdpTransport;
  readonly listener: RekeyListener;
  private dh?: { pair: DhKeyPair; uses: number };

  constructor(readonly o: LoadOptions, private readonly hooks: RunHooks = {}) {
    this.credentials = loadCredentials(o);
    this.deps = {
      ks: o.ks, port: o.port, groupId: o.groupId, wheel: this.wheel, random: systemRandom,
      retransmitMs: o.retransmitMs, retries: o.retries, onRetransmit: () => { this.retransmits++; }, phase1Only: o.phase1Only, deleteAfter: o.deleteAfter,
    };
    this.listener = new RekeyListener((r) => hooks.rekey?.(r));
  }

  /** Binds every GM socket (and the multicast one). Separate from run() so bind errors come first. */
  async open(): Promise<void> {
    const limit = openFileLimit();
    if (this.o.addresses + 64 > limit) {
      throw new GdoiError('USAGE', `${this.o.addresses} sockets need more open files than the limit of ${limit}: raise it (ulimit -n ${this.o.addresses + 256}) or use --addresses`);
    }
    this.endpoints = await openEndpoints(gmAddresses(this.o.base, this.o.addresses), this.o.localPort, this.o.nonEspMarker, (ep, d) => this.onDatagram(ep, d));
    for (const ep of this.endpoints) { this.state.set(ep, {}); this.free.push(ep); }
    if (this.o.multicast) this.multicast = await openMulticast(this.o.multicast, this.o.port, this.o.multicastIface, (d) => this.listener.onMulticast(d));
  }

  /** Registers until done; resolves with the summary (GMs stay open with --stay). */
  async run(): Promise<LoadSummary> {
    this.wheel.start();
    this.t0 = performance.now();
    const warmupMs = this.o.durationSec !== undefined ? this.o.warmupSec * 1000 : 0;
    this.measuring = warmupMs === 0;
    if (this.measuring) this.beginWindow();
    else setTimeout(() => { this.resetCounters(); this.beginWindow(); }, warmupMs);
    if (this.o.durationSec !== undefined) {
      this.windowEnd = this.t0 + warmupMs + this.o.durationSec * 1000;
      setTimeout(() => this.endWindow(), warmupMs + this.o.durationSec * 1000);
    }
    if (this.hooks.progress) this.progressTimer = setInterval(() => this.hooks.progress!(this.progress()), 200);
    const done = new Promise<void>((resolve) => { this.finished = resolve; });
    this.pump();
    await done;
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.hooks.progress?.(this.progress());
    return this.summary();
  }

  private beginWindow(): void {
    this.measuring = true;
    this.windowStart = performance.now();
    this.cpuBefore = process.cpuUsage();
    if (this.o.ksPid) this.ksBefore = sampleProcess(this.o.ksPid);
  }

  private endWindow(): void {
    if (this.ksAfter || this.cpuAfter) return;
    this.cpuAfter = process.cpuUsage();
    if (this.o.ksPid) { try { this.ksAfter = sampleProcess(this.o.ksPid); } catch { /* responder gone: no figures */ } }
  }

  private resetCounters(): void {
    this.completed = 0;
    this.failed = 0;
    for (const k of Object.keys(this.failures)) delete this.failures[k];
    this.latencies = new Latencies();
  }

  private progress(): Progress {
    const now = performance.now();
    const elapsedMs = now - (this.measuring ? this.windowStart : this.t0);
    return {
      done: this.completed, failed: this.failed, total: this.o.durationSec === undefined ? this.o.count : null,
      elapsedMs, rate: elapsedMs > 0 ? this.completed / (elapsedMs / 1000) : 0, inFlight: this.inFlight, measuring: this.measuring,
    };
  }

  private mmConfig(address: string): MainModeConfig {
    let c = this.mmConfigs.get(address);
    if (!c) {
      c = {
        policies: [{ cipher: this.o.cipher, hash: this.o.hash, auth: this.o.auth === 'psk' ? 'psk' : 'sig', group: this.o.dhGroup, lifetime: this.o.lifetimeSec }],
        credentials: this.credentials,
        localAddress: address, doi: this.o.doi, version: OUR_VERSION, features: defaultFeatureBits(OUR_VERSION),
        clock: systemClock, random: systemRandom,
        dh: this.o.dhReuse > 1 || this.o.dhExponentBits ? (g) => this.sharedDh(g) : undefined,
      };
      this.mmConfigs.set(address, c);
    }
    return c;
  }

  /**
   * --dh-reuse N: one initiator key pair for N GMs; --dh-exponent-bits: a short private exponent
   * for MODP groups. Both only lighten this process: the responder still makes its own key
   * pair and computes the shared secret with its own full-size exponent.
   */
  private sharedDh(group: DhGroupId): DhKeyPair {
    if (!this.dh || this.dh.uses >= this.o.dhReuse || this.dh.pair.group !== group) {
      const modp = dhGroup(group)?.kind === 'modp';
      const priv = modp && this.o.dhExponentBits ? randomBytes(this.o.dhExponentBits / 8) : undefined;
      if (priv) priv[0]! |= 0x80;   // exactly that many bits
      this.dh = { pair: generateDh(group, priv), uses: 0 };
    }
    this.dh.uses++;
    return this.dh.pair;
  }

  private mayStart(): boolean {
    if (this.o.durationSec !== undefined) return performance.now() < this.windowEnd;
    return this.started < this.o.count;
  }

  private pump(): void {
    while (this.inFlight < this.o.concurrency && this.free.length > 0 && this.mayStart()) {
      const ep = this.free.shift()!;
      const gm = new SimGm(this.nextId++, ep, this.mmConfig(ep.address), this.deps, (g, o) => this.onDone(g, o));
      this.state.get(ep)!.gm = gm;
      this.started++;
      this.inFlight++;
      gm.start();
    }
    if (this.inFlight === 0 && !this.mayStart()) this.finish();
  }

  private finish(): void {
    if (!this.finished) return;
    if (this.o.durationSec === undefined) this.endWindow();
    const f = this.finished;
    this.finished = undefined;
    f();
  }

  private onDone(gm: SimGm, o: SimOutcome): void {
    this.inFlight--;
    const now = performance.now();
    const st = this.state.get(gm.ep)!;
    if (st.gm === gm) st.gm = undefined;
    const inWindow = this.measuring && now <= this.windowEnd;
    if (o.ok) {
      if (inWindow) {
        this.completed++;
        this.latencies.add(now - gm.startedAt);
        this.lastCompletion = now;
      }
      if (this.o.stay && o.pulled) {
        const m = new StayMember(gm.ep, o.pulled, this.o.groupId);
        st.member = m;
        this.listener.add(m);
      }
    } else if (inWindow) {
      this.failed++;
      this.failures[o.reason] = (this.failures[o.reason] ?? 0) + 1;
    }
    if (!this.o.stay) this.free.push(gm.ep);
    // Start the next GM outside this datagram's handler, once per turn.
    if (!this.pumpQueued) {
      this.pumpQueued = true;
      setImmediate(() => { this.pumpQueued = false; this.pump(); });
    }
  }
  private pumpQueued = false;

  private onDatagram(ep: Endpoint, d: Datagram): void {
    const data = ep.unwrap(d.data);
    if (!data || data.length < HEADER_LENGTH) { this.stray++; return; }
    const st = this.state.get(ep)!;
    if (data[18] === ExchangeType.GROUPKEY_PUSH && st.member) {
      this.listener.onUnicast(st.member, data === d.data ? d : { ...d, data });
      return;
    }
    if (!st.gm || !st.gm.receive(data)) this.stray++;
  }

  summary(): LoadSummary {
    const o = this.o;
    const windowMs = o.durationSec !== undefined ? o.durationSec * 1000 : Math.max(1, (this.lastCompletion || performance.now()) - this.t0);
    const cpu = process.cpuUsage(this.cpuBefore);
    const cpuEnd = this.cpuAfter ? { user: this.cpuAfter.user - this.cpuBefore.user, system: this.cpuAfter.system - this.cpuBefore.system } : cpu;
    const genCpu = (cpuEnd.user + cpuEnd.system) / 1e6;
    const s: LoadSummary = {
      event: 'summary', mode: o.phase1Only ? 'phase1-only' : 'register', responder: `${o.ks}:${o.port}`, proposal: proposalLabel(o),
      groupId: o.groupId, concurrency: o.concurrency, addresses: o.addresses, requested: o.durationSec === undefined ? o.count : null,
      durationSec: o.durationSec ?? null, warmupSec: o.durationSec !== undefined ? o.warmupSec : 0,
      started: this.started, completed: this.completed, failed: this.failed, failures: { ...this.failures }, stray: this.stray, retransmits: this.retransmits,
      windowMs: Math.round(windowMs), rate: Math.round((this.completed / (windowMs / 1000)) * 10) / 10,
      latencyMs: this.latencies.summary(),
      generator: { cpuSeconds: round3(genCpu), cpuShare: round3(genCpu / (windowMs / 1000)), rss: process.memoryUsage.rss() },
    };
    if (this.ksBefore && this.ksAfter) {
      const ksCpu = this.ksAfter.cpu - this.ksBefore.cpu;
      const span = (this.ksAfter.at - this.ksBefore.at) / 1000;
      s.ks = {
        pid: o.ksPid!, rssBefore: this.ksBefore.rss, rssAfter: this.ksAfter.rss, cpuSeconds: round3(ksCpu), systemSeconds: round3(this.ksAfter.system - this.ksBefore.system),
        cpuShare: round3(span > 0 ? ksCpu / span : 0), perCpuSecond: ksCpu > 0 ? Math.round((this.completed / ksCpu) * 10) / 10 : 0,
      };
    }
    return s;
  }

  /** Closes every socket and the timer; with --stay, reports rekeys still open. */
  async stop(): Promise<void> {
    this.listener.flush();
    this.wheel.stop();
    if (this.progressTimer) clearInterval(this.progressTimer);
    // Sends still on their way (dgram resolves the address on the next tick) go out first:
    // the last GM's ack must not be lost to our own exit.
    await new Promise((r) => setTimeout(r, 100));
    await closeAll(this.endpoints);
    await this.multicast?.close();
  }
}

function round3(v: number): number { return Math.round(v * 1000) / 1000; }
