// Phase-1 proposals (RFC 2409 Appendix A attributes) and IOS-style policy matching.
import type { Attribute, Proposal, Transform } from '../wire/types.ts';
import { tv, tlvU32, attrNumber } from '../wire/attributes.ts';
import { OakleyAttr, OakleyAuth, OakleyEncr, OakleyHash, OakleyLifeType, KEY_IKE, PROTO_ISAKMP } from '../wire/registry.ts';
import type { CipherName } from '../crypto/cipher.ts';
import type { HashName } from '../crypto/hash.ts';
import type { DhGroupId } from '../crypto/dh.ts';

export type AuthMethod = 'psk' | 'sig';

/** One ISAKMP policy as negotiated on the wire. */
export interface Phase1Proposal {
  cipher: CipherName;
  hash: HashName;
  auth: AuthMethod;
  group: DhGroupId;
  lifetime: number;      // seconds
}

const CIPHER_CODE: Record<CipherName, [number, number?]> = {
  'aes-128-cbc': [OakleyEncr.AES_CBC, 128],
  'aes-192-cbc': [OakleyEncr.AES_CBC, 192],
  'aes-256-cbc': [OakleyEncr.AES_CBC, 256],
  'des-ede3-cbc': [OakleyEncr.DES3_CBC],
};
const HASH_CODE: Partial<Record<HashName, number>> = {
  md5: OakleyHash.MD5, sha1: OakleyHash.SHA, sha256: OakleyHash.SHA2_256, sha384: OakleyHash.SHA2_384, sha512: OakleyHash.SHA2_512,
};
const SUPPORTED_GROUPS = new Set<number>([2, 5, 14, 15, 16, 19, 20, 21]);

/** Encodes a proposal as one IKE transform's attributes. */
export function proposalToTransform(p: Phase1Proposal, num: number): Transform {
  const [enc, keyLen] = CIPHER_CODE[p.cipher];
  const attrs: Attribute[] = [tv(OakleyAttr.ENCRYPTION_ALGORITHM, enc)];
  if (keyLen) attrs.push(tv(OakleyAttr.KEY_LENGTH, keyLen));
  attrs.push(
    tv(OakleyAttr.HASH_ALGORITHM, HASH_CODE[p.hash]!),
    tv(OakleyAttr.AUTH_METHOD, p.auth === 'psk' ? OakleyAuth.PRE_SHARED : OakleyAuth.RSA_SIG),
    tv(OakleyAttr.GROUP_DESCRIPTION, p.group),
    tv(OakleyAttr.LIFE_TYPE, OakleyLifeType.SECONDS),
    p.lifetime <= 0xffff ? tv(OakleyAttr.LIFE_DURATION, p.lifetime) : tlvU32(OakleyAttr.LIFE_DURATION, p.lifetime),
  );
  return { num, id: KEY_IKE, attributes: attrs };
}

/** The initiator's single ISAKMP proposal: one transform per local policy, in priority order. */
export function buildProposal(policies: Phase1Proposal[]): Proposal {
  return { num: 1, protocolId: PROTO_ISAKMP, spi: Buffer.alloc(0), transforms: policies.map((p, i) => proposalToTransform(p, i + 1)) };
}

/** Reads a transform back into a proposal; undefined when it uses anything we do not support. */
export function transformToProposal(t: Transform): Phase1Proposal | undefined {
  if (t.id !== KEY_IKE) return undefined;
  let enc = 0, keyLen = 0, hashCode = 0, auth = 0, group = 0, lifetime = 86400, lifeType = OakleyLifeType.SECONDS;
  try {
    for (const a of t.attributes) {
      const v = attrNumber(a);
      switch (a.type) {
        case OakleyAttr.ENCRYPTION_ALGORITHM: enc = v; break;
        case OakleyAttr.KEY_LENGTH: keyLen = v; break;
        case OakleyAttr.HASH_ALGORITHM: hashCode = v; break;
        case OakleyAttr.AUTH_METHOD: auth = v; break;
        case OakleyAttr.GROUP_DESCRIPTION: group = v; break;
        case OakleyAttr.LIFE_TYPE: lifeType = v; break;
        // 0 means "no limit offered" (strongSwan sends it when rekeying and reauthentication
        // are off): treat it like an absent duration, so the local lifetime applies.
        case OakleyAttr.LIFE_DURATION: if (lifeType === OakleyLifeType.SECONDS && v > 0) lifetime = v; break;
        default: return undefined;   // an attribute we don't understand: don't accept this transform
      }
    }
  } catch {
    return undefined;
  }
  let cipher: CipherName | undefined;
  if (enc === OakleyEncr.AES_CBC) cipher = keyLen === 256 ? 'aes-256-cbc' : keyLen === 192 ? 'aes-192-cbc' : keyLen === 128 || keyLen === 0 ? 'aes-128-cbc' : undefined;
  else if (enc === OakleyEncr.DES3_CBC) cipher = 'des-ede3-cbc';
  const hash = (Object.keys(HASH_CODE) as HashName[]).find((h) => HASH_CODE[h] === hashCode);
  const authMethod: AuthMethod | undefined = auth === OakleyAuth.PRE_SHARED ? 'psk' : auth === OakleyAuth.RSA_SIG ? 'sig' : undefined;
  if (!cipher || !hash || !authMethod || !SUPPORTED_GROUPS.has(group) || lifetime <= 0) return undefined;
  return { cipher, hash, auth: authMethod, group: group as DhGroupId, lifetime };
}

/**
 * IOS responder rule: walk local policies in priority order; the first peer transform with the
 * same cipher, hash, auth and group wins. IOS also wants the peer's lifetime <= ours; we accept a
 * longer one and use the shorter (both sides expire independently), which strongSwan relies on.
 */
export function matchProposal(local: Phase1Proposal[], offered: Transform[]): { transform: Transform; agreed: Phase1Proposal } | undefined {
  const parsed = offered.map((t) => ({ t, p: transformToProposal(t) }));
  for (const mine of local) {
    for (const { t, p } of parsed) {
      if (p && p.cipher === mine.cipher && p.hash === mine.hash && p.auth === mine.auth && p.group === mine.group) {
        return { transform: t, agreed: { ...p, lifetime: Math.min(p.lifetime, mine.lifetime) } };
      }
    }
  }
  return undefined;
}

export function describeProposal(p: Phase1Proposal): string {
  return `${p.cipher}/${p.hash}/${p.auth === 'psk' ? 'pre-share' : 'rsa-sig'}/group ${p.group}/${p.lifetime}s`;
}
