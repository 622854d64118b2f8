// Pre-shared key lookup (`crypto isakmp key K address A [MASK]`): the most specific match wins.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/index.ts';
import { phase1FromConfig } from '../../../shared/daemon/phase1-config.ts';

const { config } = parseConfig([
  'crypto isakmp policy 10',
  ' encr aes 256',
  ' hash sha256',
  ' authentication pre-share',
  ' group 19',
  'crypto isakmp key wide address 127.0.0.0 255.0.0.0',
  'crypto isakmp key narrow address 127.0.5.0 255.255.255.0',
  'crypto isakmp key host address 127.0.5.7',
  'crypto isakmp key anyone address 0.0.0.0 0.0.0.0',
  '',
].join('\n'), 'psk.conf');
const { credentials } = phase1FromConfig(config);
const psk = (peer: string) => credentials.psk(peer)?.toString();

describe('phase-1 pre-shared key lookup', () => {
  it('picks the longest mask that covers the peer', () => {
    expect(psk('127.0.5.7')).toBe('host');
    expect(psk('127.0.5.8')).toBe('narrow');
    expect(psk('127.9.0.1')).toBe('wide');
    expect(psk('10.1.1.1')).toBe('anyone');
  });

  it('finds no key when nothing covers the peer', () => {
    const only = phase1FromConfig(parseConfig('crypto isakmp key k address 127.0.5.0 255.255.255.0\n', 'k.conf').config).credentials;
    expect(only.psk('127.0.6.1')).toBeUndefined();
    expect(only.psk('127.0.5.255')?.toString()).toBe('k');
  });
});
