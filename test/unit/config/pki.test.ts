import { describe, expect, it } from 'vitest';
import { expectError, parse } from './helpers.ts';

describe('crypto pki files (extension)', () => {
  it('resolves PEM paths against the config file directory and allows rsa-sig', () => {
    const { config, warnings } = parse([
      'crypto pki certificate certs/ks1.pem', 'crypto pki key /secure/ks1.key', 'crypto pki trusted-ca ca.pem', 'crypto pki trusted-ca ../root.pem',
      'crypto isakmp policy 1', ' encryption aes 256', ' hash sha256', ' group 14',
    ]);
    expect(config.pki).toMatchObject({
      certificate: '/etc/gdoi/certs/ks1.pem', key: '/secure/ks1.key', trustedCas: ['/etc/gdoi/ca.pem', '/etc/root.pem'],
    });
    expect(config.isakmpPolicies[0]!.authentication).toBe('rsa-sig');
    expect(warnings).toEqual([]);
  });

  it('rejects repeats, URLs, IOS certificate chains and other kinds', () => {
    expectError(['crypto pki certificate a.pem', 'crypto pki certificate b.pem'], 2, /crypto pki certificate already given/);
    expectError(['crypto pki trusted-ca a.pem', 'crypto pki trusted-ca ./a.pem'], 2, /trusted CA \.\/a\.pem listed twice/);
    expectError(['crypto pki key nvram:ks.key'], 1, /URL 'nvram:ks.key' is not supported/);
    expectError(['crypto pki certificate chain TP'], 1, /'crypto pki certificate chain' is not supported/);
    expectError(['crypto pki server CA'], 1, /bad pki file kind 'server'/);
    expectError(['crypto pki key'], 1, /missing file path/);
  });
});

describe('crypto key (RSA key pairs by label)', () => {
  it('declares generated and imported keys', () => {
    const { config } = parse(['crypto key generate rsa general-keys label REKEYRSA modulus 2048 exportable', 'crypto key import rsa COOP pem url keys/coop.pem']);
    expect(config.rsaKeys.get('REKEYRSA')).toEqual({ label: 'REKEYRSA', source: 'generate', modulus: 2048, exportable: true, line: 1 });
    expect(config.rsaKeys.get('COOP')).toEqual({ label: 'COOP', source: 'file', path: '/etc/gdoi/keys/coop.pem', line: 2 });
  });

  it('rejects a missing label or modulus, bad moduli and duplicate labels', () => {
    expectError(['crypto key generate rsa modulus 2048'], 1, /missing 'label NAME'/);
    expectError(['crypto key generate rsa label K'], 1, /missing 'modulus BITS'/);
    expectError(['crypto key generate rsa label K modulus 384'], 1, /modulus 384 out of range 512-4096/);
    expectError(['crypto key generate rsa usage-keys label K modulus 2048'], 1, /bad key option 'usage-keys'/);
    expectError(['crypto key generate ec label K'], 1, /expected 'rsa', got 'ec'/);
    expectError(['crypto key import rsa K terminal'], 1, /expected 'pem', got 'terminal'/);
    expectError(['crypto key generate rsa label K modulus 2048', 'crypto key import rsa K pem url k.pem'], 2, /RSA key 'K' already declared at line 1/);
    expectError(['crypto key zeroize rsa'], 1, /bad crypto key action 'zeroize'/);
  });
});

describe('crypto pki trustpoint', () => {
  it('records a trustpoint with its defaults (revocation-check crl)', () => {
    const { config } = parse(['crypto pki trustpoint TP', ' enrollment url http://ca.lab:80', ' rsakeypair IKE', ' subject-name CN=ks1, O=Lab', ' auto-enroll 70 regenerate']);
    expect(config.pki.trustpoints.get('TP')).toEqual({
      name: 'TP', enrollmentUrl: 'http://ca.lab:80', rsaKeypair: 'IKE', subjectName: 'CN=ks1, O=Lab', autoEnroll: 70, revocationCheck: ['crl'], line: 1,
    });
  });

  it('accepts the crypto ca alias, enrollment modes and revocation lists', () => {
    const tp = parse(['crypto ca trustpoint T2', ' enrollment mode ra', ' revocation-check crl none', ' auto-enroll']).config.pki.trustpoints.get('T2')!;
    expect(tp).toMatchObject({ enrollmentMode: 'ra', revocationCheck: ['crl', 'none'], autoEnroll: 100 });
    expect(parse(['crypto pki trustpoint T3', ' enrollment terminal']).config.pki.trustpoints.get('T3')!.enrollmentMode).toBe('terminal');
  });

  it('rejects unknown trustpoint commands and duplicates', () => {
    expectError(['crypto pki trustpoint TP', ' serial-number none'], 2, /bad trustpoint command 'serial-number'/);
    expectError(['crypto pki trustpoint TP', ' revocation-check crl foo'], 2, /bad revocation method 'foo'/);
    expectError(['crypto pki trustpoint TP', 'crypto ca trustpoint TP'], 2, /trustpoint TP already defined at line 1/);
  });
});
