// GET VPN software versions (major.minor.mini), the features each version brings, and the
// private Vendor ID that carries a peer's version in IKE phase 1 (docs/wire.md §2).
// Cisco does not publish its own version VID, so a peer without ours counts as the base 1.0.1.
import { createHash } from 'node:crypto';
import { DecodeError, GdoiError } from '../errors.ts';

/** major: all devices must agree; minor: KS<->KS and GM<->GM compatibility; mini: no impact. */
export interface GetvpnVersion {
  readonly major: number;
  readonly minor: number;
  readonly mini: number;
}

/** What every GET VPN device speaks; assumed for a peer that sends no version VID. */
export const BASE_VERSION: GetvpnVersion = Object.freeze({ major: 1, minor: 0, mini: 1 });
/** This implementation: base + GM removal, policy replace and RFC 8263 acks (docs/wire.md §2.3). */
export const OUR_VERSION: GetvpnVersion = Object.freeze({ major: 1, minor: 0, mini: 2 });

const VERSION_TEXT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** '1.0.2' -> {1,0,2}; each part 0..255 (one octet on the wire). Throws GdoiError BAD_VERSION. */
export function parseVersion(text: string): GetvpnVersion {
  const m = VERSION_TEXT.exec(text.trim());
  const parts = m ? [m[1], m[2], m[3]].map(Number) : [];
  if (parts.length !== 3 || parts.some((n) => n > 255)) {
    throw new GdoiError('BAD_VERSION', `not a GET VPN version (major.minor.mini, each 0-255): '${text}'`);
  }
  const [major, minor, mini] = parts as [number, number, number];
  return { major, minor, mini };
}

export function formatVersion(v: GetvpnVersion): string {
  return `${v.major}.${v.minor}.${v.mini}`;
}

/** Negative, zero or positive as a is older than, equal to or newer than b. */
export function compareVersions(a: GetvpnVersion, b: GetvpnVersion): number {
  return Math.sign(a.major - b.major || a.minor - b.minor || a.mini - b.mini);
}

