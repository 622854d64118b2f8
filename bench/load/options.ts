// gdoi-load settings: what one run does, validated and normalized from the command line.
import type { CipherName } from '../../shared/crypto/cipher.ts';
import type { HashName } from '../../shared/crypto/hash.ts';
import { dhGroup, type DhGroupId } from '../../shared/crypto/dh.ts';
import { GdoiError } from '../../shared/errors.ts';
import { ipv4ToInt } from './addresses.ts';

export interface LoadOptions {
  /** Responder (KS, or any IKEv1 responder in phase-1-only mode) address and port. */
  ks: string;
  port: number;
  /** Source port of every simulated GM (the deployment port by default: unicast rekeys go there). */
  localPort: number;
  /** First simulated GM address. */
  base: string;
  /** Distinct GM addresses (sockets). Count mode: one per GM. Duration mode: cycled. */
  addresses: number;
  /** GMs to register (count mode), or undefined with `durationSec`. */
  count: number;
  durationSec?: number;
  /** Seconds of registrations before the measured window (duration mode); not counted. */
  warmupSec: number;
  concurrency: number;
  /** Phase-1 authentication: pre-shared key, or RSA signatures (IKEv1 auth method 3). */
  auth: 'psk' | 'rsa-sig';
  psk: string;
  /** rsa-sig: PEM files of the one certificate and key every simulated GM uses, and the CA the KS's certificate must chain to. */
  pki?: { cert: string; key: string; ca: string };
  /** Our phase-1 ID: each GM's own address, or (rsa-sig) the certificate's subject DN. */
  identity: 'address' | 'dn';
  dhGroup: DhGroupId;
  cipher: CipherName;
  hash: HashName;
  lifetimeSec: number;
  groupId: number;
  /** DOI of our phase-1 SA: 2 = GDOI (RFC 6407), 1 = IPsec (charon and other IKEv1 peers). */
  doi: 1 | 2;
  phase1Only: boolean;
  /** After a full registration, delete the phase-1 SA (ISAKMP DELETE) so only the member stays. */
  deleteAfter: boolean;
  /** Keep the GMs after registering: verify and acknowledge rekeys until stopped. */
  stay: boolean;
  /** With --stay: exit after this many complete rekeys (0 = run until SIGINT/SIGTERM). */
  rekeys: number;
  /** With --stay: join this multicast group (IPv4) for multicast rekeys. */
  multicast?: string;
  /** Interface address for the multicast membership. */
  multicastIface: string;
  /** One DH key pair per this many GMs (1 = fresh per GM). Spares the generator's core; the KS always makes fresh keys. */
  dhReuse: number;
  /** MODP groups: our private exponent's length in bits (0 = the library's choice). Cheaper for us; the responder's work is unchanged. */
  dhExponentBits: number;
  /** RFC 3948 non-ESP marker (4 zero octets) on every datagram: charon expects it when neither port is 500. */
  nonEspMarker: boolean;
  /** First retransmit after this many ms; doubled per try. */
  retransmitMs: number;
  retries: number;
  json: boolean;
  progress: boolean;
  ksPid?: number;
}

export const DEFAULTS = {
  ks: '127.0.0.1', port: 848, base: '127.10.0.1', count: 100, concurrency: 64, psk: 'getvpn-lab-psk',
  group: '14', encryption: 'aes-256', hash: 'sha256', lifetime: '86400', groupId: '3333', doi: '2', dhReuse: '1',
  retransmitMs: '1000', retries: '4', multicastIface: '127.0.0.1', warmup: '0', rekeys: '0', dhExponentBits: '0',
  auth: 'psk', identity: 'address',
} as const;

export const AUTH_NAMES = ['psk', 'rsa-sig'];
export const IDENTITY_NAMES = ['address', 'dn'];

