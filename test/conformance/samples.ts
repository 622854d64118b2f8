// Realistic GDOI messages built with our codec, in the plaintext form tshark can read:
// main mode (RFC 2409 §5), GROUPKEY-PULL and GROUPKEY-PUSH (RFC 6407 §3-4), the RFC 8263 ack,
// a GETVPN-CTRL push and a COOP announcement (docs/wire.md §3-4). Every message is kept with
// the payload models it was built from, so a test can compare tshark's view field by field.
import { createCipheriv, createHash, createHmac, generateKeyPairSync, privateEncrypt, constants, type KeyObject } from 'node:crypto';
import { encodeMessage, encodePayload, encodePayloads } from '../../shared/wire/message.ts';
import { tlv, tlvU32, tv } from '../../shared/wire/attributes.ts';
import {
  AckType, CtrlAction, CtrlAttr, Doi, EncapsulationMode, EspTransform, ExchangeType, Flag, IdType, IpsecAttr,
  IpsecAuthAlg, ISAKMP_VERSION, KdType, KekAlgorithm, KekAttr, KekKdAttr, KEY_IKE, OakleyAttr, OakleyAuth,
  OakleyEncr, OakleyHash, OakleyLifeType, PROTO_ISAKMP, PrivateTekAttr, ReplayMethod, SigAlgorithm,
  SigHashAlgorithm, TekKdAttr, TekProtocol,
} from '../../shared/wire/registry.ts';
import type {
  Attribute, CoopAnnPayload, DeletePayload, GetvpnCtrlPayload, IdPayload, IsakmpHeader, KdPayload, KeyPacket,
  Payload, SaGdoiPayload, SaKekPayload, SaProposalsPayload, SaTekIpsecPayload,
} from '../../shared/wire/types.ts';
import { OUR_VERSION, encodeVersionVid } from '../../shared/policy/version.ts';
import { encodeDenyAces } from '../../shared/policy/deny-aces.ts';

export const KS = '127.0.0.1';
export const GM = '127.0.0.2';
export const PORT = 848;

export interface Sample {
  name: string;
  src: string;
  dst: string;
  header: Omit<IsakmpHeader, 'nextPayload' | 'length'>;
  payloads: Payload[];
  /** Set for encrypted samples: the plaintext payloads are not visible on the wire. */
  encrypted?: boolean;
  bytes: Buffer;
}

/** Deterministic bytes (SHA-256 in counter mode over a label) so failures reproduce. */
export function bytesFor(label: string, n: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; out.length * 32 < n; i++) out.push(createHash('sha256').update(`${label}/${i}`).digest());
  return Buffer.concat(out).subarray(0, n);
}

const ipv4 = (a: string) => Buffer.from(a.split('.').map(Number));
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };

function sample(name: string, src: string, dst: string, header: Sample['header'], payloads: Payload[]): Sample {
  return { name, src, dst, header, payloads, bytes: encodeMessage(header, payloads) };
}

// ---- Main mode (RFC 2409 §5), PSK, AES-256-CBC / SHA-256 / group 14 ----------------------

/**
 * Phase-1 SA with DOI 1: tshark parses a DOI-2 SA as the GDOI policy form and would misread
 * the proposal (docs/wire.md §5.1); DOI 1 is the documented option for decryptable captures.
 */
export function mainModeSa(): SaProposalsPayload {
  const attributes: Attribute[] = [
    tv(OakleyAttr.ENCRYPTION_ALGORITHM, OakleyEncr.AES_CBC),
    tv(OakleyAttr.KEY_LENGTH, 256),
    tv(OakleyAttr.HASH_ALGORITHM, OakleyHash.SHA2_256),
    tv(OakleyAttr.AUTH_METHOD, OakleyAuth.PRE_SHARED),
    tv(OakleyAttr.GROUP_DESCRIPTION, 14),
    tv(OakleyAttr.LIFE_TYPE, OakleyLifeType.SECONDS),
    tlvU32(OakleyAttr.LIFE_DURATION, 86400),
  ];
  return {
    type: 1, form: 'proposals', doi: Doi.IPSEC, situation: 1, // SIT_IDENTITY_ONLY
    proposals: [{ num: 1, protocolId: PROTO_ISAKMP, spi: Buffer.alloc(0), transforms: [{ num: 1, id: KEY_IKE, attributes }] }],
  };
}

export const ICOOKIE = bytesFor('icookie', 8);
export const RCOOKIE = bytesFor('rcookie', 8);
export const ZERO_COOKIE = Buffer.alloc(8);

