// The key server: one UDP endpoint (port 848 by default) that answers main mode and
// GROUPKEY-PULL, records members, and (rekey.ts) pushes rekeys. Every datagram is handled
// inside one try/catch: garbage is logged and dropped, never fatal, never state-changing.
import { MainModeResponder, type MainModeConfig } from '../shared/exchanges/main-mode.ts';
import { answerFromCache, type RetransmitCache } from '../shared/exchanges/retransmit-cache.ts';
import { GroupkeyPullResponder } from '../shared/exchanges/groupkey-pull.ts';
import { describePeerId } from '../shared/exchanges/phase1-auth.ts';
import { openInformational, notifyPayload, plainInformational } from '../shared/exchanges/informational.ts';
import { saKey, type Phase1Sa } from '../shared/exchanges/phase1-sa.ts';
import { decodeHeader } from '../shared/wire/message.ts';
import { ExchangeType, Flag, HEADER_LENGTH, NotifyType, IdType } from '../shared/wire/registry.ts';
import { numberFromKeyId } from '../shared/wire/id-data.ts';
import type { IdPayload } from '../shared/wire/types.ts';
import { aclMatches } from '../shared/config/acl-match.ts';
import { logPhase1Failure } from '../shared/daemon/phase1-log.ts';
import { appendKeyLog } from '../shared/daemon/key-log.ts';
import type { Transport, Datagram } from '../shared/transport/udp.ts';
import { TimerWheel } from '../shared/time/timer-wheel.ts';
import { Msg } from '../shared/log/messages.ts';
import { KsGroup, type Member, type SigningKey } from './ks-group.ts';
import { compactSa } from './compact-sa.ts';
import { daemonCore, type DaemonCoreOptions } from '../shared/daemon/core.ts';

export interface KeyServerOptions extends DaemonCoreOptions {
  signingKeys: Map<string, SigningKey>;
  /** Half-open (unauthenticated) main modes allowed per peer address and in total. */
  maxHalfOpenPerPeer?: number;
  maxHalfOpen?: number;
  /** Let the daemon's handlers see every push/ack datagram (rekey.ts). */
  onAck?: (d: Datagram) => void;
  /** Test hook: makes the responder's DH key pairs (MainModeConfig.dh), e.g. to count DH work. */
  dh?: MainModeConfig['dh'];
}

const HALF_OPEN_TTL_MS = 30_000;
const PULL_TTL_MS = 30_000;
const ESTABLISHED_TTL_MS = 10_000;

export class KeyServer {
  readonly groups = new Map<number, KsGroup>();
  readonly sas = new Map<string, Phase1Sa>();
  private readonly halfOpen = new Map<string, MainModeResponder>();
  private readonly halfOpenByPeer = new Map<string, number>();
  /** Unauthenticated exchanges in progress (the sum of halfOpenByPeer; halfOpen holds two keys per exchange). */
  private halfOpenTotal = 0;
  private readonly pulls = new Map<string, GroupkeyPullResponder>();
  /**
   * Finished main modes (by initial and full cookie key) and PULLs (by cookies + message id),
   * for ESTABLISHED_TTL_MS: only the last message and our answer, to answer a retransmit.
   */
  private readonly finished = new Map<string, RetransmitCache>();
  readonly wheel: TimerWheel;
  private readonly mm: MainModeConfig;
  readonly stats = { datagrams: 0, dropped: 0, registrations: 0, phase1: 0, halfOpenDropped: 0 };
  transport?: Transport;

  constructor(readonly opts: KeyServerOptions) {
    ({ wheel: this.wheel, mm: this.mm } = daemonCore(opts, { doi: 2, dh: opts.dh }));
    for (const g of opts.config.ksGroups) {
      const keyName = g.local.rekeyAuth?.keyName;
      const key = keyName ? opts.signingKeys.get(keyName) : undefined;
      if (keyName && !key) opts.log.emit(Msg.KS_NO_RSA_KEYS({ keyName, group: g.name }));
      const group = new KsGroup(g, opts.config, opts.localAddress, opts.port, key, opts.clock, opts.random);
      this.groups.set(group.groupId, group);
    }
  }

  attach(t: Transport): void {
    this.transport = t;
    t.onMessage((d) => this.receive(d));
  }

