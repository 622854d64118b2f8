// The typed model of an IOS-style GET VPN device configuration (KS or GM). The parser
// (index.ts) fills it from text; defaults are applied there, so every field here is final.
// Syntax and defaults: docs/config.md.

/** A weak-but-accepted choice (3des, DH group 2, md5, short RSA key...), loaded with a note. */
export interface ConfigWarning { line: number; message: string }

export type IkeEncryption = 'des' | '3des' | 'aes' | 'aes-192' | 'aes-256';   // 'aes' = AES-128
export type IkeHash = 'md5' | 'sha' | 'sha256' | 'sha384' | 'sha512';         // 'sha' = SHA-1
export type IkeAuth = 'pre-share' | 'rsa-sig';
export type DhGroup = 1 | 2 | 5 | 14 | 15 | 16 | 19 | 20 | 21;

/** One phase-1 proposal: IOS `crypto isakmp policy N` block or ASA `isakmp policy N ATTR V`. */
export interface IsakmpPolicy {
  priority: number;          // lower = preferred
  encryption: IkeEncryption;
  hash: IkeHash;
  authentication: IkeAuth;
  group: DhGroup;
  lifetime: number;          // seconds
  line: number;
}

/** `crypto isakmp key K address A [MASK]`; address 0.0.0.0 mask 0.0.0.0 = any peer. */
export interface IsakmpKey { key: string; address: string; mask: string; line: number }

export type EspCipher = 'esp-aes' | 'esp-gcm' | 'esp-3des' | 'esp-des' | 'esp-null' | 'esp-gmac';
export type EspAuth = 'esp-sha-hmac' | 'esp-sha256-hmac' | 'esp-sha384-hmac' | 'esp-sha512-hmac' | 'esp-md5-hmac';

/** `crypto ipsec transform-set NAME CIPHER [BITS] [AUTH]` (+ ` mode tunnel|transport`). */
export interface TransformSet {
  name: string;
  transforms: string[];      // as written, one entry per transform: ['esp-aes 256', 'esp-sha-hmac']
  esp: { cipher: EspCipher; keyBits: number; auth?: EspAuth };  // keyBits: des 64, 3des 192, null 0
  mode: 'tunnel' | 'transport';
  line: number;
}

/** `crypto ipsec profile NAME`: the TEK policy a GDOI `sa ipsec` block points at. */
export interface IpsecProfile {
  name: string;
  transformSet: string;
  lifetimeSeconds: number;   // TEK lifetime, default 3600
  lifetimeKilobytes?: number;
  line: number;
}

/** An ACL port test; `range` has ports [lo, hi], `eq`/`neq` one or more ports, `gt`/`lt` one. */
export interface PortMatch { op: 'eq' | 'neq' | 'gt' | 'lt' | 'range'; ports: number[] }
/** Address and IOS wildcard (inverse mask), both dotted quads; `any` = 0.0.0.0 255.255.255.255. */
export interface AclAddress { addr: string; wildcard: string }

/** One ACE. Standard ACLs load as protocol 0 with dst any. */
export interface AclEntry {
  seq: number;
  action: 'permit' | 'deny';
  protocol: number;          // IP protocol number; 0 = `ip` (any protocol)
  src: AclAddress;
  srcPort?: PortMatch;
  dst: AclAddress;
  dstPort?: PortMatch;
  log: boolean;
  line: number;
}

export type KekAlgorithmName = 'aes-128' | 'aes-192' | 'aes-256' | '3des';
export type SigHashName = 'sha' | 'sha256' | 'sha384' | 'sha512';

export type GdoiReplay =
  | { kind: 'counter'; window: number }    // packets
  | { kind: 'time'; window: number }       // seconds (TBAR)
  | { kind: 'none' };

/** `sa ipsec N` under `server local`: one TEK policy. */
export interface GdoiSaIpsec { seq: number; profile: string; matchAcl: string; replay: GdoiReplay; line: number }

