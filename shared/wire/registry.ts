// Number registries of RFC 2407/2408/2409, RFC 6407 and RFC 8263, as data, with names for logs.

function named<T extends Record<string, number>>(table: T) {
  const byCode = new Map<number, string>();
  for (const [k, v] of Object.entries(table)) if (!byCode.has(v)) byCode.set(v, k);
  return Object.assign(table, {
    nameOf(code: number): string { return byCode.get(code) ?? `UNKNOWN(${code})`; },
  });
}

/** RFC 2408 §3.1 / RFC 6407 §5 payload types; 200/201 are this project's private-use payloads (docs/wire.md). */
export const PayloadType = named({
  NONE: 0, SA: 1, PROPOSAL: 2, TRANSFORM: 3, KE: 4, ID: 5, CERT: 6, CERTREQ: 7, HASH: 8, SIG: 9,
  NONCE: 10, NOTIFY: 11, DELETE: 12, VENDOR_ID: 13, SA_KEK: 15, SA_TEK: 16, KD: 17, SEQ: 18,
  POP: 19, NAT_D: 20, NAT_OA: 21, GAP: 22, GETVPN_CTRL: 200, COOP_ANN: 201,
});

/** RFC 2408 §3.1, RFC 6407 §5, RFC 8263 §4; 242 is the project's COOP exchange (private use). */
export const ExchangeType = named({
  BASE: 1, MAIN_MODE: 2, AUTH_ONLY: 3, AGGRESSIVE: 4, INFORMATIONAL: 5,
  GROUPKEY_PULL: 32, GROUPKEY_PUSH: 33, GROUPKEY_PUSH_ACK: 35, COOP: 242,
});

export const Flag = { E: 0x01, C: 0x02, A: 0x04 } as const;
export const ISAKMP_VERSION = 0x10;
export const HEADER_LENGTH = 28;
export const GDOI_PORT = 848;

export const Doi = named({ ISAKMP: 0, IPSEC: 1, GDOI: 2 });

/** RFC 2408 §3.14.1 notify message types (errors), RFC 6407 §5.8 additions. */
export const NotifyType = named({
  INVALID_PAYLOAD_TYPE: 1, DOI_NOT_SUPPORTED: 2, SITUATION_NOT_SUPPORTED: 3, INVALID_COOKIE: 4,
  INVALID_MAJOR_VERSION: 5, INVALID_MINOR_VERSION: 6, INVALID_EXCHANGE_TYPE: 7, INVALID_FLAGS: 8,
  INVALID_MESSAGE_ID: 9, INVALID_PROTOCOL_ID: 10, INVALID_SPI: 11, INVALID_TRANSFORM_ID: 12,
  ATTRIBUTES_NOT_SUPPORTED: 13, NO_PROPOSAL_CHOSEN: 14, BAD_PROPOSAL_SYNTAX: 15, PAYLOAD_MALFORMED: 16,
  INVALID_KEY_INFORMATION: 17, INVALID_ID_INFORMATION: 18, INVALID_CERT_ENCODING: 19, INVALID_CERTIFICATE: 20,
  CERT_TYPE_UNSUPPORTED: 21, INVALID_CERT_AUTHORITY: 22, INVALID_HASH_INFORMATION: 23, AUTHENTICATION_FAILED: 24,
  INVALID_SIGNATURE: 25, ADDRESS_NOTIFICATION: 26, NOTIFY_SA_LIFETIME: 27, CERTIFICATE_UNAVAILABLE: 28,
  UNSUPPORTED_EXCHANGE_TYPE: 29, UNEQUAL_PAYLOAD_LENGTHS: 30, INVALID_GROUP_ID: 45, UNAUTHORIZED_REQUEST: 46,
  RESPONDER_LIFETIME: 24576, REPLAY_STATUS: 24577, INITIAL_CONTACT: 24578,
});

/** RFC 2407 §4.6.2.1 identification types (also GDOI selectors). */
export const IdType = named({
  IPV4_ADDR: 1, FQDN: 2, USER_FQDN: 3, IPV4_ADDR_SUBNET: 4, IPV6_ADDR: 5, IPV6_ADDR_SUBNET: 6,
  IPV4_ADDR_RANGE: 7, IPV6_ADDR_RANGE: 8, DER_ASN1_DN: 9, DER_ASN1_GN: 10, KEY_ID: 11,
});

/** RFC 2408 §3.9 certificate encodings. */
export const CertEncoding = named({ PKCS7: 1, PGP: 2, DNS_SIGNED_KEY: 3, X509_SIG: 4, X509_KE: 5, KERBEROS: 6, CRL: 7, ARL: 8, SPKI: 9, X509_ATTR: 10 });

