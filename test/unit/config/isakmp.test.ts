import { describe, expect, it } from 'vitest';
import { expectError, parse, PSK } from './helpers.ts';

const PKI = ['crypto pki certificate me.pem', 'crypto pki key me.key', 'crypto pki trusted-ca ca.pem'];

describe('crypto isakmp policy (IOS block)', () => {
  it('reads every attribute, with encr as an alias of encryption', () => {
    const { config, warnings } = parse([
      'crypto isakmp policy 20', ' encr aes 192', ' hash sha384', ' authentication pre-share', ' group 19', ' lifetime 3600',
      'crypto isakmp key k address 0.0.0.0 0.0.0.0',
    ]);
    expect(config.isakmpPolicies).toEqual([
      { priority: 20, encryption: 'aes-192', hash: 'sha384', authentication: 'pre-share', group: 19, lifetime: 3600, line: 1 },
    ]);
    expect(warnings).toEqual([]);
  });

  it('normalizes AES sizes: bare aes is 128', () => {
    const enc = (v: string) => parse(['crypto isakmp policy 1', ` encryption ${v}`, ' authentication pre-share']).config.isakmpPolicies[0]!.encryption;
    expect(enc('aes')).toBe('aes');
    expect(enc('aes 128')).toBe('aes');
    expect(enc('aes 256')).toBe('aes-256');
    expect(enc('3des')).toBe('3des');
  });

  it('defaults to 3des, sha, rsa-sig, group 2, 86400 s and warns about the weak defaults', () => {
    const { config, warnings } = parse(['crypto isakmp policy 5', ...PKI]);
    expect(config.isakmpPolicies[0]).toEqual({ priority: 5, encryption: '3des', hash: 'sha', authentication: 'rsa-sig', group: 2, lifetime: 86400, line: 1 });
    expect(warnings).toEqual([
      { line: 1, message: 'ISAKMP policy 5: encryption 3des (default) is weak; use aes-256' },
      { line: 1, message: 'ISAKMP policy 5: hash sha (default) is weak; use sha256 or better' },
      { line: 1, message: 'ISAKMP policy 5: DH group 2 (default) is weak; use 14 or better' },
    ]);
  });

  it('warns about explicitly chosen weak values (des, md5, group 1 and 5)', () => {
    const w = (lines: string[]) => parse(['crypto isakmp policy 1', ' authentication pre-share', ...lines, 'crypto isakmp key k address 10.0.0.1']).warnings.map((x) => x.message);
    expect(w([' encryption des', ' hash sha256', ' group 14'])).toEqual(['ISAKMP policy 1: encryption des is weak; use aes-256']);
    expect(w([' encryption aes 256', ' hash md5', ' group 14'])).toEqual(['ISAKMP policy 1: hash md5 is weak; use sha256 or better']);
    expect(w([' encryption aes 256', ' hash sha512', ' group 1'])).toEqual(['ISAKMP policy 1: DH group 1 is weak; use 14 or better']);
    expect(w([' encryption aes 256', ' hash sha512', ' group 5'])).toEqual(['ISAKMP policy 1: DH group 5 is weak; use 14 or better']);
  });

  it('sorts policies by priority', () => {
    const { config } = parse(['crypto isakmp policy 30', ' authentication pre-share', 'crypto isakmp policy 10', ' authentication pre-share']);
    expect(config.isakmpPolicies.map((p) => p.priority)).toEqual([10, 30]);
  });

  it.each([
    [[' encryption blowfish'], 2, /bad encryption 'blowfish'/],
    [[' encryption aes 512'], 2, /bad AES key size '512'/],
    [[' encryption aes-256'], 2, /bad encryption 'aes-256'/],   // ASA spelling is not IOS syntax
    [[' hash sha1'], 2, /bad hash 'sha1'/],
    [[' authentication rsa-encr'], 2, /bad authentication 'rsa-encr'/],
    [[' group 7'], 2, /bad DH group '7'/],
    [[' lifetime 59'], 2, /lifetime 59 out of range 60-86400/],
    [[' lifetime 1d'], 2, /bad lifetime '1d': not a number/],
    [[' group'], 2, /missing DH group/],
    [[' hash sha', ' hash md5'], 3, /'hash' given twice/],
    [[' encr 3des', ' encryption aes'], 3, /'encryption' given twice/],
    [[' pfs'], 2, /bad ISAKMP policy attribute 'pfs'/],
    [[' group 14 extra'], 2, /unexpected 'extra'/],
  ])('rejects %j', (sub, line, msg) => {
    expectError(['crypto isakmp policy 1', ...sub], line as number, msg as RegExp);
  });

  it('rejects bad priorities, duplicates and more than 20 policies', () => {
    expectError(['crypto isakmp policy 0'], 1, /policy priority 0 out of range 1-10000/);
    expectError(['crypto isakmp policy 1', ' authentication pre-share', 'crypto isakmp policy 1'], 3, /ISAKMP policy 1 already defined at line 1/);
    const many = Array.from({ length: 21 }, (_, i) => [`crypto isakmp policy ${i + 1}`, ' authentication pre-share']).flat();
    expectError(many, 41, /more than 20 ISAKMP policies/);
  });

  it('refuses rsa-sig without certificate, key and trusted CA files', () => {
    expectError(['crypto isakmp policy 1', ' encryption aes 256'], 1, /ISAKMP policy 1 authenticates with rsa-sig .* needs 'crypto pki certificate FILE'/);
    expectError(['crypto isakmp policy 1', ...PKI.slice(0, 2)], 1, /rsa-sig/);
  });
});

