// One simulated GM registration: real IKEv1 main mode (MainModeInitiator), then either a real
// GROUPKEY-PULL (GroupkeyPullInitiator) or, in phase-1-only mode, an ISAKMP DELETE in a
// protected informational (RFC 2408 §3.15) so the responder forgets the SA. No timers of its
// own: retransmits are entries in the run's one TimerWheel.
import { MainModeInitiator, type MainModeConfig } from '../../shared/exchanges/main-mode.ts';
import { GroupkeyPullInitiator, type PulledPolicy } from '../../shared/exchanges/groupkey-pull.ts';
import { deleteIsakmpPayload, openInformational, protectedInformational } from '../../shared/exchanges/informational.ts';
import type { Phase1Sa } from '../../shared/exchanges/phase1-sa.ts';
import { decodeMessage } from '../../shared/wire/message.ts';
import { first } from '../../shared/wire/pick.ts';
import { ExchangeType, Flag, HEADER_LENGTH, NotifyType } from '../../shared/wire/registry.ts';
import { keyIdFromNumber } from '../../shared/wire/id-data.ts';
import type { TimerWheel } from '../../shared/time/timer-wheel.ts';
import type { Random } from '../../shared/time/clock.ts';
import type { Endpoint } from './endpoints.ts';

export interface SimDeps {
  ks: string;
  port: number;
  groupId: number;
  wheel: TimerWheel;
  random: Random;
  retransmitMs: number;
  retries: number;
  /** Counts retransmitted datagrams (all GMs). */
  onRetransmit(): void;
  phase1Only: boolean;
  deleteAfter: boolean;
}

export type SimOutcome =
  | { ok: true; sa: Phase1Sa; pulled?: PulledPolicy }
  | { ok: false; reason: string };

type Stage = 'mm' | 'pull' | 'done';

export class SimGm {
  private stage: Stage = 'mm';
  private readonly mm: MainModeInitiator;
  private pull?: GroupkeyPullInitiator;
  private sa?: Phase1Sa;
  private tries = 0;
  private lastSent?: Buffer;
  /** Main-mode/PULL message we wait for, for timeout reasons ("msg 4"). */
  private waitingFor = 2;
  readonly startedAt = performance.now();
  private readonly timerKey: string;

  constructor(readonly id: number, readonly ep: Endpoint, mmConfig: MainModeConfig, private readonly d: SimDeps, private readonly done: (gm: SimGm, o: SimOutcome) => void) {
    this.timerKey = `g${id}`;
    this.mm = new MainModeInitiator(mmConfig, d.ks, d.port);
  }

  get icookie(): Buffer { return this.mm.icookie; }
  get finished(): boolean { return this.stage === 'done'; }

  start(): void { this.transmit(this.mm.start()); }

  /** A datagram for this GM's address; false when it belongs to no exchange of ours (stray). */
  receive(data: Buffer): boolean {
    if (this.stage === 'done' || data.length < HEADER_LENGTH || !data.subarray(0, 8).equals(this.mm.icookie)) return false;
    switch (data[18]) {
      case ExchangeType.MAIN_MODE: this.onMainMode(data); return true;
      case ExchangeType.GROUPKEY_PULL: this.onPull(data); return true;
      case ExchangeType.INFORMATIONAL: this.onInformational(data); return true;
      default: return false;
    }
  }

  private transmit(bytes: Buffer): void {
    this.lastSent = bytes;
    this.ep.send(bytes, this.d.ks, this.d.port);
    this.arm();
  }

  private arm(): void {
    this.d.wheel.set(this.timerKey, Date.now() + this.d.retransmitMs * 2 ** this.tries, () => this.onTimer());
  }

  private onTimer(): void {
    if (this.stage === 'done' || !this.lastSent) return;
    if (this.tries >= this.d.retries) return this.finish({ ok: false, reason: `timeout: no ${this.stage === 'mm' ? 'main mode' : 'GROUPKEY-PULL'} msg ${this.waitingFor}` });
    this.tries++;
    this.d.onRetransmit();
    this.ep.send(this.lastSent, this.d.ks, this.d.port);
    this.arm();
  }

  private finish(o: SimOutcome): void {
    if (this.stage === 'done') return;
    this.stage = 'done';
    this.d.wheel.cancel(this.timerKey);
    this.done(this, o);
  }

  private onMainMode(data: Buffer): void {
    if (this.stage !== 'mm') return;
    const step = this.mm.process(data);
    if (step.duplicate) return;
    if (step.failure) return this.finish({ ok: false, reason: `phase 1: ${step.failure.code}` });
    if (step.sa) return this.established(step.sa);
    if (step.reply) {
      this.tries = 0;
      this.waitingFor += 2;
      this.transmit(step.reply);
    }
  }

  private established(sa: Phase1Sa): void {
    this.sa = sa;
    if (this.d.phase1Only) {
      this.sendDelete();
      return this.finish({ ok: true, sa });
    }
    this.stage = 'pull';
    this.tries = 0;
    this.waitingFor = 2;
    this.pull = new GroupkeyPullInitiator(sa, keyIdFromNumber(this.d.groupId), this.d.random);
    this.transmit(this.pull.start());
  }

  private onPull(data: Buffer): void {
    if (this.stage !== 'pull' || !this.pull) return;
    const step = this.pull.process(data);
    if (step.duplicate) return;
    if (step.failure) return this.finish({ ok: false, reason: `GROUPKEY-PULL: ${step.failure.code}` });
    if (step.reply) {
      this.tries = 0;
      this.waitingFor = 4;
      this.transmit(step.reply);
      return;
    }
    if (this.pull.state === 'DONE' && this.pull.result) {
      if (this.d.deleteAfter) this.sendDelete();
      this.finish({ ok: true, sa: this.sa!, pulled: this.pull.result });
    }
  }

  /** NOTIFYs refuse us: plain before keys exist (NO_PROPOSAL_CHOSEN), protected after (INVALID_GROUP_ID). */
  private onInformational(data: Buffer): void {
    let notifyType: number | undefined;
    try {
      if (!(data[19]! & Flag.E)) {
        notifyType = first(decodeMessage(data).chain?.payloads ?? [], 11)?.notifyType;
      } else if (this.sa) {
        const p = openInformational(this.sa, data, data.readUInt32BE(20)).find((x) => x.type === 11);
        notifyType = p && p.type === 11 ? p.notifyType : undefined;
      }
    } catch {
      return;   // unauthenticated garbage: the retransmit timer decides
    }
    if (notifyType !== undefined) this.finish({ ok: false, reason: `notify: ${NotifyType.nameOf(notifyType)}` });
  }

  private sendDelete(): void {
    const sa = this.sa!;
    this.ep.send(protectedInformational(sa, this.d.random, deleteIsakmpPayload(sa.icookie, sa.rcookie)), this.d.ks, this.d.port);
  }
}
