// Main mode against the key server as the daemon runs it: ks/key-server.ts in this process on a
// real loopback UDP socket (so its counters and DH work can be read), and the gdoi-ks process
// itself for the half-open limits. Each bad peer gets the right NOTIFY and IOS log line, nothing
// escapes, and a good GM registers right after. Addresses 127.0.4.x.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyServer } from '../../ks/key-server.ts';
import { loadSigningKeys } from '../../ks/signing-keys.ts';
import { parseConfig } from '../../shared/config/index.ts';
import { Syslog } from '../../shared/log/syslog.ts';
import { UdpTransport } from '../../shared/transport/udp.ts';
import { ManualClock, seededRandom, systemRandom } from '../../shared/time/clock.ts';
import { MainModeInitiator, type MainModeConfig } from '../../shared/exchanges/main-mode.ts';
import { GroupkeyPullInitiator } from '../../shared/exchanges/groupkey-pull.ts';
import type { Phase1Sa } from '../../shared/exchanges/phase1-sa.ts';
import type { Phase1Credentials } from '../../shared/exchanges/phase1-auth.ts';
import { showIsakmpSa } from '../../shared/daemon/show-common.ts';
import { decodeMessage } from '../../shared/wire/message.ts';
import { first } from '../../shared/wire/pick.ts';
import { keyIdFromNumber } from '../../shared/wire/id-data.ts';
import { ExchangeType, NotifyType } from '../../shared/wire/registry.ts';
import { OUR_VERSION, defaultFeatureBits } from '../../shared/policy/version.ts';
import type { DhGroupId } from '../../shared/crypto/dh.ts';
import { generateDh } from '../../shared/crypto/dh.ts';
import { freeUdpPort, removeDir, startDaemon, stopAll, tempDir } from '../helpers/daemons.ts';
import { credentials, policy, testPki } from './main-mode-fixture.ts';
import { UdpPeer } from './udp-peer.ts';

const KS = '127.0.4.1';
const GOOD_GM = '127.0.4.30';
const GROUP_ID = 4004;
const PSK = 'ks4-secret';
const SIG = policy({ auth: 'sig', group: 19 });
const PSK19 = policy({ group: 19 });

function ksConfigText(dir: string): string {
  return [
    'hostname ks4',
    'crypto key generate rsa general-keys label REKEY4 modulus 2048',
    'crypto isakmp policy 10', ' encr aes 256', ' hash sha256', ' authentication pre-share', ' group 19',
    'crypto isakmp policy 20', ' encr aes 256', ' hash sha256', ' authentication rsa-sig', ' group 19',
    `crypto isakmp key ${PSK} address 127.0.4.0 255.255.255.0`,
    `crypto pki certificate ${join(dir, 'ks.pem')}`, `crypto pki key ${join(dir, 'ks.key')}`, `crypto pki trusted-ca ${join(dir, 'ca.pem')}`,
    'crypto ipsec transform-set TS4 esp-aes 256 esp-sha256-hmac',
    'crypto ipsec profile P4', ' set transform-set TS4',
    'ip access-list extended ENC4', ' permit ip 10.41.0.0 0.0.255.255 10.42.0.0 0.0.255.255',
    'crypto gdoi group G4', ` identity number ${GROUP_ID}`, ' server local',
    '  rekey authentication mypubkey rsa REKEY4', '  rekey transport unicast',
    '  sa ipsec 1', '   profile P4', '   match address ipv4 ENC4',
    `  address ipv4 ${KS}`,
    'end', '',
  ].join('\n');
}

interface InProcessKs {
  ks: KeyServer;
  lines: string[];
  clock: ManualClock;
  port: number;
  dhCalls: () => number;
  close(): Promise<void>;
}

