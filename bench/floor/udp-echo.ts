// Loopback UDP request/answer pairs between two processes, for bench/register-floor.ts: the
// echo side does nothing but receive a datagram and send one back (what a KS must do at least
// per message), so its CPU time per pair is the datagram cost a registration cannot avoid.
//   node --import tsx bench/floor/udp-echo.ts echo ADDRESS PORT
//   node --import tsx bench/floor/udp-echo.ts ask ADDRESS PORT COUNT INFLIGHT SIZE
import { createSocket, type Socket } from 'node:dgram';
import { literalLookup } from '../../shared/transport/udp.ts';

const [, , mode, address = '127.0.0.1', portText = '0', countText = '50000', inflightText = '48', sizeText = '200'] = process.argv;

// The same literal-address lookup the daemons' transport uses.
const lookup = literalLookup;

if (mode === 'echo') {
  const s = createSocket({ type: 'udp4', lookup });
  s.on('message', (m, r) => { s.send(m, r.port, r.address); });
  s.bind(Number(portText), address, () => process.stdout.write(`${JSON.stringify({ port: s.address().port })}\n`));
} else if (mode === 'ask') {
  const count = Number(countText);
  const inflight = Number(inflightText);
  const buf = Buffer.alloc(Number(sizeText), 0x5a);
  const port = Number(portText);
  let sent = 0, got = 0;
  const socks: Socket[] = [];
  // One socket per simulated peer address, as gdoi-load does.
  for (let i = 0; i < inflight; i++) {
    const s = createSocket({ type: 'udp4', lookup });
    await new Promise<void>((r) => s.bind(0, `127.21.0.${i + 1}`, () => r()));
    socks.push(s);
  }
  const t0 = performance.now();
  await new Promise<void>((done) => {
    for (const s of socks) {
      s.on('message', () => {
        got++;
        if (sent < count) { sent++; s.send(buf, port, address); }
        if (got === count) done();
      });
      sent++;
      s.send(buf, port, address);
    }
  });
  process.stdout.write(`${JSON.stringify({ pairs: count, ms: performance.now() - t0 })}\n`);
  process.exit(0);
} else {
  process.stderr.write('usage: udp-echo.ts echo ADDRESS PORT | ask ADDRESS PORT COUNT INFLIGHT SIZE\n');
  process.exit(2);
}
