// Rekeys (RFC 6407 §4): scheduled TEK and KEK rollover, unicast with RFC 8263 acks and
// retransmits or multicast, and the durable state that lets GMs keep working across a KS
// restart. One signed message per rekey, sent as is to every GM; one timer per group.
import { buildPush, type RekeyContent } from '../shared/exchanges/groupkey-push.ts';
import { openAck, isAck } from '../shared/exchanges/groupkey-push-ack.ts';
import type { GroupPolicy, KekPolicy } from '../shared/policy/group-policy.ts';
import { rekeyLeadSec, TBAR_REKEY_PERIOD_SEC } from '../shared/policy/timing.ts';
import { Msg } from '../shared/log/messages.ts';
import type { Datagram } from '../shared/transport/udp.ts';
import type { KeyServer } from './key-server.ts';
import type { KsGroup } from './ks-group.ts';
import type { KsStore, KsState } from './store.ts';

export interface RekeyRequest { newTeks: boolean; newKek: boolean; reason: 'scheduled' | 'tbar' | 'operator' | 'kek' }

interface PendingRekey { seq: number; bytes: Buffer; waiting: Set<string>; attempts: number; startedAt: number; kek: KekPolicy }

const MEMBER_SAVE_DELAY_MS = 1000;
const MEMBER_SAVE_MAX_DELAY_MS = 10_000;
const MISSED_ACKS_TO_EJECT = 3;
const MERGE_WINDOW_MS = 1000;

export class KsRekeyer {
  private readonly pending = new Map<number, PendingRekey>();
  private saveTimer = false;

  constructor(private readonly ks: KeyServer, private readonly store: KsStore, readonly opts: { stateDir: string }) {
    ks.opts.onAck = (d) => this.onAck(d);
    ks.onMemberChange = () => this.persistSoon();
  }

  private get now(): number { return this.ks.opts.clock.now(); }
  private get log() { return this.ks.opts.log; }

  /** Loads keys, SEQ and members saved by an earlier run, for groups still configured. */
  async restore(): Promise<void> {
    const s = await this.store.load();
    if (!s) { await this.persistNow(); return; }
    for (const gs of s.groups) {
      const g = this.ks.groups.get(gs.policy.groupId);
      if (!g) continue;
      const now = this.now;
      const teks = gs.policy.teks.filter((t) => t.expiresAt > now);
      const kek = gs.policy.kek && gs.policy.kek.expiresAt > now && g.signingKey && gs.policy.kek.sigPublicKeyDer.equals(g.signingKey.publicKeyDer) ? gs.policy.kek : g.policy.kek;
      g.policy = { ...g.policy, seq: gs.policy.seq, kek, teks: teks.length ? teks : g.policy.teks };
      for (const m of gs.members) g.members.set(m.address, m);
    }
    await this.persistNow();
  }

  snapshot(): KsState {
    return { version: 1, savedAt: this.now, groups: [...this.ks.groups.values()].map((g) => ({ policy: g.policy, members: [...g.members.values()] })) };
  }
  async persistNow(): Promise<void> { await this.store.save(this.snapshot()); }
  private persistSoon(): void {
    if (this.saveTimer) return;
    this.saveTimer = true;
    this.ks.wheel.set('store:members', this.now + this.memberSaveDelay(), () => { this.saveTimer = false; void this.persistNow(); });
  }

  /**
   * A save rewrites every member (~45 ms for 10,000 members), so with many members the KS saves
   * less often: 1 s up to 2,000 members, then 0.5 ms per member, at most 10 s. Otherwise a burst
   * of registrations spends a tenth of the KS's time serializing (bench:register).
   */
  private memberSaveDelay(): number {
    let members = 0;
    for (const g of this.ks.groups.values()) members += g.members.size;
    return Math.min(MEMBER_SAVE_MAX_DELAY_MS, Math.max(MEMBER_SAVE_DELAY_MS, members / 2));
  }

  start(): void { for (const g of this.ks.groups.values()) this.schedule(g); }

