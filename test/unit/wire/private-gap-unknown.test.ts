// GAP (RFC 6407 §5.5), the project's private payloads GETVPN_CTRL (200) / COOP_ANN (201),
// and payload types the codec does not parse.
import { describe, expect, it } from 'vitest';
import { tlv, tlvU32, tv } from '../../../shared/wire/attributes.ts';
import { encodePayload } from '../../../shared/wire/message.ts';
import { CtrlAction, CtrlAttr, GapAttr } from '../../../shared/wire/registry.ts';
import type { GetvpnCtrlPayload, GapPayload, UnknownPayload } from '../../../shared/wire/types.ts';
import { decodeOne, expectDecodeError, fill, hex, roundTrip, vector } from './helpers.ts';

describe('GAP', () => {
  it('vector: SENDER_ID_REQUEST from a GM (PULL msg 3)', () => {
    const p = vector<GapPayload>(22, hex(
      '00 00 0008', // generic: length 8
      '8003 0002',  // SENDER_ID_REQUEST = 2 SIDs
    ), { exchange: 32 });
    expect(p).toEqual({ type: 22, attributes: [tv(GapAttr.SENDER_ID_REQUEST, 2)] });
    roundTrip({ type: 22, attributes: [] });
  });
  it('rejects a malformed attribute list', () => {
    expectDecodeError(() => decodeOne(22, hex('00 00 0007', '8003 00')), 'TRUNCATED', 6);
  });
});

describe('GETVPN_CTRL (200) and COOP_ANN (201)', () => {
  it('GETVPN_CTRL vector: remove-now with a grace period', () => {
    const p = vector<GetvpnCtrlPayload>(200, hex(
      '00 00 0010',         // generic: length 16
      '8001 0001',          // ACTION = REMOVE_NOW
      '0002 0004 0000003c', // GRACE_SECONDS, TLV 4 octets = 60
    ));
    expect(p).toEqual({ type: 200, attributes: [tv(CtrlAttr.ACTION, CtrlAction.REMOVE_NOW), tlvU32(CtrlAttr.GRACE_SECONDS, 60)] });
  });
  it('round trips both', () => {
    roundTrip({ type: 200, attributes: [tv(1, 4), tlv(3, fill(12, 3)), tv(4, 300)] });
    roundTrip({ type: 201, attributes: [tv(1, 1), tlv(2, fill(40, 2)), tlv(0x4001, Buffer.alloc(0))] }, { exchange: 242 });
  });
  it('rejects a TLV longer than the payload', () => {
    expectDecodeError(() => decodeOne(201, hex('00 00 000c', '0002 0005 01020304')), 'BAD_LENGTH', 6);
  });
});

describe('unknown payload types', () => {
  for (const type of [2, 3, 14, 19, 20, 21, 130, 255]) {
    it(`type ${type} keeps its body byte for byte`, () => {
      const p = vector<UnknownPayload>(type, hex(
        '00 00 0009',   // generic: length 9
        '0102030405',   // body
      ));
      expect(p).toEqual({ type, unknown: true, body: hex('0102030405') });
      roundTrip({ type, unknown: true, body: fill(33, type) });
    });
  }
  it('a known type given as UnknownPayload encodes its raw body (and decodes parsed)', () => {
    const bytes = encodePayload({ type: 18, unknown: true, body: hex('00000007') }, 0);
    expect(bytes.toString('hex')).toBe('0000000800000007');
    expect(decodeOne(18, bytes)).toEqual({ type: 18, seq: 7 });
  });
});