  /** Entry point for every datagram. */
  receive(d: Datagram): void {
    this.stats.datagrams++;
    try {
      this.dispatch(d);
    } catch (e) {
      this.stats.dropped++;
      this.opts.log.emit(Msg.IKMP_BAD_MESSAGE({ peer: d.address }));
    }
  }

  private dispatch(d: Datagram): void {
    if (d.data.length < HEADER_LENGTH) throw new Error('runt');
    const h = decodeHeader(d.data);
    switch (h.exchange) {
      case ExchangeType.MAIN_MODE: return this.onMainMode(d, h.rcookie);
      case ExchangeType.GROUPKEY_PULL: return this.onPull(d, h.icookie, h.rcookie, h.messageId);
      case ExchangeType.INFORMATIONAL: return this.onInformational(d, h.icookie, h.rcookie, h.messageId, h.flags);
      case ExchangeType.GROUPKEY_PUSH_ACK: if (this.opts.onAck) return this.opts.onAck(d); break;
    }
    throw new Error(`unexpected exchange ${h.exchange}`);
  }

  private send(data: Buffer, d: { address: string; port: number }): void { this.transport?.send(data, d.address, d.port); }

  // ---- phase 1 -------------------------------------------------------------------------------

  private onMainMode(d: Datagram, rcookie: Buffer): void {
    const icookie = d.data.subarray(0, 8);
    const initial = rcookie.equals(ZERO8);
    const key = initial ? `i:${icookie.toString('hex')}:${d.address}` : saKey(icookie, rcookie);
    let ex = this.halfOpen.get(key);
    if (!ex) {
      const done = this.finished.get(key);
      if (done) {
        // A finished exchange: a copy of its last message gets the same answer, anything else nothing.
        const reply = answerFromCache(done, d.data);
        if (reply) this.send(reply, d);
        return;
      }
      if (!initial) {
        if (this.sas.has(key)) return;        // late retransmit of msg 5 after we already expired the exchange
        this.opts.log.emit(Msg.IKMP_NO_SA({ peer: d.address }));
        return;
      }
      // Limits come before any state or crypto for an unauthenticated peer.
      const perPeer = this.halfOpenByPeer.get(d.address) ?? 0;
      if (perPeer >= (this.opts.maxHalfOpenPerPeer ?? 256) || this.halfOpenTotal >= (this.opts.maxHalfOpen ?? 20_000)) {
        this.stats.dropped++;
        this.stats.halfOpenDropped++;
        return;
      }
      ex = new MainModeResponder(this.mm, d.address, d.port);
      this.halfOpenByPeer.set(d.address, perPeer + 1);
      this.halfOpenTotal++;
    }
    const step = ex.process(d.data);
    if (initial && !this.halfOpen.has(key) && ex.state === 'SA_SENT') {
      // Re-key the exchange by its full cookie pair, keeping the initial key for msg-1 retransmits.
      this.halfOpen.set(key, ex);
      this.halfOpen.set(saKey(ex.icookie, ex.rcookie), ex);
      this.wheel.set(`ho:${key}`, this.opts.clock.now() + HALF_OPEN_TTL_MS, () => this.dropHalfOpen(key, ex!));
    }
    if (step.reply) this.send(step.reply, d);
    if (step.failure) {
      if (!this.halfOpen.has(key)) this.releasePeer(d.address);
      logPhase1Failure(this.opts.log, d.address, step.failure, step.failure.auth);
      if (step.failure.notify !== undefined && !step.reply) {
        this.send(plainInformational(ex.icookie, ex.rcookie, notifyPayload(step.failure.notify)), d);
      }
    }
    if (step.sa) this.onEstablished(step.sa, ex);
  }

  private releasePeer(address: string): void {
    const have = this.halfOpenByPeer.get(address);
    if (!have) return;
    this.halfOpenTotal--;
    if (have <= 1) this.halfOpenByPeer.delete(address); else this.halfOpenByPeer.set(address, have - 1);
  }

