// GDOI SA + KD payloads -> the policy a GM installs (RFC 6407 §5.3-5.6). Every value is checked:
// a KS (or a forger) must not be able to make the GM install something half-formed.
import { attrBuffer, attrNumber, findAttr } from '../wire/attributes.ts';
import { bytesToIpv4 } from '../wire/id-data.ts';
import { EncapsulationMode, EspTransform, IdType, IpsecAttr, IpsecAuthAlg, KdType, KekAlgorithm, KekAttr, KekKdAttr, PrivateTekAttr, ReplayMethod, SigHashAlgorithm, TekKdAttr } from '../wire/registry.ts';
import type { GdoiSelector, KdPayload, SaGdoiPayload, SaKekPayload, SaTekIpsecPayload, Attribute } from '../wire/types.ts';
import { VerifyError } from '../errors.ts';
import { decodeDenyAces } from './deny-aces.ts';
import { AUTH_KEY_BYTES, ESP_KEY_BYTES, type EspAuth, type EspTransformSpec, type GroupPolicy, type KekCipher, type KekPolicy, type ReplayPolicy, type TekPolicy } from './group-policy.ts';

const AUTH_BY_CODE: Record<number, EspAuth> = {
  [IpsecAuthAlg.HMAC_MD5]: 'esp-md5-hmac', [IpsecAuthAlg.HMAC_SHA]: 'esp-sha-hmac', [IpsecAuthAlg.HMAC_SHA2_256]: 'esp-sha256-hmac',
  [IpsecAuthAlg.HMAC_SHA2_384]: 'esp-sha384-hmac', [IpsecAuthAlg.HMAC_SHA2_512]: 'esp-sha512-hmac',
};
const SIG_HASH_BY_CODE: Record<number, KekPolicy['sigHash']> = {
  [SigHashAlgorithm.SHA1]: 'sha1', [SigHashAlgorithm.SHA256]: 'sha256', [SigHashAlgorithm.SHA384]: 'sha384', [SigHashAlgorithm.SHA512]: 'sha512',
};

function bad(msg: string): never { throw new VerifyError('BAD_POLICY', msg); }
function num(list: Attribute[], type: number): number | undefined { const a = findAttr(list, type); return a ? attrNumber(a) : undefined; }

function sel(s: GdoiSelector): { addr: string; mask: string; port: number } {
  if (s.idType === IdType.IPV4_ADDR && s.data.length === 4) return { addr: bytesToIpv4(s.data), mask: '255.255.255.255', port: s.port };
  if (s.idType === IdType.IPV4_ADDR_SUBNET && s.data.length === 8) return { addr: bytesToIpv4(s.data.subarray(0, 4)), mask: bytesToIpv4(s.data.subarray(4)), port: s.port };
  return bad(`unsupported selector type ${IdType.nameOf(s.idType)}`);
}

function transformOf(sat: SaTekIpsecPayload): EspTransformSpec {
  const keyBits = num(sat.attributes, IpsecAttr.KEY_LENGTH);
  const authCode = num(sat.attributes, IpsecAttr.AUTH_ALGORITHM);
  const auth = authCode === undefined ? undefined : AUTH_BY_CODE[authCode] ?? bad(`auth algorithm ${authCode} not supported`);
  switch (sat.transformId) {
    case EspTransform.ESP_AES_CBC:
      if (keyBits !== 128 && keyBits !== 192 && keyBits !== 256) bad('AES TEK needs a key length of 128, 192 or 256');
      return { cipher: 'esp-aes', keyBits, auth };
    case EspTransform.ESP_AES_GCM_16:
      if (keyBits !== 128 && keyBits !== 256 && keyBits !== 192) bad('GCM TEK needs a key length');
      return { cipher: 'esp-gcm', keyBits };
    case EspTransform.ESP_3DES: return { cipher: 'esp-3des', keyBits: 192, auth };
    case EspTransform.ESP_NULL: return { cipher: 'esp-null', keyBits: 0, auth };
    default: return bad(`ESP transform ${EspTransform.nameOf(sat.transformId)} not supported`);
  }
}

function replayOf(attrs: Attribute[]): ReplayPolicy {
  const m = num(attrs, PrivateTekAttr.REPLAY_METHOD);
  const w = num(attrs, PrivateTekAttr.REPLAY_WINDOW) ?? 64;
  if (m === ReplayMethod.NONE) return { kind: 'none' };
  if (m === ReplayMethod.TIME) return { kind: 'time', window: w };
  return { kind: 'counter', window: w };
}

