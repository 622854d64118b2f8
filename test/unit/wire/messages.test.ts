// Whole messages: main mode msg 1, GROUPKEY-PULL msg 4, GROUPKEY-PUSH, RFC 8263 PUSH ack.
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeHeader, encodeMessage } from '../../../shared/wire/message.ts';
import type { KdPayload, SaGdoiPayload } from '../../../shared/wire/types.ts';
import { expectDecodeError, hex } from './helpers.ts';
import { mainModeMsg1, pullMsg4, pushAck, pushMsg, samples } from './samples.ts';

const MAIN_MODE_1 = hex(
  '0123456789abcdef 0000000000000000', // cookies: initiator's, responder's still zero
  '01 10 02 00',                        // next SA, version 1.0, exchange 2 main mode, flags 0
  '00000000 00000044',                  // message id 0, length 68
  '00 00 0028 00000002 00000001',       // SA: last payload, length 40; DOI 2 (as GDOI GMs send); SIT_IDENTITY_ONLY
  '00 00 001c 01 01 00 01',             // proposal #1 (last), PROTO_ISAKMP, no SPI, 1 transform
  '00 00 0014 01 01 0000',              // transform #1 (last), KEY_IKE
  '8001 0007 000c 0004 00015180',       // AES-CBC; LIFE_DURATION 86400 as a 4-octet TLV
);

const PUSH_ACK = hex(
  '0123456789abcdef fedcba9876543210', // cookies = the PUSH's (KEK SPI)
  '08 10 23 00',                        // next HASH, version 1.0, exchange 35, flags 0 (RFC 8263: unencrypted)
  '00000000 00000054',                  // message id 0, length 84
  '12 00 0024', '11'.repeat(32),        // HASH (next SEQ), 32 octets of HMAC-SHA-256
  '05 00 0008 0000002a',                // SEQ (next ID) = 42
  '00 00 000c 01 00 0000 c0a8010a',     // ID: IPV4_ADDR, protocol 0, port 0, 192.168.1.10
);

describe('whole messages', () => {
  it('main mode msg 1 vector: SA in proposals form (DOI 2 in exchange 2)', () => {
    const m = decodeMessage(MAIN_MODE_1);
    expect(m.header).toMatchObject({ nextPayload: 1, exchange: 2, flags: 0, length: 68 });
    expect(m.chain!.payloads[0]).toMatchObject({ type: 1, form: 'proposals', doi: 2 });
    expect(encodeMessage(m.header, m.chain!.payloads).toString('hex')).toBe(MAIN_MODE_1.toString('hex'));
    expect(m.headerBytes.equals(MAIN_MODE_1.subarray(0, 28))).toBe(true);
  });

  it('RFC 8263 ack vector: HASH, SEQ, ID in exchange 35', () => {
    const m = decodeMessage(PUSH_ACK);
    expect(m.chain!.payloads.map((p) => p.type)).toEqual([8, 18, 5]);
    expect(m.chain!.payloads[1]).toEqual({ type: 18, seq: 42 });
    // The ack hash covers SEQ and ID as sent, generic headers included: raw gives exactly that.
    expect(Buffer.concat(m.chain!.raw.slice(1)).toString('hex')).toBe('050000080000002a0000000c01000000c0a8010a');
    expect(encodeMessage(m.header, m.chain!.payloads).equals(PUSH_ACK)).toBe(true);
    expect(m.chain!.payloads.slice(1)).toEqual(pushAck.payloads.slice(1));
    expect(m.header).toEqual({ ...pushAck.header, nextPayload: 8, length: 84 });
  });

  for (const s of samples) {
    it(`${s.name}: encode -> decode -> encode is identical`, () => {
      const bytes = encodeMessage(s.header, s.payloads);
      const m = decodeMessage(bytes);
      expect(m.header).toEqual({ ...s.header, nextPayload: s.payloads[0]!.type, length: bytes.length });
      expect(m.chain!.payloads).toEqual(s.payloads);
      expect(Buffer.concat([m.headerBytes, ...m.chain!.raw]).equals(bytes)).toBe(true);
      expect(encodeMessage(m.header, m.chain!.payloads).equals(bytes)).toBe(true);
    });
  }

  it('PULL msg 4 carries TEK and KEK key packets', () => {
    const m = decodeMessage(encodeMessage(pullMsg4.header, pullMsg4.payloads));
    expect(m.header.messageId).toBe(0x5a5a1234);
    expect((m.chain!.payloads[2] as KdPayload).packets.map((k) => k.kdType)).toEqual([1, 1, 2]);
  });

  it('PUSH carries SEQ, SA (SA KEK + 2 SA TEK), KD, SIG', () => {
    const m = decodeMessage(encodeMessage(pushMsg.header, pushMsg.payloads));
    expect(m.chain!.payloads.map((p) => p.type)).toEqual([18, 1, 17, 9]);
    expect((m.chain!.payloads[1] as SaGdoiPayload).policies.map((p) => p.type)).toEqual([15, 16, 16]);
  });

  it('with E set, returns the ciphertext untouched', () => {
    const ct = Buffer.alloc(48, 0xab);
    const header = { ...pushMsg.header, flags: 1, nextPayload: 18, length: 28 + ct.length };
    const m = decodeMessage(Buffer.concat([encodeHeader(header), ct]));
    expect(m.chain).toBeUndefined();
    expect(m.ciphertext!.equals(ct)).toBe(true);
  });

  it('reports errors with offsets into the whole message', () => {
    const push = encodeMessage(pushMsg.header, pushMsg.payloads);
    const b = Buffer.from(push);
    b.writeUInt16BE(9, 30); // SEQ payload length 9
    expectDecodeError(() => decodeMessage(b), 'BAD_LENGTH', 30);
    const c = Buffer.from(push);
    c[28 + 8 + 16 + 1] = 1; // SA KEK generic RESERVED (after SEQ's 8 octets and the SA's 16 fixed ones)
    expectDecodeError(() => decodeMessage(c), 'BAD_VALUE', 53);
  });

  it('rejects padding in a plaintext message and a length that disagrees', () => {
    const bytes = encodeMessage(mainModeMsg1.header, mainModeMsg1.payloads);
    const padded = Buffer.concat([bytes, Buffer.alloc(4)]);
    padded.writeUInt32BE(padded.length, 24);
    expectDecodeError(() => decodeMessage(padded), 'TRAILING_DATA', bytes.length);
    expectDecodeError(() => decodeMessage(Buffer.concat([bytes, Buffer.alloc(4)])), 'TRAILING_DATA', bytes.length);
    expectDecodeError(() => decodeMessage(bytes.subarray(0, bytes.length - 1)), 'TRUNCATED', 24);
  });

  it('rejects a header whose first payload is missing', () => {
    const h = encodeHeader({ ...pushMsg.header, nextPayload: 18, length: 28 });
    expectDecodeError(() => decodeMessage(h), 'TRUNCATED', 28);
  });
});
