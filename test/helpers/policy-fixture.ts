// A realistic group policy for protocol tests: one AES-256 KEK and two TEKs.
import { randomBytes } from 'node:crypto';
import { generateRsaKey, publicKeyDer } from '../../shared/crypto/rsa.ts';
import type { GroupPolicy } from '../../shared/policy/group-policy.ts';

export const rekeyKey = generateRsaKey(2048);

export function fixturePolicy(now: number, opts: { groupId?: number; seq?: number; transport?: 'unicast' | 'multicast' } = {}): GroupPolicy {
  const transport = opts.transport ?? 'unicast';
  return {
    groupId: opts.groupId ?? 1234, groupName: 'GETVPN', seq: opts.seq ?? 0,
    kek: {
      spi: randomBytes(16), cipher: 'aes-256-cbc', iv: randomBytes(16), key: randomBytes(32), lifetimeSec: 86400,
      createdAt: now, expiresAt: now + 86400_000, sigHash: 'sha256', sigKeyBits: 2048, sigPublicKeyDer: publicKeyDer(rekeyKey.publicKey),
      ackRequested: transport === 'unicast', transport, src: '127.0.0.1', dst: transport === 'unicast' ? '0.0.0.0' : '239.192.1.190', port: 848,
    },
    teks: [1, 2].map((n) => ({
      spi: 0x10000000 + n, transform: { cipher: 'esp-aes' as const, keyBits: 256, auth: 'esp-sha256-hmac' as const },
      encKey: randomBytes(32), authKey: randomBytes(32), lifetimeSec: 3600, createdAt: now, expiresAt: now + 3600_000,
      selectors: [{ protocol: 0, src: { addr: `10.${n}.0.0`, mask: '255.255.0.0', port: 0 }, dst: { addr: '10.0.0.0', mask: '255.0.0.0', port: 0 } }],
      aclName: 'GETVPN-ACL', replay: { kind: 'counter' as const, window: 64 }, mode: 'tunnel' as const, saSeq: n, profile: 'GDOI-P',
    })),
  };
}
