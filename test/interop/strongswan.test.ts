// strongSwan interop (issue #4 acceptance): IKEv1 main mode (RFC 2409 §5) between our code and
// Debian's charon, PSK and RSA signatures, DH groups 14 and 19, both roles; then charon's IPsec
// quick mode (exchange 32, a DOI 1 SA) against our key server, which must refuse it with a
// protected NOTIFY and keep serving.
//
// Ports (test/helpers/charon.ts): charon frames IKE with the RFC 3948 non-ESP marker unless one
// UDP port is 500, so every exchange here runs between port 500 and port 848: our initiator
// sends from 127.0.5.2:500 to charon on :848; charon initiates from :500 to our gdoi-ks on
// 127.0.5.1:848. charon binds 0.0.0.0, so the cases run one after another in this file, each
// charon is stopped before the next starts, and the file holds the host-wide IKE port lock.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Charon, type CharonOptions } from '../helpers/charon.ts';
import { removeDir, startDaemon, type DaemonProcess } from '../helpers/daemons.ts';
import { lockIkePorts } from '../helpers/ike-ports-lock.ts';
import { MainModeInitiator, type MainModeConfig } from '../../shared/exchanges/main-mode.ts';
import { deleteIsakmpPayload, protectedInformational } from '../../shared/exchanges/informational.ts';
import type { Phase1Sa } from '../../shared/exchanges/phase1-sa.ts';
import type { AuthMethod } from '../../shared/exchanges/phase1-policy.ts';
import { UdpTransport } from '../../shared/transport/udp.ts';
import { backoff } from '../../shared/time/backoff.ts';
import { systemClock, systemRandom } from '../../shared/time/clock.ts';
import { BASE_VERSION, OUR_VERSION, defaultFeatureBits } from '../../shared/policy/version.ts';
import { makeCa, makeLeaf, type TestCa, type TestCert } from '../../shared/crypto/test-pki.ts';
import { certSubjectDn } from '../../shared/crypto/certs.ts';
import { IdType } from '../../shared/wire/registry.ts';
import type { DhGroupId } from '../../shared/crypto/dh.ts';

const KS = '127.0.5.1';      // charon responder / our gdoi-ks
const PEER = '127.0.5.2';    // our initiator / charon initiator
const GM = '127.0.5.3';      // a real gdoi-gm registering after the quick-mode refusal
const GDOI_PORT = 848;
const IKE_PORT = 500;
const PSK = 'interop-psk-5';
const GROUP_ID = 5555;
const ESTABLISHED = /IKE_SA gdoi\[\d+\] established between (\S+)/;

const GROUPS: Array<{ group: DhGroupId; charon: string; charonName: string }> = [
  { group: 14, charon: 'aes256-sha256-modp2048', charonName: 'MODP_2048' },
  { group: 19, charon: 'aes256-sha256-ecp256', charonName: 'ECP_256' },
];

let pki: { ca: TestCa; ks: TestCert; gm: TestCert; dir: string };
let releasePorts: (() => void) | undefined;
const charons: Charon[] = [];

async function startCharon(o: CharonOptions): Promise<Charon> {
  const c = await Charon.start(o);
  charons.push(c);
  return c;
}

beforeAll(async () => {
  if (!Charon.available()) {
    throw new Error('strongSwan charon is not usable: needs root plus /usr/lib/ipsec/charon (strongswan-charon), swanctl (strongswan-swanctl) and unshare; run scripts/ensure-tools.sh');
  }
  releasePorts = await lockIkePorts(110_000);
  const ca = makeCa('GDOI Interop CA');
  const dir = mkdtempSync(join(tmpdir(), 'gdoi-strongswan-'));
  pki = { ca, ks: makeLeaf(ca, 'ks.interop'), gm: makeLeaf(ca, 'gm.interop'), dir };
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  writeFileSync(join(dir, 'ks.pem'), pki.ks.certPem);
  writeFileSync(join(dir, 'ks.key'), pki.ks.keyPem, { mode: 0o600 });
}, 120_000);

afterEach(async () => {
  await Promise.all(charons.splice(0).map((c) => c.stop()));
});

