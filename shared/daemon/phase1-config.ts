// From IOS configuration to what main mode needs: proposals in priority order and credentials.
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import type { DeviceConfig, IsakmpPolicy } from '../config/types.ts';
import { addrInWildcard } from '../config/acl-match.ts';
import { parseIpv4 } from '../config/ipv4.ts';
import { loadPemCerts } from '../crypto/certs.ts';
import type { CipherName } from '../crypto/cipher.ts';
import type { HashName } from '../crypto/hash.ts';
import type { DhGroupId } from '../crypto/dh.ts';
import type { Phase1Proposal } from '../exchanges/phase1-policy.ts';
import type { Phase1Credentials } from '../exchanges/phase1-auth.ts';

const CIPHER: Record<string, CipherName | undefined> = { '3des': 'des-ede3-cbc', aes: 'aes-128-cbc', 'aes-192': 'aes-192-cbc', 'aes-256': 'aes-256-cbc' };
const HASH: Record<string, HashName> = { md5: 'md5', sha: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

/** A policy we can run, or why not (DES and DH group 1 are accepted by IOS but not offered here). */
export function toProposal(p: IsakmpPolicy): Phase1Proposal | string {
  const cipher = CIPHER[p.encryption];
  if (!cipher) return `isakmp policy ${p.priority}: encryption ${p.encryption} is not supported; policy skipped`;
  if (p.group === 1) return `isakmp policy ${p.priority}: DH group 1 is not supported; policy skipped`;
  return { cipher, hash: HASH[p.hash]!, auth: p.authentication === 'pre-share' ? 'psk' : 'sig', group: p.group as DhGroupId, lifetime: p.lifetime };
}

export interface Phase1Setup { policies: Phase1Proposal[]; credentials: Phase1Credentials; skipped: string[] }

/** IOS's default policy when none is configured (our default: AES-256/SHA-256/PSK/group 14). */
const DEFAULT_POLICY: Phase1Proposal = { cipher: 'aes-256-cbc', hash: 'sha256', auth: 'psk', group: 14, lifetime: 86400 };

/** Peers whose pre-shared key lookup is remembered (bounded: a flood of addresses only empties it). */
const PSK_CACHE_MAX = 65_536;

export function phase1FromConfig(cfg: DeviceConfig): Phase1Setup {
  const skipped: string[] = [];
  const policies: Phase1Proposal[] = [];
  for (const p of cfg.isakmpPolicies) {
    const r = toProposal(p);
    if (typeof r === 'string') skipped.push(r); else policies.push(r);
  }
  if (!cfg.isakmpPolicies.length) policies.push(DEFAULT_POLICY);
  // Addresses parsed once here: the KS looks a key up for every registration.
  const keys = cfg.isakmpKeys.map((k) => ({ ...k, secret: Buffer.from(k.key, 'utf8'), net: parseIpv4(k.address), netmask: parseIpv4(k.mask) }));
  // Most specific match wins, as IOS picks the longest mask.
  const maskBits = (m: string) => m.split('.').reduce((n, o) => n + (Number(o).toString(2).match(/1/g)?.length ?? 0), 0);
  keys.sort((a, b) => maskBits(b.mask) - maskBits(a.mask));
  const pskByPeer = new Map<string, Buffer | null>();
  const credentials: Phase1Credentials = {
    psk: (peer) => {
      // One answer per peer address: the lookup runs on every registration, the keys never change.
      let hit = pskByPeer.get(peer);
      if (hit === undefined) {
        const p = parseIpv4(peer);
        hit = keys.find((k) => (p !== undefined && k.net !== undefined && k.netmask !== undefined
          ? ((p ^ k.net) & k.netmask) === 0
          : addrInWildcard(peer, k.address, invertMask(k.mask))))?.secret ?? null;
        if (pskByPeer.size >= PSK_CACHE_MAX) pskByPeer.clear();
        pskByPeer.set(peer, hit);
      }
      return hit ?? undefined;
    },
    trustedCas: cfg.pki.trustedCas.map((f) => readFileSync(f, 'utf8')),
    identity: cfg.isakmpIdentity,
  };
  if (cfg.pki.certificate && cfg.pki.key) {
    const [der, ...chain] = loadPemCerts(readFileSync(cfg.pki.certificate, 'utf8'));
    if (der) credentials.cert = { der, chain, privateKey: createPrivateKey(readFileSync(cfg.pki.key, 'utf8')) };
  }
  return { policies, credentials, skipped };
}

function invertMask(mask: string): string {
  return mask.split('.').map((o) => String(255 - Number(o))).join('.');
}