/** The `server local` sub-mode of a KS group. */
export interface GdoiKsLocal {
  rekeyAlgorithm: KekAlgorithmName;         // default 3des (IOS default, see docs/config.md)
  rekeyLifetime: number;                    // KEK lifetime, default 86400 s
  rekeyRetransmit: { seconds: number; number: number };  // default 10 s, 2
  rekeyAuth?: { keyName: string };          // RSA key label; no rekeys without it
  rekeyTransport: 'multicast' | 'unicast';
  rekeyAddressAcl?: string;                 // multicast rekey: first permit = src KS, dst group
  rekeySigHash?: SigHashName;               // unset = caller's default
  sas: GdoiSaIpsec[];                       // in `sa ipsec N` order
  receiveOnly: boolean;                     // `sa receive-only`
  address?: string;                         // KS source address (rekeys, COOP)
  authorizationAcl?: string;                // which GM addresses may register
  redundancy?: { priority: number; peers: string[]; line: number };  // COOP
  line: number;
}

export interface GdoiKsGroup { name: string; identity: number | string; local: GdoiKsLocal; line: number }

export interface GdoiGmGroup {
  name: string;
  identity: number | string;
  servers: string[];                        // registration order = preference
  registrationAddress?: string;             // extension: `client registration address ipv4 A`
  registrationInterface?: string;           // `client registration interface NAME`
  line: number;
}

/** `crypto map NAME SEQ gdoi` + ` set group G` [+ ` match address ACL`]. */
export interface CryptoMap { name: string; seq: number; group: string; localDenyAcl?: string; line: number }

export interface InterfaceConfig {
  name: string;
  address?: string;
  mask?: string;
  cryptoMap?: string;
  description?: string;
  shutdown: boolean;
  line: number;
}

/** `crypto pki trustpoint NAME` (alias `crypto ca trustpoint`): recorded for the PKI work. */
export interface Trustpoint {
  name: string;
  enrollmentUrl?: string;
  enrollmentMode?: 'ra' | 'terminal';
  revocationCheck: ('crl' | 'none' | 'ocsp')[];  // default ['crl']
  autoEnroll?: number;                           // percent of lifetime
  rsaKeypair?: string;
  subjectName?: string;
  line: number;
}

/** Extension lines `crypto pki certificate|key|trusted-ca FILE`: absolute PEM paths. */
export interface PkiConfig {
  certificate?: string;
  key?: string;
  trustedCas: string[];
  trustpoints: Map<string, Trustpoint>;
  disconnectRevokedPeers: boolean;      // `crypto isakmp disconnect-revoked-peers`
}

/** An RSA key pair by label: generated at start, or loaded from a PEM file (extension). */
export type RsaKeyDecl =
  | { label: string; source: 'generate'; modulus: number; exportable: boolean; line: number }
  | { label: string; source: 'file'; path: string; line: number };

export interface DeviceConfig {
  hostname?: string;
  isakmpPolicies: IsakmpPolicy[];       // sorted by priority
  isakmpKeys: IsakmpKey[];
  isakmpIdentity: 'address' | 'dn';     // default address
  isakmpKeepalive?: { seconds: number; retry: number };
  transformSets: Map<string, TransformSet>;
  profiles: Map<string, IpsecProfile>;
  acls: Map<string, AclEntry[]>;        // entries sorted by seq
  ksGroups: GdoiKsGroup[];
  gmGroups: GdoiGmGroup[];
  cryptoMaps: CryptoMap[];
  interfaces: Map<string, InterfaceConfig>;
  pki: PkiConfig;
  rsaKeys: Map<string, RsaKeyDecl>;
  gdoiVersion?: string;                 // extension `gdoi version X.Y.Z`; unset = caller's default
}

export function emptyConfig(): DeviceConfig {
  return {
    isakmpPolicies: [], isakmpKeys: [], isakmpIdentity: 'address',
    transformSets: new Map(), profiles: new Map(), acls: new Map(),
    ksGroups: [], gmGroups: [], cryptoMaps: [], interfaces: new Map(),
    pki: { trustedCas: [], trustpoints: new Map(), disconnectRevokedPeers: false },
    rsaKeys: new Map(),
  };
}
