// GroupPolicy <-> GDOI SA (SA KEK, SA TEK) and Key Download payloads (RFC 6407 §5.3-5.6).
// Used by both GROUPKEY-PULL (msgs 2 and 4) and GROUPKEY-PUSH, so both carry identical bytes.
import { attrBuffer, attrNumber, findAttr, tlv, tlvU32, tv } from '../wire/attributes.ts';
import { bytesToIpv4, ipv4ToBytes } from '../wire/id-data.ts';
import {
  Doi, EncapsulationMode, EspTransform, IdType, IpsecAttr, IpsecAuthAlg, KdType, KekAlgorithm, KekAttr, KekKdAttr,
  PrivateTekAttr, ReplayMethod, SigAlgorithm, SigHashAlgorithm, TekKdAttr, TekProtocol, AckType,
} from '../wire/registry.ts';
import type { Attribute, GdoiSelector, KdPayload, KeyPacket, SaGdoiPayload, SaKekPayload, SaTekIpsecPayload } from '../wire/types.ts';
import { VerifyError } from '../errors.ts';
import type { EspAuth, EspTransformSpec, GroupPolicy, KekCipher, KekPolicy, ReplayPolicy, TekPolicy, TrafficSelector } from './group-policy.ts';
import { remainingSec } from './group-policy.ts';
import { encodeDenyAces } from './deny-aces.ts';

const AUTH_CODE: Record<EspAuth, number> = {
  'esp-md5-hmac': IpsecAuthAlg.HMAC_MD5, 'esp-sha-hmac': IpsecAuthAlg.HMAC_SHA, 'esp-sha256-hmac': IpsecAuthAlg.HMAC_SHA2_256,
  'esp-sha384-hmac': IpsecAuthAlg.HMAC_SHA2_384, 'esp-sha512-hmac': IpsecAuthAlg.HMAC_SHA2_512,
};
const SIG_HASH_CODE = { sha1: SigHashAlgorithm.SHA1, sha256: SigHashAlgorithm.SHA256, sha384: SigHashAlgorithm.SHA384, sha512: SigHashAlgorithm.SHA512 } as const;
const KEK_CIPHER: Record<KekCipher, [number, number]> = {
  'aes-128-cbc': [KekAlgorithm.AES, 128], 'aes-192-cbc': [KekAlgorithm.AES, 192], 'aes-256-cbc': [KekAlgorithm.AES, 256], 'des-ede3-cbc': [KekAlgorithm.DES3, 192],
};
const REKEY_PORT = 848;

function selector(addr: string, mask: string, port: number): GdoiSelector {
  if (mask === '255.255.255.255') return { idType: IdType.IPV4_ADDR, port, data: ipv4ToBytes(addr) };
  return { idType: IdType.IPV4_ADDR_SUBNET, port, data: Buffer.concat([ipv4ToBytes(addr), ipv4ToBytes(mask)]) };
}
function fromSelector(s: GdoiSelector): { addr: string; mask: string; port: number } {
  if (s.idType === IdType.IPV4_ADDR && s.data.length === 4) return { addr: bytesToIpv4(s.data), mask: '255.255.255.255', port: s.port };
  if (s.idType === IdType.IPV4_ADDR_SUBNET && s.data.length === 8) return { addr: bytesToIpv4(s.data.subarray(0, 4)), mask: bytesToIpv4(s.data.subarray(4)), port: s.port };
  throw new VerifyError('UNSUPPORTED_SELECTOR', `selector ID type ${IdType.nameOf(s.idType)} not supported`);
}

function tekTransformId(t: EspTransformSpec): number {
  switch (t.cipher) {
    case 'esp-aes': return EspTransform.ESP_AES_CBC;
    case 'esp-gcm': return EspTransform.ESP_AES_GCM_16;
    case 'esp-3des': return EspTransform.ESP_3DES;
    case 'esp-null': return EspTransform.ESP_NULL;
  }
}

function replayAttrs(r: ReplayPolicy): Attribute[] {
  if (r.kind === 'none') return [tv(PrivateTekAttr.REPLAY_METHOD, ReplayMethod.NONE)];
  return [tv(PrivateTekAttr.REPLAY_METHOD, r.kind === 'counter' ? ReplayMethod.COUNTER : ReplayMethod.TIME), tv(PrivateTekAttr.REPLAY_WINDOW, r.window)];
}