afterAll(() => {
  releasePorts?.();
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

// ---- our initiator ------------------------------------------------------------------------

function initiatorConfig(auth: AuthMethod, group: DhGroupId, doi: 1 | 2): MainModeConfig {
  const credentials: MainModeConfig['credentials'] = auth === 'psk'
    ? { psk: (peer) => (peer === KS ? Buffer.from(PSK) : undefined), trustedCas: [], identity: 'address' }
    : { psk: () => undefined, trustedCas: [pki.ca.certPem], identity: 'dn', cert: { der: pki.gm.der, chain: [], privateKey: pki.gm.privateKey } };
  return {
    policies: [{ cipher: 'aes-256-cbc', hash: 'sha256', auth, group, lifetime: 86400 }],
    credentials, localAddress: PEER, doi, version: OUR_VERSION, features: defaultFeatureBits(OUR_VERSION),
    clock: systemClock, random: systemRandom,
  };
}

/** Runs MainModeInitiator over a real socket: sends, feeds replies in, retransmits the last
 *  message with backoff (1 s, 2 s, 4 s) while no reply comes. Resolves with the SA. */
function runMainMode(t: UdpTransport, cfg: MainModeConfig, peer: string, port: number): Promise<Phase1Sa> {
  const mm = new MainModeInitiator(cfg, peer, port);
  return new Promise<Phase1Sa>((resolve, reject) => {
    let attempt = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (f: () => void) => { clearTimeout(timer); t.onMessage(() => {}); f(); };
    const arm = () => {
      clearTimeout(timer);
      if (attempt >= 3) { timer = setTimeout(() => finish(() => reject(new Error(`main mode: no answer from ${peer}:${port} in state ${mm.state}`))), 4000); return; }
      timer = setTimeout(() => { attempt++; if (mm.lastSent) t.send(mm.lastSent, peer, port); arm(); }, backoff(attempt, { baseMs: 1000, maxMs: 4000 }));
    };
    t.onMessage((d) => {
      if (d.address !== peer || d.port !== port) return;
      const step = mm.process(d.data);
      if (step.reply) t.send(step.reply, peer, port);
      if (step.failure) finish(() => reject(new Error(`main mode failed (${step.failure!.mnemonic}): ${step.failure!.code}: ${step.failure!.message}`)));
      else if (step.sa) { const sa = step.sa; finish(() => resolve(sa)); }
      else if (step.reply && !step.duplicate) { attempt = 0; arm(); }
    });
    t.send(mm.start(), peer, port);
    arm();
  });
}

describe('strongSwan interop: our initiator (127.0.5.2:500) against charon responding on 127.0.5.1:848', () => {
  const cases = [
    ...GROUPS.map((g) => ({ auth: 'psk' as const, ...g })),
    ...GROUPS.map((g) => ({ auth: 'sig' as const, ...g })),
  ];
  for (const c of cases) {
    // Group 14 offers DOI 2 (GDOI, what our GMs send by default), group 19 DOI 1 (IPsec).
    const doi = c.group === 14 ? 2 : 1;
    it(`${c.auth === 'psk' ? 'pre-shared key' : 'RSA signatures'}, group ${c.group}, DOI ${doi}: charon and we both hold the IKE SA`, async () => {
      const charon = await startCharon({
        role: 'responder', localAddr: KS, remoteAddr: '127.0.0.0/8', port: GDOI_PORT, proposal: c.charon,
        auth: c.auth === 'psk' ? { kind: 'psk', secret: PSK } : { kind: 'rsa', certPem: pki.ks.certPem, keyPem: pki.ks.keyPem, caPem: pki.ca.certPem },
      });
      const t = await UdpTransport.bind(PEER, IKE_PORT);
      try {
        const sa = await runMainMode(t, initiatorConfig(c.auth, c.group, doi), KS, GDOI_PORT);

        // charon's view.
        const line = await charon.waitForLog(ESTABLISHED, 5000);
        const log = charon.logText();
        expect(log).toContain(`selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/${c.charonName}`);
        if (c.auth === 'psk') {
          expect(line).toContain(`established between ${KS}[${KS}]...${PEER}[${PEER}]`);
        } else {
          expect(line).toContain(`established between ${KS}[CN=ks.interop, O=gdoi-test]...${PEER}[CN=gm.interop, O=gdoi-test]`);
          expect(log).toMatch(/authentication of 'CN=gm\.interop, O=gdoi-test' with RSA\S* successful/);
        }

        // Our view: a Phase1Sa with charon's identity and the agreed proposal.
        expect(sa.role).toBe('initiator');
        expect(sa.peerAddress).toBe(KS);
        expect(sa.peerPort).toBe(GDOI_PORT);
        expect(sa.proposal).toMatchObject({ cipher: 'aes-256-cbc', hash: 'sha256', auth: c.auth, group: c.group });
        expect(sa.proposal.lifetime).toBeGreaterThan(0);
        expect(sa.peerVersion).toEqual(BASE_VERSION);          // charon sends no GET VPN version VID
        expect(sa.peerVendorIds.length).toBeGreaterThan(0);   // but others (XAuth, DPD)
        if (c.auth === 'psk') {
          expect(sa.peerId.idType).toBe(IdType.IPV4_ADDR);
          expect([...sa.peerId.data].join('.')).toBe(KS);
        } else {
          expect(sa.peerId.idType).toBe(IdType.DER_ASN1_DN);
          expect(sa.peerCertDer?.equals(pki.ks.der)).toBe(true);
          expect(certSubjectDn(sa.peerCertDer!)).toContain('ks.interop');
        }

        // The keys really agree: a protected DELETE (HASH(1) under SKEYID_a, encrypted with
        // SKEYID_e and a phase-2 IV from the last main-mode block, RFC 2409 §5.7 and App. B) is
        // accepted by charon, which then deletes its IKE SA.
        t.send(protectedInformational(sa, systemRandom, deleteIsakmpPayload(sa.icookie, sa.rcookie)), KS, GDOI_PORT);
        await charon.waitForLog(/received DELETE for IKE_SA gdoi\[\d+\]/, 5000);
        expect(charon.logText()).toMatch(/parsed INFORMATIONAL_V1 request \d+ \[ HASH D \]/);
      } finally {
        await t.close();
      }
    });
  }
});

// ---- our responder: a real gdoi-ks ----------------------------------------------------------

function ksConfig(auth: 'psk' | 'rsa'): string {
  const policies = GROUPS.map((g, i) => [
    `crypto isakmp policy ${10 * (i + 1)}`,
    ' encryption aes 256',
    ' hash sha256',
    ` authentication ${auth === 'psk' ? 'pre-share' : 'rsa-sig'}`,
    ` group ${g.group}`,
    ' lifetime 86400',
  ].join('\n'));
  const credentials = auth === 'psk'
    ? [`crypto isakmp key ${PSK} address ${PEER}`, `crypto isakmp key ${PSK} address ${GM}`]
    : [
      `crypto pki certificate ${join(pki.dir, 'ks.pem')}`,
      `crypto pki key ${join(pki.dir, 'ks.key')}`,
      `crypto pki trusted-ca ${join(pki.dir, 'ca.pem')}`,
      'crypto isakmp identity dn',
    ];
  return [
    `hostname ks-ss-${auth}`,
    ...policies,
    ...credentials,
    'crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac',
    'crypto ipsec profile P',
    ' set transform-set TS',
    'ip access-list extended ENCPOL',
    ' permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255',
    'crypto gdoi group INTEROP',
    ` identity number ${GROUP_ID}`,
    ' server local',
    '  sa ipsec 1',
    '   profile P',
    '   match address ipv4 ENCPOL',
    `  address ipv4 ${KS}`,
    'end',
    '',
  ].join('\n');
}

function gmConfig(): string {
  return [
    'hostname gm-ss',
    'crypto isakmp policy 10',
    ' encryption aes 256',
    ' hash sha256',
    ' authentication pre-share',
    ' group 14',
    `crypto isakmp key ${PSK} address ${KS}`,
    'crypto gdoi group INTEROP',
    ` identity number ${GROUP_ID}`,
    ` server address ipv4 ${KS}`,
    ` client registration address ipv4 ${GM}`,
    'crypto map MAP 10 gdoi',
    ' set group INTEROP',
    'interface lo',
    ` ip address ${GM} 255.0.0.0`,
    ' crypto map MAP',
    'end',
    '',
  ].join('\n');
}

async function startKs(auth: 'psk' | 'rsa'): Promise<DaemonProcess> {
  const ks = startDaemon('ks', `ks-ss-${auth}`, ksConfig(auth), { port: GDOI_PORT, args: ['--address', KS] });
  await ks.waitFor(/KS_STARTED/, 20_000);
  return ks;
}

/** Rows of `show crypto isakmp sa` for the SA from charon (dst = KS, src = charon). */
async function isakmpRows(ks: DaemonProcess): Promise<string[]> {
  const r = await ks.cli('show crypto isakmp sa');
  expect(r.code, r.err).toBe(0);
  expect(r.out).toContain('dst             src             state          conn-id status');
  return r.out.split('\n').filter((l) => new RegExp(`^${KS.replace(/\./g, '\\.')}\\s+${PEER.replace(/\./g, '\\.')}\\s+GDOI_IDLE\\s+\\d+\\s+ACTIVE$`).test(l));
}

/** charon's traffic (vendor IDs, CERTREQ, quick mode) must never read as garbage to our KS. */
function expectNoGarbage(ks: DaemonProcess): void {
  expect(ks.lines.filter((l) => /IKMP_BAD_MESSAGE|IKMP_NO_SA|INTERNAL_ERROR/.test(l))).toEqual([]);
}

describe('strongSwan interop: charon initiating from 127.0.5.2:500 against gdoi-ks on 127.0.5.1:848, pre-shared key', () => {
  let ks: DaemonProcess;
  beforeAll(async () => { ks = await startKs('psk'); }, 30_000);
  afterAll(async () => { await ks?.stop(); if (ks) removeDir(ks.dir); });

  for (const g of GROUPS) {
    it(`group ${g.group}: charon establishes, and show crypto isakmp sa lists the SA`, async () => {
      const before = (await isakmpRows(ks)).length;
      const charon = await startCharon({ role: 'initiator', localAddr: PEER, remoteAddr: KS, port: GDOI_PORT, proposal: g.charon, auth: { kind: 'psk', secret: PSK } });
      const r = await charon.initiate(10_000);
      expect(r.ok, r.output).toBe(true);
      expect(r.output).toContain(`sending packet: from ${PEER}[${IKE_PORT}] to ${KS}[${GDOI_PORT}]`);
      expect(r.output).toMatch(/generating ID_PROT request 0 \[ SA V V V V V \]/);   // NAT-T, XAuth, DPD... vendor IDs
      expect(r.output).toContain(`selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/${g.charonName}`);
      const line = await charon.waitForLog(ESTABLISHED, 5000);
      expect(line).toContain(`established between ${PEER}[${PEER}]...${KS}[${KS}]`);
      expect(await isakmpRows(ks)).toHaveLength(before + 1);
      expectNoGarbage(ks);
    });
  }

  it('charon with rekeying on (reauth_time 24h: life duration 86400 as a 4-byte TLV, RFC 2409 App. A)', async () => {
    const before = (await isakmpRows(ks)).length;
    const charon = await startCharon({ role: 'initiator', localAddr: PEER, remoteAddr: KS, port: GDOI_PORT, proposal: GROUPS[1]!.charon, auth: { kind: 'psk', secret: PSK } });
    // The harness turns rekeying off (life duration 0); a deployed charon offers a lifetime.
    const file = join(charon.dir, 'swanctl.conf');
    writeFileSync(file, readFileSync(file, 'utf8').replace('reauth_time = 0s', 'reauth_time = 24h'));
    const load = await charon.swanctl('--load-conns', '--file', file);
    expect(load.ok, load.output).toBe(true);
    const r = await charon.initiate(10_000);
    expect(r.ok, r.output).toBe(true);
    expect(r.output).not.toMatch(/received lifetime \d+s does not match/);   // we echoed its 86400 s
    expect(r.output).toMatch(/scheduling reauthentication in \d+s/);
    expect(await charon.waitForLog(ESTABLISHED, 5000)).toContain(`established between ${PEER}[${PEER}]...${KS}[${KS}]`);
    expect(await isakmpRows(ks)).toHaveLength(before + 1);
    expectNoGarbage(ks);
  });

  it('charon deletes its IKE SA: our KS opens the protected DELETE and drops the SA', async () => {
    const charon = await startCharon({ role: 'initiator', localAddr: PEER, remoteAddr: KS, port: GDOI_PORT, proposal: GROUPS[0]!.charon, auth: { kind: 'psk', secret: PSK } });
    const before = (await isakmpRows(ks)).length;
    const r = await charon.initiate(10_000);
    expect(r.ok, r.output).toBe(true);
    expect(await isakmpRows(ks)).toHaveLength(before + 1);
    const term = await charon.swanctl('--terminate', '--ike', 'gdoi', '--timeout', '5');
    expect(term.ok, term.output).toBe(true);
    await charon.waitForLog(/generating INFORMATIONAL_V1 request \d+ \[ HASH D \]/, 5000);
    const deadline = Date.now() + 5000;
    while ((await isakmpRows(ks)).length !== before && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    expect(await isakmpRows(ks)).toHaveLength(before);
    expectNoGarbage(ks);
  });

  it('quick mode (exchange 32, DOI 1 SA) is refused with a protected NO_PROPOSAL_CHOSEN; the KS keeps serving', async () => {
    const charon = await startCharon({ role: 'initiator', localAddr: PEER, remoteAddr: KS, port: GDOI_PORT, proposal: GROUPS[0]!.charon, auth: { kind: 'psk', secret: PSK }, childSa: true });
    const r = await charon.initiate(10_000);
    expect(r.ok).toBe(false);                                        // the CHILD_SA failed...
    expect(r.output).toMatch(ESTABLISHED);                           // ...after main mode succeeded
    expect(r.output).toMatch(/generating QUICK_MODE request \d+ \[ HASH SA No ID ID \]/);
    // HASH present and verified by charon: the refusal is under the phase-1 SA (RFC 2409 §5.7).
    await charon.waitForLog(/parsed INFORMATIONAL_V1 request \d+ \[ HASH N\(NO_PROP\) \]/, 5000);
    await charon.waitForLog(/received NO_PROPOSAL_CHOSEN error notify/, 5000);
    await ks.waitFor(new RegExp(`IKMP_MODE_FAILURE: Processing of Quick mode failed with peer at ${PEER.replace(/\./g, '\\.')}`), 5000);
    expectNoGarbage(ks);

    // Still up: the CLI answers and a real group member registers.
    const v = await ks.cli('show version');
    expect(v.code, v.err).toBe(0);
    expect(v.out).toContain('GET VPN software version');
    const gm = startDaemon('gm', 'gm-ss', gmConfig(), { port: GDOI_PORT });
    try {
      await gm.waitFor(new RegExp(`GM_REGS_COMPL: Registration to KS ${KS.replace(/\./g, '\\.')} complete for group INTEROP`), 20_000);
      await ks.waitFor(new RegExp(`KS_REGS_COMPL: .* with GM ${GM.replace(/\./g, '\\.')}`), 5000);
    } finally {
      await gm.stop();
      removeDir(gm.dir);
    }
  });
});

describe('strongSwan interop: charon initiating against gdoi-ks, RSA signatures (crypto isakmp identity dn)', () => {
  let ks: DaemonProcess;
  beforeAll(async () => { ks = await startKs('rsa'); }, 30_000);
  afterAll(async () => { await ks?.stop(); if (ks) removeDir(ks.dir); });

  for (const g of GROUPS) {
    it(`group ${g.group}: certificates both ways, charon establishes, show crypto isakmp sa lists the SA`, async () => {
      const before = (await isakmpRows(ks)).length;
      const charon = await startCharon({
        role: 'initiator', localAddr: PEER, remoteAddr: KS, port: GDOI_PORT, proposal: g.charon,
        auth: { kind: 'rsa', certPem: pki.gm.certPem, keyPem: pki.gm.keyPem, caPem: pki.ca.certPem },
      });
      const r = await charon.initiate(10_000);
      expect(r.ok, r.output).toBe(true);
      expect(r.output).toMatch(/parsed ID_PROT response 0 \[ KE No CERTREQ \]/);
      const line = await charon.waitForLog(ESTABLISHED, 5000);
      // Our ID is the DER subject of our certificate, so charon names us by DN.
      expect(line).toContain(`established between ${PEER}[CN=gm.interop, O=gdoi-test]...${KS}[CN=ks.interop, O=gdoi-test]`);
      expect(charon.logText()).toMatch(/authentication of 'CN=ks\.interop, O=gdoi-test' with RSA\S* successful/);
      expect(await isakmpRows(ks)).toHaveLength(before + 1);
      expectNoGarbage(ks);
    });
  }
});
