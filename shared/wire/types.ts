// The typed model of ISAKMP (RFC 2408/2409) and GDOI (RFC 6407) messages. The codec
// (message.ts and payloads/*) turns bytes into these and back; nothing here does I/O.

/** RFC 2408 §3.1: the fixed 28-octet header. `length` counts header + payloads + padding. */
export interface IsakmpHeader {
  icookie: Buffer;        // 8 octets (PUSH: KEK SPI octets 0-7)
  rcookie: Buffer;        // 8 octets (PUSH: KEK SPI octets 8-15)
  nextPayload: number;    // type of the first payload
  version: number;        // 0x10: major 1, minor 0
  exchange: number;       // 2 main mode, 5 informational, 32 PULL, 33 PUSH, 35 PUSH-ACK
  flags: number;          // FLAG_E | FLAG_C | FLAG_A
  messageId: number;      // u32
  length: number;         // u32
}

/** RFC 2408 §3.3 data attribute. TV (AF=1) carries 16 bits; TLV any length. */
export type Attribute =
  | { type: number; form: 'tv'; value: number }
  | { type: number; form: 'tlv'; value: Buffer };

/** RFC 2408 §3.5 / §3.6: a proposal with its transforms (phase-1 SA, DOI 1 or 2). */
export interface Proposal {
  num: number;
  protocolId: number;     // 1 PROTO_ISAKMP in phase 1
  spi: Buffer;            // usually empty in phase 1
  transforms: Transform[];
}
export interface Transform {
  num: number;
  id: number;             // 1 KEY_IKE in phase 1
  attributes: Attribute[];
}

/** SA payload in proposal form: phase 1 (DOI 1 IPsec, or DOI 2 as GDOI peers send). */
export interface SaProposalsPayload {
  type: 1; form: 'proposals';
  doi: number; situation: number;
  proposals: Proposal[];
}
/**
 * SA payload in GDOI form (RFC 6407 §5.1): DOI 2, situation, then a chain of
 * SA KEK / SA TEK / GAP payloads nested inside the SA payload's length.
 */
export interface SaGdoiPayload {
  type: 1; form: 'gdoi';
  doi: number; situation: number;
  policies: GdoiPolicyPayload[];
}
export type SaPayload = SaProposalsPayload | SaGdoiPayload;
export type GdoiPolicyPayload = SaKekPayload | SaTekPayload | GapPayload | UnknownPayload;

/** Identification data with its type (RFC 2407 §4.6.2), as in ID and GDOI selectors. */
export interface IdData {
  idType: number;         // 1 IPV4_ADDR, 2 FQDN, 4 IPV4_SUBNET, 5 IPV6_ADDR, 6 IPV6_SUBNET, 7 IPV4_RANGE, 8 IPV6_RANGE, 9 DER_ASN1_DN, 11 KEY_ID
  data: Buffer;
}
export interface KePayload { type: 4; data: Buffer }
/** RFC 2407 §4.6.2 IPsec DOI ID payload (also GDOI's group ID, RFC 6407 §5.3). */
export interface IdPayload extends IdData { type: 5; protocol: number; port: number }
export interface CertPayload { type: 6; encoding: number; data: Buffer }
export interface CertReqPayload { type: 7; encoding: number; authority: Buffer }
export interface HashPayload { type: 8; data: Buffer }
export interface SigPayload { type: 9; data: Buffer }
export interface NoncePayload { type: 10; data: Buffer }
export interface NotifyPayload {
  type: 11; doi: number; protocolId: number; spi: Buffer; notifyType: number; data: Buffer;
}
export interface DeletePayload {
  type: 12; doi: number; protocolId: number; spiSize: number; spis: Buffer[];
}
export interface VendorIdPayload { type: 13; data: Buffer }

/** GDOI traffic/rekey selector: ID type, port, data. */
export interface GdoiSelector extends IdData { port: number }

/** RFC 6407 §5.3: SA KEK. ID data lengths are one octet here; SPI is 16 octets. */
export interface SaKekPayload {
  type: 15;
  protocol: number;       // IP protocol of rekey traffic (17 UDP)
  src: GdoiSelector;
  dst: GdoiSelector;
  spi: Buffer;            // 16 octets = PUSH cookie pair
  reserved2: Buffer;      // 4 octets; RFC 3547 POP fields, zero in RFC 6407
  attributes: Attribute[];
}

/** RFC 6407 §5.4: SA TEK. ESP/AH form parsed; others kept opaque. ID data lengths are two octets. */
export type SaTekPayload = SaTekIpsecPayload | SaTekOpaquePayload;
export interface SaTekIpsecPayload {
  type: 16; protocolId: 1 | 2;     // 1 ESP, 2 AH
  protocol: number;                 // IP protocol of the selector, 0 = any
  src: GdoiSelector;
  dst: GdoiSelector;
  transformId: number;
  spi: Buffer;                      // 4 octets
  attributes: Attribute[];
}
export interface SaTekOpaquePayload { type: 16; protocolId: number; body: Buffer }

/** RFC 6407 §5.6: Key Download with its key packets. */
export interface KdPayload { type: 17; packets: KeyPacket[] }
export interface KeyPacket {
  kdType: number;         // 1 TEK, 2 KEK, 3 LKH, 4 SID
  spi: Buffer;            // size given by SPI Size
  attributes: Attribute[];
}
/** RFC 6407 §5.7 */
export interface SeqPayload { type: 18; seq: number }
/** RFC 6407 §5.5: Group Associated Policy */
export interface GapPayload { type: 22; attributes: Attribute[] }

/**
 * Private-use payloads of this project (docs/wire.md): GETVPN-CTRL (200) carries GM-removal /
 * policy-replace instructions in a PUSH; COOP-ANN (201) carries key-server announcements.
 * Both are a plain attribute list.
 */
export interface GetvpnCtrlPayload { type: 200; attributes: Attribute[] }
export interface CoopAnnPayload { type: 201; attributes: Attribute[] }

/** Any payload type we do not parse; round-trips its body byte for byte. */
export interface UnknownPayload { type: number; unknown: true; body: Buffer }

export type Payload =
  | SaPayload | KePayload | IdPayload | CertPayload | CertReqPayload | HashPayload
  | SigPayload | NoncePayload | NotifyPayload | DeletePayload | VendorIdPayload
  | SaKekPayload | SaTekPayload | KdPayload | SeqPayload | GapPayload
  | GetvpnCtrlPayload | CoopAnnPayload | UnknownPayload;

/** Decoding context: the SA payload's form depends on the exchange that carries it. */
export interface DecodeContext {
  exchange: number;
}

/** A decoded payload chain: payloads plus each one's exact on-wire bytes (generic header included), for hashes. */
export interface DecodedChain {
  payloads: Payload[];
  raw: Buffer[];
}

/** A whole message: header and either decoded payloads or, when E is set, the ciphertext. */
export interface DecodedMessage {
  header: IsakmpHeader;
  /** Bytes of the 28-octet header as received. */
  headerBytes: Buffer;
  /** Present when the E flag is clear. */
  chain?: DecodedChain;
  /** Present when the E flag is set: everything after the header. */
  ciphertext?: Buffer;
}
