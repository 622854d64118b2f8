// The group member daemon core: one UDP endpoint, one Registration per configured group,
// one TimerWheel for every timer. Garbage is logged and dropped; state only changes on
// authenticated input.
import { decodeHeader, decodeMessage } from '../shared/wire/message.ts';
import { ExchangeType, Flag, HEADER_LENGTH } from '../shared/wire/registry.ts';
import { first } from '../shared/wire/pick.ts';
import { openInformational } from '../shared/exchanges/informational.ts';
import type { MainModeConfig } from '../shared/exchanges/main-mode.ts';
import type { Transport, Datagram } from '../shared/transport/udp.ts';
import { TimerWheel } from '../shared/time/timer-wheel.ts';
import { Msg } from '../shared/log/messages.ts';
import { Registration } from './registration.ts';
import { daemonCore, type DaemonCoreOptions } from '../shared/daemon/core.ts';
import type { KekPolicy } from '../shared/policy/group-policy.ts';
import { appendKeyLog } from '../shared/daemon/key-log.ts';

export interface GroupMemberOptions extends DaemonCoreOptions {
  /** Phase-1 DOI we propose (2 = GDOI, RFC 6407; 1 lets Wireshark decrypt captures). */
  doi?: 1 | 2;
  /** Handler for GROUPKEY-PUSH datagrams (rekey-receiver.ts). */
  onPush?: (d: Datagram) => void;
  /**
   * Opens a receiver for multicast rekeys sent to group:port and feeds it to receive(). The
   * daemon binds a second socket (a socket bound to our unicast address never sees multicast).
   */
  joinMulticast?: (group: string, port: number) => Promise<void> | void;
}

export class GroupMember {
  readonly registrations: Registration[] = [];
  readonly wheel: TimerWheel;
  readonly mm: MainModeConfig;
  transport?: Transport;
  readonly stats = { datagrams: 0, dropped: 0 };
  /** Multicast rekey groups joined, as group:port (RFC 6407 §4: the SA KEK DST ID names it). */
  readonly multicastGroups = new Set<string>();
  /** Rekeys rejected before they could be matched to a group (unknown KEK SPI, runt), by reason. */
  readonly rekeysRejectedNoGroup: Record<string, number> = {};

  constructor(readonly opts: GroupMemberOptions) {
    ({ wheel: this.wheel, mm: this.mm } = daemonCore(opts, { doi: opts.doi ?? 2 }));
    // Only groups a crypto map applies are started, as applying the map starts registration on IOS.
    const mapped = new Set(opts.config.cryptoMaps.map((m) => m.group));
    for (const g of opts.config.gmGroups) {
      if (opts.config.cryptoMaps.length && !mapped.has(g.name)) continue;
      this.registrations.push(new Registration(g, {
        mm: this.mm, localAddress: opts.localAddress, port: opts.port, wheel: this.wheel, clock: opts.clock, random: opts.random, log: opts.log,
        send: (data, address) => this.transport?.send(data, address, opts.port),
        onKek: (kek) => this.joinRekeyGroup(kek),
        onPhase1: opts.keyLogFile ? (mm) => appendKeyLog(opts.keyLogFile!, mm.keyLogEntry()) : undefined,
      }));
    }
  }

  attach(t: Transport): void {
    this.transport = t;
    t.onMessage((d) => this.receive(d));
  }

  start(): void {
    this.opts.log.emit(Msg.GDOI_ON_OFF({ on: true }));
    for (const r of this.registrations) r.start();
  }

  receive(d: Datagram): void {
    this.stats.datagrams++;
    try {
      this.dispatch(d);
    } catch {
      this.stats.dropped++;
      this.opts.log.emit(Msg.IKMP_BAD_MESSAGE({ peer: d.address }));
    }
  }

  private byPhase1(icookie: Buffer): Registration | undefined {
    return this.registrations.find((r) => r.mm?.icookie.equals(icookie));
  }
  private bySa(icookie: Buffer, rcookie: Buffer): Registration | undefined {
    return this.registrations.find((r) => r.sa && r.sa.icookie.equals(icookie) && r.sa.rcookie.equals(rcookie));
  }

  private dispatch(d: Datagram): void {
    // A PUSH goes to the rekey receiver before any header check, so a truncated or otherwise
    // broken one is rejected and counted there (GM_REKEY_REJECT) rather than dropped here.
    if (d.data.length >= 19 && d.data[18] === ExchangeType.GROUPKEY_PUSH && this.opts.onPush) return this.opts.onPush(d);
    if (d.data.length < HEADER_LENGTH) throw new Error('runt');
    const h = decodeHeader(d.data);
    switch (h.exchange) {
      case ExchangeType.MAIN_MODE: {
        const r = this.byPhase1(h.icookie);
        if (!r) { this.opts.log.emit(Msg.IKMP_NO_SA({ peer: d.address })); return; }
        return r.onMainMode(d.data, d.address);
      }
      case ExchangeType.GROUPKEY_PULL: {
        const r = this.bySa(h.icookie, h.rcookie);
        if (!r) { this.opts.log.emit(Msg.IKMP_NO_SA({ peer: d.address })); return; }
        return r.onPull(d.data);
      }
      case ExchangeType.INFORMATIONAL: return this.onInformational(d, h.icookie, h.rcookie, h.messageId, h.flags);
      case ExchangeType.GROUPKEY_PUSH:
        if (this.opts.onPush) return this.opts.onPush(d);
        break;
    }
    throw new Error(`unexpected exchange ${h.exchange}`);
  }

  private onInformational(d: Datagram, icookie: Buffer, rcookie: Buffer, mid: number, flags: number): void {
    if (!(flags & Flag.E)) {
      // Before keys exist a KS can only refuse in the clear (e.g. NO_PROPOSAL_CHOSEN).
      const r = this.byPhase1(icookie);
      const n = first(decodeMessage(d.data).chain?.payloads ?? [], 11);
      if (r && n) r.onNotify(n.notifyType);
      return;
    }
    const r = this.bySa(icookie, rcookie);
    if (!r || !r.sa) { this.opts.log.emit(Msg.IKMP_NO_SA({ peer: d.address })); return; }
    for (const p of openInformational(r.sa, d.data, mid)) {
      if (p.type === 11) r.onNotify(p.notifyType);
    }
  }

  /** Joins the multicast group a KEK's rekeys are sent to, once per group and port. */
  joinRekeyGroup(kek: KekPolicy | undefined): void {
    if (!kek || kek.transport !== 'multicast' || !this.opts.joinMulticast) return;
    const port = kek.port || this.opts.port;
    const key = `${kek.dst}:${port}`;
    if (this.multicastGroups.has(key)) return;
    this.multicastGroups.add(key);
    Promise.resolve()
      .then(() => this.opts.joinMulticast!(kek.dst, port))
      .catch((e: unknown) => {
        this.multicastGroups.delete(key);
        this.opts.log.log('GDOI', 3, 'GM_MCAST_JOIN_FAIL', `Cannot join multicast rekey group ${kek.dst} port ${port}: ${(e as Error).message}`);
      });
  }

  registration(group?: string): Registration | undefined {
    return group ? this.registrations.find((r) => r.name === group) : this.registrations[0];
  }
}