const CIPHERS: Record<string, CipherName> = {
  aes: 'aes-128-cbc', 'aes-128': 'aes-128-cbc', 'aes-192': 'aes-192-cbc', 'aes-256': 'aes-256-cbc', '3des': 'des-ede3-cbc',
  'aes-128-cbc': 'aes-128-cbc', 'aes-192-cbc': 'aes-192-cbc', 'aes-256-cbc': 'aes-256-cbc', 'des-ede3-cbc': 'des-ede3-cbc',
};
const HASHES: Record<string, HashName> = { md5: 'md5', sha: 'sha1', sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

export const CIPHER_NAMES = ['aes', 'aes-192', 'aes-256', '3des'];
export const HASH_NAMES = ['md5', 'sha', 'sha256', 'sha384', 'sha512'];

function int(name: string, text: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min || n > max) throw new GdoiError('USAGE', `--${name} must be an integer from ${min} to ${max}, got ${text}`);
  return n;
}

function loopback(name: string, text: string): string {
  const n = ipv4ToInt(text);
  if (n >>> 24 !== 127) throw new GdoiError('USAGE', `--${name} ${text}: only loopback addresses (127.0.0.0/8) are used`);
  return text;
}

function dhExponent(text: string): number {
  const n = int('dh-exponent-bits', text, 0, 8192);
  if (n !== 0 && (n < 32 || n % 8 !== 0)) throw new GdoiError('USAGE', '--dh-exponent-bits must be 0 or a multiple of 8 from 32 up');
  return n;
}

/** Raw strings as commander hands them over. */
export interface RawOptions {
  ks?: string; port?: string; localPort?: string; base?: string; addresses?: string; count?: string; duration?: string; warmup?: string;
  concurrency?: string; auth?: string; psk?: string; cert?: string; key?: string; ca?: string; identity?: string; group?: string; encryption?: string; hash?: string; lifetime?: string; groupId?: string;
  doi?: string; phase1Only?: boolean; deleteAfter?: boolean; stay?: boolean; rekeys?: string; multicast?: string; multicastIface?: string;
  dhReuse?: string; dhExponentBits?: string; nonEspMarker?: boolean; retransmit?: string; retries?: string; json?: boolean; progress?: boolean; ksPid?: string;
}

/** --auth and what it needs: the three PEM files with rsa-sig, none of them with psk. */
function authOptions(r: RawOptions): Pick<LoadOptions, 'auth' | 'pki' | 'identity'> {
  const auth = r.auth ?? DEFAULTS.auth;
  if (auth !== 'psk' && auth !== 'rsa-sig') throw new GdoiError('USAGE', `--auth must be one of ${AUTH_NAMES.join(', ')}, got ${auth}`);
  const identity = r.identity ?? DEFAULTS.identity;
  if (identity !== 'address' && identity !== 'dn') throw new GdoiError('USAGE', `--identity must be one of ${IDENTITY_NAMES.join(', ')}, got ${identity}`);
  const given = (['cert', 'key', 'ca'] as const).filter((k) => r[k] !== undefined);
  if (auth === 'psk') {
    if (given.length) throw new GdoiError('USAGE', `${given.map((k) => `--${k}`).join(', ')}: certificates are for --auth rsa-sig`);
    if (identity === 'dn') throw new GdoiError('USAGE', '--identity dn sends the certificate\'s subject DN: it needs --auth rsa-sig');
    return { auth, identity };
  }
  const missing = (['cert', 'key', 'ca'] as const).filter((k) => r[k] === undefined);
  if (missing.length) throw new GdoiError('USAGE', `--auth rsa-sig needs --cert FILE, --key FILE and --ca FILE (PEM); missing ${missing.map((k) => `--${k}`).join(', ')}`);
  return { auth, identity, pki: { cert: r.cert!, key: r.key!, ca: r.ca! } };
}

