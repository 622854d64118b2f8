// One GDOI group on the key server: its configuration, current policy (KEK, TEKs, SEQ) and members.
import type { KeyObject } from 'node:crypto';
import type { DeviceConfig, GdoiKsGroup } from '../shared/config/types.ts';
import { ESP_KEY_BYTES, AUTH_KEY_BYTES, type EspTransformSpec, type GroupPolicy, type KekCipher, type KekPolicy, type TekPolicy } from '../shared/policy/group-policy.ts';
import { aclToTek } from '../shared/policy/acl-selector.ts';
import type { Clock, Random } from '../shared/time/clock.ts';
import type { GetvpnVersion } from '../shared/policy/version.ts';
import { GdoiError } from '../shared/errors.ts';

export interface SigningKey { name: string; privateKey: KeyObject; publicKeyDer: Buffer; bits: number }

export interface Member {
  address: string;
  identity: string;
  version: GetvpnVersion;
  features: number;
  registeredAt: number;
  /** Rekey bookkeeping (unicast acks, RFC 8263). */
  rekeysSent: number;
  rekeyRetries: number;
  acksReceived: number;
  acksMissed: number;
  consecutiveMissed: number;
  lastAckedSeq: number;
}

const KEK_CIPHER: Record<string, KekCipher> = { 'aes-128': 'aes-128-cbc', 'aes-192': 'aes-192-cbc', 'aes-256': 'aes-256-cbc', '3des': 'des-ede3-cbc' };

export class KsGroup {
  policy: GroupPolicy;
  readonly members = new Map<string, Member>();
  readonly groupId: number;
  /** Rekeys sent; counters for `show crypto gdoi ks rekey`. */
  readonly counters = { rekeysSent: 0, retransmits: 0, acksReceived: 0, acksRejected: 0, lastRekeyDurationMs: 0, lastRekeyRetransmits: 0 };

  constructor(
    readonly cfg: GdoiKsGroup,
    private readonly device: DeviceConfig,
    readonly localAddress: string,
    readonly port: number,
    readonly signingKey: SigningKey | undefined,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {
    if (typeof cfg.identity !== 'number') throw new GdoiError('CONFIG', `group ${cfg.name}: only 'identity number N' is supported`);
    this.groupId = cfg.identity;
    this.policy = { groupId: this.groupId, groupName: cfg.name, seq: 0, kek: this.freshKek(), teks: this.freshTeks() };
  }

  get name(): string { return this.cfg.name; }
  get transport(): 'unicast' | 'multicast' { return this.cfg.local.rekeyTransport; }

  /** Rekey destination for multicast: the first permit of `rekey address ipv4 ACL`. */
  multicastGroup(): string | undefined {
    const acl = this.cfg.local.rekeyAddressAcl;
    const entry = acl ? this.device.acls.get(acl)?.find((e) => e.action === 'permit') : undefined;
    return entry?.dst.addr;
  }

  freshKek(): KekPolicy | undefined {
    if (!this.signingKey) return undefined;   // no rekey key: GMs get TEKs only (IOS: no rekeys)
    const now = this.clock.now();
    const cipher = KEK_CIPHER[this.cfg.local.rekeyAlgorithm]!;
    const keyLen = cipher === 'des-ede3-cbc' ? 24 : Number(cipher.split('-')[1]) / 8;
    const life = this.cfg.local.rekeyLifetime;
    const sigHash = this.cfg.local.rekeySigHash === 'sha' ? 'sha1' : (this.cfg.local.rekeySigHash ?? 'sha256');
    return {
      spi: this.random.bytes(16), cipher, iv: this.random.bytes(cipher === 'des-ede3-cbc' ? 8 : 16), key: this.random.bytes(keyLen),
      lifetimeSec: life, createdAt: now, expiresAt: now + life * 1000, sigHash, sigKeyBits: this.signingKey.bits,
      sigPublicKeyDer: this.signingKey.publicKeyDer, ackRequested: this.transport === 'unicast', transport: this.transport,
      src: this.cfg.local.address ?? this.localAddress, dst: this.transport === 'multicast' ? (this.multicastGroup() ?? '0.0.0.0') : '0.0.0.0', port: this.port,
    };
  }

  freshTeks(): TekPolicy[] {
    const now = this.clock.now();
    return this.cfg.local.sas.map((sa) => {
      const profile = this.device.profiles.get(sa.profile)!;
      const ts = this.device.transformSets.get(profile.transformSet)!;
      const transform = this.tekTransform(ts.esp);
      const acl = this.device.acls.get(sa.matchAcl) ?? [];
      return {
        spi: (this.random.bytes(4).readUInt32BE(0) | 0x100) >>> 0,   // SPIs 0-255 are reserved (RFC 4303 §2.1)
        transform, encKey: this.random.bytes(ESP_KEY_BYTES[transform.cipher](transform.keyBits)),
        authKey: transform.auth ? this.random.bytes(AUTH_KEY_BYTES[transform.auth]) : undefined,
        lifetimeSec: profile.lifetimeSeconds, createdAt: now, expiresAt: now + profile.lifetimeSeconds * 1000,
        ...aclToTek(acl), aclName: sa.matchAcl,
        replay: sa.replay, mode: ts.mode, saSeq: sa.seq, profile: sa.profile,
      };
    });
  }

  private tekTransform(esp: { cipher: string; keyBits: number; auth?: string }): EspTransformSpec {
    if (esp.cipher !== 'esp-aes' && esp.cipher !== 'esp-gcm' && esp.cipher !== 'esp-3des' && esp.cipher !== 'esp-null') {
      throw new GdoiError('CONFIG', `group ${this.cfg.name}: transform ${esp.cipher} cannot be used for a GET VPN TEK`);
    }
    return { cipher: esp.cipher, keyBits: esp.keyBits, auth: esp.auth as EspTransformSpec['auth'] };
  }

  /** Shortest remaining TEK life: the next scheduled TEK rekey is due before it runs out. */
  tekExpiresAt(): number { return Math.min(...this.policy.teks.map((t) => t.expiresAt), Number.MAX_SAFE_INTEGER); }
}
