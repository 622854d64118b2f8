// SA payload, GDOI form (RFC 6407 §5.1) with nested SA KEK (§5.3), SA TEK (§5.4) and GAP (§5.5),
// in the layout tshark parses.
import { describe, expect, it } from 'vitest';
import { tlvU32, tv } from '../../../shared/wire/attributes.ts';
import { isGdoiSaForm } from '../../../shared/wire/payloads/sa.ts';
import type { SaGdoiPayload, SaTekIpsecPayload } from '../../../shared/wire/types.ts';
import { decodeOne, expectDecodeError, fill, hex, roundTrip, vector } from './helpers.ts';
import { pushMsg } from './samples.ts';

// Offsets: SA 0, DOI 4, situation 8, SA attribute next payload 12, RESERVED2 14; SA KEK 16
// (protocol 20, SRC type 21 port 22 len 24 data 25, DST type 29 port 30 len 32 data 33, SPI 37,
// RESERVED2 53, attributes 57); SA TEK 73 (protocol id 77, protocol 78, SRC type 79 port 80
// len 82 data 84, DST type 92 port 93 len 95 data 97, transform 105, SPI 106, attributes 110);
// GAP 122 (attributes 126); end 134.
const VECTOR = hex(
  '00 00 0086',                       // SA: next 0, reserved, length 134
  '00000002',                         // DOI 2 GDOI
  '00000000',                         // situation 0
  '000f 0000',                        // SA attribute next payload 15 (SA KEK), RESERVED2
  '10 00 0039',                       // SA KEK: next 16 (SA TEK), reserved, length 57
  '11',                               // protocol 17 UDP
  '01 0350 04 0a000001',              // SRC: IPV4_ADDR, port 848, length 4, 10.0.0.1
  '01 0350 04 efc00101',              // DST: IPV4_ADDR, port 848, length 4, 239.192.1.1
  '0123456789abcdef fedcba9876543210', // SPI (16 octets = PUSH cookies)
  '00000000',                         // RESERVED2
  '8002 0003',                        // KEK_ALGORITHM = AES
  '8003 0080',                        // KEK_KEY_LENGTH = 128
  '0004 0004 00015180',               // KEK_KEY_LIFETIME, TLV 4 octets = 86400
  '16 00 0031',                       // SA TEK: next 22 (GAP), reserved, length 49
  '01',                               // protocol id 1 IPSEC_ESP
  '00',                               // protocol 0 (any)
  '04 0000 0008 c0a80100 ffffff00',   // SRC: IPV4_ADDR_SUBNET, port 0, length 8, 192.168.1.0/24
  '04 0000 0008 0a000000 ff000000',   // DST: IPV4_ADDR_SUBNET, port 0, length 8, 10.0.0.0/8
  '14',                               // transform id 20 ESP_AES_GCM_16
  'a1b2c3d4',                         // SPI
  '8001 0001',                        // SA_LIFE_TYPE = seconds
  '8004 0001',                        // ENCAPSULATION_MODE = tunnel
  '8006 0080',                        // KEY_LENGTH = 128
  '00 00 000c',                       // GAP: next 0, reserved, length 12
  '8001 000a',                        // ACTIVATION_TIME_DELAY = 10 s
  '8002 0014',                        // DEACTIVATION_TIME_DELAY = 20 s
);
function edit(at: number, v: number): Buffer { const b = Buffer.from(VECTOR); b[at] = v; return b; }
const PUSH_SA = pushMsg.payloads[1] as SaGdoiPayload;

