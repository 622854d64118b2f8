// One GDOI group on the GM: register (main mode, then GROUPKEY-PULL) with the first KS that
// answers, retransmit with backoff, fail over down the `server address` list, and re-register
// before the TEKs run out. Timers live in the daemon's one TimerWheel, keyed by group.
import { MainModeInitiator, type MainModeConfig } from '../shared/exchanges/main-mode.ts';
import { GroupkeyPullInitiator } from '../shared/exchanges/groupkey-pull.ts';
import type { Phase1Sa } from '../shared/exchanges/phase1-sa.ts';
import { policyFromSaKd } from '../shared/policy/sa-kd.ts';
import { keyIdFromNumber, idIpv4Addr } from '../shared/wire/id-data.ts';
import type { GdoiGmGroup } from '../shared/config/types.ts';
import { backoff } from '../shared/time/backoff.ts';
import type { TimerWheel } from '../shared/time/timer-wheel.ts';
import type { Random, Clock } from '../shared/time/clock.ts';
import type { Syslog } from '../shared/log/syslog.ts';
import { Msg } from '../shared/log/messages.ts';
import { logPhase1Failure } from '../shared/daemon/phase1-log.ts';
import { NotifyType } from '../shared/wire/registry.ts';
import { SaTable } from './sa-table.ts';
import { reRegisterAt } from '../shared/policy/timing.ts';
import type { KekPolicy } from '../shared/policy/group-policy.ts';

export type RegState = 'IDLE' | 'PHASE1' | 'PULL' | 'REGISTERED' | 'WAIT_RETRY';

export interface RegistrationDeps {
  mm: MainModeConfig;
  localAddress: string;
  port: number;
  wheel: TimerWheel;
  clock: Clock;
  random: Random;
  log: Syslog;
  send(data: Buffer, address: string): void;
  /** Retransmits per message before giving up on a KS. */
  maxRetransmits?: number;
  /** Called with the KEK of every installed policy (the GM joins its multicast group). */
  onKek?: (kek: KekPolicy) => void;
  /** Called once per established phase-1 SA (the opt-in Wireshark key log). */
  onPhase1?: (mm: MainModeInitiator) => void;
}

const RETRANSMIT = { baseMs: 1000, maxMs: 8000, factor: 2 };
const RETRY_AFTER_FAIL = { baseMs: 2000, maxMs: 60_000, factor: 2 };

export class Registration {
  state: RegState = 'IDLE';
  serverIndex = 0;
  registeredWith?: string;
  mm?: MainModeInitiator;
  pull?: GroupkeyPullInitiator;
  sa?: Phase1Sa;
  readonly sas = new SaTable();
  private tries = 0;
  private failures = 0;
  reRegisterAt?: number;
  readonly counters = { attempted: 0, succeeded: 0, rekeysReceived: 0, acksSent: 0, rekeysRejected: {} as Record<string, number>, lastRekeyAt: 0, lastRekeyFrom: '' };

  constructor(readonly cfg: GdoiGmGroup, private readonly d: RegistrationDeps) {}

  get name(): string { return this.cfg.name; }
  get server(): string { return this.cfg.servers[this.serverIndex % this.cfg.servers.length]!; }
  private get timerKey(): string { return `reg:${this.cfg.name}`; }

  /** Starts (or restarts) registration with the current server. */
  start(): void {
    this.state = 'PHASE1';
    this.counters.attempted++;
    this.tries = 0;
    this.pull = undefined;
    this.d.log.emit(Msg.GM_REGSTER({ ks: this.server, group: this.cfg.name, gm: this.d.localAddress }));
    this.mm = new MainModeInitiator(this.d.mm, this.server, this.d.port);
    this.transmit(this.mm.start());
  }

  private transmit(data: Buffer): void {
    this.d.send(data, this.server);
    const delay = backoff(this.tries, RETRANSMIT, this.d.random);
    this.d.wheel.set(this.timerKey, this.d.clock.now() + delay, () => this.onRetransmitTimer());
  }

  private onRetransmitTimer(): void {
    const last = this.state === 'PHASE1' ? this.mm?.lastSent : this.state === 'PULL' ? this.pull?.lastSent : undefined;
    if (!last) return;
    if (++this.tries > (this.d.maxRetransmits ?? 4)) return this.fail(`no answer from KS ${this.server}`);
    this.d.send(last, this.server);
    this.d.wheel.set(this.timerKey, this.d.clock.now() + backoff(this.tries, RETRANSMIT, this.d.random), () => this.onRetransmitTimer());
  }

