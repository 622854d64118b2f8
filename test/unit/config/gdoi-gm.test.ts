import { describe, expect, it } from 'vitest';
import { expectError, parse, PSK } from './helpers.ts';

const L = PSK.length;   // 6: the group starts on line 7
const GROUP = ['crypto gdoi group G', ' identity number 88888', ' server address ipv4 10.0.0.1', ' server address ipv4 10.0.0.2'];

describe('crypto gdoi group (member)', () => {
  it('keeps key servers in preference order', () => {
    const { config, warnings } = parse([...PSK, ...GROUP]);
    expect(config.gmGroups).toEqual([{ name: 'G', identity: 88888, servers: ['10.0.0.1', '10.0.0.2'], line: L + 1 }]);
    expect(config.ksGroups).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('reads client registration address (extension) and interface', () => {
    expect(parse([...PSK, ...GROUP, ' client registration address ipv4 10.0.0.9']).config.gmGroups[0]!.registrationAddress).toBe('10.0.0.9');
    const g = parse([...PSK, ...GROUP, ' client registration interface FastEthernet0/0.10']).config.gmGroups[0]!;
    expect(g.registrationInterface).toBe('FastEthernet0/0.10');
    expect(g.registrationAddress).toBeUndefined();
  });

  it('rejects repeated or malformed member lines', () => {
    expectError([...PSK, ...GROUP, ' server address ipv4 10.0.0.1'], L + 5, /key server 10.0.0.1 listed twice/);
    expectError([...PSK, ...GROUP, ' server address 10.0.0.3'], L + 5, /expected 'ipv4', got '10.0.0.3'/);
    expectError([...PSK, ...GROUP, ' server address ipv4 10.0.0.3', '  rekey lifetime seconds 600'], L + 6, /'server' \(line 11\) has no sub-mode/);
    expectError([...PSK, ...GROUP, ' client registration interface lo', ' client registration address ipv4 10.0.0.9'], L + 6, /client registration already set at line 11/);
    expectError([...PSK, ...GROUP, ' client registration vrf X'], L + 5, /bad registration source 'vrf'/);
    expectError([...PSK, ...GROUP, ' passive'], L + 5, /unknown or unsupported command 'passive' in crypto gdoi group/);
  });
});

describe('crypto map ... gdoi', () => {
  const ACL = ['ip access-list extended LOCAL', ' deny tcp any any eq 22'];
  const at = L + GROUP.length + ACL.length;   // line before `crypto map`

  it('binds a member group and a local deny ACL', () => {
    const { config, warnings } = parse([...PSK, ...GROUP, ...ACL, 'crypto map M 10 gdoi', ' set group G', ' match address LOCAL', 'crypto map M 20 gdoi', ' set group G']);
    expect(config.cryptoMaps).toEqual([
      { name: 'M', seq: 10, group: 'G', localDenyAcl: 'LOCAL', line: at + 1 },
      { name: 'M', seq: 20, group: 'G', line: at + 4 },
    ]);
    expect(warnings).toEqual([]);
  });

  it('warns that permits in the local ACL are ignored', () => {
    const r = parse([...PSK, ...GROUP, ...ACL, ' permit ip any any', 'crypto map M 10 gdoi', ' set group G', ' match address LOCAL']);
    expect(r.warnings).toEqual([{ line: at + 4, message: 'permit entries of local ACL LOCAL are ignored; only deny entries apply' }]);
  });

  it('checks the group and ACL references at the referencing line', () => {
    expectError([...PSK, ...GROUP, 'crypto map M 10 gdoi', ' set group NOPE'], L + 6, /GDOI group 'NOPE' is not defined/);
    expectError([...PSK, ...GROUP, 'crypto map M 10 gdoi', ' set group G', ' match address NOPE'], L + 7, /access list 'NOPE' is not defined/);
    const ks = ['crypto ipsec transform-set T esp-gcm 256', 'crypto gdoi group K', ' identity number 1', ' server local', 'crypto map M 10 gdoi', ' set group K'];
    expectError([...PSK, ...ks], L + 6, /'K' is a key server group/);
  });

  it('rejects non-gdoi maps, a missing group and repeated lines', () => {
    expectError(['crypto map M 10 ipsec-isakmp'], 1, /only 'gdoi' maps are supported/);
    expectError(['crypto map M gdoi'], 1, /bad crypto map sequence 'gdoi'/);
    expectError(['crypto map M 10 gdoi', ' match address X'], 1, /crypto map M 10 has no 'set group'/);
    expectError(['crypto map M 10 gdoi', ' set group A', ' set group B'], 3, /group already set at line 2/);
    expectError(['crypto map M 10 gdoi', ' set peer 10.0.0.1'], 2, /expected 'group', got 'peer'/);
    expectError(['crypto map M 10 gdoi', ' set group G', 'crypto map M 10 gdoi', ' set group G'], 3, /crypto map M 10 already defined at line 1/);
  });
});

describe('interface', () => {
  it('reads address, crypto map, description and shutdown', () => {
    const { config } = parse([
      ...PSK, ...GROUP, 'crypto map M 10 gdoi', ' set group G',
      'interface GigabitEthernet 0/1', ' description WAN link to the KS', ' ip address 10.0.0.9 255.255.255.0', ' crypto map M', ' shutdown',
      'interface Loopback0', ' no shutdown',
    ]);
    expect(config.interfaces.get('GigabitEthernet0/1')).toEqual({
      name: 'GigabitEthernet0/1', description: 'WAN link to the KS', address: '10.0.0.9', mask: '255.255.255.0', cryptoMap: 'M', shutdown: true, line: L + 7,
    });
    expect(config.interfaces.get('Loopback0')).toEqual({ name: 'Loopback0', shutdown: false, line: L + 12 });
  });

  it('rejects unknown maps, bad masks, repeats and other interface commands', () => {
    expectError(['interface e0', ' crypto map NOPE'], 2, /crypto map 'NOPE' is not defined/);
    expectError(['interface e0', ' ip address 10.0.0.1 255.0.255.0'], 2, /not a contiguous netmask/);
    expectError(['interface e0', ' ip address 10.0.0.1 255.0.0.0', ' ip address 10.0.0.2 255.0.0.0'], 3, /already has an address/);
    expectError(['interface e0', ' ip address 10.0.0.1 255.0.0.0 secondary'], 2, /unexpected 'secondary'/);
    expectError(['interface e0', ' mtu 1400'], 2, /unknown or unsupported command 'mtu 1400' in interface/);
    expectError(['interface e0', 'interface e0'], 2, /interface e0 already defined at line 1/);
  });
});
