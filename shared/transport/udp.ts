// UDP transport behind a small interface, so protocol code never touches sockets and the
// load generator can run thousands of endpoints in one process.
import DgramAsPromised, { type SocketAsPromised } from 'dgram-as-promised';
import { lookup as dnsLookup } from 'node:dns';

/**
 * Peers are always IPv4 literals (from a received datagram or the config). Node's default
 * lookup defers every send to the next tick even for a literal; answering at once sends the
 * datagram in the same turn. Names still go to the resolver.
 */
const IPV4_LITERAL = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;
export function literalLookup(address: string, family: unknown, callback?: LookupCallback): void {
  const cb = (typeof family === 'function' ? family : callback) as LookupCallback;
  if (IPV4_LITERAL.test(address)) { cb(null, address, 4); return; }
  dnsLookup(address, { family: 4 }, cb);
}

export interface Datagram { data: Buffer; address: string; port: number }

export interface Transport {
  readonly address: string;
  readonly port: number;
  send(data: Buffer, address: string, port: number): void;
  onMessage(handler: (d: Datagram) => void): void;
  close(): Promise<void>;
}

export interface UdpOptions {
  /** SO_RCVBUF; large bursts (10,000 acks) need more than Linux's 208 KiB default. */
  recvBufferSize?: number;
  sendBufferSize?: number;
  reuseAddr?: boolean;
  /** Join this IPv4 multicast group on the given interface address. */
  multicast?: { group: string; iface: string };
  /** Interface for multicast sends. */
  multicastIface?: string;
}

export class UdpTransport implements Transport {
  private handler: (d: Datagram) => void = () => {};
  private closed = false;
  private constructor(private readonly sock: SocketAsPromised, readonly address: string, readonly port: number) {
    sock.socket.on('message', (data, rinfo) => this.handler({ data, address: rinfo.address, port: rinfo.port }));
    // Errors such as ICMP port unreachable must never take a daemon down.
    sock.socket.on('error', () => {});
  }

  static async bind(address: string, port: number, opts: UdpOptions = {}): Promise<UdpTransport> {
    const sock = DgramAsPromised.createSocket({ type: 'udp4', reuseAddr: opts.reuseAddr ?? false, lookup: literalLookup });
    const info = await sock.bind(port, address);
    const s = sock.socket;
    if (opts.recvBufferSize) try { s.setRecvBufferSize(opts.recvBufferSize); } catch { /* capped by rmem_max */ }
    if (opts.sendBufferSize) try { s.setSendBufferSize(opts.sendBufferSize); } catch { /* capped by wmem_max */ }
    if (opts.multicast) s.addMembership(opts.multicast.group, opts.multicast.iface);
    if (opts.multicastIface) { s.setMulticastInterface(opts.multicastIface); s.setMulticastTTL(8); }
    return new UdpTransport(sock, info?.address ?? address, info?.port ?? port);
  }

  send(data: Buffer, address: string, port: number): void {
    if (this.closed) return;
    // No completion callback: a send error reaches the 'error' handler above, and a KS sending
    // 10,000 rekeys saves a deferred callback per datagram.
    this.sock.socket.send(data, port, address);
  }
  onMessage(handler: (d: Datagram) => void): void { this.handler = handler; }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sock.close();
  }
}
