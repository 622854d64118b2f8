import { describe, expect, it } from 'vitest';
import { aclMatches, addrInWildcard, validateAclWildcard } from '../../../shared/config/index.ts';
import { expectError, parse } from './helpers.ts';

const ANY = { addr: '0.0.0.0', wildcard: '255.255.255.255' };
const acl = (lines: string[], name = 'A') => parse(['ip access-list extended A', ...lines.map((l) => ` ${l}`)]).config.acls.get(name)!;

describe('extended ACL parsing', () => {
  it('reads any, host and address/wildcard, protocols by name and number', () => {
    const e = acl(['permit ip any any', 'deny esp host 10.0.0.1 10.2.0.0 0.0.255.255', 'permit 47 any any', 'deny ahp any any log']);
    expect(e[0]).toEqual({ seq: 10, action: 'permit', protocol: 0, src: ANY, dst: ANY, log: false, line: 2 });
    expect(e[1]).toEqual({ seq: 20, action: 'deny', protocol: 50, src: { addr: '10.0.0.1', wildcard: '0.0.0.0' }, dst: { addr: '10.2.0.0', wildcard: '0.0.255.255' }, log: false, line: 3 });
    expect(e[2]!.protocol).toBe(47);
    expect(e[3]).toMatchObject({ protocol: 51, log: true });
  });

  it.each([
    ['permit udp any eq 848 any eq 848', { srcPort: { op: 'eq', ports: [848] }, dstPort: { op: 'eq', ports: [848] } }],
    ['deny udp any eq isakmp any eq non500-isakmp', { srcPort: { op: 'eq', ports: [500] }, dstPort: { op: 'eq', ports: [4500] } }],
    ['deny tcp any any eq bgp', { dstPort: { op: 'eq', ports: [179] } }],
    ['deny udp any any eq ntp syslog 3784', { dstPort: { op: 'eq', ports: [123, 514, 3784] } }],
    ['deny udp any any range 3784 3785', { dstPort: { op: 'range', ports: [3784, 3785] } }],
    ['deny tcp any gt 1023 any lt 1024', { srcPort: { op: 'gt', ports: [1023] }, dstPort: { op: 'lt', ports: [1024] } }],
    ['deny tcp any neq 22 host 10.0.0.1', { srcPort: { op: 'neq', ports: [22] } }],
  ])('reads ports in %s', (line, ports) => {
    expect(acl([line])[0]).toMatchObject(ports);
  });

  it('keeps sequence order: explicit numbers, then last + 10', () => {
    const e = acl(['20 permit ip any any', '5 deny ospf any any', 'deny pim any 224.0.0.0 0.0.0.255']);
    expect(e.map((x) => [x.seq, x.line])).toEqual([[5, 3], [20, 2], [30, 4]]);
  });

  it('clears address bits under the wildcard, with a warning', () => {
    const { config, warnings } = parse(['ip access-list extended A', ' permit ip 10.1.1.1 0.0.0.255 any']);
    expect(config.acls.get('A')![0]!.src).toEqual({ addr: '10.1.1.0', wildcard: '0.0.0.255' });
    expect(warnings).toEqual([{ line: 2, message: 'source 10.1.1.1 has bits set under wildcard 0.0.0.255; using 10.1.1.0' }]);
  });

  it('skips remarks and keeps an empty ACL', () => {
    expect(acl(['remark only a remark'])).toEqual([]);
  });

  it.each([
    ['permit ip any', 2, /missing destination/],
    ['permit foo any any', 2, /bad protocol 'foo'/],
    ['permit 256 any any', 2, /bad protocol '256'/],
    ['permit ip any eq 80 any', 2, /port match 'eq' needs protocol tcp or udp/],
    ['permit tcp any any eq 70000', 2, /bad port '70000'/],
    ['permit tcp any any eq gopher', 2, /bad port 'gopher'/],
    ['permit tcp any any range 90 80', 2, /port range 90-80 is reversed/],
    ['permit tcp any any established', 2, /unsupported ACL option 'established'/],
    ['permit icmp any any echo', 2, /unsupported ACL option 'echo'/],
    ['permit ip object-group X any', 2, /bad source 'object-group'/],
    ['permit ip 10.0.0.0 any', 2, /bad source wildcard 'any'/],
    ['permit ip host 10.0.0 any', 2, /bad source host '10.0.0'/],
    ['allow ip any any', 2, /unknown or unsupported command 'allow ip \.\.\.' in access list A/],
  ])('rejects %s', (line, no, msg) => {
    expectError(['ip access-list extended A', ` ${line}`], no, msg);
  });

  it('rejects a reused sequence number and a bad ACL type', () => {
    expectError(['ip access-list extended A', ' 10 permit ip any any', ' 10 deny ip any any'], 3, /sequence 10 of ACL A already used at line 2/);
    expectError(['ip access-list ipv6 A'], 1, /bad ACL type 'ipv6'/);
  });
});