  private dropHalfOpen(key: string, ex: MainModeResponder): void {
    if (this.halfOpen.get(key) === ex) this.halfOpen.delete(key);
    const full = saKey(ex.icookie, ex.rcookie);
    if (this.halfOpen.get(full) === ex) this.halfOpen.delete(full);
    if (!ex.done || ex.state === 'FAILED') this.releasePeer(ex.peerAddress);
  }

  private onEstablished(established: Phase1Sa, ex: MainModeResponder): void {
    this.stats.phase1++;
    this.releasePeer(ex.peerAddress);
    // Kept for a day: stored in an allocation of its own, not as slices of bigger buffers.
    const sa = compactSa(established);
    const key = saKey(sa.icookie, sa.rcookie);
    this.sas.set(key, sa);
    this.expireSa(key, sa.expiresAt);
    if (this.opts.keyLogFile) appendKeyLog(this.opts.keyLogFile, ex.keyLogEntry());
    // The exchange goes; its last message and answer stay briefly, so a retransmitted msg 5 gets
    // msg 6 again (and a late copy of msg 1 or 3 is ignored, not taken for a new exchange).
    const initial = `i:${ex.icookie.toString('hex')}:${ex.peerAddress}`;
    if (this.halfOpen.get(initial) === ex) this.halfOpen.delete(initial);
    if (this.halfOpen.get(key) === ex) this.halfOpen.delete(key);
    const cache = ex.retransmitCache();
    if (cache) this.remember([initial, key], cache, `ho:${initial}`);
  }

  /** Keeps a finished exchange's retransmit cache under `keys` for ESTABLISHED_TTL_MS. */
  private remember(keys: string[], cache: RetransmitCache, timer: string): void {
    for (const k of keys) this.finished.set(k, cache);
    this.wheel.set(timer, this.opts.clock.now() + ESTABLISHED_TTL_MS, () => {
      for (const k of keys) if (this.finished.get(k) === cache) this.finished.delete(k);
    });
  }

  /**
   * The SA's expiry timer lives as long as the SA (a day), so its closure is made here: one
   * created in onEstablished would share that function's scope and keep the finished
   * MainModeResponder (DH state, messages) alive with it (V8 closures share their context).
   */
  private expireSa(key: string, at: number): void {
    this.wheel.set(`sa:${key}`, at, () => this.sas.delete(key));
  }

  // ---- GROUPKEY-PULL -------------------------------------------------------------------------

  private onPull(d: Datagram, icookie: Buffer, rcookie: Buffer, mid: number): void {
    const key = saKey(icookie, rcookie);
    const sa = this.sas.get(key);
    if (!sa) { this.opts.log.emit(Msg.IKMP_NO_SA({ peer: d.address })); return; }
    const pkey = `${key}:${mid}`;
    let ex = this.pulls.get(pkey);
    if (!ex) {
      const done = this.finished.get(pkey);
      if (done) {
        const reply = answerFromCache(done, d.data);
        if (reply) this.send(reply, d);
        return;
      }
      if (mid === 0) throw new Error('GROUPKEY-PULL with message id 0');
      ex = new GroupkeyPullResponder(sa, mid, (id, s) => this.lookupGroup(id, s), this.opts.random, this.opts.clock);
      this.pulls.set(pkey, ex);
      this.wheel.set(`pull:${pkey}`, this.opts.clock.now() + PULL_TTL_MS, () => this.pulls.delete(pkey));
    }
    const was = ex.state;
    const step = ex.process(d.data);
    if (step.reply) this.send(step.reply, d);
    if (step.failure) this.logPullFailure(d.address, ex, step.failure.code);
    if (was !== 'DONE' && ex.state === 'DONE' && ex.registered) {
      // Like a finished main mode: only the answer to a retransmitted msg 3 stays, briefly (a
      // burst of registrations would otherwise hold 30 s of finished exchanges in memory).
      this.pulls.delete(pkey);
      const cache = ex.retransmitCache();
      if (cache) this.remember([pkey], cache, `pull:${pkey}`);
      else this.wheel.cancel(`pull:${pkey}`);
      this.onRegistered(sa, ex.registered.groupId, d.address);
    }
  }

