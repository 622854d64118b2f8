// GROUPKEY-PUSH on the GM (RFC 6407 §4, RFC 8263): accept exactly the rekeys our KS sent,
// once. Order matters: find the KEK by SPI, decrypt, verify the signature with the key
// received at registration, then check SEQ, and only then touch the SA table.
import type { KeyObject } from 'node:crypto';
import { openPush, PushRejected } from '../shared/exchanges/groupkey-push.ts';
import { buildAck } from '../shared/exchanges/groupkey-push-ack.ts';
import { publicKeyFromDer } from '../shared/crypto/rsa.ts';
import { policyFromSaKd } from '../shared/policy/sa-kd.ts';
import { removalNowDelaySec } from '../shared/policy/timing.ts';
import { tekShortenedLifetime } from '../shared/policy/tek-slt.ts';
import { attrNumber, findAttr } from '../shared/wire/attributes.ts';
import { CtrlAction, CtrlAttr } from '../shared/wire/registry.ts';
import { Msg } from '../shared/log/messages.ts';
import type { Datagram } from '../shared/transport/udp.ts';
import type { KekPolicy } from '../shared/policy/group-policy.ts';
import type { GroupMember } from './group-member.ts';
import type { Registration } from './registration.ts';

const keyCache = new WeakMap<Buffer, KeyObject>();
function verifyKeyOf(kek: KekPolicy): KeyObject {
  let k = keyCache.get(kek.sigPublicKeyDer);
  if (!k) { k = publicKeyFromDer(kek.sigPublicKeyDer); keyCache.set(kek.sigPublicKeyDer, k); }
  return k;
}

export class RekeyReceiver {
  /** The last rekey each group accepted, to tell a KS retransmission from a forgery. */
  private readonly lastAccepted = new WeakMap<Registration, { bytes: Buffer; seq: number; kek: KekPolicy }>();

  constructor(private readonly gm: GroupMember) {}

  private sendAck(r: Registration, kek: KekPolicy, seq: number, d: Datagram): void {
    this.gm.transport?.send(buildAck(kek, seq, this.gm.opts.localAddress), d.address, d.port);
    r.counters.acksSent++;
  }

  private reject(r: Registration | undefined, from: string, reason: string): void {
    const group = r?.name ?? this.gm.registrations.map((x) => x.name).join(',');
    const counts = r ? r.counters.rekeysRejected : this.gm.rekeysRejectedNoGroup;
    counts[reason] = (counts[reason] ?? 0) + 1;
    this.gm.opts.log.emit(Msg.GM_REKEY_REJECT({ group, ks: from, reason }));
  }