function mmHeader(rcookie: Buffer, flags = 0): Sample['header'] {
  return { icookie: ICOOKIE, rcookie, version: ISAKMP_VERSION, exchange: ExchangeType.MAIN_MODE, flags, messageId: 0 };
}

function peerId(addr: string): IdPayload {
  return { type: 5, idType: IdType.IPV4_ADDR, protocol: 17, port: PORT, data: ipv4(addr) };
}

export function mainMode(): Sample[] {
  const vid = { type: 13 as const, data: encodeVersionVid(OUR_VERSION) };
  return [
    sample('MM1', GM, KS, mmHeader(ZERO_COOKIE), [mainModeSa(), vid]),
    sample('MM2', KS, GM, mmHeader(RCOOKIE), [mainModeSa(), vid]),
    sample('MM3', GM, KS, mmHeader(RCOOKIE), [{ type: 4, data: bytesFor('gxi', 256) }, { type: 10, data: bytesFor('ni', 32) }]),
    sample('MM4', KS, GM, mmHeader(RCOOKIE), [{ type: 4, data: bytesFor('gxr', 256) }, { type: 10, data: bytesFor('nr', 32) }]),
    // Messages 5 and 6 are encrypted on the wire; their plaintext form is shown here.
    sample('MM5', GM, KS, mmHeader(RCOOKIE), [peerId(GM), { type: 8, data: bytesFor('hash_i', 32) }]),
    sample('MM6', KS, GM, mmHeader(RCOOKIE), [peerId(KS), { type: 8, data: bytesFor('hash_r', 32) }]),
  ];
}

// ---- Group policy: one KEK, two ESP TEKs ----------------------------------------------------

export const GROUP_NUMBER = 1234;
export const KEK_SPI = bytesFor('kek-spi', 16);
export const TEK_SPIS = [Buffer.from('c0ffee01', 'hex'), Buffer.from('c0ffee02', 'hex')];
export const KEK_IV = bytesFor('kek-iv', 16);
export const KEK_KEY = bytesFor('kek-key', 32);

let rekeyKey: { privateKey: KeyObject; spki: Buffer } | undefined;
/** The KS rekey signing key (RSA-2048), made once per process. */
export function rekeyKeyPair(): { privateKey: KeyObject; spki: Buffer } {
  if (!rekeyKey) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    rekeyKey = { privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }) };
  }
  return rekeyKey;
}

export function saKek(): SaKekPayload {
  return {
    type: 15, protocol: 17,
    src: { idType: IdType.IPV4_ADDR, port: PORT, data: ipv4(KS) },
    dst: { idType: IdType.IPV4_ADDR, port: PORT, data: ipv4('239.192.1.1') },
    spi: KEK_SPI, reserved2: Buffer.alloc(4),
    attributes: [
      tv(KekAttr.KEK_ALGORITHM, KekAlgorithm.AES),
      tv(KekAttr.KEK_KEY_LENGTH, 256),
      tlvU32(KekAttr.KEK_KEY_LIFETIME, 86400),
      tv(KekAttr.SIG_HASH_ALGORITHM, SigHashAlgorithm.SHA256),
      tv(KekAttr.SIG_ALGORITHM, SigAlgorithm.RSA),
      tv(KekAttr.SIG_KEY_LENGTH, 2048),
      tv(KekAttr.KEK_ACK_REQUESTED, AckType.REKEY_ACK_KEK_SHA256),
    ],
  };
}

const subnet = (addr: string, mask: string) => ({ idType: IdType.IPV4_ADDR_SUBNET, port: 0, data: Buffer.concat([ipv4(addr), ipv4(mask)]) });

export function saTeks(): SaTekIpsecPayload[] {
  const common = (auth?: number): Attribute[] => [
    tv(IpsecAttr.SA_LIFE_TYPE, 1),
    tlvU32(IpsecAttr.SA_LIFE_DURATION, 3600),
    tv(IpsecAttr.ENCAPSULATION_MODE, EncapsulationMode.TUNNEL),
    ...(auth ? [tv(IpsecAttr.AUTH_ALGORITHM, auth)] : []),
    tv(IpsecAttr.KEY_LENGTH, 256),
    tv(PrivateTekAttr.REPLAY_METHOD, ReplayMethod.COUNTER),
    tv(PrivateTekAttr.REPLAY_WINDOW, 64),
  ];
  return [
    {
      type: 16, protocolId: TekProtocol.IPSEC_ESP as 1, protocol: 0,
      src: subnet('10.1.0.0', '255.255.0.0'), dst: subnet('10.2.0.0', '255.255.0.0'),
      transformId: EspTransform.ESP_AES_CBC, spi: TEK_SPIS[0]!,
      // The ACL's deny ACEs ride on a TEK's first SA TEK (private attribute 32003, docs/wire.md §5.7).
      attributes: [...common(IpsecAuthAlg.HMAC_SHA2_256), tlv(PrivateTekAttr.ACL_DENY, encodeDenyAces([
        { before: 0, selector: { protocol: 17, src: { addr: '0.0.0.0', mask: '0.0.0.0', port: 848 }, dst: { addr: '0.0.0.0', mask: '0.0.0.0', port: 848 } } },
      ]))],
    },
    {
      type: 16, protocolId: TekProtocol.IPSEC_ESP as 1, protocol: 17,
      src: { ...subnet('10.3.0.0', '255.255.255.0'), port: 5060 }, dst: subnet('10.4.0.0', '255.255.255.0'),
      transformId: EspTransform.ESP_AES_GCM_16, spi: TEK_SPIS[1]!, attributes: common(),
    },
  ];
}