  private lookupGroup(id: IdPayload, sa: Phase1Sa) {
    let groupId: number | undefined;
    try { groupId = id.idType === IdType.KEY_ID ? numberFromKeyId(id) : undefined; } catch { groupId = undefined; }
    const group = groupId === undefined ? undefined : this.groups.get(groupId);
    if (!group) return { ok: false as const, notify: NotifyType.INVALID_GROUP_ID, reason: 'unknown group id' };
    const acl = group.cfg.local.authorizationAcl;
    if (acl) {
      const entries = this.opts.config.acls.get(acl) ?? [];
      if (aclMatches(entries, { protocol: 0, src: sa.peerAddress, dst: '0.0.0.0' }) !== 'permit') {
        return { ok: false as const, notify: NotifyType.AUTHENTICATION_FAILED, reason: 'address not authorized' };
      }
    }
    // A TEK with less than a second left is not policy any more (a GM rejects a zero lifetime).
    const now = this.opts.clock.now();
    const policy = group.policy.teks.every((t) => t.expiresAt - now >= 1000) ? group.policy
      : { ...group.policy, teks: group.policy.teks.filter((t) => t.expiresAt - now >= 1000) };
    return { ok: true as const, policy };
  }

  private logPullFailure(peer: string, ex: GroupkeyPullResponder, code: string): void {
    const groupNum = ex.groupId && ex.groupId.idType === IdType.KEY_ID && ex.groupId.data.length === 4 ? ex.groupId.data.readUInt32BE(0) : undefined;
    const name = (groupNum !== undefined && this.groups.get(groupNum)?.name) || String(groupNum ?? 'unknown');
    if (code === 'INVALID_GROUP_ID') this.opts.log.emit(Msg.KS_BAD_ID({ gm: peer, group: name }));
    else if (code === 'UNAUTHORIZED') this.opts.log.emit(Msg.UNAUTHORIZED_IDENTITY({ group: name, reason: 'Address not permitted by authorization ACL.', peer }));
    else if (code === 'QUICK_MODE') this.opts.log.emit(Msg.IKMP_MODE_FAILURE({ peer, mode: 'Quick' }));
    else this.opts.log.emit(Msg.IKMP_BAD_MESSAGE({ peer }));
  }

  private onRegistered(sa: Phase1Sa, groupId: number, address: string): void {
    const group = this.groups.get(groupId);
    if (!group) return;
    this.stats.registrations++;
    const prev = group.members.get(address);
    const m: Member = {
      address, identity: describePeerId(sa.peerId, sa.peerCertDer), version: sa.peerVersion, features: sa.peerFeatures,
      registeredAt: this.opts.clock.now(), rekeysSent: prev?.rekeysSent ?? 0, rekeyRetries: prev?.rekeyRetries ?? 0,
      acksReceived: prev?.acksReceived ?? 0, acksMissed: prev?.acksMissed ?? 0, consecutiveMissed: 0, lastAckedSeq: prev?.lastAckedSeq ?? 0,
    };
    group.members.set(address, m);
    this.opts.log.emit(Msg.KS_REGS_COMPL({ group: group.name, gm: address }));
    this.onMemberChange?.(group, m);
  }

  /** Hook for persistence (store.ts). */
  onMemberChange?: (g: KsGroup, m: Member) => void;

  // ---- informational ------------------------------------------------------------------------

  private onInformational(d: Datagram, icookie: Buffer, rcookie: Buffer, mid: number, flags: number): void {
    const key = saKey(icookie, rcookie);
    const sa = this.sas.get(key);
    if (!(flags & Flag.E)) return;      // plain notifies from peers carry nothing we act on
    if (!sa) { this.opts.log.emit(Msg.IKMP_NO_SA({ peer: d.address })); return; }
    for (const p of openInformational(sa, d.data, mid)) {
      if (p.type === 12 && p.protocolId === 1) {
        this.sas.delete(key);
        this.wheel.cancel(`sa:${key}`);
      } else if (p.type === 11) {
        this.opts.log.log('CRYPTO', 6, 'IKMP_NOTIFY', `Received notify ${NotifyType.nameOf(p.notifyType)} from ${d.address}`);
      }
    }
  }

  /** Unauthenticated main modes holding a half-open slot (finished ones linger briefly in halfOpen but hold none). */
  halfOpenCount(): number { return this.halfOpenTotal; }
}

const ZERO8 = Buffer.alloc(8);
