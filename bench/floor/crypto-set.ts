// The crypto a key server cannot skip in one PSK registration, timed on this core, for
// bench/register-floor.ts: the DH of main mode (the ceiling's operation) and the symmetric set:
// one CBC operation per encrypted message (main mode 5 and 6, GROUPKEY-PULL 1 to 4, at the
// sizes a real registration has), ten prf (HMAC) calls (SKEYID, SKEYID_d/a/e, HASH_I, HASH_R,
// HASH(1) to HASH(4)) and two hashes (the phase-1 and the PULL IV). Node's own crypto calls,
// nothing of ours around them.
//   node --import tsx bench/floor/crypto-set.ts --group 19 [--sizes 48,48,80,288,48,512]
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { dhExchange, generateDh, type DhGroupId } from '../../shared/crypto/dh.ts';

const arg = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const group = Number(arg('--group') ?? 19) as DhGroupId;
/** Encrypted bodies, octets: msg 5 in, msg 6 out, PULL 1 in, 2 out, 3 in, 4 out. */
const sizes = (arg('--sizes') ?? '48,48,80,288,48,512').split(',').map(Number);
const ROUNDS = 10, ROUND_MS = 150;

function perCpu(op: () => void): number {
  for (let i = 0; i < 50; i++) op();
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0;
    const c0 = process.cpuUsage();
    const t = performance.now();
    while (performance.now() - t < ROUND_MS) { op(); n++; }
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / n);
  }
  return best;   // us of CPU per op, best round (least disturbed)
}

const peer = generateDh(group).publicValue;
const dhUs = perCpu(() => { dhExchange(group, peer); });   // the KS's own DH path

const key = randomBytes(32), iv = randomBytes(16), mac = randomBytes(32);
const bodies = sizes.map((n) => randomBytes(n));
const hmacIn = randomBytes(96), hashIn = randomBytes(64);
const symUs = perCpu(() => {
  bodies.forEach((b, i) => {
    const c = i % 2 === 0 ? createDecipheriv('aes-256-cbc', key, iv) : createCipheriv('aes-256-cbc', key, iv);
    c.setAutoPadding(false);
    c.update(b);
    c.final();
  });
  for (let i = 0; i < 10; i++) createHmac('sha256', mac).update(hmacIn).digest();
  for (let i = 0; i < 2; i++) createHash('sha256').update(hashIn).digest();
});
process.stdout.write(`${JSON.stringify({ group, dhUs, symUs, sizes })}\n`);
