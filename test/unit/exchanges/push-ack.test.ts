// RFC 8263 GROUPKEY-PUSH acknowledgement: layout, hash (checked with an independent HMAC
// chain), forgeries, and how fast the KS can open them.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildAck, openAck, isAck } from '../../../shared/exchanges/groupkey-push-ack.ts';
import { buildPush, isPush } from '../../../shared/exchanges/groupkey-push.ts';
import { decodeMessage } from '../../../shared/wire/message.ts';
import type { KekPolicy } from '../../../shared/policy/group-policy.ts';
import { NOW, groupFixture, lookupOf, reasonOf, rekeyKey, withOtherKey } from './push-support.ts';

const { kek, other, next } = groupFixture();
const reason = (bytes: Buffer, keks: KekPolicy[] = [kek]) => reasonOf(() => openAck(bytes, lookupOf(...keks)));

describe('GROUPKEY-PUSH-ACK (RFC 8263 §4)', () => {
  it('is HDR(exchange 35, KEK SPI cookies, flags 0, M-ID 0), HASH, SEQ, ID', () => {
    const bytes = buildAck(kek, 8, '10.1.1.5');
    const m = decodeMessage(bytes);
    expect(Buffer.concat([m.header.icookie, m.header.rcookie])).toEqual(kek.spi);
    expect([m.header.nextPayload, m.header.version, m.header.exchange, m.header.flags, m.header.messageId]).toEqual([8, 0x10, 35, 0, 0]);
    expect(m.chain!.payloads.map((p) => p.type)).toEqual([8, 18, 5]);
    expect(m.chain!.raw[2]).toEqual(Buffer.from('0000000c 01000000 0a010105'.replace(/ /g, ''), 'hex'));
    expect(isAck(bytes) && !isPush(bytes)).toBe(true);
  });

  it('HASH = HMAC-SHA256(ack_key, SEQ | ID), ack_key = HMAC-SHA256(KEK key, label | SPI | 0x0200)', () => {
    const bytes = buildAck(kek, 0x01020304, '192.0.2.7');
    const { chain } = decodeMessage(bytes);
    const ackKey = createHmac('sha256', kek.key).update(Buffer.concat([Buffer.from('GROUPKEY-PUSH ACK\0'), kek.spi, Buffer.from([2, 0])])).digest();
    const want = createHmac('sha256', ackKey).update(Buffer.concat([chain!.raw[1]!, chain!.raw[2]!])).digest();
    expect((chain!.payloads[0] as { data: Buffer }).data).toEqual(want);
  });

  it('round-trips IPv4 and IPv6 GM addresses', () => {
    expect(openAck(buildAck(kek, 8, '10.1.1.5'), lookupOf(kek))).toEqual({ kekSpi: kek.spi, seq: 8, gmAddress: '10.1.1.5' });
    expect(openAck(buildAck(kek, 9, '2001:db8::5'), lookupOf(other, kek)).gmAddress).toBe('2001:db8::5');
  });

  it('rejects forged and damaged acks', () => {
    expect(reason(buildAck(withOtherKey(kek), 8, '10.1.1.5'))).toBe('BAD_SIGNATURE');  // wrong KEK key
    const bumped = buildAck(kek, 8, '10.1.1.5');
    bumped[bumped.length - 12 - 1]! ^= 0x01;                                              // SEQ 8 -> 9
    expect(reason(bumped)).toBe('BAD_SIGNATURE');
    const spoofed = buildAck(kek, 8, '10.1.1.5');
    spoofed[spoofed.length - 1] = 6;                                                      // another GM
    expect(reason(spoofed)).toBe('BAD_SIGNATURE');
    expect(reason(buildAck(other, 8, '10.1.1.5'))).toBe('WRONG_SPI');
    const good = buildAck(kek, 8, '10.1.1.5');
    expect(reason(good.subarray(0, good.length - 1))).toBe('MALFORMED');
    const encrypted = Buffer.from(good);
    encrypted[19] = 1;
    expect(reason(encrypted)).toBe('MALFORMED');
    expect(reason(buildPush(kek, rekeyKey.privateKey, { seq: 8, policy: next }, NOW))).toBe('MALFORMED');
    expect(reason(good)).toBe('accepted');
  });

  it('opens 10,000 acks quickly (daemon target: < 2 s on one core)', () => {
    const acks = Array.from({ length: 10_000 }, (_, i) => buildAck(kek, 8, `10.${(i >> 8) & 255}.${i & 255}.1`));
    const lookup = lookupOf(other, kek);
    const t0 = performance.now();
    let ok = 0;
    for (const a of acks) if (openAck(a, lookup).seq === 8) ok++;
    const ms = performance.now() - t0;
    console.log(`openAck: 10000 acks in ${ms.toFixed(1)} ms = ${Math.round(10_000 / (ms / 1000))} acks/s`);
    expect(ok).toBe(10_000);
  });
});
