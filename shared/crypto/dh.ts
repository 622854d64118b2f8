// Diffie-Hellman for IKEv1 phase 1 (and PFS): MODP groups of RFC 2409/3526 and the
// ECP groups of RFC 5903, with the KE payload encodings IKE expects.
import { createDiffieHellman, createECDH, getDiffieHellman, randomBytes, type DiffieHellman, type ECDH } from 'node:crypto';
import { PolicyError, VerifyError } from '../errors.ts';

export type DhGroupId = 2 | 5 | 14 | 15 | 16 | 19 | 20 | 21;

export interface DhGroupInfo {
  id: DhGroupId;
  kind: 'modp' | 'ecp';
  bits: number;
  /** Octets of the KE payload's key exchange data. */
  publicLength: number;
  name: string;
}

export interface DhKeyPair {
  group: DhGroupId;
  /** KE payload data: MODP g^x left-padded to the prime length; ECP x || y (RFC 5903 §7). */
  publicValue: Buffer;
  /** g^xy as IKE hashes it: MODP left-padded to the prime length; ECP the x coordinate only. */
  computeSecret(peerPublic: Buffer): Buffer;
}

interface GroupDef extends DhGroupInfo {
  /** OpenSSL name: a well-known MODP group for getDiffieHellman, or an ECDH curve. */
  openssl: string;
}

const GROUPS: ReadonlyMap<number, GroupDef> = new Map(
  ([
    { id: 2, kind: 'modp', bits: 1024, name: 'modp1024', openssl: 'modp2' },
    { id: 5, kind: 'modp', bits: 1536, name: 'modp1536', openssl: 'modp5' },
    { id: 14, kind: 'modp', bits: 2048, name: 'modp2048', openssl: 'modp14' },
    { id: 15, kind: 'modp', bits: 3072, name: 'modp3072', openssl: 'modp15' },
    { id: 16, kind: 'modp', bits: 4096, name: 'modp4096', openssl: 'modp16' },
    { id: 19, kind: 'ecp', bits: 256, name: 'ecp256', openssl: 'prime256v1' },
    { id: 20, kind: 'ecp', bits: 384, name: 'ecp384', openssl: 'secp384r1' },
    { id: 21, kind: 'ecp', bits: 521, name: 'ecp521', openssl: 'secp521r1' },
  ] as const).map((g): [number, GroupDef] => {
    const octets = Math.ceil(g.bits / 8);
    return [g.id, { ...g, publicLength: g.kind === 'modp' ? octets : 2 * octets }];
  }),
);

/** Group description for a transform's GROUP_DESCRIPTION value, or undefined if unsupported. */
export function dhGroup(id: number): DhGroupInfo | undefined {
  const g = GROUPS.get(id);
  return g && { id: g.id, kind: g.kind, bits: g.bits, publicLength: g.publicLength, name: g.name };
}

/**
 * A fresh key pair (one keygen). `privateKey` pins the private value for deterministic tests.
 * Without it, MODP groups 5 and 14-16 use OpenSSL's well-known group (which picks a short
 * exponent) and group 2 a random 256-bit exponent; ECP keys come from OpenSSL's ECDH.
 */
export function generateDh(group: DhGroupId, privateKey?: Buffer): DhKeyPair {
  const def = GROUPS.get(group);
  if (!def) throw new PolicyError('BAD_GROUP', `unsupported Diffie-Hellman group ${group}`);
  return def.kind === 'modp' ? modpKeyPair(def, privateKey) : ecpKeyPair(def, privateKey);
}

// ---- MODP --------------------------------------------------------------------------------

/**
 * Private exponent length for groups where OpenSSL would pick a full-length one. OpenSSL knows
 * the RFC 3526 groups (5, 14-16) as named groups and chooses a short exponent itself; for the
 * RFC 2409 group 2 it uses 1024 bits, and building its DiffieHellman object runs a ~40 ms
 * primality check. 256 bits is well over twice the group's ~80-bit strength (RFC 3526 §8).
 */
const OWN_EXPONENT_BYTES: Partial<Record<DhGroupId, number>> = { 2: 32 };

interface ModpParams {
  prime: Buffer;
  pMinus1: Buffer;
  /** One DiffieHellman object per group for chosen private keys, built once (see above). */
  shared?: DiffieHellman;
}
const modpCache = new Map<DhGroupId, ModpParams>();

function modpParams(def: GroupDef): ModpParams {
  let params = modpCache.get(def.id);
  if (!params) {
    const prime = getDiffieHellman(def.openssl).getPrime();
    const pMinus1 = Buffer.from(prime);
    pMinus1[pMinus1.length - 1]! -= 1; // the prime is odd: no borrow
    params = { prime, pMinus1 };
    modpCache.set(def.id, params);
  }
  return params;
}

/** Shared-engine key pairs: every call sets its own private key first, and all calls are synchronous. */
function sharedEngine(params: ModpParams): DiffieHellman {
  params.shared ??= createDiffieHellman(params.prime, 2); // all RFC 2409/3526 groups use g = 2
  return params.shared;
}

