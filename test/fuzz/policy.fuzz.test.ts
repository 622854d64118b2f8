// The GM's policy decoder (policyFromSaKd, sa-kd-decode.ts, deny-aces.ts) on hostile input: a
// valid SA + KD, then random changes to TEK and KEK attributes (values, forms, lengths, an
// ACL_DENY of random bytes) and to key packets. Every outcome must be a policy or a typed
// GdoiError, never a TypeError, RangeError or a crash: a forged or broken PULL/PUSH is refused
// cleanly. Seeded and repeatable.
import { describe, expect, it } from 'vitest';
import { GdoiError } from '../../shared/errors.ts';
import { encodeDenyAces } from '../../shared/policy/deny-aces.ts';
import { policyFromSaKd, policyToKd, policyToSa } from '../../shared/policy/sa-kd.ts';
import { PrivateTekAttr } from '../../shared/wire/registry.ts';
import type { Attribute, KdPayload, SaGdoiPayload } from '../../shared/wire/types.ts';
import { fixturePolicy } from '../helpers/policy-fixture.ts';
import { Rng } from './rng.ts';

const NOW = Date.UTC(2026, 10, 24);
const ITERATIONS = 20_000;

function base(): { sa: SaGdoiPayload; kd: KdPayload } {
  const p = fixturePolicy(NOW);
  p.teks[0]!.selectors.push({ protocol: 6, src: { addr: '10.9.0.0', mask: '255.255.0.0', port: 0 }, dst: { addr: '10.0.0.0', mask: '255.0.0.0', port: 443 } });
  p.teks[0]!.denies = [{ before: 0, selector: { protocol: 17, src: { addr: '0.0.0.0', mask: '0.0.0.0', port: 848 }, dst: { addr: '0.0.0.0', mask: '0.0.0.0', port: 848 } } }];
  return { sa: policyToSa(p, NOW), kd: policyToKd(p) };
}

function mutateAttrs(rng: Rng, attrs: Attribute[]): Attribute[] {
  const out = attrs.map((a) => ({ ...a }));
  switch (rng.int(5)) {
    case 0: {                                              // a value replaced, either form
      const i = rng.int(out.length);
      out[i] = rng.chance(0.5) ? { type: out[i]!.type, form: 'tv', value: rng.int(0x10000) } : { type: out[i]!.type, form: 'tlv', value: rng.bytes(rng.int(40)) };
      break;
    }
    case 1: out.splice(rng.int(out.length), 1); break;     // one dropped
    case 2: out.push(out[rng.int(out.length)]!); break;    // one repeated
    case 3: {                                              // ACL_DENY: random bytes, often 24-aligned
      const n = rng.chance(0.7) ? 24 * rng.int(4) : rng.int(80);
      const value = rng.chance(0.5) ? rng.bytes(n) : Buffer.concat([encodeDenyAces([{ before: rng.int(4), selector: { protocol: rng.int(256), src: { addr: '1.2.3.4', mask: '255.255.255.255', port: rng.int(65536) }, dst: { addr: '0.0.0.0', mask: '0.0.0.0', port: 0 } } }]), rng.bytes(rng.int(3) * 24)]);
      out.push({ type: PrivateTekAttr.ACL_DENY, form: 'tlv', value });
      break;
    }
    default: out.push({ type: rng.range(1, 32767), form: 'tv', value: rng.int(0x10000) });   // unknown attribute
  }
  return out;
}

describe('policy decoder on hostile SA and KD payloads', () => {
  it(`${ITERATIONS} mutated policies: a policy or a typed GdoiError, nothing else`, () => {
    const rng = new Rng(0x6407_8263);
    const outcomes = { ok: 0, refused: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const { sa, kd } = base();
      const targets = sa.policies.filter((p) => 'attributes' in p) as Array<{ attributes: Attribute[] }>;
      for (let k = rng.range(1, 3); k > 0; k--) {
        if (rng.chance(0.8)) { const t = rng.pick(targets); t.attributes = mutateAttrs(rng, t.attributes); }
        else { const pk = rng.pick(kd.packets); pk.attributes = mutateAttrs(rng, pk.attributes); }
      }
      try {
        policyFromSaKd(sa, kd, 1, 1234, 'G', NOW);
        outcomes.ok++;
      } catch (e) {
        if (!(e instanceof GdoiError)) throw new Error(`iteration ${i}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        outcomes.refused++;
      }
    }
    // Both outcomes occur, so the mutations reach the checks and not only the happy path.
    expect(outcomes.ok).toBeGreaterThan(ITERATIONS / 20);
    expect(outcomes.refused).toBeGreaterThan(ITERATIONS / 20);
  });
});
