// Main mode then GROUPKEY-PULL, both roles in one process, one message per step.
import { describe, expect, it } from 'vitest';
import { MainModeInitiator, MainModeResponder, type MainModeConfig } from '../../shared/exchanges/main-mode.ts';
import { GroupkeyPullInitiator, GroupkeyPullResponder } from '../../shared/exchanges/groupkey-pull.ts';
import { policyFromSaKd } from '../../shared/policy/sa-kd.ts';
import { keyIdFromNumber, numberFromKeyId } from '../../shared/wire/id-data.ts';
import { decodeHeader } from '../../shared/wire/message.ts';
import { ManualClock, seededRandom } from '../../shared/time/clock.ts';
import { NotifyType } from '../../shared/wire/registry.ts';
import { OUR_VERSION, BASE_VERSION, defaultFeatureBits } from '../../shared/policy/version.ts';
import type { Phase1Proposal } from '../../shared/exchanges/phase1-policy.ts';
import type { DhGroupId } from '../../shared/crypto/dh.ts';
import { fixturePolicy } from '../helpers/policy-fixture.ts';

const clock = new ManualClock(Date.UTC(2026, 10, 24));
const psk = Buffer.from('cisco123');

function cfg(addr: string, group: DhGroupId, seed: string, version = OUR_VERSION): MainModeConfig {
  const policies: Phase1Proposal[] = [{ cipher: 'aes-256-cbc', hash: 'sha256', auth: 'psk', group, lifetime: 86400 }];
  return {
    policies, localAddress: addr, doi: 2, version, features: defaultFeatureBits(version), clock, random: seededRandom(seed),
    credentials: { psk: () => psk, trustedCas: [], identity: 'address' },
  };
}

function mainMode(group: DhGroupId, gmVersion = OUR_VERSION) {
  const gm = new MainModeInitiator(cfg('127.0.1.1', group, 'gm', gmVersion), '127.0.0.1', 848);
  const ks = new MainModeResponder(cfg('127.0.0.1', group, 'ks'), '127.0.1.1', 848);
  const m1 = gm.start();                         // HDR, SA, VID -->
  const m2 = ks.process(m1).reply!;              // <-- HDR, SA, VID
  const m3 = gm.process(m2).reply!;              // HDR, KE, Ni -->
  const m4 = ks.process(m3).reply!;              // <-- HDR, KE, Nr
  const m5 = gm.process(m4).reply!;              // HDR*, IDii, HASH_I -->
  const r6 = ks.process(m5);                     // <-- HDR*, IDir, HASH_R
  const r = gm.process(r6.reply!);
  return { gmSa: r.sa!, ksSa: r6.sa!, gm, ks };
}

describe('registration: main mode + GROUPKEY-PULL in process', () => {
  for (const group of [14, 19] as DhGroupId[]) {
    it(`completes with PSK, group ${group}, and both sides hold the same policy`, () => {
      const { gmSa, ksSa } = mainMode(group);
      expect(gmSa.keys.skeyidA.equals(ksSa.keys.skeyidA)).toBe(true);
      expect(ksSa.peerVersion).toEqual(OUR_VERSION);
      const policy = fixturePolicy(clock.now(), { seq: 7 });
      const pull = new GroupkeyPullInitiator(gmSa, keyIdFromNumber(1234), seededRandom('pull'));
      const p1 = pull.start();                   // HDR*, HASH(1), Ni, ID -->
      const mid = decodeHeader(p1).messageId;
      const ksPull = new GroupkeyPullResponder(ksSa, mid, (id) => (numberFromKeyId(id) === 1234 ? { ok: true, policy } : { ok: false, notify: NotifyType.INVALID_GROUP_ID, reason: 'unknown' }), seededRandom('kspull'), clock);
      const p2 = ksPull.process(p1).reply!;      // <-- HDR*, HASH(2), Nr, SA
      const p3 = pull.process(p2).reply!;        // HDR*, HASH(3) -->
      const p4 = ksPull.process(p3).reply!;      // <-- HDR*, HASH(4), SEQ, KD
      expect(pull.process(p4).failure).toBeUndefined();
      expect(pull.state).toBe('DONE');
      const got = policyFromSaKd(pull.result!.sa, pull.result!.kd, pull.result!.seq, 1234, 'GETVPN', clock.now());
      expect(got.seq).toBe(7);
      expect(got.kek!.spi.equals(policy.kek!.spi)).toBe(true);
      expect(got.kek!.key.equals(policy.kek!.key)).toBe(true);
      expect(got.teks.map((t) => t.spi)).toEqual(policy.teks.map((t) => t.spi));
      expect(got.teks[0]!.encKey.equals(policy.teks[0]!.encKey)).toBe(true);
      expect(got.teks[1]!.selectors).toEqual(policy.teks[1]!.selectors);
      expect(ksPull.registered).toBe(policy);
    });
  }

  it('records a peer without a version VID as 1.0.1 and refuses an unknown group with INVALID_GROUP_ID', () => {
    const { gmSa, ksSa } = mainMode(19, BASE_VERSION);
    expect(ksSa.peerVersion).toEqual(BASE_VERSION);
    const pull = new GroupkeyPullInitiator(gmSa, keyIdFromNumber(999), seededRandom('p'));
    const p1 = pull.start();
    const ksPull = new GroupkeyPullResponder(ksSa, decodeHeader(p1).messageId, () => ({ ok: false, notify: NotifyType.INVALID_GROUP_ID, reason: 'unknown group' }), seededRandom('k'), clock);
    const step = ksPull.process(p1);
    expect(step.failure?.notify).toBe(NotifyType.INVALID_GROUP_ID);
    expect(decodeHeader(step.reply!).exchange).toBe(5);
  });

  it('rejects a tampered message 5 and a wrong PSK with AUTHENTICATION_FAILED-class failures', () => {
    const gmCfg = cfg('127.0.1.1', 19, 'gm');
    gmCfg.credentials = { ...gmCfg.credentials, psk: () => Buffer.from('wrong') };
    const gm = new MainModeInitiator(gmCfg, '127.0.0.1', 848);
    const ks = new MainModeResponder(cfg('127.0.0.1', 19, 'ks'), '127.0.1.1', 848);
    const m5 = gm.process(ks.process(gm.process(ks.process(gm.start()).reply!).reply!).reply!).reply!;
    const r = ks.process(m5);
    expect(r.failure?.mnemonic).toMatch(/IKMP_(AUTH_FAIL|BAD_MESSAGE)/);
    expect(r.sa).toBeUndefined();
  });
});