/** The real KeyServer on a real socket; its clock is manual so half-open expiry can be driven. */
async function startKs(dir: string, limits: { perPeer?: number; total?: number } = {}): Promise<InProcessKs> {
  const clock = new ManualClock(Date.now());
  const lines: string[] = [];
  const log = new Syslog({ clock, out: (l) => lines.push(l), utc: true });
  const { config } = parseConfig(ksConfigText(dir), 'ks4.conf');
  let dh = 0;
  const port = await freeUdpPort(KS);
  const ks = new KeyServer({
    config, localAddress: KS, port, clock, random: systemRandom, log, version: OUR_VERSION,
    signingKeys: loadSigningKeys(config, join(dir, 'state'), () => undefined),
    maxHalfOpenPerPeer: limits.perPeer, maxHalfOpen: limits.total,
    dh: (group: DhGroupId) => { dh++; return generateDh(group); },
  });
  const t = await UdpTransport.bind(KS, port);
  ks.attach(t);
  return { ks, lines, clock, port, dhCalls: () => dh, close: () => t.close() };
}

function gmConfig(address: string, o: { policies?: MainModeConfig['policies']; credentials?: Phase1Credentials; seed?: string } = {}): MainModeConfig {
  return {
    policies: o.policies ?? [PSK19], credentials: o.credentials ?? credentials({ psk: Buffer.from(PSK) }), localAddress: address, doi: 2,
    version: OUR_VERSION, features: defaultFeatureBits(OUR_VERSION), clock: { now: () => Date.now() },
    random: o.seed ? seededRandom(o.seed) : systemRandom,
  };
}

/** Plays main mode over UDP; `rewrite` may alter our message n (1, 3, 5) before it leaves. */
async function mainMode(peer: UdpPeer, mm: MainModeInitiator, rewrite: (n: number, b: Buffer) => Buffer = (_n, b) => b) {
  const sent: Buffer[] = [];
  const received: Buffer[] = [];
  let msg = rewrite(1, mm.start());
  for (let n = 1; ; n += 2) {
    sent.push(msg);
    peer.send(msg);
    const reply = await peer.next();
    if (!reply) return { sent, received };
    received.push(reply);
    if (reply[18] === ExchangeType.INFORMATIONAL) return { sent, received, notify: notifyOf(reply) };
    const step = mm.process(reply);
    if (step.sa) return { sent, received, sa: step.sa };
    if (!step.reply) return { sent, received, failure: step.failure };
    msg = rewrite(n + 2, step.reply);
  }
}

function notifyOf(datagram: Buffer): number | undefined {
  const m = decodeMessage(datagram);
  expect(m.header.exchange).toBe(ExchangeType.INFORMATIONAL);
  expect(m.header.flags & 1).toBe(0);                            // plain: no keys yet
  return first(m.chain?.payloads ?? [], 11)?.notifyType;
}

/** A complete registration: main mode, then GROUPKEY-PULL until the KS hands out the keys. */
async function register(k: InProcessKs, address = GOOD_GM): Promise<Phase1Sa> {
  const peer = await UdpPeer.open(address, { address: KS, port: k.port });
  try {
    const r = await mainMode(peer, new MainModeInitiator(gmConfig(address), KS, k.port));
    expect(r.sa, `main mode from ${address}`).toBeDefined();
    const pull = new GroupkeyPullInitiator(r.sa!, keyIdFromNumber(GROUP_ID), systemRandom);
    let msg: Buffer | undefined = pull.start();
    while (msg) {
      peer.send(msg);
      const reply = await peer.next();
      expect(reply, 'GROUPKEY-PULL reply').toBeDefined();
      const step = pull.process(reply!);
      expect(step.failure).toBeUndefined();
      msg = step.reply;
    }
    expect(pull.state).toBe('DONE');
    expect(k.lines.some((l) => l.includes(`%GDOI-5-KS_REGS_COMPL: KS completed successful registration in group G4 with GM ${address}.`))).toBe(true);
    return r.sa!;
  } finally {
    await peer.close();
  }
}

const dir = tempDir('mm-daemon');
beforeAll(() => {
  const { ca, ks } = testPki();
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  writeFileSync(join(dir, 'ks.pem'), ks.certPem);
  writeFileSync(join(dir, 'ks.key'), ks.keyPem);
});
afterAll(async () => { await stopAll(); removeDir(dir); });

