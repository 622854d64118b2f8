// ACL_DENY (private TEK attribute 32003): deny ACEs of a TEK's ACL, their codec, and their trip
// through the SA TEK payload bytes a GM decodes (docs/wire.md §5.7).
import { describe, expect, it } from 'vitest';
import { DecodeError, VerifyError } from '../../../shared/errors.ts';
import { DENY_ACE_OCTETS, decodeDenyAces, encodeDenyAces } from '../../../shared/policy/deny-aces.ts';
import { tekAces, type DenyAce, type TrafficSelector } from '../../../shared/policy/group-policy.ts';
import { policyFromSaKd, policyToKd, policyToSa } from '../../../shared/policy/sa-kd.ts';
import { decodeSa, encodeSa } from '../../../shared/wire/payloads/sa.ts';
import { Reader } from '../../../shared/wire/reader.ts';
import { Writer } from '../../../shared/wire/writer.ts';
import { ExchangeType, PrivateTekAttr } from '../../../shared/wire/registry.ts';
import type { SaGdoiPayload, SaTekIpsecPayload } from '../../../shared/wire/types.ts';
import { fixturePolicy } from '../../helpers/policy-fixture.ts';

const sel = (protocol: number, src: string, srcMask: string, srcPort: number, dst: string, dstMask: string, dstPort: number): TrafficSelector => ({
  protocol, src: { addr: src, mask: srcMask, port: srcPort }, dst: { addr: dst, mask: dstMask, port: dstPort },
});
const GDOI = sel(17, '0.0.0.0', '0.0.0.0', 848, '0.0.0.0', '0.0.0.0', 848);
const SSH = sel(6, '10.62.0.9', '255.255.255.255', 0, '10.61.0.0', '255.255.0.0', 22);

describe('ACL_DENY value codec', () => {
  it('encodes one 24-octet entry per deny ACE (fixed vector) and decodes it back', () => {
    const denies: DenyAce[] = [{ before: 0, selector: GDOI }, { before: 1, selector: SSH }];
    const bytes = encodeDenyAces(denies);
    expect(bytes.toString('hex')).toBe(
      '0000' + '11' + '00' + '00000000' + '00000000' + '0350' + '00000000' + '00000000' + '0350' +
      '0001' + '06' + '00' + '0a3e0009' + 'ffffffff' + '0000' + '0a3d0000' + 'ffff0000' + '0016');
    expect(decodeDenyAces(bytes, 2)).toEqual(denies);
  });

  it('refuses malformed values with a typed error and offset', () => {
    const one = encodeDenyAces([{ before: 0, selector: GDOI }]);
    for (const v of [Buffer.alloc(0), one.subarray(0, DENY_ACE_OCTETS - 1), Buffer.concat([one, Buffer.alloc(1)])]) {
      expect(() => decodeDenyAces(v, 1)).toThrow(DecodeError);
    }
    const reserved = Buffer.from(one); reserved[3] = 1;
    const e = (() => { try { decodeDenyAces(reserved, 1); } catch (x) { return x as DecodeError; } return undefined; })();
    expect(e).toBeInstanceOf(DecodeError);
    expect(e!.code).toBe('BAD_VALUE');
    expect(e!.offset).toBe(3);
  });

  it('refuses a deny placed past the TEK\'s permits or out of ACL order', () => {
    expect(() => decodeDenyAces(encodeDenyAces([{ before: 3, selector: GDOI }]), 2)).toThrow(VerifyError);
    expect(() => decodeDenyAces(encodeDenyAces([{ before: 1, selector: GDOI }, { before: 0, selector: SSH }]), 2)).toThrow(/out of ACL order/);
  });
});

describe('tekAces', () => {
  it('puts each deny back in its place among the permits', () => {
    const p1 = sel(0, '10.61.0.0', '255.255.0.0', 0, '10.62.0.0', '255.255.0.0', 0);
    const p2 = sel(0, '10.62.0.0', '255.255.0.0', 0, '10.61.0.0', '255.255.0.0', 0);
    expect(tekAces({ selectors: [p1, p2], denies: [{ before: 0, selector: GDOI }, { before: 1, selector: SSH }, { before: 2, selector: GDOI }] }))
      .toEqual([{ action: 'deny', selector: GDOI }, { action: 'permit', selector: p1 }, { action: 'deny', selector: SSH },
        { action: 'permit', selector: p2 }, { action: 'deny', selector: GDOI }]);
    expect(tekAces({ selectors: [p1] })).toEqual([{ action: 'permit', selector: p1 }]);
  });
});

/** SA payload -> bytes -> SA payload, as a GM receives it. */
function wire(sa: SaGdoiPayload): SaGdoiPayload {
  const w = new Writer();
  encodeSa(sa, w);
  return decodeSa(new Reader(w.finish()), { exchange: ExchangeType.GROUPKEY_PULL }) as SaGdoiPayload;
}
const tekPayloads = (sa: SaGdoiPayload) => sa.policies.filter((p): p is SaTekIpsecPayload => p.type === 16 && 'transformId' in p);
const denyAttrs = (p: SaTekIpsecPayload) => p.attributes.filter((a) => a.type === PrivateTekAttr.ACL_DENY);

describe('deny ACEs in the SA TEK payloads', () => {
  const now = Date.UTC(2026, 10, 24);

  it('ride once per TEK, on its first SA TEK, and a GM decodes them back in place', () => {
    const policy = fixturePolicy(now);
    const tek = policy.teks[0]!;
    tek.selectors.push(sel(0, '10.9.0.0', '255.255.0.0', 0, '10.0.0.0', '255.0.0.0', 0));
    tek.denies = [{ before: 0, selector: GDOI }, { before: 1, selector: SSH }];
    const sa = wire(policyToSa(policy, now));
    const sats = tekPayloads(sa).filter((p) => p.spi.readUInt32BE(0) === tek.spi);
    expect(sats.map((p) => denyAttrs(p).length)).toEqual([1, 0]);
    const got = policyFromSaKd(sa, policyToKd(policy), 0, 1234, 'GETVPN', now);
    expect(got.teks[0]!.denies).toEqual(tek.denies);
    expect(tekAces(got.teks[0]!).map((a) => a.action)).toEqual(['deny', 'permit', 'deny', 'permit']);
    expect(got.teks[1]!.denies).toBeUndefined();
  });

  it('leave a policy without denies byte-for-byte as before (no attribute 32003)', () => {
    const policy = fixturePolicy(now);
    const sa = wire(policyToSa(policy, now));
    for (const p of tekPayloads(sa)) expect(denyAttrs(p)).toEqual([]);
  });

  it('a TEK that carries its denies twice is refused', () => {
    const policy = fixturePolicy(now);
    const tek = policy.teks[0]!;
    tek.selectors.push(sel(0, '10.9.0.0', '255.255.0.0', 0, '10.0.0.0', '255.0.0.0', 0));
    tek.denies = [{ before: 0, selector: GDOI }];
    const sa = policyToSa(policy, now);
    const sats = tekPayloads(sa).filter((p) => p.spi.readUInt32BE(0) === tek.spi);
    sats[1]!.attributes = [...sats[1]!.attributes, ...denyAttrs(sats[0]!)];
    expect(() => policyFromSaKd(wire(sa), policyToKd(policy), 0, 1234, 'GETVPN', now)).toThrow(/more than once/);
  });
});