function modpKeyPair(def: GroupDef, privateKey?: Buffer): DhKeyPair {
  const params = modpParams(def);
  const ownBytes = OWN_EXPONENT_BYTES[def.id];
  let publicValue: Buffer;
  let compute: (peer: Buffer) => Buffer;
  if (privateKey || ownBytes) {
    const priv = privateKey ?? randomExponent(ownBytes!);
    const engine = sharedEngine(params);
    engine.setPrivateKey(priv);
    publicValue = engine.generateKeys(); // keeps the set private value, computes g^x
    compute = (peer) => {
      engine.setPrivateKey(priv);
      return engine.computeSecret(peer);
    };
  } else {
    const dh = getDiffieHellman(def.openssl);
    publicValue = dh.generateKeys();
    compute = (peer) => dh.computeSecret(peer);
  }
  return {
    group: def.id,
    publicValue: leftPad(publicValue, def.publicLength),
    computeSecret(peerPublic: Buffer): Buffer {
      checkModpPeer(def, params, peerPublic);
      let secret: Buffer;
      try {
        secret = compute(peerPublic);
      } catch (e) {
        throw new VerifyError('BAD_KE', `group ${def.id}: peer public value rejected (${(e as Error).message})`);
      }
      return leftPad(secret, def.publicLength);
    },
  };
}

/** A random exponent of exactly 8*bytes bits (top bit set, so never 0 or 1). */
function randomExponent(bytes: number): Buffer {
  const x = randomBytes(bytes);
  x[0]! |= 0x80;
  return x;
}

/**
 * RFC 2409 §5: the KE value MUST be exactly the prime's length. Values 0, 1 and p-1 (and
 * anything >= p) force the shared secret into a tiny subgroup, so they are refused.
 */
function checkModpPeer(def: GroupDef, params: ModpParams, peer: Buffer): void {
  if (peer.length !== def.publicLength) {
    throw new VerifyError('BAD_KE', `group ${def.id}: KE data is ${peer.length} octets, want ${def.publicLength}`);
  }
  if (isZeroOrOne(peer) || Buffer.compare(peer, params.pMinus1) >= 0) {
    throw new VerifyError('BAD_KE', `group ${def.id}: KE value out of range (must be 1 < y < p-1)`);
  }
}

function isZeroOrOne(b: Buffer): boolean {
  for (let i = 0; i < b.length - 1; i++) if (b[i] !== 0) return false;
  return b[b.length - 1]! <= 1;
}

/**
 * A fresh key pair used at once: our public value and the shared secret with `peerPublic`.
 * The main-mode responder computes g^xy as soon as it makes its KE (message 3 -> 4), so for
 * ECP groups one ECDH engine per curve serves every exchange (building an engine costs about
 * a tenth of the whole exchange). Same checks and encodings as generateDh().computeSecret.
 */
export function dhExchange(group: DhGroupId, peerPublic: Buffer): { publicValue: Buffer; secret: Buffer } {
  const def = GROUPS.get(group);
  if (!def) throw new PolicyError('BAD_GROUP', `unsupported Diffie-Hellman group ${group}`);
  if (def.kind === 'modp') {
    const pair = modpKeyPair(def);
    return { publicValue: pair.publicValue, secret: pair.computeSecret(peerPublic) };
  }
  let engine = ecdhEngines.get(def.id);
  if (!engine) { engine = createECDH(def.openssl); ecdhEngines.set(def.id, engine); }
  engine.generateKeys();
  return { publicValue: engine.getPublicKey().subarray(1), secret: ecpSecret(def, engine, peerPublic) };
}

// ---- ECP ---------------------------------------------------------------------------------

const UNCOMPRESSED = Buffer.from([0x04]);
const ecdhEngines = new Map<DhGroupId, ECDH>();

function ecpSecret(def: GroupDef, ecdh: ECDH, peerPublic: Buffer): Buffer {
  if (peerPublic.length !== def.publicLength) {
    throw new VerifyError('BAD_KE', `group ${def.id}: KE data is ${peerPublic.length} octets, want ${def.publicLength}`);
  }
  let secret: Buffer;
  try {
    // OpenSSL checks the point lies on the curve and its coordinates are below p.
    secret = ecdh.computeSecret(Buffer.concat([UNCOMPRESSED, peerPublic]));
  } catch {
    throw new VerifyError('BAD_KE', `group ${def.id}: KE data is not a point on the curve`);
  }
  return leftPad(secret, def.publicLength / 2); // RFC 5903 §9: the shared secret is x only
}

function ecpKeyPair(def: GroupDef, privateKey?: Buffer): DhKeyPair {
  const ecdh = createECDH(def.openssl);
  if (privateKey) ecdh.setPrivateKey(privateKey);
  else ecdh.generateKeys();
  return {
    group: def.id,
    // RFC 5903 §7: KE data is x || y with no point-format octet.
    publicValue: ecdh.getPublicKey().subarray(1),
    computeSecret: (peerPublic: Buffer): Buffer => ecpSecret(def, ecdh, peerPublic),
  };
}

function leftPad(b: Buffer, length: number): Buffer {
  if (b.length === length) return b;
  const out = Buffer.alloc(length);
  b.copy(out, length - b.length);
  return out;
}
