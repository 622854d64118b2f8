// Issue #5 acceptance, RSA-signature phase 1: a test CA issues the KS and GM certificates
// (PEM files the configs name with `crypto pki certificate|key|trusted-ca`), all three GMs
// register, and the KS lists each GM under the identity it authenticated with: its
// certificate's subject DN with `crypto isakmp identity dn`, its address otherwise.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCa, makeLeaf } from '../../shared/crypto/test-pki.ts';
import { freeUdpPort, removeDir, startDaemon, stopAll, tempDir, type DaemonProcess } from '../helpers/daemons.ts';
import { Consoles, GM_ADDRS, GROUP, KS_ADDR, gmConfig, ksConfig, oneShot, parseGm, parseKsPolicy, parseMembers, type Phase1Auth } from './registration-fixtures.ts';

const GM_NAMES = ['gm6-rsa-1', 'gm6-rsa-2', 'gm6-rsa-3'];
/** gm 1 and 2 identify by DN, gm 3 by address (the IOS default). */
const BY_DN = [true, true, false];
let dir: string;
let ks: DaemonProcess;
let gms: DaemonProcess[];
const con = new Consoles();

function writePki(name: string, pem: { certPem: string; keyPem: string }, caFile: string, identityDn: boolean): Phase1Auth {
  const cert = join(dir, `${name}.crt.pem`);
  const key = join(dir, `${name}.key.pem`);
  writeFileSync(cert, pem.certPem);
  writeFileSync(key, pem.keyPem, { mode: 0o600 });
  return { kind: 'rsa', cert, key, ca: caFile, identityDn };
}

beforeAll(async () => {
  dir = tempDir('reg6-rsa');
  const port = await freeUdpPort(KS_ADDR);
  const ca = makeCa('GDOI Test Root 6');
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.certPem);
  ks = startDaemon('ks', 'ks6', ksConfig({ auth: writePki('ks6', makeLeaf(ca, 'ks6.example'), caFile, true) }), { port, dir });
  const gmAuth = GM_NAMES.map((n, i) => writePki(n, makeLeaf(ca, n), caFile, BY_DN[i]!));
  await ks.waitFor(/%GDOI-5-KS_STARTED/, 30_000);
  gms = GM_ADDRS.map((address, i) => startDaemon('gm', GM_NAMES[i]!, gmConfig({ name: GM_NAMES[i]!, address, auth: gmAuth[i]! }), { port, dir }));
  await Promise.all(gms.map((g) => g.waitFor(/%GDOI-5-GM_REGS_COMPL/, 30_000)));
  await Promise.all([con.attach(ks, 'ks6'), ...gms.map((g, i) => con.attach(g, GM_NAMES[i]!))]);
}, 50_000);

afterAll(async () => {
  await con.closeAll();
  await stopAll();
  removeDir(dir);
});

describe('three GMs register with one KS (RSA signatures)', () => {
  it('all three register; the KS logs each registration and nothing fails', async () => {
    for (const a of GM_ADDRS) await ks.waitFor(new RegExp(`KS_REGS_COMPL: .* with GM ${a.replace(/\./g, '\\.')}\\.`));
    expect(ks.count(/KS_REGS_COMPL/)).toBe(3);
    for (const d of [ks, ...gms]) {
      expect(d.count(/IKMP_(AUTH_FAIL|INVAL_CERT|BAD_MESSAGE)|GM_REGS_FAIL/)).toBe(0);
      expect(d.exited).toBeUndefined();
    }
  });

  it('the KS member list shows each GM with the identity it authenticated with', async () => {
    const members = parseMembers(await oneShot(ks, 'show crypto gdoi ks members'));
    expect(members.map((m) => m.address).sort()).toEqual([...GM_ADDRS].sort());
    for (const [i, a] of GM_ADDRS.entries()) {
      const m = members.find((x) => x.address === a)!;
      expect(m.state).toBe('Registered');
      if (BY_DN[i]) {
        expect(m.identity).toContain(`CN=${GM_NAMES[i]}`);
        expect(m.identity).toContain('O=gdoi-test');
      } else {
        expect(m.identity).toBe(a);
      }
    }
  });

  it('each GM holds the KS policy (KEK SPI, TEK SPIs) and shows itself registered', async () => {
    const policy = parseKsPolicy(await con.show(ks, 'show crypto gdoi ks policy'));
    expect(policy.teks).toHaveLength(2);
    for (const g of gms) {
      const view = parseGm(await con.show(g, 'show crypto gdoi gm'));
      expect(view).toMatchObject({ status: 'Registered', registeredWith: KS_ADDR, kekSpi: policy.kekSpi });
      expect([...view.tekSpis].sort()).toEqual(policy.teks.map((t) => t.spi).sort());
    }
    const gdoi = await con.show(ks, 'show crypto gdoi');
    expect(gdoi).toMatch(new RegExp(`Group Name\\s+: ${GROUP.name} \\(Unicast\\)`));
    expect(gdoi).toMatch(/Group Members\s+: 3\n/);
  });
});