/** Feature names as `show crypto gdoi feature NAME` takes them. */
export const FEATURE_NAMES = [
  'gm-removal', 'policy-replace', 'dp-recovery', 'ckm', 'suite-b', 'gdoi-mib',
  'gdoi-interop-ack', 'ip-d3p', 'long-sa-lifetime', 'pfs',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export function isFeatureName(s: string): s is FeatureName {
  return (FEATURE_NAMES as readonly string[]).includes(s);
}

/**
 * The first version of this software with each feature; undefined = no version has it yet,
 * so it is reported "No" for every device. Versions are only learned from our own VID,
 * so this table describes our releases, not Cisco's (whose feature versions are unpublished).
 */
export const FEATURE_MIN_VERSION: Readonly<Record<FeatureName, GetvpnVersion | undefined>> = Object.freeze({
  'gm-removal': OUR_VERSION,
  'policy-replace': OUR_VERSION,
  'gdoi-interop-ack': OUR_VERSION,   // RFC 8263 acks ship in our first release
  'dp-recovery': undefined,
  'ckm': undefined,
  'suite-b': undefined,
  'gdoi-mib': undefined,
  'ip-d3p': undefined,
  'long-sa-lifetime': undefined,
  'pfs': undefined,
});

/** Whether software of version `v` implements `name` (by the table above). */
export function supportsFeature(v: GetvpnVersion, name: FeatureName): boolean {
  const min = FEATURE_MIN_VERSION[name];
  return min !== undefined && v.major === min.major && compareVersions(v, min) >= 0;
}

/** Every feature version `v` implements, in FEATURE_NAMES order. */
export function features(v: GetvpnVersion): FeatureName[] {
  return FEATURE_NAMES.filter((f) => supportsFeature(v, f));
}

// ---- The version Vendor ID (docs/wire.md §2.1) ----

/** Feature bits in the VID's last octet. Bits 4-7 are sent as zero and ignored on receipt. */
export const VidFeature = Object.freeze({ GM_REMOVAL: 0x01, POLICY_REPLACE: 0x02, REKEY_ACK: 0x04, COOP: 0x08 });
const KNOWN_VID_BITS = 0x0f;

/** The fixed string whose SHA-256 prefix marks our VID. Never change it: peers match on it. */
export const VERSION_VID_STRING = 'gdoi-getvpn: GET VPN software version, vendor ID v1';
export const VERSION_VID_MARKER: Buffer = createHash('sha256').update(VERSION_VID_STRING, 'ascii').digest().subarray(0, 16);
export const VERSION_VID_LENGTH = 20;

/** A peer's version as learned from its VID (or assumed: BASE_VERSION, no bits). */
export interface PeerVersion {
  version: GetvpnVersion;
  features: number;      // VidFeature bits
}

/** The bits a device of version `v` advertises; COOP is added only by key servers with redundancy. */
export function defaultFeatureBits(v: GetvpnVersion): number {
  let bits = 0;
  if (supportsFeature(v, 'gm-removal')) bits |= VidFeature.GM_REMOVAL;
  if (supportsFeature(v, 'policy-replace')) bits |= VidFeature.POLICY_REPLACE;
  if (supportsFeature(v, 'gdoi-interop-ack')) bits |= VidFeature.REKEY_ACK;
  return bits;
}

/** Vendor ID payload body: marker(16) | major | minor | mini | feature bits. */
export function encodeVersionVid(v: GetvpnVersion, featureBits = defaultFeatureBits(v)): Buffer {
  for (const n of [v.major, v.minor, v.mini, featureBits]) {
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new RangeError(`version VID field out of range: ${n}`);
  }
  return Buffer.concat([VERSION_VID_MARKER, Buffer.from([v.major, v.minor, v.mini, featureBits])]);
}

/**
 * Our version from a Vendor ID body; undefined for anyone else's VID. A body that starts with
 * our marker but is not exactly 20 octets is malformed (DecodeError BAD_LENGTH).
 */
export function decodeVersionVid(data: Buffer): PeerVersion | undefined {
  if (data.length < VERSION_VID_MARKER.length) return undefined;
  if (!data.subarray(0, VERSION_VID_MARKER.length).equals(VERSION_VID_MARKER)) return undefined;
  if (data.length !== VERSION_VID_LENGTH) {
    throw new DecodeError('BAD_LENGTH', 0, `version vendor ID is ${data.length} octets, expected ${VERSION_VID_LENGTH}`, 'vendor-id');
  }
  return {
    version: { major: data[16]!, minor: data[17]!, mini: data[18]! },
    features: data[19]! & KNOWN_VID_BITS,
  };
}

/**
 * A peer's version from all Vendor ID bodies of its phase-1 messages: the first of ours wins;
 * none (or only malformed ones, which the caller should log) means the base version, no bits.
 */
export function peerVersionFromVids(vids: Buffer[]): PeerVersion {
  for (const vid of vids) {
    try {
      const v = decodeVersionVid(vid);
      if (v) return v;
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
  }
  return { version: BASE_VERSION, features: 0 };
}

const FEATURE_BIT: Partial<Record<FeatureName, number>> = {
  'gm-removal': VidFeature.GM_REMOVAL,
  'policy-replace': VidFeature.POLICY_REPLACE,
  'gdoi-interop-ack': VidFeature.REKEY_ACK,
};

/**
 * Whether a peer supports `name`: for features with a VID bit the bit decides (a peer may
 * switch one off); for the rest, its version does. Another major version shares nothing.
 */
export function peerSupports(peer: PeerVersion, name: FeatureName): boolean {
  if (peer.version.major !== OUR_VERSION.major) return false;
  const bit = FEATURE_BIT[name];
  return bit !== undefined ? (peer.features & bit) !== 0 : supportsFeature(peer.version, name);
}
