// RFC 2407 §4.6.2.1 identification data helpers.
import { describe, expect, it } from 'vitest';
import { VerifyError } from '../../../shared/errors.ts';
import {
  bytesToIpv6, checkIdDataLength, idDataToString, idFqdn, idIpv4Addr, idIpv4Range, idIpv4Subnet,
  idIpv6Addr, idIpv6Range, idIpv6Subnet, ipv6ToBytes, keyIdFromNumber, maskToPrefix, numberFromKeyId,
  parseIdData,
} from '../../../shared/wire/id-data.ts';
import { IdType } from '../../../shared/wire/registry.ts';
import { expectDecodeError, hex } from './helpers.ts';

function verifyCode(fn: () => unknown): string {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(VerifyError); return (e as VerifyError).code; }
  throw new Error('expected a VerifyError');
}

describe('ID data builders', () => {
  it('IPv4 address, subnet (prefix or mask), range', () => {
    expect(idIpv4Addr('10.0.0.1')).toEqual({ idType: 1, data: hex('0a000001') });
    expect(idIpv4Subnet('10.0.0.0', 24).data.toString('hex')).toBe('0a000000ffffff00');
    expect(idIpv4Subnet('10.0.0.0', '255.255.0.0').data.toString('hex')).toBe('0a000000ffff0000');
    expect(idIpv4Range('10.0.0.1', '10.0.0.9')).toEqual({ idType: 7, data: hex('0a000001 0a000009') });
  });
  it('IPv6 address, subnet, range', () => {
    expect(idIpv6Addr('2001:db8::1').data.toString('hex')).toBe('20010db8000000000000000000000001');
    const s = idIpv6Subnet('2001:db8::', 32);
    expect(s.idType).toBe(6);
    expect(s.data.subarray(16).toString('hex')).toBe('ffffffff000000000000000000000000');
    expect(idIpv6Range('::1', '::2').data.length).toBe(32);
    expect(ipv6ToBytes('::ffff:10.0.0.1').toString('hex')).toBe('00000000000000000000ffff0a000001');
  });
  it('FQDN and KEY_ID group numbers (4 octets big-endian)', () => {
    expect(idFqdn('ks1.example.com')).toEqual({ idType: 2, data: Buffer.from('ks1.example.com') });
    expect(keyIdFromNumber(1234)).toEqual({ idType: 11, data: hex('000004d2') });
    expect(numberFromKeyId(keyIdFromNumber(0xfffffffe))).toBe(0xfffffffe);
    expect(numberFromKeyId(hex('000004d2'))).toBe(1234);
  });
  it('refuses bad text and wrong KEY_IDs with VerifyError BAD_ID_DATA', () => {
    expect(verifyCode(() => idIpv4Addr('10.0.0.256'))).toBe('BAD_ID_DATA');
    expect(verifyCode(() => idIpv4Addr('10.0.0'))).toBe('BAD_ID_DATA');
    expect(verifyCode(() => idIpv6Addr('1::2::3'))).toBe('BAD_ID_DATA');
    expect(verifyCode(() => idIpv6Addr('1:2:3:4:5:6:7:8:9'))).toBe('BAD_ID_DATA');
    expect(verifyCode(() => idIpv4Subnet('10.0.0.0', 33))).toBe('BAD_ID_DATA');
    expect(verifyCode(() => idFqdn('has space'))).toBe('BAD_ID_DATA');
    expect(verifyCode(() => numberFromKeyId(hex('0102')))).toBe('BAD_ID_DATA');
    expect(verifyCode(() => numberFromKeyId(idIpv4Addr('1.2.3.4')))).toBe('BAD_ID_DATA');
  });
});

describe('ID data parsing and printing', () => {
  it('parses each address type', () => {
    expect(parseIdData(idIpv4Subnet('10.1.0.0', 16))).toEqual({ kind: 'subnet', family: 4, addr: '10.1.0.0', mask: '255.255.0.0', prefix: 16 });
    expect(parseIdData(idIpv6Range('2001:db8::1', '2001:db8::ff'))).toEqual({ kind: 'range', family: 6, from: '2001:db8::1', to: '2001:db8::ff' });
    expect(parseIdData(keyIdFromNumber(7))).toEqual({ kind: 'key-id', keyId: hex('00000007') });
    expect(parseIdData({ idType: 9, data: hex('3000') })).toEqual({ kind: 'opaque', idType: 9, data: hex('3000') });
    expect(verifyCode(() => parseIdData({ idType: IdType.IPV4_ADDR, data: hex('0a0000') }))).toBe('BAD_ID_DATA');
  });
  it('prints log text', () => {
    expect(idDataToString(4, hex('0a000000ffffff00'))).toBe('10.0.0.0/255.255.255.0');
    expect(idDataToString(1, hex('c0a8010a'))).toBe('192.168.1.10');
    expect(idDataToString(7, hex('0a000001 0a000009'))).toBe('10.0.0.1-10.0.0.9');
    expect(idDataToString(6, idIpv6Subnet('2001:db8:1::', 48).data)).toBe('2001:db8:1::/48');
    expect(idDataToString(2, Buffer.from('ks\n1'))).toBe('ks\\x0a1');
    expect(idDataToString(11, hex('000004d2'))).toBe('key-id 1234');
    expect(idDataToString(11, hex('abcdef'))).toBe('key-id 0xabcdef');
    expect(idDataToString(1, hex('0a00'))).toBe('IPV4_ADDR (bad length) 0a00');
    expect(idDataToString(99, hex('01'))).toBe('UNKNOWN(99) 01');
  });
  it('formats IPv6 per RFC 5952', () => {
    const f = (s: string) => bytesToIpv6(ipv6ToBytes(s));
    expect(f('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(f('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // a single zero group stays
    expect(f('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');          // the longest run wins
    expect(f('1:0:0:2:0:0:3:4')).toBe('1::2:0:0:3:4');              // the first of equal runs
    expect(f('::')).toBe('::');
    expect(f('fe80::')).toBe('fe80::');
  });
  it('mask prefix only for contiguous masks', () => {
    expect(maskToPrefix(hex('ffffff00'))).toBe(24);
    expect(maskToPrefix(hex('ff00ff00'))).toBeUndefined();
    expect(maskToPrefix(hex('00000000'))).toBe(0);
  });
  it('decoder length check: fixed sizes for address types only', () => {
    expect(() => checkIdDataLength(IdType.FQDN, 300, 0, 'x')).not.toThrow();
    expect(() => checkIdDataLength(IdType.IPV6_ADDR_SUBNET, 32, 0, 'x')).not.toThrow();
    expectDecodeError(() => checkIdDataLength(IdType.IPV4_ADDR_SUBNET, 4, 17, 'x'), 'BAD_LENGTH', 17);
  });
});