describe('isakmp policy (ASA one-line form)', () => {
  it('merges attribute lines of one priority, with ASA AES names', () => {
    const { config } = parse([
      'isakmp policy 2 encryption aes-256', 'isakmp policy 2 hash sha', 'isakmp policy 2 group 5', 'isakmp policy 2 lifetime 14400',
      'isakmp policy 3 encryption aes-192', 'isakmp policy 4 encryption aes',
    ]);
    expect(config.isakmpPolicies).toEqual([
      { priority: 2, encryption: 'aes-256', hash: 'sha', authentication: 'pre-share', group: 5, lifetime: 14400, line: 1 },
      { priority: 3, encryption: 'aes-192', hash: 'sha', authentication: 'pre-share', group: 2, lifetime: 86400, line: 5 },
      { priority: 4, encryption: 'aes', hash: 'sha', authentication: 'pre-share', group: 2, lifetime: 86400, line: 6 },
    ]);
  });

  it('defaults authentication to pre-share (ASA) and warns when no key is configured', () => {
    const { config, warnings } = parse(['isakmp policy 9 encryption aes-256']);
    expect(config.isakmpPolicies[0]!.authentication).toBe('pre-share');
    expect(warnings.map((w) => w.message)).toContain("ISAKMP policy 9 uses pre-share but no 'crypto isakmp key' is configured");
  });

  it('takes the ASA lifetime range (120 - 2147483647)', () => {
    expect(parse(['isakmp policy 1 lifetime 2147483647']).config.isakmpPolicies[0]!.lifetime).toBe(2147483647);
    expectError(['isakmp policy 1 lifetime 119'], 1, /lifetime 119 out of range 120-2147483647/);
  });

  it('rejects dsa-sig, group 7, a repeated attribute, a missing value and mixing forms', () => {
    expectError(['isakmp policy 1 authentication dsa-sig'], 1, /bad authentication 'dsa-sig'/);
    expectError(['isakmp policy 1 group 7'], 1, /bad DH group '7'/);
    expectError(['isakmp policy 1 hash md5', 'isakmp policy 1 hash sha'], 2, /'hash' given twice/);
    expectError(['isakmp policy 1 encryption'], 1, /missing encryption/);
    expectError(['isakmp policy 1'], 1, /missing ISAKMP policy attribute/);
    expectError(['crypto isakmp policy 1', ' authentication pre-share', 'isakmp policy 1 hash md5'], 3, /is an IOS block \(line 1\); do not mix forms/);
  });
});

describe('crypto isakmp key / identity / keepalive / disconnect-revoked-peers', () => {
  it('reads keys with the default host mask, any-peer, type 0 and no-xauth', () => {
    const { config } = parse([
      'crypto isakmp key k1 address 10.0.0.1',
      'crypto isakmp key k2 address 0.0.0.0 0.0.0.0',
      'crypto isakmp key 0 k3 address 10.1.0.0 255.255.0.0 no-xauth',
      'crypto isakmp key 0 address 10.0.0.4',
      'crypto isakmp key k5 address 10.0.0.5 no-xauth',
    ]);
    expect(config.isakmpKeys).toEqual([
      { key: 'k1', address: '10.0.0.1', mask: '255.255.255.255', line: 1 },
      { key: 'k2', address: '0.0.0.0', mask: '0.0.0.0', line: 2 },
      { key: 'k3', address: '10.1.0.0', mask: '255.255.0.0', line: 3 },
      { key: '0', address: '10.0.0.4', mask: '255.255.255.255', line: 4 },
      { key: 'k5', address: '10.0.0.5', mask: '255.255.255.255', line: 5 },
    ]);
  });

  it('rejects type 6 keys, hostname peers, bad masks and duplicates', () => {
    expectError(['crypto isakmp key 6 Xyz address 10.0.0.1'], 1, /type 6 is not supported/);
    expectError(['crypto isakmp key k hostname peer.example'], 1, /expected 'address' after the key/);
    expectError(['crypto isakmp key k address 10.0.0.0 0.0.255.255'], 1, /not a contiguous netmask/);
    expectError(['crypto isakmp key k'], 1, /expected 'address'/);
    expectError(['crypto isakmp key a address 10.0.0.1', 'crypto isakmp key b address 10.0.0.1'], 2, /already defined at line 1/);
  });

  it('reads identity (default address), keepalive and disconnect-revoked-peers', () => {
    expect(parse(['crypto isakmp identity dn']).config.isakmpIdentity).toBe('dn');
    expectError(['crypto isakmp identity hostname'], 1, /bad ISAKMP identity 'hostname'/);
    expect(parse(['crypto isakmp keepalive 10']).config.isakmpKeepalive).toEqual({ seconds: 10, retry: 2 });
    expect(parse(['crypto isakmp keepalive 30 5']).config.isakmpKeepalive).toEqual({ seconds: 30, retry: 5 });
    expectError(['crypto isakmp keepalive 5'], 1, /keepalive seconds 5 out of range 10-3600/);
    expect(parse(['crypto isakmp disconnect-revoked-peers']).config.pki.disconnectRevokedPeers).toBe(true);
  });

  it('loads the shared PSK preamble without warnings', () => {
    expect(parse(PSK).warnings).toEqual([]);
  });
});