  /** Arms the group's next scheduled rekey: the earlier of TEK, KEK and TBAR deadlines. */
  schedule(g: KsGroup): void {
    const p = g.policy;
    const newest = p.teks.reduce((a, b) => (a && a.createdAt >= b.createdAt ? a : b), p.teks[0]);
    const candidates: Array<{ at: number; req: RekeyRequest }> = [];
    if (newest) candidates.push({ at: newest.expiresAt - rekeyLeadSec(newest.lifetimeSec) * 1000, req: { newTeks: true, newKek: false, reason: 'scheduled' } });
    if (newest && p.teks.some((t) => t.replay.kind === 'time')) candidates.push({ at: newest.createdAt + TBAR_REKEY_PERIOD_SEC * 1000, req: { newTeks: true, newKek: false, reason: 'tbar' } });
    if (p.kek) candidates.push({ at: p.kek.expiresAt - rekeyLeadSec(p.kek.lifetimeSec) * 1000, req: { newTeks: false, newKek: true, reason: 'kek' } });
    if (!candidates.length) return;
    if (!p.kek) {
      // No rekey key: nothing is sent, but fresh TEKs are made in time for the GMs, which
      // re-register shortly before their TEKs expire (timing.ts) and so pick them up.
      const at = Math.min(...candidates.map((c) => c.at));
      this.ks.wheel.set(`rekey:${g.groupId}`, Math.max(this.now, at), () => void this.rotateTeksLocally(g));
      return;
    }
    const next = candidates.reduce((a, b) => (a.at <= b.at ? a : b));
    // TEK and KEK deadlines that fall together make one rekey carrying both, not two in a row.
    const together = candidates.filter((c) => c.at <= next.at + MERGE_WINDOW_MS);
    const req: RekeyRequest = { ...next.req, newTeks: together.some((c) => c.req.newTeks), newKek: together.some((c) => c.req.newKek) };
    this.ks.wheel.set(`rekey:${g.groupId}`, Math.max(this.now, next.at), () => void this.rekey(g, req));
  }

  private async rotateTeksLocally(g: KsGroup): Promise<void> {
    const now = this.now;
    g.policy = { ...g.policy, teks: [...g.policy.teks.filter((t) => t.expiresAt > now), ...g.freshTeks()] };
    await this.persistNow();
    this.schedule(g);
  }

  /** Sends one rekey for the group and installs its new keys locally. Returns the SEQ used. */
  async rekey(g: KsGroup, req: RekeyRequest): Promise<number | undefined> {
    const cur = g.policy;
    if (!cur.kek || !g.signingKey) return undefined;
    const now = this.now;
    const seq = cur.seq + 1;
    const newTeks = req.newTeks ? g.freshTeks() : [];
    const newKek = req.newKek ? g.freshKek() : undefined;
    const live = cur.teks.filter((t) => t.expiresAt > now);
    const carried: GroupPolicy = { ...cur, seq, kek: newKek, teks: req.newTeks ? newTeks : live };
    const content: RekeyContent = { seq, policy: carried };
    // The message is encrypted under the KEK the GMs hold now, even when it carries a new one.
    const bytes = buildPush(cur.kek, g.signingKey.privateKey, content, now);
    g.policy = { ...cur, seq, kek: newKek ?? cur.kek, teks: [...live, ...newTeks] };
    await this.persistNow();              // write-ahead: a restarted KS never reuses this SEQ
    this.send(g, bytes, seq, cur.kek);
    this.schedule(g);
    return seq;
  }

  private send(g: KsGroup, bytes: Buffer, seq: number, kek: KekPolicy): void {
    const t = this.ks.transport;
    if (!t) return;
    g.counters.rekeysSent++;
    if (g.transport === 'multicast') {
      const group = g.multicastGroup() ?? kek.dst;
      t.send(bytes, group, this.ks.opts.port);
      this.log.emit(Msg.KS_SEND_MCAST_REKEY({ group: g.name, ks: g.policy.kek?.src ?? this.ks.opts.localAddress, mcast: group, seq }));
      this.retransmitMulticast(g, bytes, group, 1);
      return;
    }
    // A rekey sent while the previous one still waits for acks ends that wait: whoever has not
    // acked it by now missed it (else rekeys faster than the retransmit window never eject).
    const prev = this.pending.get(g.groupId);
    if (prev) this.closePending(g, prev);
    const p: PendingRekey = { seq, bytes, waiting: new Set(g.members.keys()), attempts: 0, startedAt: this.now, kek };
    this.pending.set(g.groupId, p);
    this.log.emit(Msg.KS_SEND_UNICAST_REKEY({ group: g.name, ks: this.ks.opts.localAddress, seq }));
    this.sendBatch(g, p, [...p.waiting], 0, true);
    g.counters.lastRekeyRetransmits = 0;
    this.armRetransmit(g, p);
  }

