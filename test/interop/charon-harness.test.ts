// Proves test/helpers/charon.ts charon-against-charon on loopback: IKEv1 main mode with PSK
// and with RSA certificates, what charon sends when asked for quick mode (exchange type 32,
// RFC 2409 section 5.5), that a taken port is reported, and that the host's routing rules,
// XFRM state and xfrm sysctl are left alone.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Charon, type CharonOptions } from '../helpers/charon.ts';
import { lockIkePorts } from '../helpers/ike-ports-lock.ts';

const GDOI_PORT = 848;
const EXCH_ID_PROT = 2; // main mode
const EXCH_INFORMATIONAL = 5;
const EXCH_QUICK_MODE = 32;

const running: Charon[] = [];
async function start(o: CharonOptions): Promise<Charon> {
  const c = await Charon.start(o);
  running.push(c);
  return c;
}
const capturing: LoCapture[] = [];
afterEach(async () => {
  for (const cap of capturing.splice(0)) cap.abort();
  await Promise.all(running.splice(0).map((c) => c.stop()));
});

function hostNetState(): string {
  const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
  return [
    sh('ip', ['-4', 'rule']),
    sh('ip', ['-6', 'rule']),
    sh('ip', ['xfrm', 'state']),
    readFileSync('/proc/sys/net/core/xfrm_acq_expires', 'utf8'),
  ].join('\n--\n');
}

