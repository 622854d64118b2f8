// The group policy a KS hands out and a GM installs: KEK, TEKs and the rekey sequence number.
// This is the protocol-neutral model; sa-kd.ts turns it into SA (KEK/TEK) and KD payloads.

export type EspCipher = 'esp-aes' | 'esp-gcm' | 'esp-3des' | 'esp-null';
export type EspAuth = 'esp-sha-hmac' | 'esp-sha256-hmac' | 'esp-sha384-hmac' | 'esp-sha512-hmac' | 'esp-md5-hmac';

export interface EspTransformSpec {
  cipher: EspCipher;
  keyBits: number;          // 128/192/256 for AES, 192 for 3DES, 0 for NULL
  auth?: EspAuth;           // absent for GCM (combined mode)
}

/** A traffic selector downloaded with a TEK (one permit ACE of the `match address` ACL). */
export interface TrafficSelector {
  protocol: number;          // 0 = any
  src: { addr: string; mask: string; port: number };
  dst: { addr: string; mask: string; port: number };
}

/**
 * A deny ACE of the `match address` ACL: traffic it matches is sent in the clear, and the ACL is
 * read in order, so it carries its place: `before` = how many of the TEK's permit selectors
 * come ahead of it (0 = ahead of all of them).
 */
export interface DenyAce {
  before: number;
  selector: TrafficSelector;
}

export type ReplayPolicy = { kind: 'counter'; window: number } | { kind: 'time'; window: number } | { kind: 'none' };

export interface TekPolicy {
  spi: number;               // u32
  transform: EspTransformSpec;
  encKey: Buffer;            // cipher key (GCM: key || 4-octet salt, RFC 4106 §8.1)
  authKey?: Buffer;          // HMAC key
  lifetimeSec: number;       // configured lifetime
  createdAt: number;         // ms epoch at the KS
  expiresAt: number;         // ms epoch
  selectors: TrafficSelector[];
  /** The ACL's deny ACEs, in order among the permits (absent: none). */
  denies?: DenyAce[];
  aclName: string;
  replay: ReplayPolicy;
  mode: 'tunnel' | 'transport';
  /** `sa ipsec N` this TEK came from. */
  saSeq: number;
  profile: string;
}

export type KekCipher = 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';

export interface KekPolicy {
  spi: Buffer;               // 16 octets; the PUSH cookie pair
  cipher: KekCipher;
  iv: Buffer;                // explicit IV sent ahead of the key in KEK_ALGORITHM_KEY
  key: Buffer;
  lifetimeSec: number;
  createdAt: number;
  expiresAt: number;
  sigHash: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  sigKeyBits: number;
  sigPublicKeyDer: Buffer;   // SubjectPublicKeyInfo of the KS rekey key
  /** RFC 8263 ack requested (unicast rekeys). */
  ackRequested: boolean;
  transport: 'unicast' | 'multicast';
  /** Rekey source (KS address) and destination (multicast group, or 0.0.0.0 for unicast). */
  src: string;
  dst: string;
  port: number;
}

export interface GroupPolicy {
  groupId: number;
  groupName: string;
  kek?: KekPolicy;
  teks: TekPolicy[];
  /** Last rekey sequence number used (PULL msg 4 carries it; the next PUSH is larger). */
  seq: number;
}

export const ESP_KEY_BYTES: Record<EspCipher, (bits: number) => number> = {
  'esp-aes': (b) => b / 8,
  'esp-gcm': (b) => b / 8 + 4,
  'esp-3des': () => 24,
  'esp-null': () => 0,
};
export const AUTH_KEY_BYTES: Record<EspAuth, number> = {
  'esp-md5-hmac': 16, 'esp-sha-hmac': 20, 'esp-sha256-hmac': 32, 'esp-sha384-hmac': 48, 'esp-sha512-hmac': 64,
};

/** IOS prints transforms like `esp-256-aes esp-sha256-hmac`. */
export function transformName(t: EspTransformSpec): string {
  const c = t.cipher === 'esp-aes' ? `esp-${t.keyBits}-aes` : t.cipher === 'esp-gcm' ? `esp-${t.keyBits}-gcm` : t.cipher;
  return t.auth ? `${c} ${t.auth}` : c;
}

export function remainingSec(expiresAt: number, now: number): number {
  return Math.max(0, Math.floor((expiresAt - now) / 1000));
}

/** The TEK's ACL as configured on the KS: permits and denies in their original order. */
export function tekAces(t: Pick<TekPolicy, 'selectors' | 'denies'>): Array<{ action: 'permit' | 'deny'; selector: TrafficSelector }> {
  const out: Array<{ action: 'permit' | 'deny'; selector: TrafficSelector }> = [];
  const denies = t.denies ?? [];
  let d = 0;
  for (let i = 0; i <= t.selectors.length; i++) {
    while (d < denies.length && denies[d]!.before <= i) out.push({ action: 'deny', selector: denies[d++]!.selector });
    if (i < t.selectors.length) out.push({ action: 'permit', selector: t.selectors[i]! });
  }
  return out;
}