export function normalize(r: RawOptions, isTty: boolean): LoadOptions {
  const port = int('port', r.port ?? String(DEFAULTS.port), 1, 65535);
  const group = int('group', r.group ?? DEFAULTS.group, 1, 65535);
  if (!dhGroup(group)) throw new GdoiError('USAGE', `--group ${group}: supported DH groups are 2, 5, 14, 15, 16, 19, 20, 21`);
  const cipher = CIPHERS[(r.encryption ?? DEFAULTS.encryption).toLowerCase()];
  if (!cipher) throw new GdoiError('USAGE', `--encryption must be one of ${CIPHER_NAMES.join(', ')}`);
  const hash = HASHES[(r.hash ?? DEFAULTS.hash).toLowerCase()];
  if (!hash) throw new GdoiError('USAGE', `--hash must be one of ${HASH_NAMES.join(', ')}`);
  const durationSec = r.duration === undefined ? undefined : int('duration', r.duration, 1, 86400);
  const count = int('count', r.count ?? String(DEFAULTS.count), 1, 1_000_000);
  const concurrency = int('concurrency', r.concurrency ?? String(DEFAULTS.concurrency), 1, 100_000);
  const phase1Only = r.phase1Only ?? false;
  const stay = r.stay ?? false;
  if (stay && phase1Only) throw new GdoiError('USAGE', '--stay needs full registrations; it cannot be combined with --phase1-only');
  if (stay && durationSec !== undefined) throw new GdoiError('USAGE', '--stay registers a fixed --count; it cannot be combined with --duration');
  if (r.deleteAfter && phase1Only) throw new GdoiError('USAGE', '--phase1-only always deletes the SA; --delete-after is for full registrations');
  const defaultAddresses = durationSec === undefined ? count : Math.max(4 * concurrency, 256);
  const addresses = int('addresses', r.addresses ?? String(defaultAddresses), 1, 1_000_000);
  if (durationSec === undefined && addresses < count && stay) throw new GdoiError('USAGE', '--stay needs one address per GM (--addresses >= --count)');
  if (addresses < Math.min(concurrency, durationSec === undefined ? count : concurrency)) {
    throw new GdoiError('USAGE', `--addresses ${addresses} is below --concurrency ${concurrency}: two GMs in flight would share an address`);
  }
  const doi = int('doi', r.doi ?? DEFAULTS.doi, 1, 2) as 1 | 2;
  if (r.multicast !== undefined && (ipv4ToInt(r.multicast) >>> 28) !== 14) throw new GdoiError('USAGE', `--multicast ${r.multicast} is not an IPv4 multicast group (224.0.0.0/4)`);
  if (r.multicast !== undefined && !stay) throw new GdoiError('USAGE', '--multicast receives rekeys: it needs --stay');
  return {
    ks: loopback('ks', r.ks ?? DEFAULTS.ks), port, localPort: r.localPort === undefined ? port : int('local-port', r.localPort, 0, 65535),
    base: loopback('base', r.base ?? DEFAULTS.base), addresses, count, durationSec,
    warmupSec: int('warmup', r.warmup ?? DEFAULTS.warmup, 0, 3600), concurrency,
    ...authOptions(r), psk: r.psk ?? DEFAULTS.psk, dhGroup: group as DhGroupId, cipher, hash,
    lifetimeSec: int('lifetime', r.lifetime ?? DEFAULTS.lifetime, 60, 86400 * 365),
    groupId: int('group-id', r.groupId ?? DEFAULTS.groupId, 0, 0xffffffff), doi, phase1Only,
    deleteAfter: r.deleteAfter ?? false, stay, rekeys: int('rekeys', r.rekeys ?? DEFAULTS.rekeys, 0, 1_000_000),
    multicast: r.multicast, multicastIface: loopback('multicast-iface', r.multicastIface ?? DEFAULTS.multicastIface),
    dhReuse: int('dh-reuse', r.dhReuse ?? DEFAULTS.dhReuse, 1, 1_000_000), nonEspMarker: r.nonEspMarker ?? false,
    dhExponentBits: dhExponent(r.dhExponentBits ?? DEFAULTS.dhExponentBits),
    retransmitMs: int('retransmit', r.retransmit ?? DEFAULTS.retransmitMs, 10, 60_000), retries: int('retries', r.retries ?? DEFAULTS.retries, 0, 20),
    json: r.json ?? false, progress: r.progress === false ? false : isTty,
    ksPid: r.ksPid === undefined ? undefined : int('ks-pid', r.ksPid, 1),
  };
}

/** The phase-1 proposal label for summaries: `aes-256-cbc/sha256/psk/group 14`, `.../rsa-sig/...`. */
export function proposalLabel(o: LoadOptions): string {
  return `${o.cipher}/${o.hash}/${o.auth}/group ${o.dhGroup}`;
}
