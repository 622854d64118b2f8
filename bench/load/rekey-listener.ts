// The --stay receiver: every simulated GM keeps what its GROUPKEY-PULL gave it (KEK, SEQ, the
// KS's rekey key) and checks each GROUPKEY-PUSH as a GM does (groupkey-push-open.ts: KEK by
// SPI, decrypt, signature; then SEQ greater than the last), then acknowledges it (RFC 8263)
// from its own address when the KEK asks for acks. A light receiver: no SA table, no timers
// per GM; TEKs are only counted.
import type { KeyObject } from 'node:crypto';
import { openPush, PushRejected } from '../../shared/exchanges/groupkey-push.ts';
import { buildAck } from '../../shared/exchanges/groupkey-push-ack.ts';
import type { PulledPolicy } from '../../shared/exchanges/groupkey-pull.ts';
import { publicKeyFromDer } from '../../shared/crypto/rsa.ts';
import { policyFromSaKd } from '../../shared/policy/sa-kd.ts';
import type { KekPolicy } from '../../shared/policy/group-policy.ts';
import type { Datagram } from '../../shared/transport/udp.ts';
import type { Endpoint } from './endpoints.ts';

export class StayMember {
  kek?: KekPolicy;
  previousKek?: KekPolicy;
  seq: number;
  tekSpis: number[];
  constructor(readonly ep: Endpoint, pulled: PulledPolicy, groupId: number) {
    const p = policyFromSaKd(pulled.sa, pulled.kd, pulled.seq, groupId, '', Date.now());
    this.kek = p.kek;
    this.seq = pulled.seq;
    this.tekSpis = p.teks.map((t) => t.spi);
  }
  kekBySpi(spi: Buffer): KekPolicy | undefined {
    if (this.kek?.spi.equals(spi)) return this.kek;
    if (this.previousKek?.spi.equals(spi)) return this.previousKek;
    return undefined;
  }
}

/** What happened to one rekey (one SEQ) across all simulated GMs. Times are epoch ms. */
export interface RekeyReport {
  seq: number;
  transport: 'unicast' | 'multicast';
  members: number;
  accepted: number;
  acksSent: number;
  /** Copies of an accepted PUSH (KS retransmits) that were acknowledged again. */
  duplicates: number;
  rejected: Record<string, number>;
  firstAt: number;
  lastAt: number;
  /** First datagram in to the last GM done (accepted and, unicast, acked). */
  spanMs: number;
  complete: boolean;
}

const keyCache = new Map<string, KeyObject>();
function verifyKey(kek: KekPolicy): KeyObject {
  const id = kek.sigPublicKeyDer.toString('base64');
  let k = keyCache.get(id);
  if (!k) { k = publicKeyFromDer(kek.sigPublicKeyDer); keyCache.set(id, k); }
  return k;
}

const QUIET_MS = 3000;
const FANOUT_SLICE = 256;

export class RekeyListener {
  readonly members: StayMember[] = [];
  private readonly open = new Map<number, RekeyReport & { quiet?: NodeJS.Timeout }>();
  /** Reported rekeys; late copies (KS retransmits) still update them, without a new report. */
  private readonly closed = new Map<number, RekeyReport>();
  private readonly seenMulticast = new Set<string>();
  readonly reports: RekeyReport[] = [];
  /** Datagrams that no rekey SEQ could be attributed to (undecryptable, unknown KEK...). */
  readonly unattributed: Record<string, number> = {};

  constructor(private readonly onReport: (r: RekeyReport) => void) {}

  add(m: StayMember): void { this.members.push(m); }

  /** A unicast PUSH to one GM's address. */
  onUnicast(m: StayMember, d: Datagram): void {
    this.handle(m, d.data, d.address, d.port, 'unicast', Date.now());
  }