export function tekFromSat(sats: SaTekIpsecPayload[], kd: KdPayload, now: number): TekPolicy {
  const first = sats[0]!;
  const transform = transformOf(first);
  const life = num(first.attributes, IpsecAttr.SA_LIFE_DURATION) ?? 3600;
  if (life <= 0) bad('TEK lifetime must be positive');
  const packet = kd.packets.find((p) => p.kdType === KdType.TEK && p.spi.equals(first.spi));
  if (!packet) bad(`no TEK key packet for SPI 0x${first.spi.toString('hex')}`);
  const encKeyAttr = findAttr(packet.attributes, TekKdAttr.TEK_ALGORITHM_KEY);
  const authKeyAttr = findAttr(packet.attributes, TekKdAttr.TEK_INTEGRITY_KEY);
  const encKey = encKeyAttr ? attrBuffer(encKeyAttr) : Buffer.alloc(0);
  if (encKey.length !== ESP_KEY_BYTES[transform.cipher](transform.keyBits)) bad(`TEK key is ${encKey.length} octets, ${transform.cipher} ${transform.keyBits} needs ${ESP_KEY_BYTES[transform.cipher](transform.keyBits)}`);
  const authKey = authKeyAttr ? attrBuffer(authKeyAttr) : undefined;
  if (transform.auth && authKey?.length !== AUTH_KEY_BYTES[transform.auth]) bad(`TEK integrity key must be ${AUTH_KEY_BYTES[transform.auth]} octets`);
  const mode = num(first.attributes, IpsecAttr.ENCAPSULATION_MODE) === EncapsulationMode.TRANSPORT ? 'transport' : 'tunnel';
  const selectors = sats.map((s) => ({ protocol: s.protocol, src: sel(s.src), dst: sel(s.dst) }));
  const denyAttrs = sats.map((s) => findAttr(s.attributes, PrivateTekAttr.ACL_DENY)).filter((a) => a !== undefined);
  if (denyAttrs.length > 1) bad(`TEK 0x${first.spi.toString('hex')} carries its deny ACEs more than once`);
  const denies = denyAttrs.length ? decodeDenyAces(attrBuffer(denyAttrs[0]!), selectors.length) : undefined;
  return {
    spi: first.spi.readUInt32BE(0), transform, encKey, authKey, lifetimeSec: life, createdAt: now, expiresAt: now + life * 1000,
    selectors, ...(denies ? { denies } : {}),
    aclName: '', replay: replayOf(first.attributes), mode, saSeq: 0, profile: '',
  };
}

export function kekFromSak(sak: SaKekPayload, kd: KdPayload, now: number): KekPolicy {
  const alg = num(sak.attributes, KekAttr.KEK_ALGORITHM);
  const bits = num(sak.attributes, KekAttr.KEK_KEY_LENGTH) ?? 128;
  let cipher: KekCipher;
  if (alg === KekAlgorithm.AES && (bits === 128 || bits === 192 || bits === 256)) cipher = `aes-${bits}-cbc` as KekCipher;
  else if (alg === KekAlgorithm.DES3) cipher = 'des-ede3-cbc';
  else bad(`KEK algorithm ${alg ?? 'missing'}/${bits} not supported`);
  const ivLen = cipher === 'des-ede3-cbc' ? 8 : 16;
  const keyLen = cipher === 'des-ede3-cbc' ? 24 : bits / 8;
  const life = num(sak.attributes, KekAttr.KEK_KEY_LIFETIME) ?? 86400;
  const sigHash = SIG_HASH_BY_CODE[num(sak.attributes, KekAttr.SIG_HASH_ALGORITHM) ?? SigHashAlgorithm.SHA256] ?? bad('signature hash not supported');
  const packet = kd.packets.find((p) => p.kdType === KdType.KEK && p.spi.equals(sak.spi));
  if (!packet) bad('no KEK key packet for the SA KEK SPI');
  const keyAttr = findAttr(packet.attributes, KekKdAttr.KEK_ALGORITHM_KEY);
  const pubAttr = findAttr(packet.attributes, KekKdAttr.SIG_ALGORITHM_KEY);
  const ivKey = keyAttr ? attrBuffer(keyAttr) : Buffer.alloc(0);
  if (ivKey.length !== ivLen + keyLen) bad(`KEK_ALGORITHM_KEY must be IV (${ivLen}) + key (${keyLen}) octets`);
  if (!pubAttr) bad('KEK packet carries no rekey verification key');
  const dst = sel(sak.dst).addr;
  return {
    spi: sak.spi, cipher, iv: ivKey.subarray(0, ivLen), key: ivKey.subarray(ivLen), lifetimeSec: life, createdAt: now, expiresAt: now + life * 1000,
    sigHash, sigKeyBits: num(sak.attributes, KekAttr.SIG_KEY_LENGTH) ?? 0, sigPublicKeyDer: attrBuffer(pubAttr),
    ackRequested: findAttr(sak.attributes, KekAttr.KEK_ACK_REQUESTED) !== undefined,
    transport: isMulticast(dst) ? 'multicast' : 'unicast', src: sel(sak.src).addr, dst, port: sak.src.port,
  };
}

function isMulticast(a: string): boolean { const o = Number(a.split('.')[0]); return o >= 224 && o <= 239; }

/** Builds the installed policy from a PULL's SA + SEQ + KD (or a PUSH's). */
export function policyFromSaKd(sa: SaGdoiPayload, kd: KdPayload, seq: number, groupId: number, groupName: string, now: number): GroupPolicy {
  const sak = sa.policies.find((p): p is SaKekPayload => p.type === 15 && 'spi' in p && 'src' in p);
  const sats = sa.policies.filter((p): p is SaTekIpsecPayload => p.type === 16 && 'transformId' in p);
  const bySpi = new Map<string, SaTekIpsecPayload[]>();
  for (const s of sats) { const k = s.spi.toString('hex'); bySpi.set(k, [...(bySpi.get(k) ?? []), s]); }
  return {
    groupId, groupName, seq,
    kek: sak ? kekFromSak(sak, kd, now) : undefined,
    teks: [...bySpi.values()].map((group) => tekFromSat(group, kd, now)),
  };
}