/** One SA TEK per traffic selector; all selectors of a TEK share its SPI (as IOS downloads per-ACE policies). */
export function tekToSats(t: TekPolicy, now: number): SaTekIpsecPayload[] {
  const spi = Buffer.alloc(4); spi.writeUInt32BE(t.spi >>> 0);
  const attrs: Attribute[] = [
    tv(IpsecAttr.SA_LIFE_TYPE, 1), tlvU32(IpsecAttr.SA_LIFE_DURATION, remainingSec(t.expiresAt, now)),
    tv(IpsecAttr.ENCAPSULATION_MODE, t.mode === 'tunnel' ? EncapsulationMode.TUNNEL : EncapsulationMode.TRANSPORT),
  ];
  if (t.transform.auth) attrs.push(tv(IpsecAttr.AUTH_ALGORITHM, AUTH_CODE[t.transform.auth]));
  if (t.transform.cipher === 'esp-aes' || t.transform.cipher === 'esp-gcm') attrs.push(tv(IpsecAttr.KEY_LENGTH, t.transform.keyBits));
  attrs.push(...replayAttrs(t.replay));
  // The ACL's deny ACEs ride once, on the TEK's first SA TEK (docs/wire.md §5.7).
  const first = t.denies?.length ? [...attrs, tlv(PrivateTekAttr.ACL_DENY, encodeDenyAces(t.denies))] : attrs;
  return t.selectors.map((s, i) => ({
    type: 16, protocolId: TekProtocol.IPSEC_ESP as 1, protocol: s.protocol,
    src: selector(s.src.addr, s.src.mask, s.src.port), dst: selector(s.dst.addr, s.dst.mask, s.dst.port),
    transformId: tekTransformId(t.transform), spi, attributes: i === 0 ? first : attrs,
  }));
}

export function kekToSak(k: KekPolicy, now: number): SaKekPayload {
  const [alg, bits] = KEK_CIPHER[k.cipher];
  const attrs: Attribute[] = [
    tv(KekAttr.KEK_ALGORITHM, alg), tv(KekAttr.KEK_KEY_LENGTH, bits), tlvU32(KekAttr.KEK_KEY_LIFETIME, remainingSec(k.expiresAt, now)),
    tv(KekAttr.SIG_HASH_ALGORITHM, SIG_HASH_CODE[k.sigHash]), tv(KekAttr.SIG_ALGORITHM, SigAlgorithm.RSA), tv(KekAttr.SIG_KEY_LENGTH, k.sigKeyBits),
  ];
  if (k.ackRequested) attrs.push(tv(KekAttr.KEK_ACK_REQUESTED, AckType.REKEY_ACK_KEK_SHA256));
  return {
    type: 15, protocol: 17, spi: k.spi, reserved2: Buffer.alloc(4), attributes: attrs,
    src: { idType: IdType.IPV4_ADDR, port: k.port, data: ipv4ToBytes(k.src) },
    dst: { idType: IdType.IPV4_ADDR, port: k.port, data: ipv4ToBytes(k.dst) },
  };
}

/** The SA payload of PULL msg 2 / PUSH: KEK first (when rekeys are used), then the TEKs. */
export function policyToSa(p: GroupPolicy, now: number): SaGdoiPayload {
  const policies: SaGdoiPayload['policies'] = [];
  if (p.kek) policies.push(kekToSak(p.kek, now));
  for (const t of p.teks) policies.push(...tekToSats(t, now));
  return { type: 1, form: 'gdoi', doi: Doi.GDOI, situation: 0, policies };
}

/** The KD payload: one TEK key packet per TEK, then the KEK packet (IV || key, and the rekey public key). */
export function policyToKd(p: GroupPolicy): KdPayload {
  const packets: KeyPacket[] = p.teks.map((t) => {
    const spi = Buffer.alloc(4); spi.writeUInt32BE(t.spi >>> 0);
    const attrs: Attribute[] = [];
    if (t.encKey.length) attrs.push(tlv(TekKdAttr.TEK_ALGORITHM_KEY, t.encKey));
    if (t.authKey) attrs.push(tlv(TekKdAttr.TEK_INTEGRITY_KEY, t.authKey));
    return { kdType: KdType.TEK, spi, attributes: attrs };
  });
  if (p.kek) {
    packets.push({ kdType: KdType.KEK, spi: p.kek.spi, attributes: [
      tlv(KekKdAttr.KEK_ALGORITHM_KEY, Buffer.concat([p.kek.iv, p.kek.key])),
      tlv(KekKdAttr.SIG_ALGORITHM_KEY, p.kek.sigPublicKeyDer),
    ] });
  }
  return { type: 17, packets };
}

export { tekFromSat, kekFromSak, policyFromSaKd } from './sa-kd-decode.ts';
export { REKEY_PORT };
