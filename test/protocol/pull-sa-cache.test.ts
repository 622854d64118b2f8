// The KS encodes GROUPKEY-PULL message 2's SA payload once per policy and lifetime second, and
// message 4's SEQ + KD once per policy (groupkey-pull.ts): GMs registering in the same second
// get the same bytes, a second later the remaining lifetimes count down, and a replaced policy
// (a rekey: new TEK, new SEQ) is never served stale.
import { describe, expect, it } from 'vitest';
import { MainModeInitiator, MainModeResponder, type MainModeConfig } from '../../shared/exchanges/main-mode.ts';
import { GroupkeyPullInitiator, GroupkeyPullResponder } from '../../shared/exchanges/groupkey-pull.ts';
import { policyFromSaKd } from '../../shared/policy/sa-kd.ts';
import type { GroupPolicy } from '../../shared/policy/group-policy.ts';
import { keyIdFromNumber } from '../../shared/wire/id-data.ts';
import { decodeHeader } from '../../shared/wire/message.ts';
import { ManualClock, seededRandom } from '../../shared/time/clock.ts';
import { OUR_VERSION, defaultFeatureBits } from '../../shared/policy/version.ts';
import { fixturePolicy } from '../helpers/policy-fixture.ts';

const clock = new ManualClock(Date.UTC(2026, 10, 24, 3, 0, 0, 200));
const psk = Buffer.from('cache-psk');

function cfg(addr: string, seed: string): MainModeConfig {
  return {
    policies: [{ cipher: 'aes-256-cbc', hash: 'sha256', auth: 'psk', group: 19, lifetime: 86400 }], localAddress: addr, doi: 2,
    version: OUR_VERSION, features: defaultFeatureBits(OUR_VERSION), clock, random: seededRandom(seed),
    credentials: { psk: () => psk, trustedCas: [], identity: 'address' },
  };
}

/** One full registration against `policy`; returns what the GM installed. */
function register(policy: GroupPolicy, n: number) {
  const gm = new MainModeInitiator(cfg(`127.0.9.${n}`, `gm${n}`), '127.0.0.1', 848);
  const ks = new MainModeResponder(cfg('127.0.0.1', `ks${n}`), `127.0.9.${n}`, 848);
  const m4 = ks.process(gm.process(ks.process(gm.start()).reply!).reply!).reply!;
  const r6 = ks.process(gm.process(m4).reply!);
  const gmSa = gm.process(r6.reply!).sa!;
  const pull = new GroupkeyPullInitiator(gmSa, keyIdFromNumber(policy.groupId), seededRandom(`p${n}`));
  const p1 = pull.start();
  const resp = new GroupkeyPullResponder(r6.sa!, decodeHeader(p1).messageId, () => ({ ok: true, policy }), seededRandom(`k${n}`), clock);
  const p4 = resp.process(pull.process(resp.process(p1).reply!).reply!).reply!;
  expect(pull.process(p4).failure).toBeUndefined();
  expect(pull.state).toBe('DONE');
  const got = policyFromSaKd(pull.result!.sa, pull.result!.kd, pull.result!.seq, policy.groupId, 'G', clock.now());
  return { got, sa: pull.result!.sa };
}

describe('GROUPKEY-PULL SA and KD reuse', () => {
  it('serves the same SA within a second, counts lifetimes down after it, and follows a replaced policy', () => {
    const policy = fixturePolicy(clock.now());
    const a = register(policy, 1);
    const b = register(policy, 2);
    expect(b.sa).toEqual(a.sa);
    expect(b.got.teks[1]!.authKey!.equals(policy.teks[1]!.authKey!)).toBe(true);
    expect(b.got.kek!.key.equals(policy.kek!.key)).toBe(true);
    expect(a.got.teks.map((t) => t.lifetimeSec)).toEqual([3600, 3600]);
    expect(a.got.kek!.lifetimeSec).toBe(86400);

    clock.advance(1000);
    const c = register(policy, 3);
    expect(c.got.teks.map((t) => t.lifetimeSec)).toEqual([3599, 3599]);
    expect(c.got.kek!.lifetimeSec).toBe(86399);
    expect(c.got.teks[0]!.encKey.equals(policy.teks[0]!.encKey)).toBe(true);

    // A rekey replaces the policy object (rekey.ts): the next GM gets the new TEK, same second.
    const newTek = { ...policy.teks[1]!, spi: 0x20000001, encKey: Buffer.alloc(32, 7) };
    const rekeyed: GroupPolicy = { ...policy, seq: 1, teks: [policy.teks[0]!, newTek] };
    const d = register(rekeyed, 4);
    expect(d.got.teks.map((t) => t.spi)).toEqual([policy.teks[0]!.spi, 0x20000001]);
    expect(d.got.teks[1]!.encKey.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(d.got.seq).toBe(1);
  });
});