describe('key server main mode over UDP: bad peers, then a good one', () => {
  let k: InProcessKs;
  beforeAll(async () => { k = await startKs(dir); });
  afterAll(async () => { await k.close(); });

  /** Runs `bad` from `address`, checks its NOTIFY and log line, then registers a good GM. */
  async function case_(address: string, bad: (peer: UdpPeer) => Promise<number | undefined>, want: { notify?: number; log: RegExp }) {
    const before = k.lines.length;
    const peer = await UdpPeer.open(address, { address: KS, port: k.port });
    try {
      const notify = await bad(peer);
      if (want.notify !== undefined) expect(notify).toBe(want.notify);
      else expect(notify).toBeUndefined();
      expect(await peer.drain(50)).toEqual([]);                  // nothing else came back
    } finally {
      await peer.close();
    }
    const newLines = k.lines.slice(before);
    expect(newLines.some((l) => want.log.test(l)), `log line ${want.log} in\n${newLines.join('\n')}`).toBe(true);
    expect(newLines.join('\n')).not.toContain(PSK);                // no key material in the log
    expect(newLines.some((l) => /INTERNAL/.test(l))).toBe(false);
    const sas = k.ks.sas.size;
    await register(k);
    expect(k.ks.sas.size).toBe(sas + 1);
  }

  it('a good GM registers (baseline)', async () => {
    await register(k);
    expect(k.dhCalls()).toBe(1);
  });

  it('wrong pre-shared key: AUTHENTICATION_FAILED, %CRYPTO-6-IKMP_AUTH_FAIL', async () => {
    await case_('127.0.4.11', async (peer) => {
      const mm = new MainModeInitiator(gmConfig(peer.address, { credentials: credentials({ psk: Buffer.from('wrong-secret') }) }), KS, k.port);
      return (await mainMode(peer, mm)).notify;
    }, { notify: NotifyType.AUTHENTICATION_FAILED, log: /%CRYPTO-6-IKMP_AUTH_FAIL: Authentication method 1 failed with host 127\.0\.4\.11$/ });
  });

  it('no matching policy: NO_PROPOSAL_CHOSEN, %CRYPTO-6-IKMP_MODE_FAILURE, no DH done', async () => {
    const dh = k.dhCalls();
    await case_('127.0.4.12', async (peer) => {
      const mm = new MainModeInitiator(gmConfig(peer.address, { policies: [policy({ group: 14 }), policy({ hash: 'sha1', group: 19 })] }), KS, k.port);
      const r = await mainMode(peer, mm);
      expect(r.sent).toHaveLength(1);
      return r.notify;
    }, { notify: NotifyType.NO_PROPOSAL_CHOSEN, log: /%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at 127\.0\.4\.12$/ });
    expect(k.dhCalls()).toBe(dh + 1);                              // only the good GM's
  });

  it('untrusted certificate: INVALID_CERTIFICATE, %CRYPTO-5-IKMP_INVAL_CERT', async () => {
    const { ca, untrustedGm } = testPki();
    await case_('127.0.4.13', async (peer) => {
      const mm = new MainModeInitiator(gmConfig(peer.address, { policies: [SIG], credentials: credentials({ psk: null, cert: untrustedGm, trusted: [ca] }) }), KS, k.port);
      return (await mainMode(peer, mm)).notify;
    }, { notify: NotifyType.INVALID_CERTIFICATE, log: /%CRYPTO-5-IKMP_INVAL_CERT: Certificate received from 127\.0\.4\.13 is bad: .*no trusted issuer/ });
  });

  it('expired certificate: INVALID_CERTIFICATE, %CRYPTO-5-IKMP_INVAL_CERT naming the expiry', async () => {
    const { ca, expiredGm } = testPki();
    await case_('127.0.4.14', async (peer) => {
      const mm = new MainModeInitiator(gmConfig(peer.address, { policies: [SIG], credentials: credentials({ psk: null, cert: expiredGm, trusted: [ca] }) }), KS, k.port);
      return (await mainMode(peer, mm)).notify;
    }, { notify: NotifyType.INVALID_CERTIFICATE, log: /%CRYPTO-5-IKMP_INVAL_CERT: Certificate received from 127\.0\.4\.14 is bad: .*expired/ });
  });

  it('tampered message 5 (signature auth): AUTHENTICATION_FAILED, method 3 in the log', async () => {
    const { ca, gm } = testPki();
    await case_('127.0.4.15', async (peer) => {
      const mm = new MainModeInitiator(gmConfig(peer.address, { policies: [SIG], credentials: credentials({ psk: null, cert: gm, trusted: [ca] }) }), KS, k.port);
      const r = await mainMode(peer, mm, (n, b) => {
        if (n !== 5) return b;
        const t = Buffer.from(b);
        t[t.length - 40]! ^= 0x80;                                    // inside SIG_I
        return t;
      });
      return r.notify;
    }, { notify: NotifyType.AUTHENTICATION_FAILED, log: /%CRYPTO-6-IKMP_AUTH_FAIL: Authentication method 3 failed with host 127\.0\.4\.15$/ });
  });

  it('tampered message 5 (pre-shared key): AUTHENTICATION_FAILED', async () => {
    await case_('127.0.4.16', async (peer) => {
      const mm = new MainModeInitiator(gmConfig(peer.address), KS, k.port);
      const r = await mainMode(peer, mm, (n, b) => {
        if (n !== 5) return b;
        const t = Buffer.from(b);
        t[t.length - 1]! ^= 0x01;
        return t;
      });
      return r.notify;
    }, { notify: NotifyType.AUTHENTICATION_FAILED, log: /%CRYPTO-6-IKMP_AUTH_FAIL: Authentication method 1 failed with host 127\.0\.4\.16$/ });
  });

  it('replayed messages: old cookies are unknown (%CRYPTO-4-IKMP_NO_SA), an established exchange is not redone', async () => {
    // Capture a whole good exchange from 127.0.4.17, then replay it from the same address.
    const peer0 = await UdpPeer.open('127.0.4.17', { address: KS, port: k.port });
    const orig = await mainMode(peer0, new MainModeInitiator(gmConfig('127.0.4.17'), KS, k.port));
    await peer0.close();
    expect(orig.sa).toBeDefined();
    const sas = k.ks.sas.size;
    const dh = k.dhCalls();
    await case_('127.0.4.17', async (peer) => {
      for (const m of orig.sent) peer.send(m);                     // messages 1, 3, 5 again
      const back = await peer.drain(300);
      // At most the cached message 6 comes back (a retransmit answer); no new exchange state.
      expect(back.length).toBeLessThanOrEqual(1);
      if (back.length) expect(back[0]).toEqual(orig.received[2]);
      expect(k.dhCalls()).toBe(dh);
      expect(k.ks.sas.size).toBe(sas);
      // Messages 3 and 5 of an exchange the KS never saw (cookies unknown): dropped, logged.
      const other = new MainModeInitiator(gmConfig(peer.address, { seed: 'never-sent' }), KS, k.port);
      const m1 = other.start();
      const fake3 = Buffer.from(orig.sent[1]!);
      m1.copy(fake3, 0, 0, 8);                                      // another initiator cookie
      peer.send(fake3);
      return undefined;
    }, { log: /%CRYPTO-4-IKMP_NO_SA: IKE message from 127\.0\.4\.17 has no SA and is not an initialization offer$/ });
    expect(k.dhCalls()).toBe(dh + 1);                              // the good GM's only
  });

  it('a finished GROUPKEY-PULL answers a retransmitted msg 3 with the same msg 4, and ignores a late msg 1', async () => {
    const address = '127.0.4.18';
    const peer = await UdpPeer.open(address, { address: KS, port: k.port });
    try {
      const r = await mainMode(peer, new MainModeInitiator(gmConfig(address), KS, k.port));
      expect(r.sa).toBeDefined();
      const pull = new GroupkeyPullInitiator(r.sa!, keyIdFromNumber(GROUP_ID), systemRandom);
      const p1 = pull.start();
      peer.send(p1);
      const p2 = (await peer.next())!;
      const p3 = pull.process(p2).reply!;
      peer.send(p3);
      const p4 = (await peer.next())!;
      expect(pull.process(p4).failure).toBeUndefined();
      expect(pull.state).toBe('DONE');
      const members = k.ks.stats.registrations;
      const before = k.lines.length;
      peer.send(p3);                                               // our msg 4 was "lost"
      expect(await peer.next()).toEqual(p4);
      peer.send(p1);                                               // a delayed copy of msg 1
      expect(await peer.drain(200)).toEqual([]);
      expect(k.ks.stats.registrations).toBe(members);              // no second registration
      expect(k.lines.slice(before)).toEqual([]);                   // nothing to log either
    } finally {
      await peer.close();
    }
  });

  it('garbage datagrams: %CRYPTO-4-IKMP_BAD_MESSAGE, never a reply, never a crash', async () => {
    await case_('127.0.4.18', async (peer) => {
      const rnd = seededRandom('udp-garbage');
      peer.send(Buffer.from('hello'));                             // runt
      peer.send(rnd.bytes(300));
      const hdr = Buffer.alloc(28);                                // a header that lies about its length
      rnd.bytes(8).copy(hdr, 0);
      hdr[16] = 1; hdr[17] = 0x10; hdr[18] = 2; hdr.writeUInt32BE(5000, 24);
      peer.send(hdr);
      expect(await peer.drain(200)).toEqual([]);                   // none of that is answered
      // A message 1 whose SA (DOI 2) holds a proposal that overruns it: refused with a NOTIFY.
      const saBody = Buffer.from([0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0xff, 1, 1, 0, 1]);
      const m1 = Buffer.concat([hdr.subarray(0, 24), Buffer.from([0, 0, 0, 28 + 4 + saBody.length]), Buffer.from([0, 0, 0, 4 + saBody.length]), saBody]);
      peer.send(m1);
      const reply = await peer.next(1000);
      return reply && notifyOf(reply);
    }, { notify: NotifyType.PAYLOAD_MALFORMED, log: /%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from 127\.0\.4\.18 failed its sanity check or is malformed$/ });
    expect(k.ks.stats.dropped).toBeGreaterThan(0);
  });
});