  onPush(d: Datagram): void {
    const spi = d.data.subarray(0, 16);
    const r = d.data.length >= 28 ? this.gm.registrations.find((x) => x.sas.kekBySpi(spi)) : undefined;
    if (!r) return this.reject(undefined, d.address, d.data.length < 28 ? 'truncated message' : 'unknown KEK SPI');
    // Shorter than its header's Length: cut in transit (or on purpose); nothing to decrypt.
    if (d.data.readUInt32BE(24) > d.data.length) return this.reject(r, d.address, 'truncated message');
    const kek = r.sas.kekBySpi(spi)!;
    const last = this.lastAccepted.get(r);
    if (last && last.bytes.equals(d.data)) {
      // A retransmission of the rekey we accepted: our ack was lost, so acknowledge again
      // (RFC 8263 §4: the KS drops duplicate acks). It is still a replay, and counted as one.
      if (last.kek.ackRequested) this.sendAck(r, last.kek, last.seq, d);
      return this.reject(r, d.address, `replayed seq # ${last.seq}`);
    }
    let push;
    try {
      push = openPush(d.data, (s) => r.sas.kekBySpi(s), verifyKeyOf(kek));
    } catch (e) {
      const reason = e instanceof PushRejected ? e.reason : 'MALFORMED';
      return this.reject(r, d.address, REASON_TEXT[reason] ?? reason);
    }
    if (push.seq <= r.sas.seq) return this.reject(r, d.address, push.seq === r.sas.seq ? `replayed seq # ${push.seq}` : `old seq # ${push.seq} (last ${r.sas.seq})`);
    const now = this.gm.opts.clock.now();
    try {
      if (push.sa && push.kd) {
        const p = policyFromSaKd(push.sa, push.kd, push.seq, r.sas.groupId, r.name, now);
        r.sas.install(p, d.address, now, { resetSeq: false });
        this.gm.joinRekeyGroup(r.sas.kek);
      }
    } catch (e) {
      return this.reject(r, d.address, `bad policy: ${(e as Error).message}`);
    }
    r.sas.seq = push.seq;
    for (const del of push.deletes) {
      if (del.protocolId === 0) r.sas.kek = undefined;
      else for (const s of del.spis) r.sas.teks = r.sas.teks.filter((t) => t.spi !== s.readUInt32BE(0));
    }
    r.counters.rekeysReceived++;
    r.counters.lastRekeyAt = now;
    r.counters.lastRekeyFrom = d.address;
    this.gm.opts.log.emit(Msg.GM_RECV_REKEY({ group: r.name, ks: d.address, gm: this.gm.opts.localAddress, seq: push.seq }));
    this.lastAccepted.set(r, { bytes: Buffer.from(d.data), seq: push.seq, kek });
    if (kek.ackRequested) this.sendAck(r, kek, push.seq, d);
    if (push.ctrl) this.applyCtrl(r, push.ctrl.attributes, now);
    else r.scheduleReRegister();
  }

  /** GM removal / policy replace instructions (docs/wire.md §3). */
  private applyCtrl(r: Registration, attrs: Parameters<typeof findAttr>[0], now: number): void {
    const num = (t: number) => { const a = findAttr(attrs, t); return a ? attrNumber(a) : undefined; };
    const action = num(CtrlAttr.ACTION);
    if (action === CtrlAction.REMOVE_NOW) {
      const life = r.sas.teks[0]?.lifetimeSec ?? 3600;
      const delay = num(CtrlAttr.REREGISTER_WINDOW) !== undefined ? Math.max(1, Math.floor(this.gm.opts.random.float() * num(CtrlAttr.REREGISTER_WINDOW)!)) : removalNowDelaySec(life, this.gm.opts.random);
      r.sas.clear();
      this.gm.opts.log.emit(Msg.GM_RECV_DELETE_IMMEDIATE({ group: r.name, seconds: delay }));
      r.reRegisterIn(delay * 1000);
      return;
    }
    if (action === CtrlAction.REMOVE_GRACEFUL || action === CtrlAction.REPLACE_GRACEFUL) {
      // Old SAs live on for the shortened lifetime (TEK_SLT) the KS computed, or our own.
      for (const t of r.sas.teks) {
        if (t.installedAt === now) continue;
        const slt = num(CtrlAttr.GRACE_SECONDS) ?? tekShortenedLifetime(Math.floor((t.expiresAt - now) / 1000), t.lifetimeSec);
        t.expiresAt = Math.min(t.expiresAt, now + slt * 1000);
      }
      if (action === CtrlAction.REMOVE_GRACEFUL) { r.sas.kek = undefined; this.gm.opts.log.emit(Msg.GM_RECV_DELETE({ group: r.name })); }
    } else if (action === CtrlAction.REPLACE_NOW) {
      r.sas.teks = r.sas.teks.filter((t) => t.installedAt === now);
    }
    r.scheduleReRegister();
  }
}

const REASON_TEXT: Record<string, string> = {
  MALFORMED: 'malformed message', WRONG_SPI: 'unknown KEK SPI', UNDECRYPTABLE: 'cannot decrypt with the KEK',
  BAD_SIGNATURE: 'signature does not verify', NOT_PUSH: 'not a GROUPKEY-PUSH',
};