/** A CA and two leaf certs made with the openssl CLI (RSA-2048). */
interface Pki {
  caPem: string;
  ks: { certPem: string; keyPem: string };
  gm: { certPem: string; keyPem: string };
}
function makePki(): Pki {
  const d = mkdtempSync(join(tmpdir(), 'charon-pki-'));
  const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: d, stdio: 'pipe' });
  try {
    ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
      '-subj', '/CN=GDOI Test CA', '-days', '2',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    const leaf = (name: string) => {
      writeFileSync(join(d, `${name}.ext`), `subjectAltName=DNS:${name}\nkeyUsage=digitalSignature\n`);
      ossl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      ossl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
        '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
      return { certPem: readFileSync(join(d, `${name}.pem`), 'utf8'), keyPem: readFileSync(join(d, `${name}.key`), 'utf8') };
    };
    return { caPem: readFileSync(join(d, 'ca.pem'), 'utf8'), ks: leaf('ks.test'), gm: leaf('gm1.test') };
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

/** ISAKMP headers (RFC 2408 section 3.1) of UDP packets captured on lo. */
interface Seen {
  /** The 4 zero bytes of RFC 3948 section 2.2 precede the ISAKMP header. */
  marker: boolean;
  srcPort: number;
  dstPort: number;
  icookie: string;
  exch: number;
  flags: number;
  msgId: number;
}

/** dumpcap on lo writing classic pcap; stop() parses the Ethernet/IPv4/UDP/ISAKMP headers.
 *  dumpcap hands packets to its file in blocks (there is no immediate mode), so start() and
 *  stop() send "fence" datagrams (host -> 127.0.0.254:port, where nobody listens) until one
 *  shows up in the file: then the filter is live, resp. every earlier packet is written. */
class LoCapture {
  private constructor(
    private readonly proc: ChildProcess,
    private readonly file: string,
    private readonly probe: Socket,
    private readonly port: number,
  ) {}

  static async start(port: number, host: string): Promise<LoCapture> {
    const file = join(mkdtempSync(join(tmpdir(), 'charon-cap-')), 'lo.pcap');
    const proc = spawn('dumpcap', ['-i', 'lo', '-f', `udp port ${port} and host ${host}`, '-P', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const t = setTimeout(() => reject(new Error(`dumpcap did not start: ${err}`)), 10_000);
      proc.stderr?.on('data', (b: Buffer) => {
        err += b.toString();
        if (err.includes('Capturing on')) {
          clearTimeout(t);
          resolve();
        }
      });
      proc.once('exit', () => reject(new Error(`dumpcap exited: ${err}`)));
    });
    const probe = createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, host, r));
    const cap = new LoCapture(proc, file, probe, port);
    capturing.push(cap);
    await cap.fence('fence-start');
    return cap;
  }

  private async fence(tag: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    const needle = Buffer.from(tag);
    while (!(existsSync(this.file) && readFileSync(this.file).includes(needle))) {
      if (Date.now() > deadline) throw new Error(`dumpcap: ${tag} datagram never reached the capture file`);
      this.probe.send(needle, this.port, '127.0.0.254');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Cleanup after a failed test: end dumpcap, drop the file. */
  abort(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    try {
      this.probe.close();
    } catch {
      // already closed by stop()
    }
    rmSync(join(this.file, '..'), { recursive: true, force: true });
  }

  async stop(): Promise<Seen[]> {
    await this.fence('fence-stop');
    this.probe.close();
    const done = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    await done;
    const buf = readFileSync(this.file);
    rmSync(join(this.file, '..'), { recursive: true, force: true });
    expect(buf.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(buf.readUInt32LE(20)).toBe(1); // LINKTYPE_ETHERNET, as Linux reports lo
    const seen: Seen[] = [];
    for (let off = 24; off + 16 <= buf.length;) {
      const caplen = buf.readUInt32LE(off + 8);
      const pkt = buf.subarray(off + 16, off + 16 + caplen);
      off += 16 + caplen;
      if (pkt.readUInt16BE(12) !== 0x0800 || pkt[23] !== 17) continue;
      const udp = 14 + (pkt[14] & 0x0f) * 4;
      let isakmp = pkt.subarray(udp + 8);
      const marker = isakmp.length >= 4 && isakmp.readUInt32BE(0) === 0;
      if (marker) isakmp = isakmp.subarray(4);
      if (isakmp.length < 28) continue;
      seen.push({
        marker,
        srcPort: pkt.readUInt16BE(udp),
        dstPort: pkt.readUInt16BE(udp + 2),
        icookie: isakmp.subarray(0, 8).toString('hex'),
        exch: isakmp[18],
        flags: isakmp[19],
        msgId: isakmp.readUInt32BE(20),
      });
    }
    return seen;
  }
}

describe('charon harness (strongSwan charon as IKEv1 main-mode peer)', () => {
  let before = '';
  let releasePorts: (() => void) | undefined;
  beforeAll(async () => {
    expect(Charon.available()).toBe(true);
    // UDP 500/848 are host-wide for charon: wait for other files that use them (ike-ports-lock.ts).
    releasePorts = await lockIkePorts(110_000);
    before = hostNetState();
  }, 120_000);
  afterAll(() => {
    releasePorts?.();
    // The harness must leave routing rules, XFRM SAs and the xfrm sysctl as it found them.
    expect(hostNetState()).toBe(before);
  });

  it('PSK main mode (ecp256): responder on 127.0.0.1:848, initiator from 127.0.0.2', async () => {
    const auth = { kind: 'psk', secret: 'harness-psk' } as const;
    const resp = await start({ role: 'responder', localAddr: '127.0.0.1', remoteAddr: '127.0.0.0/8', port: GDOI_PORT, auth, proposal: 'aes256-sha256-ecp256', cpu: 0 });
    const init = await start({ role: 'initiator', localAddr: '127.0.0.2', remoteAddr: '127.0.0.1', port: GDOI_PORT, auth, proposal: 'aes256-sha256-ecp256', cpu: 1 });
    // While both run, the host's rules/XFRM/sysctl are untouched.
    expect(hostNetState()).toBe(before);

    const r = await init.initiate(10_000);
    expect(r.ok, r.output).toBe(true);
    expect(r.output).toMatch(/initiating Main Mode IKE_SA gdoi\[1\] to 127\.0\.0\.1/);
    expect(r.output).toMatch(/sending packet: from 127\.0\.0\.2\[\d+\] to 127\.0\.0\.1\[848\]/);

    const line = await resp.waitForLog(/IKE_SA gdoi\[\d+\] established between/, 5000);
    expect(line).toContain('established between 127.0.0.1[127.0.0.1]...127.0.0.2[127.0.0.2]');
    expect(resp.logText()).toContain('127.0.0.2 is initiating a Main Mode IKE_SA');
    expect(resp.logText()).toContain('selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256');
    expect(await resp.established()).toBe(1);
    expect(await init.established()).toBe(1);
    expect(init.logText()).not.toContain('QUICK_MODE');

    // utime + stime from /proc in clock ticks (10 ms): one main mode on a fast machine may cost
    // charon less than a tick, so only the reading itself is checked, not that time was spent.
    const cpu = await resp.cpuTimeMs();
    expect(Number.isInteger(cpu) && cpu >= 0 && cpu % 10 === 0, `cpuTimeMs ${cpu}`).toBe(true);
    expect(await resp.rssBytes()).toBeGreaterThan(1 << 20);
    expect(resp.pid).toBeGreaterThan(1);
  });

  it('RSA certificates main mode (modp2048), ids from the certificates', async () => {
    const pki = makePki();
    const resp = await start({
      role: 'responder', localAddr: '127.0.0.1', remoteAddr: '127.0.0.0/8', port: GDOI_PORT, proposal: 'aes256-sha256-modp2048',
      auth: { kind: 'rsa', ...pki.ks, caPem: pki.caPem, localId: 'ks.test' },
    });
    const init = await start({
      role: 'initiator', localAddr: '127.0.0.2', remoteAddr: '127.0.0.1', port: GDOI_PORT, proposal: 'aes256-sha256-modp2048',
      auth: { kind: 'rsa', ...pki.gm, caPem: pki.caPem, remoteId: 'ks.test' },
    });
    const r = await init.initiate(10_000);
    expect(r.ok, r.output).toBe(true);
    const line = await resp.waitForLog(/IKE_SA gdoi\[\d+\] established between/, 5000);
    expect(line).toContain('established between 127.0.0.1[ks.test]...127.0.0.2[CN=gm1.test]');
    expect(resp.logText()).toMatch(/authentication of 'CN=gm1\.test' with RSA[^\n]* successful/);
    expect(init.logText()).toMatch(/authentication of 'ks\.test' with RSA[^\n]* successful/);
    expect(resp.logText()).toContain('MODP_2048');
    expect(await init.established()).toBe(1);
  });

  it('childSa: after main mode charon sends quick mode (exchange 32); a charon responder refuses it', async () => {
    const cap = await LoCapture.start(GDOI_PORT, '127.0.0.2');
    const auth = { kind: 'psk', secret: 'qm-psk' } as const;
    const resp = await start({ role: 'responder', localAddr: '127.0.0.1', remoteAddr: '127.0.0.0/8', port: GDOI_PORT, auth, proposal: 'aes128-sha1-modp1024' });
    const init = await start({ role: 'initiator', localAddr: '127.0.0.2', remoteAddr: '127.0.0.1', port: GDOI_PORT, auth, proposal: 'aes128-sha1-modp1024', childSa: true });
    const r = await init.initiate(10_000);
    await resp.waitForLog(/generating INFORMATIONAL_V1 request \d+ \[ HASH N\(INVAL_ID\) \]/, 5000);
    await init.waitForLog(/received INVALID_ID_INFORMATION error notify/, 5000);
    const seen = await cap.stop();

    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/IKE_SA gdoi\[1\] established between/);
    expect(r.output).toMatch(/generating QUICK_MODE request \d+ \[ HASH SA No ID ID \]/);
    expect(resp.logText()).toMatch(/parsed QUICK_MODE request \d+ \[ HASH SA No ID ID \]/);
    expect(resp.logText()).toContain('no matching CHILD_SA config found for 127.0.0.2/32[udp/discard] === 127.0.0.1/32[udp/discard]');

    const fromInit = seen.filter((s) => s.dstPort === GDOI_PORT);
    const fromResp = seen.filter((s) => s.srcPort === GDOI_PORT);
    expect(fromInit.map((s) => s.exch)).toEqual([EXCH_ID_PROT, EXCH_ID_PROT, EXCH_ID_PROT, EXCH_QUICK_MODE]);
    expect(fromResp.map((s) => s.exch)).toEqual([EXCH_ID_PROT, EXCH_ID_PROT, EXCH_ID_PROT, EXCH_INFORMATIONAL]);
    expect(new Set(seen.map((s) => s.icookie)).size).toBe(1);
    // Default initiator port 500 (it cannot share 848 with the responder): plain ISAKMP.
    expect(init.ikePort).toBe(500);
    expect(seen.every((s) => !s.marker && (s.srcPort === 500 || s.dstPort === 500))).toBe(true);
    // The refused quick mode left no XFRM state (the allocated SPI is released).
    expect(hostNetState()).toBe(before);
    const qm = fromInit[3];
    expect(qm.flags & 0x01).toBe(1); // encrypted (RFC 2408 3.1 E flag)
    expect(qm.msgId).not.toBe(0);
    expect(fromInit[2].flags & 0x01).toBe(1); // main mode message 5 is encrypted too
    expect(fromInit[0].flags & 0x01).toBe(0);
  });

  it('with neither port 500 charon frames every IKE message with the non-ESP marker', async () => {
    const cap = await LoCapture.start(GDOI_PORT, '127.0.0.2');
    const auth = { kind: 'psk', secret: 'marker-psk' } as const;
    const resp = await start({ role: 'responder', localAddr: '127.0.0.1', remoteAddr: '127.0.0.0/8', port: GDOI_PORT, auth, proposal: 'aes128-sha1-modp1024' });
    const init = await start({ role: 'initiator', localAddr: '127.0.0.2', remoteAddr: '127.0.0.1', port: GDOI_PORT, auth, proposal: 'aes128-sha1-modp1024', listenPort: 0 });
    const r = await init.initiate(10_000);
    expect(r.ok, r.output).toBe(true);
    await resp.waitForLog(/IKE_SA gdoi\[\d+\] established between 127\.0\.0\.1\[127\.0\.0\.1\]\.\.\.127\.0\.0\.2\[127\.0\.0\.2\]/, 5000);
    const seen = await cap.stop();

    expect(init.ikePort).not.toBe(500);
    expect(Charon.nonEspMarker(init.ikePort, GDOI_PORT)).toBe(true);
    expect(Charon.nonEspMarker(500, GDOI_PORT)).toBe(false);
    expect(r.output).toContain(`sending packet: from 127.0.0.2[${init.ikePort}] to 127.0.0.1[848]`);
    expect(seen.map((s) => s.exch)).toEqual(Array(6).fill(EXCH_ID_PROT));
    expect(seen.every((s) => s.marker)).toBe(true);
    expect(seen.filter((s) => s.srcPort === init.ikePort && s.dstPort === GDOI_PORT)).toHaveLength(3);
  });

  it('reports a taken port clearly and leaves nothing behind on stop()', async () => {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind({ port: 0, address: '127.0.0.1' }, r));
    const busy = sock.address().port;
    try {
      await expect(Charon.start({ role: 'responder', localAddr: '127.0.0.1', remoteAddr: '127.0.0.0/8', port: busy, auth: { kind: 'psk', secret: 'x' }, proposal: 'aes128-sha1-modp1024' }))
        .rejects.toThrow(`UDP port ${busy} is already in use`);
    } finally {
      sock.close();
    }
    await expect(Charon.start({ role: 'responder', localAddr: '10.0.0.1', remoteAddr: '127.0.0.0/8', port: GDOI_PORT, auth: { kind: 'psk', secret: 'x' }, proposal: 'aes128-sha1-modp1024' }))
      .rejects.toThrow(/127\.0\.0\.0\/8/);

    const c = await Charon.start({ role: 'responder', localAddr: '127.0.0.1', remoteAddr: '127.0.0.0/8', port: GDOI_PORT, auth: { kind: 'psk', secret: 'x' }, proposal: 'aes128-sha1-modp1024' });
    expect(existsSync(c.dir)).toBe(true);
    await c.stop();
    await c.stop(); // idempotent
    expect(existsSync(c.dir)).toBe(false);
    expect(() => process.kill(c.pid, 0)).toThrow();
    expect(c.logText()).toContain('SIGTERM received, shutting down');
  });
});