  /** A multicast PUSH: every simulated GM processes it, in slices so acks and I/O keep flowing. */
  onMulticast(d: Datagram): void {
    const tag = d.data.toString('base64');
    if (this.seenMulticast.has(tag)) { this.count(this.unattributed, 'multicast copy already processed'); return; }
    this.seenMulticast.add(tag);
    const arrived = Date.now();
    const run = (from: number): void => {
      const end = Math.min(this.members.length, from + FANOUT_SLICE);
      for (let i = from; i < end; i++) this.handle(this.members[i]!, d.data, d.address, d.port, 'multicast', arrived);
      if (end < this.members.length) setImmediate(() => run(end));
    };
    run(0);
  }

  private count(where: Record<string, number>, reason: string): void { where[reason] = (where[reason] ?? 0) + 1; }

  private report(seq: number, transport: 'unicast' | 'multicast', arrived: number): RekeyReport & { quiet?: NodeJS.Timeout } {
    let r = this.open.get(seq) ?? this.closed.get(seq);
    if (!r) {
      r = { seq, transport, members: this.members.length, accepted: 0, acksSent: 0, duplicates: 0, rejected: {}, firstAt: arrived, lastAt: arrived, spanMs: 0, complete: false };
      this.open.set(seq, r);
    }
    if (arrived < r.firstAt) r.firstAt = arrived;
    return r;
  }

  private handle(m: StayMember, bytes: Buffer, from: string, fromPort: number, transport: 'unicast' | 'multicast', arrived: number): void {
    const kek = bytes.length >= 28 ? m.kekBySpi(bytes.subarray(0, 16)) : undefined;
    if (!kek) return this.count(this.unattributed, 'unknown KEK SPI');
    let push;
    try {
      push = openPush(bytes, (s) => m.kekBySpi(s), verifyKey(kek));
    } catch (e) {
      return this.count(this.unattributed, e instanceof PushRejected ? e.reason : 'MALFORMED');
    }
    const r = this.report(push.seq, transport, arrived);
    if (push.seq < m.seq) return this.count(r.rejected, 'old seq');
    if (push.seq === m.seq) {
      // Our ack was lost and the KS retransmitted: acknowledge again, change nothing.
      r.duplicates++;
      if (kek.ackRequested) this.ack(m, kek, push.seq, from, fromPort, r);
      return;
    }
    if (push.sa && push.kd) {
      try {
        const p = policyFromSaKd(push.sa, push.kd, push.seq, 0, '', Date.now());
        if (p.kek && !p.kek.spi.equals(kek.spi)) { m.previousKek = m.kek; m.kek = p.kek; }
        if (p.teks.length) m.tekSpis = p.teks.map((t) => t.spi);
      } catch {
        return this.count(r.rejected, 'bad policy');
      }
    }
    m.seq = push.seq;
    r.accepted++;
    if (kek.ackRequested) this.ack(m, kek, push.seq, from, fromPort, r);
    r.lastAt = Date.now();
    if (this.open.get(r.seq) === r) this.progress(r);
    else r.spanMs = r.lastAt - r.firstAt;
  }

  private ack(m: StayMember, kek: KekPolicy, seq: number, to: string, port: number, r: RekeyReport): void {
    m.ep.send(buildAck(kek, seq, m.ep.address), to, port);
    r.acksSent++;
  }

  private progress(r: RekeyReport & { quiet?: NodeJS.Timeout }): void {
    if (r.accepted >= r.members) return this.close(r, true);
    // Not everyone yet: report what we have if nothing more arrives for a while.
    if (r.quiet) r.quiet.refresh();
    else r.quiet = setTimeout(() => this.close(r, false), QUIET_MS);
  }

  private close(r: RekeyReport & { quiet?: NodeJS.Timeout }, complete: boolean): void {
    if (r.quiet) clearTimeout(r.quiet);
    if (this.open.get(r.seq) !== r) return;
    this.open.delete(r.seq);
    delete r.quiet;
    r.complete = complete;
    r.spanMs = r.lastAt - r.firstAt;
    this.closed.set(r.seq, r);
    this.reports.push(r);
    this.onReport({ ...r, rejected: { ...r.rejected } });
  }

  /** Reports every rekey still open (at exit). */
  flush(): void { for (const r of [...this.open.values()]) this.close(r, false); }
}
