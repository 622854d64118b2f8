// Shared set-up for the in-process main-mode tests: both roles with pinned nonces (seededRandom)
// and pinned DH private keys (the MainModeConfig.dh hook), a small test PKI, and a driver that
// runs the six messages and keeps every datagram.
import { MainModeInitiator, MainModeResponder, type MainModeConfig, type MainModeStep } from '../../shared/exchanges/main-mode.ts';
import type { Phase1Proposal } from '../../shared/exchanges/phase1-policy.ts';
import type { Phase1Credentials } from '../../shared/exchanges/phase1-auth.ts';
import type { Phase1Sa } from '../../shared/exchanges/phase1-sa.ts';
import { generateDh, type DhGroupId } from '../../shared/crypto/dh.ts';
import { makeCa, makeLeaf, type TestCa, type TestCert } from '../../shared/crypto/test-pki.ts';
import { ManualClock, seededRandom } from '../../shared/time/clock.ts';
import { OUR_VERSION, defaultFeatureBits, type GetvpnVersion } from '../../shared/policy/version.ts';
import { fixedPrivate } from './ike-oracle.ts';

export const GM_ADDR = '127.0.4.21';
export const KS_ADDR = '127.0.4.1';
export const PSK = Buffer.from('getvpn-test-psk');

export const clock = new ManualClock(Date.now());

export interface Pki { ca: TestCa; otherCa: TestCa; gm: TestCert; ks: TestCert; expiredGm: TestCert; untrustedGm: TestCert }
let pki: Pki | undefined;
/** One CA with a GM and a KS leaf, plus an expired leaf and a leaf from an untrusted CA. */
export function testPki(): Pki {
  if (!pki) {
    const ca = makeCa('getvpn-test-ca');
    const otherCa = makeCa('some-other-ca');
    const hour = 3600_000;
    pki = {
      ca, otherCa,
      gm: makeLeaf(ca, 'gm1.getvpn.test'),
      ks: makeLeaf(ca, 'ks1.getvpn.test'),
      expiredGm: makeLeaf(ca, 'gm-expired.getvpn.test', { notBefore: new Date(Date.now() - 48 * hour), notAfter: new Date(Date.now() - 24 * hour) }),
      untrustedGm: makeLeaf(otherCa, 'gm-rogue.getvpn.test'),
    };
  }
  return pki;
}

export function credentials(o: { psk?: Buffer | null; cert?: TestCert; trusted?: TestCa[]; identity?: 'address' | 'dn' } = {}): Phase1Credentials {
  const psk = o.psk === null ? undefined : o.psk ?? PSK;
  return {
    psk: () => psk,
    cert: o.cert ? { der: o.cert.der, chain: [], privateKey: o.cert.privateKey } : undefined,
    trustedCas: (o.trusted ?? []).map((c) => c.certPem),
    identity: o.identity ?? 'address',
  };
}

/** Counts DH key pairs made through the hook (one per exchange and side when all is well). */
export class DhCounter {
  calls = 0;
  constructor(readonly label: string) {}
  readonly hook = (group: DhGroupId) => {
    this.calls++;
    return generateDh(group, fixedPrivate(this.label, group));
  };
}

export interface SideOptions {
  policies: Phase1Proposal[];
  credentials?: Phase1Credentials;
  seed: string;
  dhLabel: string;
  address: string;
  version?: GetvpnVersion;
  doi?: 1 | 2;
}

export function mmConfig(o: SideOptions, dh: DhCounter): MainModeConfig {
  const version = o.version ?? OUR_VERSION;
  return {
    policies: o.policies, credentials: o.credentials ?? credentials(), localAddress: o.address, doi: o.doi ?? 2,
    version, features: defaultFeatureBits(version), clock, random: seededRandom(o.seed), dh: dh.hook,
  };
}

export function policy(p: Partial<Phase1Proposal> = {}): Phase1Proposal {
  return { cipher: 'aes-256-cbc', hash: 'sha256', auth: 'psk', group: 14, lifetime: 86400, ...p };
}

export interface Run {
  gm: MainModeInitiator;
  ks: MainModeResponder;
  gmDh: DhCounter;
  ksDh: DhCounter;
  /** m[0] = message 1 ... m[5] = message 6, as sent. */
  m: Buffer[];
  steps: MainModeStep[];
  gmSa?: Phase1Sa;
  ksSa?: Phase1Sa;
}

/** Sets up both roles. `rewrite(n, bytes)` may alter message n (1-based) in flight. */
export function pair(gmSide: Omit<SideOptions, 'address' | 'dhLabel'> & { dhLabel?: string }, ksSide: Omit<SideOptions, 'address' | 'dhLabel'> & { dhLabel?: string }) {
  const gmDh = new DhCounter(gmSide.dhLabel ?? 'gm-private');
  const ksDh = new DhCounter(ksSide.dhLabel ?? 'ks-private');
  const gm = new MainModeInitiator(mmConfig({ ...gmSide, address: GM_ADDR, dhLabel: gmDh.label }, gmDh), KS_ADDR, 848);
  const ks = new MainModeResponder(mmConfig({ ...ksSide, address: KS_ADDR, dhLabel: ksDh.label }, ksDh), GM_ADDR, 848);
  return { gm, ks, gmDh, ksDh };
}

/** Runs the six messages, stopping at the first message that produces no reply. */
export function runMainMode(p: ReturnType<typeof pair>, rewrite: (n: number, b: Buffer) => Buffer = (_n, b) => b): Run {
  const run: Run = { ...p, m: [], steps: [] };
  let msg = rewrite(1, p.gm.start());
  run.m.push(msg);
  for (let n = 2; n <= 7; n++) {
    const to = n % 2 === 0 ? p.ks : p.gm;
    const step = to.process(msg);
    run.steps.push(step);
    if (step.sa) { if (to === p.ks) run.ksSa = step.sa; else run.gmSa = step.sa; }
    if (!step.reply || n === 7) break;
    msg = rewrite(n, step.reply);
    run.m.push(msg);
  }
  return run;
}