export function gdoiSa(policies: SaGdoiPayload['policies']): SaGdoiPayload {
  return { type: 1, form: 'gdoi', doi: Doi.GDOI, situation: 0, policies };
}

export function keyDownload(): KdPayload {
  const packets: KeyPacket[] = [
    { kdType: KdType.TEK, spi: TEK_SPIS[0]!, attributes: [
      tlv(TekKdAttr.TEK_ALGORITHM_KEY, bytesFor('tek1-enc', 32)), tlv(TekKdAttr.TEK_INTEGRITY_KEY, bytesFor('tek1-auth', 32)),
    ] },
    { kdType: KdType.TEK, spi: TEK_SPIS[1]!, attributes: [
      tlv(TekKdAttr.TEK_ALGORITHM_KEY, bytesFor('tek2-enc', 36)),  // AES-256 key + 4-octet GCM salt
    ] },
    { kdType: KdType.KEK, spi: KEK_SPI, attributes: [
      tlv(KekKdAttr.KEK_ALGORITHM_KEY, Buffer.concat([KEK_IV, KEK_KEY])),
      tlv(KekKdAttr.SIG_ALGORITHM_KEY, rekeyKeyPair().spki),
    ] },
  ];
  return { type: 17, packets };
}

// ---- GROUPKEY-PULL (RFC 6407 §3.2), plaintext form ------------------------------------------

export const PULL_MID = 0x5eed1234;

export function groupkeyPull(): Sample[] {
  const h: Sample['header'] = { icookie: ICOOKIE, rcookie: RCOOKIE, version: ISAKMP_VERSION, exchange: ExchangeType.GROUPKEY_PULL, flags: 0, messageId: PULL_MID };
  const hash = (n: number) => ({ type: 8 as const, data: bytesFor(`pull-hash${n}`, 32) });
  const groupId: IdPayload = { type: 5, idType: IdType.KEY_ID, protocol: 0, port: 0, data: u32(GROUP_NUMBER) };
  return [
    sample('PULL1', GM, KS, h, [hash(1), { type: 10, data: bytesFor('pull-ni', 32) }, groupId]),
    sample('PULL2', KS, GM, h, [hash(2), { type: 10, data: bytesFor('pull-nr', 32) }, gdoiSa([saKek(), ...saTeks()])]),
    sample('PULL3', GM, KS, h, [hash(3)]),
    sample('PULL4', KS, GM, h, [hash(4), { type: 18, seq: 41 }, keyDownload()]),
  ];
}

// ---- GROUPKEY-PUSH (RFC 6407 §4), plaintext form, with a real rekey signature --------------

const pushHeader = (): Sample['header'] => ({
  icookie: KEK_SPI.subarray(0, 8), rcookie: KEK_SPI.subarray(8, 16), version: ISAKMP_VERSION,
  exchange: ExchangeType.GROUPKEY_PUSH, flags: 0, messageId: 0,
});

/**
 * A PUSH whose SIG is PKCS#1 v1.5 over SHA-256("rekey" | header with E set and final length |
 * payloads before SIG), without DigestInfo (docs/wire.md §5.2).
 */
export function signedPush(name: string, before: Payload[]): Sample {
  const { privateKey } = rekeyKeyPair();
  const h = pushHeader();
  const placeholder = encodeMessage(h, [...before, { type: 9, data: Buffer.alloc(256) }]);
  const signedHeader = Buffer.from(placeholder.subarray(0, 28));
  signedHeader[19]! |= Flag.E;
  const beforeSig = placeholder.subarray(28, placeholder.length - 260);  // SIG = 4-octet header + 256
  const digest = createHash('sha256').update('rekey').update(signedHeader).update(beforeSig).digest();
  const sig = privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digest);
  return sample(name, KS, GM, h, [...before, { type: 9, data: sig }]);
}

