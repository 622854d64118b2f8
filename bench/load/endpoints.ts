// One UDP socket per simulated GM address, all in this process. A GM that finishes hands its
// address back, so with --duration the same socket serves GM after GM. Each socket carries few
// datagrams at a time, so libuv's 32-datagrams-per-socket-per-turn read limit never bites
// (ecosystem.md §3); the multicast socket gets one datagram per rekey.
import { UdpTransport, type Datagram } from '../../shared/transport/udp.ts';
import { GdoiError } from '../../shared/errors.ts';

/** RFC 3948 §2.2: IKE on a port pair without 500 is preceded by four zero octets (charon does it). */
const NON_ESP_MARKER = Buffer.alloc(4);

export class Endpoint {
  constructor(readonly address: string, readonly transport: UdpTransport, private readonly marker: boolean) {}

  send(data: Buffer, address: string, port: number): void {
    this.transport.send(this.marker ? Buffer.concat([NON_ESP_MARKER, data]) : data, address, port);
  }

  /** Strips the marker; undefined for a datagram without it (not IKE: dropped). */
  unwrap(data: Buffer): Buffer | undefined {
    if (!this.marker) return data;
    if (data.length < 4 || data.readUInt32BE(0) !== 0) return undefined;
    return data.subarray(4);
  }
}

export type EndpointHandler = (ep: Endpoint, d: Datagram) => void;

/** Binds one socket per address (in parallel slices), each calling `handler` for its datagrams. */
export async function openEndpoints(addresses: string[], port: number, marker: boolean, handler: EndpointHandler): Promise<Endpoint[]> {
  const out: Endpoint[] = new Array(addresses.length);
  const SLICE = 256;
  for (let i = 0; i < addresses.length; i += SLICE) {
    await Promise.all(addresses.slice(i, i + SLICE).map(async (a, j) => {
      let t: UdpTransport;
      try {
        t = await UdpTransport.bind(a, port);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const hint = code === 'EMFILE' ? ' (raise `ulimit -n` or use fewer --addresses)'
          : code === 'EADDRINUSE' ? ' (is another process on that address and port? pick another --base or --local-port)' : '';
        throw new GdoiError('BIND', `cannot bind ${a}:${port}: ${code ?? (e as Error).message}${hint}`);
      }
      const ep = new Endpoint(a, t, marker);
      t.onMessage((d) => handler(ep, d));
      out[i + j] = ep;
    }));
  }
  return out;
}

/** One socket on the multicast group's own address, joined on `iface`: all simulated GMs share it. */
export async function openMulticast(group: string, port: number, iface: string, handler: (d: Datagram) => void): Promise<UdpTransport> {
  let t: UdpTransport;
  try {
    t = await UdpTransport.bind(group, port, { reuseAddr: true, multicast: { group, iface }, recvBufferSize: 4 << 20 });
  } catch (e) {
    throw new GdoiError('BIND', `cannot join ${group} on ${iface} port ${port}: ${(e as Error).message}`);
  }
  t.onMessage(handler);
  return t;
}

export async function closeAll(eps: Array<{ transport: UdpTransport } | undefined>): Promise<void> {
  await Promise.all(eps.map((e) => e?.transport.close()));
}
