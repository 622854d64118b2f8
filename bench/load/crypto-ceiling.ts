// The KS's unavoidable crypto per registration, on one core (issue #5: DH + signature operations
// of the KS side). With PSK that is one DH key pair and one shared-secret computation (main mode
// message 3 -> 4), no signatures. With RSA signatures (IKEv1 auth method 3) the KS also signs
// SIG_R with its key, verifies the GM's SIG_I with the key in the GM's certificate and verifies
// that certificate's signature with the CA's key: --ks-key, --gm-cert, --gm-key (only to make a
// valid SIG_I to verify) and --ca give the real PEM files of the run. Run in its own process
// pinned to the KS's core so both see the same core:
//   taskset -c 0 node --import tsx bench/load/crypto-ceiling.ts --groups 14,19 --json
//   ... crypto-ceiling.ts --groups 14 --ks-key ks.key --gm-cert gm.pem --gm-key gm.key --ca ca.pem --json
// Reports per group: the best wall-clock rate of several short rounds (robust against other
// processes taking the core part of the time) and ops per CPU-second over all rounds.
import { X509Certificate, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dhExchange, generateDh, type DhGroupId } from '../../shared/crypto/dh.ts';
import { ikeSign, ikeVerify } from '../../shared/crypto/rsa.ts';

export interface CeilingFigure {
  group: number; auth: 'psk' | 'rsa-sig'; op: string; opsPerSec: number; opsPerCpuSecond: number; rounds: number; roundMs: number;
}

/** PEM files of an rsa-sig run. */
export interface SigFiles { ksKey: string; gmCert: string; gmKey: string; ca: string }

const ROUNDS = 10;
const ROUND_MS = 150;

function measure(op: () => void): { best: number; perCpu: number } {
  for (let i = 0; i < 20; i++) op();   // warm-up
  let best = 0, ops = 0;
  const c0 = process.cpuUsage();
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0;
    const t = performance.now();
    let now = t;
    while (now - t < ROUND_MS) { op(); op(); n += 2; now = performance.now(); }
    best = Math.max(best, n / ((now - t) / 1000));
    ops += n;
  }
  const c = process.cpuUsage(c0);
  return { best, perCpu: ops / ((c.user + c.system) / 1e6) };
}

function figure(group: number, auth: CeilingFigure['auth'], op: string, m: { best: number; perCpu: number }): CeilingFigure {
  return { group, auth, op, opsPerSec: Math.round(m.best), opsPerCpuSecond: Math.round(m.perCpu), rounds: ROUNDS, roundMs: ROUND_MS };
}

/**
 * The responder's DH as gdoi-ks does it (dhExchange: a fresh key pair and the shared secret in
 * one step, one ECDH engine per curve), the cheapest form the code base has, so the ceiling is
 * not lowered by setup the KS itself avoids.
 */
const dhOp = (group: DhGroupId): (() => void) => {
  const peer = generateDh(group).publicValue;
  return () => { dhExchange(group, peer); };
};

/** PSK: one DH key pair and one shared secret per registration. */
export function dhCeiling(group: DhGroupId): CeilingFigure {
  return figure(group, 'psk', `dhExchange(${group}) (fresh key pair + shared secret)`, measure(dhOp(group)));
}

const bits = (k: KeyObject) => k.asymmetricKeyDetails?.modulusLength ?? 0;

/** rsa-sig: the DH work plus sign SIG_R, verify SIG_I, verify the GM's certificate, with the run's real keys. */
export function sigCeiling(group: DhGroupId, f: SigFiles): CeilingFigure {
  const ksKey = createPrivateKey(readFileSync(f.ksKey, 'utf8'));
  const gmKey = createPrivateKey(readFileSync(f.gmKey, 'utf8'));
  const gmCert = new X509Certificate(readFileSync(f.gmCert));
  const gmPub = gmCert.publicKey;
  const caKey = new X509Certificate(readFileSync(f.ca)).publicKey;
  const hashR = randomBytes(32), hashI = randomBytes(32);   // a SHA-256 HASH_R / HASH_I
  const sigI = ikeSign(gmKey, hashI);
  // Measure real work only: the verifications must succeed, as they do at the KS.
  if (!ikeVerify(gmPub, hashI, sigI)) throw new Error(`--gm-key ${f.gmKey} is not the key of --gm-cert ${f.gmCert}`);
  if (!gmCert.verify(caKey)) throw new Error(`--gm-cert ${f.gmCert} is not signed by --ca ${f.ca}`);
  const dh = dhOp(group);
  const op = () => { dh(); ikeSign(ksKey, hashR); ikeVerify(gmPub, hashI, sigI); gmCert.verify(caKey); };
  const label = `dhExchange(${group}) (fresh key pair + shared secret) + RSA-${bits(ksKey)} ikeSign with the KS key (SIG_R) + RSA-${bits(gmPub)} ikeVerify with the GM certificate's key (SIG_I) + X509Certificate.verify of the GM certificate with the RSA-${bits(caKey)} CA key`;
  return figure(group, 'rsa-sig', label, measure(op));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
  if (process.argv.includes('--rsa')) {
    process.stderr.write('--rsa is gone: give the run\'s keys with --ks-key FILE --gm-cert FILE --gm-key FILE --ca FILE\n');
    process.exit(2);
  }
  const groups = (arg('--groups') ?? '14,19').split(',').map(Number) as DhGroupId[];
  const files = { ksKey: arg('--ks-key'), gmCert: arg('--gm-cert'), gmKey: arg('--gm-key'), ca: arg('--ca') };
  const given = Object.values(files).filter((v) => v !== undefined).length;
  if (given !== 0 && given !== 4) {
    process.stderr.write('the signature ceiling needs all of --ks-key, --gm-cert, --gm-key and --ca (PEM)\n');
    process.exit(2);
  }
  const out = groups.map((g) => (given ? sigCeiling(g, files as SigFiles) : dhCeiling(g)));
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(out)}\n`);
  else for (const f of out) process.stdout.write(`group ${f.group} ${f.auth}: ${f.opsPerSec} ops/s (best round), ${f.opsPerCpuSecond} per CPU-second  [${f.op}]\n`);
}