export function groupkeyPush(seq: number): Sample {
  return signedPush('PUSH', [{ type: 18, seq }, gdoiSa([saKek(), saTeks()[0]!]), keyDownload()]);
}

// ---- RFC 8263 ack (exchange 35) -----------------------------------------------------------

export function rekeyAck(seq: number): Sample {
  const seqP = { type: 18 as const, seq };
  const idP: IdPayload = { type: 5, idType: IdType.IPV4_ADDR, protocol: 0, port: 0, data: ipv4(GM) };
  const l = Buffer.from([0x02, 0x00]); // 512 bits
  const ackKey = createHmac('sha256', KEK_KEY).update('GROUPKEY-PUSH ACK\0').update(KEK_SPI).update(l).digest();
  const hash = createHmac('sha256', ackKey).update(encodePayload(seqP, 5)).update(encodePayload(idP, 0)).digest();
  const h: Sample['header'] = { ...pushHeader(), exchange: ExchangeType.GROUPKEY_PUSH_ACK };
  return sample('ACK', GM, KS, h, [{ type: 8, data: hash }, seqP, idP]);
}

// ---- GETVPN-CTRL pushes (docs/wire.md §3) --------------------------------------------------

export function ctrlRemoveNow(seq: number): Sample {
  const ctrl: GetvpnCtrlPayload = { type: 200, attributes: [tv(CtrlAttr.ACTION, CtrlAction.REMOVE_NOW), tlvU32(CtrlAttr.REREGISTER_WINDOW, 72)] };
  const delTeks: DeletePayload = { type: 12, doi: Doi.GDOI, protocolId: TekProtocol.IPSEC_ESP, spiSize: 4, spis: TEK_SPIS };
  const delKek: DeletePayload = { type: 12, doi: Doi.GDOI, protocolId: 0, spiSize: 16, spis: [KEK_SPI] };
  return signedPush('CTRL-REMOVE-NOW', [{ type: 18, seq }, ctrl, delTeks, delKek]);
}

export function ctrlReplaceGraceful(seq: number): Sample {
  const target = Buffer.concat([Buffer.from([IdType.IPV4_ADDR, 4]), ipv4(GM), Buffer.from([IdType.IPV4_ADDR, 4]), ipv4('127.0.0.3')]);
  const ctrl: GetvpnCtrlPayload = { type: 200, attributes: [
    tv(CtrlAttr.ACTION, CtrlAction.REPLACE_GRACEFUL), tlvU32(CtrlAttr.GRACE_SECONDS, 180), tlv(CtrlAttr.TARGET, target),
  ] };
  return signedPush('CTRL-REPLACE-GRACEFUL', [{ type: 18, seq }, ctrl, gdoiSa(saTeks()), { type: 17, packets: keyDownload().packets.slice(0, 2) }]);
}

// ---- COOP announcement (docs/wire.md §4): exchange 242, encrypted --------------------------

export function coopAnnouncement(): Sample & { plaintext: Payload[] } {
  const ann: CoopAnnPayload = { type: 201, attributes: [
    tlv(1, Buffer.from([1, 0, 2])), tv(2, 200), tv(3, 1), tlv(4, Buffer.concat([Buffer.from([IdType.KEY_ID]), u32(GROUP_NUMBER)])),
    tlvU32(5, 3), tlvU32(6, 17), tlv(7, bytesFor('policy-digest', 32)), tlvU32(8, 41),
  ] };
  const plaintext: Payload[] = [{ type: 8, data: bytesFor('coop-hash', 32) }, ann];
  const body = encodePayloads(plaintext);
  const padded = Buffer.concat([body, Buffer.alloc((16 - (body.length % 16)) % 16)]);
  const c = createCipheriv('aes-256-cbc', bytesFor('skeyid_e', 32), bytesFor('coop-iv', 16)).setAutoPadding(false);
  const ct = Buffer.concat([c.update(padded), c.final()]);
  const header: Sample['header'] = { icookie: ICOOKIE, rcookie: RCOOKIE, version: ISAKMP_VERSION, exchange: ExchangeType.COOP, flags: Flag.E, messageId: 0x0c00b001 };
  const hdr = encodeMessage(header, []);
  hdr[16] = 8; // Next Payload: HASH, although the payloads themselves are encrypted
  hdr.writeUInt32BE(28 + ct.length, 24);
  return { name: 'COOP-ANN', src: KS, dst: '127.0.0.3', header, payloads: [], plaintext, encrypted: true, bytes: Buffer.concat([hdr, ct]) };
}
