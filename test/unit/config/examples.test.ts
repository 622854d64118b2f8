// The shipped example configs must load cleanly (no errors, no warnings).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { aclMatches, parseConfig } from '../../../shared/config/index.ts';

const load = (name: string) => {
  const file = fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));
  return parseConfig(readFileSync(file, 'utf8'), file);
};

describe('examples/', () => {
  it('ks.conf is a unicast-rekey key server', () => {
    const { config, warnings } = load('ks.conf');
    expect(warnings).toEqual([]);
    expect(config.hostname).toBe('ks1');
    const g = config.ksGroups[0]!;
    expect(g).toMatchObject({ name: 'GETVPN', identity: 3333 });
    expect(g.local).toMatchObject({
      rekeyAlgorithm: 'aes-256', rekeyTransport: 'unicast', rekeyAuth: { keyName: 'REKEYRSA' }, address: '127.0.0.1', authorizationAcl: '50',
    });
    const sa = g.local.sas[0]!;
    const profile = config.profiles.get(sa.profile)!;
    expect(config.transformSets.get(profile.transformSet)!.esp).toEqual({ cipher: 'esp-aes', keyBits: 256, auth: 'esp-sha256-hmac' });
    const pol = config.acls.get(sa.matchAcl)!;
    expect(aclMatches(pol, { protocol: 6, src: '10.1.4.4', dst: '10.2.5.5', dstPort: 443 })).toBe('permit');
    expect(aclMatches(pol, { protocol: 17, src: '10.1.4.4', dst: '10.2.5.5', srcPort: 848, dstPort: 848 })).toBe('deny');
    expect(aclMatches(config.acls.get('50')!, { protocol: 17, src: '127.0.0.11', dst: '127.0.0.1' })).toBe('permit');
  });

  it('gm1.conf is a member of the same group', () => {
    const { config, warnings } = load('gm1.conf');
    expect(warnings).toEqual([]);
    expect(config.gmGroups).toEqual([{ name: 'GETVPN', identity: 3333, servers: ['127.0.0.1', '127.0.0.2'], registrationAddress: '127.0.0.11', line: 19 }]);
    expect(config.cryptoMaps[0]).toMatchObject({ group: 'GETVPN', localDenyAcl: 'DO-NOT-ENCRYPT' });
    expect(config.interfaces.get('lo')).toMatchObject({ address: '127.0.0.11', cryptoMap: 'GETVPN-MAP' });
    expect(config.isakmpKeys.map((k) => k.address)).toEqual(['127.0.0.1', '127.0.0.2']);
  });
});
