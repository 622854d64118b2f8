// Shared fixtures for the GROUPKEY-PUSH tests: a group whose GMs hold `current`, a next policy
// (new KEK and TEKs), and an unrelated group with its own KEK.
import { randomBytes } from 'node:crypto';
import { fixturePolicy, rekeyKey } from '../../helpers/policy-fixture.ts';
import { decryptCbc } from '../../../shared/crypto/cipher.ts';
import type { GroupPolicy, KekPolicy } from '../../../shared/policy/group-policy.ts';
import { PushRejected } from '../../../shared/exchanges/groupkey-push.ts';

export const NOW = 1_700_000_000_000;
export { rekeyKey };

export function groupFixture(): { current: GroupPolicy; next: GroupPolicy; kek: KekPolicy; other: KekPolicy } {
  const current = fixturePolicy(NOW, { seq: 7 });
  const next = fixturePolicy(NOW + 1000, { seq: 8 });
  next.teks.forEach((t, i) => { t.spi = 0x20000000 + i; });
  return { current, next, kek: current.kek!, other: fixturePolicy(NOW, { groupId: 99 }).kek! };
}

/** The KEK lookup a GM holding exactly these KEKs would do. */
export function lookupOf(...keks: KekPolicy[]): (spi: Buffer) => KekPolicy | undefined {
  return (spi) => keks.find((k) => k.spi.equals(spi));
}

/** Same SPI and cipher, another key: what a GM with stale or wrong key material holds. */
export function withOtherKey(k: KekPolicy): KekPolicy {
  return { ...k, key: randomBytes(k.key.length) };
}

/** The decrypted body of a PUSH (padding included), for layout checks. */
export function plaintextOf(bytes: Buffer, kek: KekPolicy): Buffer {
  return decryptCbc(kek.cipher, kek.key, kek.iv, bytes.subarray(28));
}

/** The reason `fn` is rejected with, or a marker when it returns or throws something else. */
export function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof PushRejected ? e.reason : `not PushRejected: ${String(e)}`;
  }
  return 'accepted';
}
