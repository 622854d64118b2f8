// Rekey signing keys (`rekey authentication mypubkey rsa LABEL`): RSA key pairs kept as PEM
// files under the state directory (mode 0600), generated once, like IOS's NVRAM key store.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceConfig } from '../shared/config/types.ts';
import { publicKeyDer } from '../shared/crypto/rsa.ts';
import type { SigningKey } from './ks-group.ts';

export function keyPath(stateDir: string, label: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(label)) throw new Error(`bad key label ${label}`);
  return join(stateDir, 'keys', `${label}.pem`);
}

function toSigningKey(name: string, privateKey: KeyObject): SigningKey {
  const pub = createPublicKey(privateKey);
  return { name, privateKey, publicKeyDer: publicKeyDer(pub), bits: pub.asymmetricKeyDetails?.modulusLength ?? 0 };
}

/** Generates (and stores) an RSA key pair: `crypto key generate rsa label NAME modulus BITS`. */
export function generateSigningKey(stateDir: string, label: string, bits: number): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const path = keyPath(stateDir, label);
  mkdirSync(join(stateDir, 'keys'), { recursive: true, mode: 0o700 });
  writeFileSync(`${path}.tmp`, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  return toSigningKey(label, privateKey);
}

/** Loads every key the configuration declares; a declared-but-missing generated key is made now. */
export function loadSigningKeys(cfg: DeviceConfig, stateDir: string, onGenerated: (label: string, bits: number) => void): Map<string, SigningKey> {
  const out = new Map<string, SigningKey>();
  for (const decl of cfg.rsaKeys.values()) {
    if (decl.source === 'file') {
      out.set(decl.label, toSigningKey(decl.label, createPrivateKey(readFileSync(decl.path, 'utf8'))));
      continue;
    }
    const path = keyPath(stateDir, decl.label);
    if (existsSync(path)) out.set(decl.label, toSigningKey(decl.label, createPrivateKey(readFileSync(path, 'utf8'))));
    else { out.set(decl.label, generateSigningKey(stateDir, decl.label, decl.modulus)); onGenerated(decl.label, decl.modulus); }
  }
  // Keys generated from the CLI earlier (not in the config) are loaded too.
  for (const g of cfg.ksGroups) {
    const label = g.local.rekeyAuth?.keyName;
    if (label && !out.has(label) && existsSync(keyPath(stateDir, label))) {
      out.set(label, toSigningKey(label, createPrivateKey(readFileSync(keyPath(stateDir, label), 'utf8'))));
    }
  }
  return out;
}
