// Loopback UDP datagram rate between two processes: the ceiling for a rekey, which is nothing
// but datagrams (one PUSH out and one ack back per GM). One sender, one receiver, 200-octet
// datagrams, batches of 32 per event-loop turn (libuv reads 32 per socket per turn,
// ecosystem.md §3). The receiver prints how many arrived once the sender has finished.
//   node --import tsx bench/load/udp-rate.ts receive ADDRESS PORT
//   node --import tsx bench/load/udp-rate.ts send ADDRESS PORT SECONDS
import { createSocket } from 'node:dgram';

const [, , mode, address = '127.0.0.1', portText = '0', secondsText = '2'] = process.argv;
const SIZE = 200;
const BATCH = 32;

if (mode === 'receive') {
  const s = createSocket('udp4');
  let got = 0;
  let first = 0, last = 0;
  s.on('message', (m) => {
    if (m.length === 1) {   // the sender's end marker
      process.stdout.write(`${JSON.stringify({ received: got, spanMs: last - first })}\n`);
      got = 0;
      return;
    }
    if (got === 0) first = performance.now();
    got++;
    last = performance.now();
  });
  s.bind(Number(portText), address, () => {
    s.setRecvBufferSize(8 << 20);
    process.stdout.write(`${JSON.stringify({ port: s.address().port })}\n`);
  });
} else if (mode === 'send') {
  const s = createSocket('udp4');
  s.on('error', () => {});
  const buf = Buffer.alloc(SIZE, 0x5a);
  const port = Number(portText);
  const until = performance.now() + Number(secondsText) * 1000;
  let sent = 0;
  const t0 = performance.now();
  const turn = (): void => {
    for (let i = 0; i < BATCH; i++) s.send(buf, port, address);
    sent += BATCH;
    if (performance.now() < until) { setImmediate(turn); return; }
    const ms = performance.now() - t0;
    // Let the socket drain, then tell the receiver we are done (a 1-octet datagram).
    setTimeout(() => {
      s.send(Buffer.alloc(1), port, address, () => {
        process.stdout.write(`${JSON.stringify({ sent, ms })}\n`);
        s.close();
      });
    }, 200);
  };
  s.bind(0, '127.0.0.1', turn);
} else {
  process.stderr.write('usage: udp-rate.ts receive ADDRESS PORT | send ADDRESS PORT SECONDS\n');
  process.exit(2);
}
