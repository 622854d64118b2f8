// UDP transport behind a small interface, so protocol code never touches sockets and the
// load generator can run thousands of endpoints in one process.
import DgramAsPromised, { type SocketAsPromised } from 'dgram-as-promised';

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
    const sock = DgramAsPromised.createSocket({ type: 'udp4', reuseAddr: opts.reuseAddr ?? false });
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
