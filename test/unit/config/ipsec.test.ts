import { describe, expect, it } from 'vitest';
import { expectError, parse } from './helpers.ts';

const ts = (t: string) => parse([`crypto ipsec transform-set T ${t}`]);

describe('crypto ipsec transform-set', () => {
  it('reads cipher, key size and integrity, mode tunnel by default', () => {
    const { config, warnings } = ts('esp-aes 256 esp-sha-hmac');
    expect(config.transformSets.get('T')).toEqual({
      name: 'T', transforms: ['esp-aes 256', 'esp-sha-hmac'], esp: { cipher: 'esp-aes', keyBits: 256, auth: 'esp-sha-hmac' }, mode: 'tunnel', line: 1,
    });
    expect(warnings).toEqual([]);
  });

  it.each([
    ['esp-aes esp-sha256-hmac', { cipher: 'esp-aes', keyBits: 128, auth: 'esp-sha256-hmac' }],
    ['esp-aes 192 esp-sha384-hmac', { cipher: 'esp-aes', keyBits: 192, auth: 'esp-sha384-hmac' }],
    ['esp-sha512-hmac esp-aes 128', { cipher: 'esp-aes', keyBits: 128, auth: 'esp-sha512-hmac' }],
    ['esp-gcm 256', { cipher: 'esp-gcm', keyBits: 256 }],
    ['esp-gcm', { cipher: 'esp-gcm', keyBits: 128 }],
    ['esp-gmac 192', { cipher: 'esp-gmac', keyBits: 192 }],
    ['esp-null esp-sha256-hmac', { cipher: 'esp-null', keyBits: 0, auth: 'esp-sha256-hmac' }],
  ])('reads %s', (t, esp) => {
    const r = ts(t);
    expect(r.config.transformSets.get('T')!.esp).toEqual(esp);
    expect(r.warnings).toEqual([]);
  });

  it('warns about des, 3des, md5 and a CBC cipher without integrity', () => {
    expect(ts('esp-3des esp-sha-hmac').warnings).toEqual([{ line: 1, message: 'transform set T: esp-3des is weak; use esp-aes 256 or esp-gcm 256' }]);
    expect(ts('esp-des esp-md5-hmac').warnings.map((w) => w.message)).toEqual([
      'transform set T: esp-des is weak; use esp-aes 256 or esp-gcm 256',
      'transform set T: esp-md5-hmac is weak; use esp-sha256-hmac',
    ]);
    expect(ts('esp-aes 256').warnings).toEqual([{ line: 1, message: 'transform set T: esp-aes without integrity' }]);
    expect(ts('esp-3des esp-sha-hmac').config.transformSets.get('T')!.esp.keyBits).toBe(192);
  });

  it('reads the mode sub-line', () => {
    const { config } = parse(['crypto ipsec transform-set T esp-gcm 256', ' mode transport']);
    expect(config.transformSets.get('T')!.mode).toBe('transport');
  });

  it.each([
    ['esp-aes 256 esp-sha-hmac ah-sha-hmac', /'ah-sha-hmac' is not supported: GET VPN TEKs are ESP only/],
    ['esp-aes esp-3des', /second ESP cipher 'esp-3des'/],
    ['esp-aes esp-sha-hmac esp-md5-hmac', /second ESP integrity transform 'esp-md5-hmac'/],
    ['esp-gcm 256 esp-sha-hmac', /esp-gcm carries its own integrity/],
    ['esp-null', /esp-null without an integrity transform/],
    ['esp-sha-hmac', /has no ESP cipher/],
    ['esp-256-aes esp-sha-hmac', /unknown transform 'esp-256-aes'/],
  ])('rejects %s', (t, msg) => {
    expectError([`crypto ipsec transform-set T ${t}`], 1, msg);
  });

  it('rejects a missing transform, a bad mode, a second mode and a duplicate name', () => {
    expectError(['crypto ipsec transform-set T'], 1, /missing transform/);
    expectError(['crypto ipsec transform-set T esp-gcm', ' mode bridge'], 2, /bad mode 'bridge'/);
    expectError(['crypto ipsec transform-set T esp-gcm', ' mode tunnel', ' mode transport'], 3, /mode already set at line 2/);
    expectError(['crypto ipsec transform-set T esp-gcm', ' set pfs'], 2, /unknown or unsupported command 'set pfs' in transform set/);
    expectError(['crypto ipsec transform-set T esp-gcm', 'crypto ipsec transform-set T esp-gcm'], 2, /transform set T already defined at line 1/);
  });
});

describe('crypto ipsec profile', () => {
  it('defaults the TEK lifetime to 3600 s', () => {
    const { config } = parse(['crypto ipsec transform-set T esp-gcm 256', 'crypto ipsec profile P', ' set transform-set T']);
    expect(config.profiles.get('P')).toEqual({ name: 'P', transformSet: 'T', lifetimeSeconds: 3600, line: 2 });
  });

  it('reads lifetime seconds and kilobytes', () => {
    const { config } = parse([
      'crypto ipsec transform-set T esp-gcm 256', 'crypto ipsec profile P', ' set security-association lifetime seconds 28800',
      ' set security-association lifetime kilobytes 4608000', ' set transform-set T',
    ]);
    expect(config.profiles.get('P')).toEqual({ name: 'P', transformSet: 'T', lifetimeSeconds: 28800, lifetimeKilobytes: 4608000, line: 2 });
  });

  it('rejects an unknown transform set at the referencing line', () => {
    expectError(['crypto ipsec profile P', ' set transform-set NOPE', 'hostname x'], 2, /transform set 'NOPE' is not defined/);
  });

  it('rejects a missing or repeated transform set, two sets, bad lifetimes and duplicates', () => {
    expectError(['crypto ipsec profile P', ' set security-association lifetime seconds 600'], 1, /has no 'set transform-set'/);
    expectError(['crypto ipsec profile P', ' set transform-set A', ' set transform-set B'], 3, /transform set already set/);
    expectError(['crypto ipsec profile P', ' set transform-set A B'], 2, /exactly one transform set/);
    expectError(['crypto ipsec profile P', ' set security-association lifetime seconds 9'], 2, /lifetime seconds 9 out of range 10-2592000/);
    expectError(['crypto ipsec profile P', ' set security-association lifetime days 1'], 2, /bad lifetime unit 'days'/);
    expectError(['crypto ipsec transform-set T esp-gcm', 'crypto ipsec profile P', ' set transform-set T', 'crypto ipsec profile P', ' set transform-set T'], 4,
      /ipsec profile P already defined at line 2/);
  });
});
