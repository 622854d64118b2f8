// gdoi-load (bench/load) against real gdoi-ks processes on loopback: full registrations, the
// phase-1-only mode that deletes its SA, --stay receiving and acknowledging unicast and
// multicast rekeys, the failures it reports by reason, and RSA-signature phase 1 (--auth rsa-sig)
// against a KS configured for rsa-sig. Addresses 127.0.88.x-127.0.92.x.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCa, makeLeaf } from '../../shared/crypto/test-pki.ts';
import { KsProcess, ROOT } from '../../bench/load/ks-process.ts';
import { LoadProcess } from '../../bench/load/child.ts';
import type { LoadSummary } from '../../bench/load/stats.ts';
import type { RekeyReport } from '../../bench/load/rekey-listener.ts';

const PSK = 'load-test-psk';
const GROUP_ID = 5151;
let ks: KsProcess;
let mks: KsProcess;

beforeAll(async () => {
  [ks, mks] = await Promise.all([
    KsProcess.start({ dhGroup: 19, psk: PSK, groupId: GROUP_ID }),
    KsProcess.start({ dhGroup: 19, psk: PSK, groupId: GROUP_ID, multicast: '239.192.88.1' }),
  ]);
});

afterAll(async () => {
  await Promise.all([ks?.stop(), mks?.stop()]);
});

const common = (k: KsProcess) => ['--ks', k.address, '--port', String(k.port), '--psk', PSK, '--group', '19', '--group-id', String(GROUP_ID), '--retransmit', '300', '--retries', '2'];