  /** Sends in slices of 32 per event-loop turn so the socket buffer never overflows. */
  private sendBatch(g: KsGroup, p: PendingRekey, to: string[], from: number, first = false): void {
    const t = this.ks.transport!;
    const end = Math.min(to.length, from + 256);
    for (let i = from; i < end; i++) {
      t.send(p.bytes, to[i]!, this.ks.opts.port);
      // Per-member "Rekeys sent" counts rekeys; retransmits are "Rekeys retries" (onRetransmitTimer).
      const m = first ? g.members.get(to[i]!) : undefined;
      if (m) m.rekeysSent++;
    }
    if (end < to.length) setImmediate(() => this.sendBatch(g, p, to, end, first));
  }

  private armRetransmit(g: KsGroup, p: PendingRekey): void {
    const { seconds } = g.cfg.local.rekeyRetransmit;
    this.ks.wheel.set(`rtx:${g.groupId}`, this.now + seconds * 1000, () => this.onRetransmitTimer(g, p));
  }

  private onRetransmitTimer(g: KsGroup, p: PendingRekey): void {
    if (this.pending.get(g.groupId) !== p || p.waiting.size === 0) return;
    if (p.attempts < g.cfg.local.rekeyRetransmit.number) {
      p.attempts++;
      g.counters.retransmits += p.waiting.size;
      g.counters.lastRekeyRetransmits += p.waiting.size;
      for (const a of p.waiting) { const m = g.members.get(a); if (m) m.rekeyRetries++; }
      this.sendBatch(g, p, [...p.waiting], 0);
      this.armRetransmit(g, p);
      return;
    }
    this.closePending(g, p);
  }

  /** Out of retransmits (or superseded): count a missed ack; three in a row and the GM is removed (IOS). */
  private closePending(g: KsGroup, p: PendingRekey): void {
    for (const a of p.waiting) {
      const m = g.members.get(a);
      if (!m) continue;
      m.acksMissed++;
      m.consecutiveMissed++;
      if (m.consecutiveMissed >= MISSED_ACKS_TO_EJECT) {
        g.members.delete(a);
        this.log.emit(Msg.KS_NACK_GM_EJECT({ group: g.name, gm: a, missed: m.consecutiveMissed }));
      }
    }
    g.counters.lastRekeyDurationMs = this.now - p.startedAt;
    this.pending.delete(g.groupId);
    this.ks.wheel.cancel(`rtx:${g.groupId}`);
    this.persistSoon();
  }

  private retransmitMulticast(g: KsGroup, bytes: Buffer, group: string, n: number): void {
    const { seconds, number } = g.cfg.local.rekeyRetransmit;
    if (n > number) return;
    this.ks.wheel.set(`rtx:${g.groupId}`, this.now + seconds * 1000, () => {
      this.ks.transport?.send(bytes, group, this.ks.opts.port);
      g.counters.retransmits++;
      this.retransmitMulticast(g, bytes, group, n + 1);
    });
  }

  /** RFC 8263 ack from a GM. Duplicates are dropped before any crypto. */
  onAck(d: Datagram): void {
    if (!isAck(d.data)) return;
    for (const [groupId, p] of this.pending) {
      if (!p.waiting.has(d.address)) continue;
      if (!d.data.subarray(0, 16).equals(p.kek.spi)) continue;
      const g = this.ks.groups.get(groupId)!;
      let ack;
      try { ack = openAck(d.data, (spi) => (spi.equals(p.kek.spi) ? p.kek : undefined)); } catch { g.counters.acksRejected++; return; }
      if (ack.seq !== p.seq || ack.gmAddress !== d.address) { g.counters.acksRejected++; return; }
      p.waiting.delete(d.address);
      g.counters.acksReceived++;
      const m = g.members.get(d.address);
      if (m) { m.acksReceived++; m.consecutiveMissed = 0; m.lastAckedSeq = ack.seq; }
      if (p.waiting.size === 0) {
        g.counters.lastRekeyDurationMs = this.now - p.startedAt;
        this.pending.delete(groupId);
        this.ks.wheel.cancel(`rtx:${groupId}`);
        this.persistSoon();
      }
      return;
    }
  }

  pendingFor(groupId: number): PendingRekey | undefined { return this.pending.get(groupId); }
}