describe('half-open limits (checked before any state or DH)', () => {
  it('per peer and in total: extra message 1s are dropped and counted; completing frees slots', async () => {
    const k = await startKs(dir, { perPeer: 3, total: 5 });
    try {
      const flood = async (address: string, n: number) => {
        const peer = await UdpPeer.open(address, { address: KS, port: k.port });
        const mms = Array.from({ length: n }, () => new MainModeInitiator(gmConfig(address), KS, k.port));
        for (const mm of mms) peer.send(mm.start());
        const replies = await peer.drain(300);
        return { peer, mms, replies };
      };
      const a = await flood('127.0.4.40', 10);
      expect(a.replies).toHaveLength(3);                          // per-peer limit
      expect(k.ks.stats.halfOpenDropped).toBe(7);
      expect(k.ks.halfOpenCount()).toBe(3);
      // Message 3 for the admitted three: three DHs. Forged message 3s for the dropped ones
      // (made-up responder cookies) find no exchange and cost no DH.
      const admitted = a.replies.map((r) => a.mms.find((mm) => mm.icookie.equals(r.subarray(0, 8)))!);
      for (const [i, mm] of admitted.entries()) a.peer.send(mm.process(a.replies[i]!).reply!);
      for (const mm of a.mms.filter((m) => !admitted.includes(m))) {
        const m3 = Buffer.from(admitted[0]!.lastSent!);
        mm.icookie.copy(m3, 0);
        a.peer.send(m3);
      }
      const m4s = await a.peer.drain(300);
      expect(m4s).toHaveLength(3);
      expect(k.dhCalls()).toBe(3);
      expect(k.lines.filter((l) => l.includes('IKMP_NO_SA: IKE message from 127.0.4.40'))).toHaveLength(7);

      const b = await flood('127.0.4.41', 10);
      expect(b.replies).toHaveLength(2);                          // total limit: 3 + 2 = 5
      const c = await flood('127.0.4.42', 4);
      expect(c.replies).toHaveLength(0);
      expect(k.ks.stats.halfOpenDropped).toBe(7 + 8 + 4);
      expect(k.ks.halfOpenCount()).toBe(5);
      expect(showIsakmpSa(k.ks.sas.values(), KS, k.clock.now()).split('\n')).toHaveLength(2);   // header only
      // A good GM is refused too while the KS is full...
      const good = await UdpPeer.open(GOOD_GM, { address: KS, port: k.port });
      good.send(new MainModeInitiator(gmConfig(GOOD_GM), KS, k.port).start());
      expect(await good.drain(200)).toEqual([]);
      await good.close();
      // ...until 127.0.4.40 completes its three exchanges, which frees their slots.
      const mine = (list: Buffer[], mm: MainModeInitiator) => list.find((m) => m.subarray(0, 8).equals(mm.icookie))!;
      for (const mm of admitted) a.peer.send(mm.process(mine(m4s, mm)).reply!);
      const m6s = await a.peer.drain(300);
      expect(m6s).toHaveLength(3);
      for (const mm of admitted) expect(mm.process(mine(m6s, mm)).sa).toBeDefined();
      expect(k.ks.halfOpenCount()).toBe(2);
      await register(k);
      const rows = showIsakmpSa(k.ks.sas.values(), KS, k.clock.now()).split('\n').slice(2);
      expect(rows).toHaveLength(4);
      expect(rows.filter((r) => r.includes(GOOD_GM))).toHaveLength(1);
      // Half-open exchanges that never finish expire after 30 s and free the rest.
      k.clock.advance(31_000);
      k.ks.wheel.runDue();
      expect(k.ks.halfOpenCount()).toBe(0);
      const d = await flood('127.0.4.42', 1);
      expect(d.replies).toHaveLength(1);
      for (const p of [a.peer, b.peer, c.peer, d.peer]) await p.close();
    } finally {
      await k.close();
    }
  });

  it('gdoi-ks process: a flood from one address is capped; a real GM registers; show crypto isakmp sa lists only it', async () => {
    const port = await freeUdpPort(KS);
    const ks = startDaemon('ks', 'ks4', ksConfigText(dir), { port, args: ['--max-half-open-per-peer', '4'] });
    await ks.waitFor(/KS_STARTED/);
    const attacker = await UdpPeer.open('127.0.4.50', { address: KS, port });
    for (let i = 0; i < 60; i++) attacker.send(new MainModeInitiator(gmConfig('127.0.4.50'), KS, port).start());
    const replies = await attacker.drain(500);
    expect(replies).toHaveLength(4);
    await attacker.close();
    const gmConf = [
      'hostname gm4', 'crypto isakmp policy 10', ' encr aes 256', ' hash sha256', ' authentication pre-share', ' group 19',
      `crypto isakmp key ${PSK} address ${KS}`,
      'crypto gdoi group G4', ` identity number ${GROUP_ID}`, ` server address ipv4 ${KS}`, ' client registration address ipv4 127.0.4.51',
      'crypto map M4 10 gdoi', ' set group G4', 'end', '',
    ].join('\n');
    const gm = startDaemon('gm', 'gm4', gmConf, { port });
    await gm.waitFor(/GM_REGS_COMPL/);
    await ks.waitFor(/KS_REGS_COMPL.*127\.0\.4\.51/);
    const out = (await ks.cli('show crypto isakmp sa')).out;
    const rows = out.trim().split('\n').slice(2);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^127\.0\.4\.1\s+127\.0\.4\.51\s+GDOI_IDLE\s+\d+\s+ACTIVE$/);
    expect(ks.exited).toBeUndefined();
  });
});
