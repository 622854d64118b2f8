// An in-memory network for in-process KS and GM tests: every Transport.send is recorded and
// queued; settle() delivers the queue (and whatever the handlers send in reply) until the
// network is quiet. Nothing is delivered re-entrantly, so a handler never runs inside another
// handler's send, as with real sockets. Hosts can be taken down to model a stopped GM.
import type { Datagram, Transport } from '../../shared/transport/udp.ts';

export interface SentDatagram {
  from: string;
  fromPort: number;
  to: string;
  port: number;
  data: Buffer;
  /** Whether it reached at least one endpoint. */
  delivered?: boolean;
}

export class MemoryTransport implements Transport {
  handler: (d: Datagram) => void = () => {};
  closed = false;
  constructor(private readonly net: MemoryNetwork, readonly address: string, readonly port: number) {}
  send(data: Buffer, address: string, port: number): void {
    if (this.closed) return;
    this.net.enqueue({ from: this.address, fromPort: this.port, to: address, port, data: Buffer.from(data) });
  }
  onMessage(handler: (d: Datagram) => void): void { this.handler = handler; }
  async close(): Promise<void> { this.closed = true; this.net.unbind(this); }
}

export class MemoryNetwork {
  /** Every datagram ever sent, in order. */
  readonly sent: SentDatagram[] = [];
  /** Addresses whose host is down: nothing to or from them is delivered. */
  readonly down = new Set<string>();
  /** Datagrams for which this returns true are lost in transit (recorded as sent, never delivered). */
  lose?: (d: SentDatagram) => boolean;
  private readonly unicast = new Map<string, MemoryTransport>();
  /** group:port -> endpoints that joined (each bound for one member host). */
  private readonly groups = new Map<string, Set<MemoryTransport>>();
  private queue: SentDatagram[] = [];

  /** A unicast endpoint bound to address:port. */
  bind(address: string, port: number): MemoryTransport {
    const key = `${address}:${port}`;
    if (this.unicast.has(key)) throw new Error(`EADDRINUSE ${key}`);
    const t = new MemoryTransport(this, address, port);
    this.unicast.set(key, t);
    return t;
  }

  /** An endpoint of host `member` that receives datagrams sent to group:port. */
  joinGroup(group: string, port: number, member: string): MemoryTransport {
    const t = new MemoryTransport(this, member, port);
    const key = `${group}:${port}`;
    if (!this.groups.has(key)) this.groups.set(key, new Set());
    this.groups.get(key)!.add(t);
    return t;
  }

  /** Hosts that joined group:port. */
  members(group: string, port: number): string[] {
    return [...(this.groups.get(`${group}:${port}`) ?? [])].map((t) => t.address);
  }

  unbind(t: MemoryTransport): void {
    if (this.unicast.get(`${t.address}:${t.port}`) === t) this.unicast.delete(`${t.address}:${t.port}`);
    for (const s of this.groups.values()) s.delete(t);
  }

  enqueue(d: SentDatagram): void {
    this.sent.push(d);
    this.queue.push(d);
  }

  private targets(d: SentDatagram): MemoryTransport[] {
    if (this.down.has(d.from) || this.lose?.(d)) return [];
    const group = this.groups.get(`${d.to}:${d.port}`);
    const list = group ? [...group] : [this.unicast.get(`${d.to}:${d.port}`)].filter((t): t is MemoryTransport => !!t);
    return list.filter((t) => !t.closed && !this.down.has(t.address));
  }

  /** Delivers queued datagrams (and replies they cause) until none are left; returns how many. */
  async settle(): Promise<number> {
    let n = 0;
    for (let quiet = 0; quiet < 2;) {
      // Let async work (store writes, awaited sends) run before checking the queue.
      await new Promise((r) => setImmediate(r));
      if (this.queue.length === 0) { quiet++; continue; }
      quiet = 0;
      const batch = this.queue;
      this.queue = [];
      for (const d of batch) {
        const to = this.targets(d);
        d.delivered = to.length > 0;
        for (const t of to) { n++; t.handler({ data: d.data, address: d.from, port: d.fromPort }); }
      }
    }
    return n;
  }

  /** Datagrams sent with exchange type `exchange` (ISAKMP header octet 18), optionally to one address. */
  ofExchange(exchange: number, to?: string): SentDatagram[] {
    return this.sent.filter((d) => d.data.length >= 28 && d.data[18] === exchange && (to === undefined || d.to === to));
  }
}