  /** Registration with this KS failed: log, move to the next server, retry after a backoff. */
  fail(reason: string): void {
    this.d.log.emit(Msg.GM_REGS_FAIL({ ks: this.server, group: this.cfg.name, gm: this.d.localAddress, reason }));
    this.mm = undefined;
    this.pull = undefined;
    this.state = 'WAIT_RETRY';
    this.serverIndex++;
    const delay = backoff(this.failures++, RETRY_AFTER_FAIL, this.d.random);
    this.d.wheel.set(this.timerKey, this.d.clock.now() + delay, () => this.start());
  }

  /** A main-mode datagram for this registration. */
  onMainMode(data: Buffer, from: string): void {
    if (this.state !== 'PHASE1' || !this.mm) return;
    const step = this.mm.process(data);
    if (step.failure) {
      logPhase1Failure(this.d.log, from, step.failure, step.failure.auth);
      return this.fail(`phase 1 failed: ${step.failure.message}`);
    }
    if (step.sa) {
      this.sa = step.sa;
      this.d.onPhase1?.(this.mm);
      this.state = 'PULL';
      this.tries = 0;
      const id = typeof this.cfg.identity === 'number' ? keyIdFromNumber(this.cfg.identity) : idIpv4Addr(this.cfg.identity);
      this.pull = new GroupkeyPullInitiator(step.sa, id, this.d.random);
      this.transmit(this.pull.start());
      return;
    }
    if (step.reply) { this.tries = 0; this.transmit(step.reply); }
  }

  /** A GROUPKEY-PULL datagram under our phase-1 SA. */
  onPull(data: Buffer): void {
    if (this.state !== 'PULL' || !this.pull) return;
    const step = this.pull.process(data);
    if (step.failure) return this.fail(`GROUPKEY-PULL failed: ${step.failure.message}`);
    if (step.reply) { this.tries = 0; this.transmit(step.reply); return; }
    if (this.pull.state === 'DONE' && this.pull.result) this.installPulled();
  }

  private installPulled(): void {
    const r = this.pull!.result!;
    const now = this.d.clock.now();
    try {
      const policy = policyFromSaKd(r.sa, r.kd, r.seq, typeof this.cfg.identity === 'number' ? this.cfg.identity : 0, this.cfg.name, now);
      this.sas.clear();
      this.sas.install(policy, this.server, now, { resetSeq: true });
    } catch (e) {
      return this.fail(`policy rejected: ${(e as Error).message}`);
    }
    this.state = 'REGISTERED';
    this.registeredWith = this.server;
    this.failures = 0;
    this.counters.succeeded++;
    this.d.log.emit(Msg.GM_REGS_COMPL({ ks: this.server, group: this.cfg.name, gm: this.d.localAddress }));
    if (this.sas.kek) this.d.onKek?.(this.sas.kek);
    this.scheduleReRegister();
  }

  /** Ages out expired TEKs/KEK at their expiry (old SAs live until then, as on IOS). */
  armAging(): void {
    const times = [...this.sas.teks.map((t) => t.expiresAt), this.sas.kek?.expiresAt, this.sas.previousKek?.expiresAt].filter((t): t is number => t !== undefined);
    if (!times.length) { this.d.wheel.cancel(`age:${this.cfg.name}`); return; }
    this.d.wheel.set(`age:${this.cfg.name}`, Math.min(...times), () => {
      const hadKek = !!this.sas.kek;
      this.sas.age(this.d.clock.now());
      // IOS 15.2(1)T+: a GM whose KEK ran out without a new one re-registers.
      if (hadKek && !this.sas.kek && this.state === 'REGISTERED') { this.d.log.emit(Msg.GM_RE_REGISTER({ group: this.cfg.name })); this.start(); }
      this.armAging();
    });
  }

  /** IOS re-registers before the TEK expires when no rekey came (timing.ts: after the KS's rekey point, with jitter). */
  scheduleReRegister(): void {
    this.armAging();
    const now = this.d.clock.now();
    const teks = this.sas.activeTeks();
    if (!teks.length) return;
    const soonest = teks.reduce((a, b) => (a.expiresAt <= b.expiresAt ? a : b));
    const at = reRegisterAt(soonest.expiresAt, soonest.lifetimeSec, now, this.d.random);
    this.reRegisterAt = at;
    this.d.wheel.set(this.timerKey, at, () => {
      this.d.log.emit(Msg.GM_RE_REGISTER({ group: this.cfg.name }));
      this.start();
    });
  }

  /** Re-register after a delay (GM removal: random within 2% of the TEK lifetime). */
  reRegisterIn(ms: number): void {
    this.reRegisterAt = this.d.clock.now() + ms;
    this.d.wheel.set(this.timerKey, this.reRegisterAt, () => this.start());
  }

  /** A protected NOTIFY from the KS (e.g. INVALID_GROUP_ID) ends this attempt. */
  onNotify(notifyType: number): void {
    if (this.state !== 'PULL' && this.state !== 'PHASE1') return;
    this.fail(`KS refused: ${NotifyType.nameOf(notifyType)}`);
  }
}
