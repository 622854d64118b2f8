// A test peer on a real loopback UDP socket: sends datagrams to one server and hands back
// the replies in order, with timeouts, so a test can play a GM (or an attacker) message by message.
import { createSocket, type Socket } from 'node:dgram';

export class UdpPeer {
  private readonly inbox: Buffer[] = [];
  private waiter?: (b: Buffer) => void;
  private constructor(private readonly sock: Socket, readonly address: string, readonly server: { address: string; port: number }) {
    sock.on('message', (msg, rinfo) => {
      if (rinfo.address !== server.address || rinfo.port !== server.port) return;
      if (this.waiter) { const w = this.waiter; this.waiter = undefined; w(msg); } else this.inbox.push(msg);
    });
  }

  static open(address: string, server: { address: string; port: number }): Promise<UdpPeer> {
    return new Promise((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, address, () => resolve(new UdpPeer(s, address, server)));
    });
  }

  get port(): number { return this.sock.address().port; }

  send(data: Buffer): void { this.sock.send(data, this.server.port, this.server.address); }

  /** The next datagram from the server, or undefined after `ms`. */
  next(ms = 3000): Promise<Buffer | undefined> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.waiter = undefined; resolve(undefined); }, ms);
      this.waiter = (b) => { clearTimeout(t); resolve(b); };
    });
  }

  /** Everything that arrives within `ms`. */
  async drain(ms: number): Promise<Buffer[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.inbox.splice(0);
  }

  close(): Promise<void> { return new Promise((r) => this.sock.close(() => r())); }
}