describe('SA, GDOI form', () => {
  it('decodes the vector (SA KEK, SA TEK, GAP) and re-encodes it', () => {
    const p = vector<SaGdoiPayload>(1, VECTOR);
    expect(p.form).toBe('gdoi');
    expect(p.policies.map((x) => x.type)).toEqual([15, 16, 22]);
    expect(p.policies[0]).toEqual({
      type: 15, protocol: 17,
      src: { idType: 1, port: 848, data: hex('0a000001') }, dst: { idType: 1, port: 848, data: hex('efc00101') },
      spi: hex('0123456789abcdeffedcba9876543210'), reserved2: hex('00000000'),
      attributes: [tv(2, 3), tv(3, 128), tlvU32(4, 86400)],
    });
    expect(p.policies[1]).toEqual({
      type: 16, protocolId: 1, protocol: 0,
      src: { idType: 4, port: 0, data: hex('c0a80100ffffff00') }, dst: { idType: 4, port: 0, data: hex('0a000000ff000000') },
      transformId: 20, spi: hex('a1b2c3d4'), attributes: [tv(1, 1), tv(4, 1), tv(6, 128)],
    });
    expect(p.policies[2]).toEqual({ type: 22, attributes: [tv(1, 10), tv(2, 20)] });
  });

  it('round trips the PUSH SA, an empty SA, unknown nested types and opaque SA TEKs', () => {
    roundTrip(PUSH_SA);
    roundTrip({ type: 1, form: 'gdoi', doi: 2, situation: 0, policies: [] });
    roundTrip({
      type: 1, form: 'gdoi', doi: 2, situation: 7,
      policies: [
        { type: 19, unknown: true, body: fill(6, 19) },        // POP (RFC 3547), not parsed
        { type: 16, protocolId: 3, body: fill(30, 3) },         // IEC 61850 TEK (RFC 8052), opaque
        { type: 1, unknown: true, body: fill(8, 1) },           // an SA inside an SA is not parsed
      ],
    }, { exchange: 32 });
  });

  it('keeps a non-zero SA KEK RESERVED2 (RFC 3547 POP fields)', () => {
    const b = edit(56, 0x80);
    const p = vector<SaGdoiPayload>(1, b);
    expect(p.policies[0]).toMatchObject({ reserved2: hex('00000080') });
  });

  it('chooses the form by exchange and DOI', () => {
    for (const x of [32, 33, 242]) expect(isGdoiSaForm(x, 2)).toBe(true);
    for (const x of [2, 5, 35, 34]) expect(isGdoiSaForm(x, 2)).toBe(false);
    expect(isGdoiSaForm(32, 1)).toBe(false);
    expect((decodeOne(1, VECTOR, { exchange: 242 }) as SaGdoiPayload).policies).toHaveLength(3);
  });

  it('rejects a one-octet SA attribute next payload (0x0f00)', () => {
    const b = Buffer.from(VECTOR);
    b.writeUInt16BE(0x0f00, 12);
    expectDecodeError(() => decodeOne(1, b), 'BAD_VALUE', 12);
  });
  it('rejects RESERVED2 not zero', () => {
    expectDecodeError(() => decodeOne(1, edit(15, 1)), 'BAD_VALUE', 14);
  });
  it('rejects a nested payload length beyond the SA', () => {
    expectDecodeError(() => decodeOne(1, edit(76, 0x40)), 'BAD_LENGTH', 75);
  });
  it('rejects a nested chain that announces more past the SA end', () => {
    expectDecodeError(() => decodeOne(1, edit(122, 22)), 'TRUNCATED', 134);
  });
  it('rejects spare octets after the last nested payload', () => {
    const b = Buffer.concat([VECTOR, hex('00000000')]);
    b.writeUInt16BE(138, 2);
    expectDecodeError(() => decodeOne(1, b), 'TRAILING_DATA', 134);
  });
  it('rejects a nested payload with RESERVED set', () => {
    expectDecodeError(() => decodeOne(1, edit(74, 1)), 'BAD_VALUE', 74);
  });
});

describe('SA KEK', () => {
  const SAK = VECTOR.subarray(16, 73);
  it('round trips at top level too', () => {
    roundTrip(PUSH_SA.policies[0]!);
    vector(15, Buffer.concat([hex('00'), SAK.subarray(1)])); // the vector's SA KEK as the last payload
  });
  it('rejects an IPv4 selector of 5 octets at its one-octet length', () => {
    const b = edit(24, 5);
    expectDecodeError(() => decodeOne(1, b), 'BAD_LENGTH', 24);
  });
  it('rejects a selector length beyond the payload', () => {
    expectDecodeError(() => decodeOne(1, edit(32, 0xff)), 'BAD_LENGTH', 32);
  });
  it('rejects a payload cut inside the SPI', () => {
    const cut = Buffer.concat([hex('00 00 001f'), SAK.subarray(4, 31)]); // 27 body octets: SPI needs 16 from 17
    expectDecodeError(() => decodeOne(15, cut), 'TRUNCATED', 21);
  });
});

describe('SA TEK', () => {
  it('round trips ESP and AH forms and an opaque protocol', () => {
    const tek = PUSH_SA.policies[1] as SaTekIpsecPayload;
    roundTrip(tek);
    roundTrip({ ...tek, protocolId: 2 });
    roundTrip({ type: 16, protocolId: 200, body: Buffer.alloc(0) });
  });
  it('rejects a two-octet selector length beyond the payload', () => {
    expectDecodeError(() => decodeOne(1, edit(95, 0x01)), 'BAD_LENGTH', 95);
  });
  it('rejects an IPv4 subnet selector of the wrong size', () => {
    expectDecodeError(() => decodeOne(1, edit(83, 4)), 'BAD_LENGTH', 82);
  });
  it('rejects an ESP TEK cut inside its SPI', () => {
    const tek = VECTOR.subarray(73, 109); // up to 3 octets of the SPI
    const b = Buffer.concat([hex('00 00 0024'), tek.subarray(4)]);
    expectDecodeError(() => decodeOne(16, b), 'TRUNCATED', 33);
  });
});