async function run(args: string[]): Promise<{ code: number | null; summary?: LoadSummary; stderr: string }> {
  const p = spawn(process.execPath, [join(ROOT, 'bin/gdoi-load.js'), '--json', '--no-progress', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  p.stdout.on('data', (c) => (out += c));
  p.stderr.on('data', (c) => (err += c));
  const code = await new Promise<number | null>((r) => p.on('exit', r));
  const line = out.trim().split('\n').pop();
  return { code, summary: line ? (JSON.parse(line) as LoadSummary) : undefined, stderr: err };
}

const members = async (k: KsProcess) => Number(/Total group members registered to this box: (\d+)/.exec(await k.command('show crypto gdoi ks'))![1]);

describe('gdoi-load against gdoi-ks', () => {
  it('registers GMs (main mode + GROUPKEY-PULL), each from its own address, and reports rate, latency and the KS', async () => {
    const before = await members(ks);
    const r = await run([...common(ks), '--count', '24', '--concurrency', '8', '--base', '127.0.88.1', '--ks-pid', String(ks.pid)]);
    expect(r.code, r.stderr).toBe(0);
    const s = r.summary!;
    expect(s).toMatchObject({ event: 'summary', mode: 'register', started: 24, completed: 24, failed: 0, failures: {} });
    expect(s.rate).toBeGreaterThan(0);
    expect(s.latencyMs.p50).toBeGreaterThan(0);
    expect(s.latencyMs.p99).toBeGreaterThanOrEqual(s.latencyMs.p50);
    expect(s.latencyMs.max).toBeGreaterThanOrEqual(s.latencyMs.p99);
    expect(s.ks!.pid).toBe(ks.pid);
    expect(s.ks!.rssAfter).toBeGreaterThan(10 << 20);
    expect(s.ks!.cpuSeconds).toBeGreaterThan(0);
    expect(await members(ks)).toBe(before + 24);
    // Each simulated GM used its own address as source and phase-1 identity.
    const one = await ks.command('show crypto gdoi ks members 127.0.88.24');
    expect(one).toContain('Group Member ID    : 127.0.88.24');
    expect(one).toContain('Phase 1 Identity  : 127.0.88.24');
  });

  it('--phase1-only runs main mode and deletes the SA, so the KS keeps neither SA nor member', async () => {
    const before = await members(ks);
    const r = await run([...common(ks), '--count', '12', '--base', '127.0.89.1', '--phase1-only']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary).toMatchObject({ mode: 'phase1-only', completed: 12, failed: 0 });
    await new Promise((res) => setTimeout(res, 300));
    const sas = await ks.command('show crypto isakmp sa');
    expect(sas).not.toContain('127.0.89.');
    expect(await members(ks)).toBe(before);
  });

  it('--delete-after registers and then deletes the phase-1 SA: the member stays, the SA goes', async () => {
    const r = await run([...common(ks), '--count', '6', '--base', '127.0.89.101', '--delete-after']);
    expect(r.summary).toMatchObject({ completed: 6, failed: 0 });
    await new Promise((res) => setTimeout(res, 300));
    expect(await ks.command('show crypto isakmp sa')).not.toContain('127.0.89.10');
    expect(await ks.command('show crypto gdoi ks members 127.0.89.106')).toContain('Group Member ID    : 127.0.89.106');
  });

  it('reports failures by reason: a wrong pre-shared key, an unknown group', async () => {
    const badPsk = await run([...common(ks), '--psk', 'not-the-psk', '--count', '3', '--base', '127.0.89.201']);
    expect(badPsk.code).toBe(1);
    expect(badPsk.summary).toMatchObject({ completed: 0, failed: 3 });
    // The KS cannot verify message 5 and refuses in the clear (IOS: AUTHENTICATION_FAILED).
    expect(badPsk.summary!.failures).toEqual({ 'notify: AUTHENTICATION_FAILED': 3 });
    const badGroup = await run([...common(ks), '--group-id', '999', '--count', '2', '--base', '127.0.89.211']);
    expect(badGroup.summary!.failures).toEqual({ 'notify: INVALID_GROUP_ID': 2 });
  });

  it('refuses contradictory options with a usage error', async () => {
    const r = await run(['--stay', '--phase1-only']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--stay needs full registrations/);
    const nonLoopback = await run(['--base', '10.0.0.1']);
    expect(nonLoopback.code).toBe(2);
    expect(nonLoopback.stderr).toMatch(/only loopback/);
  });

  it('--stay: every GM verifies a unicast rekey and acknowledges it from its own address', async () => {
    const gms = LoadProcess.start([...common(ks), '--count', '8', '--base', '127.0.90.1', '--stay', '--rekeys', '1']);
    try {
      await gms.next((e) => e.event === 'registered', 30_000);
      const answer = await ks.command('crypto gdoi ks rekey');
      const seq = Number(/seq # (\d+)/.exec(answer)![1]);
      const r = await gms.next((e) => e.event === 'rekey', 20_000) as RekeyReport;
      expect(r).toMatchObject({ seq, transport: 'unicast', members: 8, accepted: 8, acksSent: 8, complete: true, rejected: {} });
      expect(r.lastAt).toBeGreaterThanOrEqual(r.firstAt);
      // The KS got an ack from each of them (members registered by earlier tests never ack).
      let show = '';
      for (let i = 0; i < 50; i++) {
        for (let j = 1; j <= 8; j++) show = await ks.command(`show crypto gdoi ks members 127.0.90.${j}`);
        if (/Rekey Acks Rcvd   : 1/.test(show)) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      for (let j = 1; j <= 8; j++) expect(await ks.command(`show crypto gdoi ks members 127.0.90.${j}`)).toMatch(/Rekey Acks Rcvd   : 1/);
      await gms.next((e) => e.event === 'exit', 5000);
    } finally {
      await gms.stop();
    }
  });

  it('--stay --multicast: all GMs share one socket on the group address and each verifies the multicast rekey', async () => {
    const gms = LoadProcess.start([...common(mks), '--count', '5', '--base', '127.0.91.1', '--stay', '--rekeys', '1', '--multicast', '239.192.88.1']);
    try {
      await gms.next((e) => e.event === 'registered', 30_000);
      const seq = Number(/seq # (\d+)/.exec(await mks.command('crypto gdoi ks rekey'))![1]);
      const r = await gms.next((e) => e.event === 'rekey', 20_000) as RekeyReport;
      // Multicast rekeys are not acknowledged (the KEK does not ask for acks).
      expect(r).toMatchObject({ seq, transport: 'multicast', members: 5, accepted: 5, acksSent: 0, complete: true });
    } finally {
      await gms.stop();
    }
  });
});

describe('gdoi-load --auth rsa-sig against a gdoi-ks configured for rsa-sig', () => {
  let dir: string;
  let rks: KsProcess;
  const pem: Record<'ca' | 'ksCert' | 'ksKey' | 'gmCert' | 'gmKey' | 'otherCert' | 'otherKey', string> = {} as never;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gdoi-load-rsa-'));
    const file = (name: string, text: string) => { const f = join(dir, name); writeFileSync(f, text, { mode: 0o600 }); return f; };
    const ca = makeCa('Load Test Root');
    const ks = makeLeaf(ca, 'load-ks');
    const gm = makeLeaf(ca, 'load-gm');
    // A GM certificate from a CA the KS does not trust.
    const other = makeLeaf(makeCa('Untrusted Root'), 'stranger-gm');
    Object.assign(pem, {
      ca: file('ca.pem', ca.certPem), ksCert: file('ks.pem', ks.certPem), ksKey: file('ks.key', ks.keyPem),
      gmCert: file('gm.pem', gm.certPem), gmKey: file('gm.key', gm.keyPem),
      otherCert: file('other.pem', other.certPem), otherKey: file('other.key', other.keyPem),
    });
    rks = await KsProcess.start({ dhGroup: 19, psk: PSK, groupId: GROUP_ID, pki: { cert: pem.ksCert, key: pem.ksKey, ca: pem.ca } });
  });

  afterAll(async () => {
    await rks?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const rsa = (cert = pem.gmCert, key = pem.gmKey) => [...common(rks), '--auth', 'rsa-sig', '--cert', cert, '--key', key, '--ca', pem.ca];

  it('registers 20 GMs sharing one certificate; the KS lists each under its own address', async () => {
    const before = await members(rks);
    const r = await run([...rsa(), '--count', '20', '--concurrency', '8', '--base', '127.0.92.1', '--ks-pid', String(rks.pid)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary).toMatchObject({ mode: 'register', proposal: 'aes-256-cbc/sha256/rsa-sig/group 19', started: 20, completed: 20, failed: 0, failures: {} });
    expect(r.summary!.ks!.cpuSeconds).toBeGreaterThan(0);
    expect(await members(rks)).toBe(before + 20);
    const one = await rks.command('show crypto gdoi ks members 127.0.92.20');
    expect(one).toContain('Group Member ID    : 127.0.92.20');
    expect(one).toContain('Phase 1 Identity  : 127.0.92.20');
  });

  it('--identity dn: the KS knows the GMs by the certificate\'s subject DN', async () => {
    const r = await run([...rsa(), '--identity', 'dn', '--count', '3', '--base', '127.0.92.101']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary).toMatchObject({ completed: 3, failed: 0 });
    const one = await rks.command('show crypto gdoi ks members 127.0.92.103');
    expect(one).toMatch(/Phase 1 Identity  : .*CN=load-gm/);
  });

  it('the KS checks each GM certificate (an untrusted CA fails) and offers no PSK', async () => {
    const before = await members(rks);
    const stranger = await run([...rsa(pem.otherCert, pem.otherKey), '--count', '2', '--base', '127.0.92.201']);
    expect(stranger.code).toBe(1);
    expect(stranger.summary).toMatchObject({ completed: 0, failed: 2 });
    expect(stranger.summary!.failures).toEqual({ 'notify: INVALID_CERTIFICATE': 2 });
    const psk = await run([...common(rks), '--count', '2', '--base', '127.0.92.211']);
    expect(psk.summary).toMatchObject({ completed: 0, failed: 2 });
    expect(psk.summary!.failures).toEqual({ 'notify: NO_PROPOSAL_CHOSEN': 2 });
    expect(await members(rks)).toBe(before);
  });

  it('refuses rsa-sig without its PEM files, or with a key that is not the certificate\'s, as usage errors', async () => {
    const noCert = await run(['--auth', 'rsa-sig', '--key', pem.gmKey, '--ca', pem.ca]);
    expect(noCert.code).toBe(2);
    expect(noCert.stderr).toMatch(/--auth rsa-sig needs --cert FILE, --key FILE and --ca FILE \(PEM\); missing --cert/);
    const wrongKey = await run(['--auth', 'rsa-sig', '--cert', pem.gmCert, '--key', pem.otherKey, '--ca', pem.ca, '--count', '1', '--base', '127.0.92.221']);
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toMatch(/is not the private key of --cert/);
    const pskWithCert = await run(['--cert', pem.gmCert]);
    expect(pskWithCert.code).toBe(2);
    expect(pskWithCert.stderr).toMatch(/certificates are for --auth rsa-sig/);
  });
});