/** RFC 2409 Appendix A: phase-1 (Oakley) attribute classes and values. */
export const OakleyAttr = named({
  ENCRYPTION_ALGORITHM: 1, HASH_ALGORITHM: 2, AUTH_METHOD: 3, GROUP_DESCRIPTION: 4, GROUP_TYPE: 5,
  LIFE_TYPE: 11, LIFE_DURATION: 12, PRF: 13, KEY_LENGTH: 14, FIELD_SIZE: 15, GROUP_ORDER: 16,
});
export const OakleyEncr = named({ DES_CBC: 1, IDEA_CBC: 2, BLOWFISH_CBC: 3, RC5_CBC: 4, DES3_CBC: 5, CAST_CBC: 6, AES_CBC: 7 });
export const OakleyHash = named({ MD5: 1, SHA: 2, TIGER: 3, SHA2_256: 4, SHA2_384: 5, SHA2_512: 6 });
export const OakleyAuth = named({ PRE_SHARED: 1, DSS_SIG: 2, RSA_SIG: 3, RSA_ENC: 4, RSA_ENC_REV: 5 });
export const OakleyLifeType = named({ SECONDS: 1, KILOBYTES: 2 });
export const PROTO_ISAKMP = 1;
export const KEY_IKE = 1;

/** RFC 6407 §5.3.1 SA KEK attributes (9 from RFC 8263). */
export const KekAttr = named({
  KEK_MANAGEMENT_ALGORITHM: 1, KEK_ALGORITHM: 2, KEK_KEY_LENGTH: 3, KEK_KEY_LIFETIME: 4,
  SIG_HASH_ALGORITHM: 5, SIG_ALGORITHM: 6, SIG_KEY_LENGTH: 7, KE_OAKLEY_GROUP: 8, KEK_ACK_REQUESTED: 9,
});
export const KekAlgorithm = named({ DES: 1, DES3: 2, AES: 3 });
export const SigHashAlgorithm = named({ MD5: 1, SHA1: 2, SHA256: 3, SHA384: 4, SHA512: 5 });
export const SigAlgorithm = named({ RSA: 1, DSS: 2, ECDSS: 3, ECDSA_256: 4, ECDSA_384: 5, ECDSA_521: 6 });
/** RFC 8263 §4 KEK_ACK_REQUESTED values. */
export const AckType = named({ REKEY_ACK_KEK_SHA256: 1, REKEY_ACK_LKH_SHA256: 2, REKEY_ACK_KEK_SHA512: 3, REKEY_ACK_LKH_SHA512: 4 });

/** RFC 6407 §5.4.1 SA TEK protocol ids. */
export const TekProtocol = named({ IPSEC_ESP: 1, IPSEC_AH: 2 });
/** RFC 2407 §4.4.4 ESP transform ids (+ RFC 4106 GCM, RFC 4543 GMAC). */
export const EspTransform = named({ ESP_DES: 2, ESP_3DES: 3, ESP_NULL: 11, ESP_AES_CBC: 12, ESP_AES_GCM_8: 18, ESP_AES_GCM_12: 19, ESP_AES_GCM_16: 20, ESP_NULL_AES_GMAC: 23 });
/** RFC 2407 §4.5 IPsec SA attributes, with RFC 6407 §5.4.1 additions. */
export const IpsecAttr = named({
  SA_LIFE_TYPE: 1, SA_LIFE_DURATION: 2, GROUP_DESCRIPTION: 3, ENCAPSULATION_MODE: 4, AUTH_ALGORITHM: 5,
  KEY_LENGTH: 6, KEY_ROUNDS: 7, COMPRESS_DICT_SIZE: 8, COMPRESS_PRIVATE_ALG: 9, ECN_TUNNEL: 10,
  ESN: 11, ADDRESS_PRESERVATION: 14, SA_DIRECTION: 15,
});
export const IpsecAuthAlg = named({ HMAC_MD5: 1, HMAC_SHA: 2, HMAC_SHA2_256: 5, HMAC_SHA2_384: 6, HMAC_SHA2_512: 7 });
export const EncapsulationMode = named({ TUNNEL: 1, TRANSPORT: 2 });

/** RFC 6407 §5.6 key download types and per-type attributes. */
export const KdType = named({ TEK: 1, KEK: 2, LKH: 3, SID: 4 });
export const TekKdAttr = named({ TEK_ALGORITHM_KEY: 1, TEK_INTEGRITY_KEY: 2, TEK_SOURCE_AUTH_KEY: 3 });
export const KekKdAttr = named({ KEK_ALGORITHM_KEY: 1, SIG_ALGORITHM_KEY: 2 });
/** RFC 6407 §5.5 GAP attributes. */
export const GapAttr = named({ ACTIVATION_TIME_DELAY: 1, DEACTIVATION_TIME_DELAY: 2, SENDER_ID_REQUEST: 3 });

/** Private-use GETVPN-CTRL (payload 200) attributes, docs/wire.md. */
export const CtrlAttr = named({ ACTION: 1, GRACE_SECONDS: 2, TARGET: 3, REREGISTER_WINDOW: 4 });
export const CtrlAction = named({ REMOVE_NOW: 1, REMOVE_GRACEFUL: 2, REPLACE_NOW: 3, REPLACE_GRACEFUL: 4 });

/**
 * Private-use IPsec SA attributes in an SA TEK (RFC 2407 §4.5 reserves 32001-32767):
 * the anti-replay method and window GET VPN configures per `sa ipsec` (docs/wire.md).
 */
export const PrivateTekAttr = named({ REPLAY_METHOD: 32001, REPLAY_WINDOW: 32002, ACL_DENY: 32003 });
export const ReplayMethod = named({ NONE: 0, COUNTER: 1, TIME: 2 });
