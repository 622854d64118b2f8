// KE, HASH, SIG, NONCE, VENDOR_ID (RFC 2408 §3.7, §3.11-3.13, §3.16), SEQ (RFC 6407 §5.7),
// CERT/CERTREQ (RFC 2408 §3.9-3.10), ID (RFC 2407 §4.6.2), and the generic header checks.
import { describe, expect, it } from 'vitest';
import { decodePayloads } from '../../../shared/wire/message.ts';
import { idIpv4Subnet, keyIdFromNumber } from '../../../shared/wire/id-data.ts';
import type { SimpleDataPayload } from '../../../shared/wire/payloads/simple-data.ts';
import type { CertPayload, CertReqPayload, IdPayload, Payload, SeqPayload } from '../../../shared/wire/types.ts';
import { decodeOne, expectDecodeError, fill, hex, roundTrip, vector } from './helpers.ts';

describe('opaque-data payloads', () => {
  for (const type of [4, 8, 9, 10, 13] as const) {
    it(`type ${type}: vector, round trip, empty body`, () => {
      const p = vector<Payload>(type, hex(
        '00 00 0008', // generic: next 0, reserved 0, length 8
        'deadbeef',   // data
      ));
      expect(p).toEqual({ type, data: hex('deadbeef') });
      roundTrip({ type, data: fill(type === 4 ? 256 : 32, type) } as SimpleDataPayload);
      roundTrip({ type, data: Buffer.alloc(0) } as SimpleDataPayload);
    });
  }
});

describe('generic payload header (every payload)', () => {
  const HASH = hex('00 00 0008', '01020304');
  it('rejects a header cut short', () => {
    expectDecodeError(() => decodeOne(8, HASH.subarray(0, 3)), 'TRUNCATED', 0);
  });
  it('rejects RESERVED not zero', () => {
    expectDecodeError(() => decodeOne(8, hex('00 01 0008', '01020304')), 'BAD_VALUE', 1);
  });
  it('rejects a payload length below 4', () => {
    expectDecodeError(() => decodeOne(8, hex('00 00 0003', '01020304')), 'BAD_LENGTH', 2);
  });
  it('rejects a payload length beyond the input (truncated body)', () => {
    expectDecodeError(() => decodeOne(8, HASH.subarray(0, 7)), 'BAD_LENGTH', 2);
  });
  it('rejects input beyond the payload length when nothing follows', () => {
    expectDecodeError(() => decodePayloads(8, Buffer.concat([HASH, hex('00')]), { exchange: 32 }), 'TRAILING_DATA', 8);
  });
});

describe('SEQ', () => {
  it('vector and round trip', () => {
    const p = vector<SeqPayload>(18, hex(
      '00 00 0008', // generic: length 8
      'fffffffe',   // sequence number
    ));
    expect(p).toEqual({ type: 18, seq: 0xfffffffe });
    roundTrip({ type: 18, seq: 0 });
  });
  it('rejects a body of 3 or 5 octets at the payload length', () => {
    expectDecodeError(() => decodeOne(18, hex('00 00 0007', '000001')), 'BAD_LENGTH', 2);
    expectDecodeError(() => decodeOne(18, hex('00 00 0009', '0000000100')), 'BAD_LENGTH', 2);
  });
});

describe('CERT and CERTREQ', () => {
  it('CERT vector and round trip', () => {
    const p = vector<CertPayload>(6, hex(
      '00 00 0008', // generic: length 8
      '04',         // encoding X.509 signature
      '308201',     // certificate data (start of a DER SEQUENCE)
    ));
    expect(p).toEqual({ type: 6, encoding: 4, data: hex('308201') });
    roundTrip({ type: 6, encoding: 4, data: fill(700, 6) });
  });
  it('CERTREQ vector (empty authority) and round trip', () => {
    const p = vector<CertReqPayload>(7, hex(
      '00 00 0005', // generic: length 5
      '04',         // cert type X.509 signature; no authority
    ));
    expect(p).toEqual({ type: 7, encoding: 4, authority: Buffer.alloc(0) });
    roundTrip({ type: 7, encoding: 4, authority: fill(60, 7) });
  });
  it('rejects an empty body (no encoding octet)', () => {
    expectDecodeError(() => decodeOne(6, hex('00 00 0004')), 'TRUNCATED', 4);
    expectDecodeError(() => decodeOne(7, hex('00 00 0004')), 'TRUNCATED', 4);
  });
});

describe('ID', () => {
  it('vector: group id as KEY_ID (RFC 6407 §5.3 PULL msg 1)', () => {
    const p = vector<IdPayload>(5, hex(
      '00 00 000c', // generic: length 12
      '0b',         // ID type 11 KEY_ID
      '00',         // protocol id 0
      '0000',       // port 0
      '000004d2',   // group 1234
    ));
    expect(p).toEqual({ type: 5, protocol: 0, port: 0, ...keyIdFromNumber(1234) });
  });
  it('round trips an IPv4 subnet with protocol and port', () => {
    roundTrip({ type: 5, protocol: 17, port: 848, ...idIpv4Subnet('10.0.0.0', 8) });
    roundTrip({ type: 5, protocol: 0, port: 0, idType: 2, data: Buffer.from('gm1.example.com') });
  });
  it('rejects an IPv4 address of 5 octets at the payload length', () => {
    expectDecodeError(() => decodeOne(5, hex('00 00 000d', '01 00 0000', '0a00000100')), 'BAD_LENGTH', 2);
  });
  it('rejects a body shorter than the fixed fields', () => {
    expectDecodeError(() => decodeOne(5, hex('00 00 0007', '01 00 00')), 'TRUNCATED', 6);
  });
});