describe('standard and numbered ACLs', () => {
  it('reads standard entries as protocol 0 with destination any', () => {
    const e = parse(['ip access-list standard GMS', ' permit 10.0.0.0 0.0.0.255', ' permit host 10.9.9.9', ' deny 10.8.8.8 log', ' permit any']).config.acls.get('GMS')!;
    expect(e.map((x) => [x.action, x.protocol, x.src, x.dst, x.log])).toEqual([
      ['permit', 0, { addr: '10.0.0.0', wildcard: '0.0.0.255' }, ANY, false],
      ['permit', 0, { addr: '10.9.9.9', wildcard: '0.0.0.0' }, ANY, false],
      ['deny', 0, { addr: '10.8.8.8', wildcard: '0.0.0.0' }, ANY, true],
      ['permit', 0, ANY, ANY, false],
    ]);
  });

  it('reads numbered standard and extended lists, appending in order', () => {
    const { config } = parse(['access-list 10 permit 10.0.0.1', 'access-list 10 remark x', 'access-list 10 deny any', 'access-list 101 permit udp host 10.0.0.1 eq 848 host 239.1.1.1 eq 848', 'access-list 2001 deny ip any any']);
    expect(config.acls.get('10')!.map((e) => [e.seq, e.action, e.line])).toEqual([[10, 'permit', 1], [20, 'deny', 3]]);
    expect(config.acls.get('101')![0]).toMatchObject({ protocol: 17, dst: { addr: '239.1.1.1', wildcard: '0.0.0.0' } });
    expect(config.acls.get('2001')).toHaveLength(1);
  });

  it('rejects numbers outside the IP ranges and bad actions', () => {
    expectError(['access-list 200 permit ip any any'], 1, /access list number 200 is neither standard/);
    expectError(['access-list 3000 permit ip any any'], 1, /access list number 3000 out of range 1-2699/);
    expectError(['access-list 10 dynamic x'], 1, /bad ACL action 'dynamic'/);
    expectError(['access-list 101 permit ip any'], 1, /missing destination/);
  });
});

describe('ACL matching', () => {
  it('tests addresses against IOS wildcards', () => {
    expect(addrInWildcard('10.1.2.3', '10.1.0.0', '0.0.255.255')).toBe(true);
    expect(addrInWildcard('10.2.2.3', '10.1.0.0', '0.0.255.255')).toBe(false);
    expect(addrInWildcard('10.1.5.9', '10.1.0.9', '0.0.255.0')).toBe(true);       // non-contiguous
    expect(addrInWildcard('10.1.5.8', '10.1.0.9', '0.0.255.0')).toBe(false);
    expect(addrInWildcard('1.2.3.4', '0.0.0.0', '255.255.255.255')).toBe(true);
    expect(() => addrInWildcard('1.2.3', '0.0.0.0', '0.0.0.0')).toThrow(TypeError);
  });

  it('validates wildcards', () => {
    expect(validateAclWildcard('10.0.0.0', '0.0.255.255', { contiguous: true, exact: true })).toBeUndefined();
    expect(validateAclWildcard('10.0.0.0', '0.255.0.255', { contiguous: true })).toMatch(/not contiguous/);
    expect(validateAclWildcard('10.0.0.0', '0.255.0.255')).toBeUndefined();
    expect(validateAclWildcard('10.0.0.1', '0.0.0.255', { exact: true })).toMatch(/bits set under wildcard/);
    expect(validateAclWildcard('10.0.0', '0.0.0.255')).toMatch(/not an IPv4 address/);
    expect(validateAclWildcard('10.0.0.0', '0.0.0.256')).toMatch(/not a dotted quad/);
  });

  it('returns the first matching entry, or none', () => {
    const e = acl(['deny udp any eq 848 any eq 848', 'deny tcp any any range 20 23', 'permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255', 'permit tcp any any gt 1023']);
    expect(aclMatches(e, { protocol: 17, src: '10.1.0.1', dst: '10.2.0.1', srcPort: 848, dstPort: 848 })).toBe('deny');
    expect(aclMatches(e, { protocol: 17, src: '10.1.0.1', dst: '10.2.0.1', srcPort: 848, dstPort: 849 })).toBe('permit');
    expect(aclMatches(e, { protocol: 6, src: '10.1.0.1', dst: '10.2.0.1', dstPort: 22 })).toBe('deny');
    expect(aclMatches(e, { protocol: 6, src: '10.1.0.1', dst: '10.2.0.1' })).toBe('permit');
    expect(aclMatches(e, { protocol: 6, src: '10.9.0.1', dst: '10.2.0.1', dstPort: 2000 })).toBe('permit');
    expect(aclMatches(e, { protocol: 6, src: '10.9.0.1', dst: '10.2.0.1', dstPort: 80 })).toBe('none');
    expect(aclMatches(e, { protocol: 1, src: '10.2.0.1', dst: '10.1.0.1' })).toBe('none');
    expect(aclMatches([], { protocol: 0, src: '1.1.1.1', dst: '2.2.2.2' })).toBe('none');
  });

  it('matches a standard authorization ACL on the source address', () => {
    const gms = parse(['access-list 50 deny host 10.0.0.66', 'access-list 50 permit 10.0.0.0 0.0.0.255']).config.acls.get('50')!;
    const reg = (src: string) => aclMatches(gms, { protocol: 17, src, dst: '10.9.9.9', srcPort: 848, dstPort: 848 });
    expect([reg('10.0.0.5'), reg('10.0.0.66'), reg('10.0.1.5')]).toEqual(['permit', 'deny', 'none']);
  });

  it('applies neq, and a port test needs a port', () => {
    const e = acl(['permit udp any neq 53 any']);
    expect(aclMatches(e, { protocol: 17, src: '1.1.1.1', dst: '2.2.2.2', srcPort: 54 })).toBe('permit');
    expect(aclMatches(e, { protocol: 17, src: '1.1.1.1', dst: '2.2.2.2', srcPort: 53 })).toBe('none');
    expect(aclMatches(e, { protocol: 17, src: '1.1.1.1', dst: '2.2.2.2' })).toBe('none');
  });
});
