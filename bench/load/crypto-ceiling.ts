// The KS's unavoidable crypto per registration, on one core: with PSK that is one DH keygen and
// one shared-secret computation (main mode message 3 -> 4); RSA-signature phase 1 would add one
// signature and one verification, which `--rsa` measures. Run in its own process pinned to the
// KS's core so both see the same core:
//   taskset -c 0 node --import tsx bench/load/crypto-ceiling.ts --groups 14,19 --json
// Reports per group: the best wall-clock rate of several short rounds (robust against other
// processes taking the core part of the time) and ops per CPU-second over all rounds.
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { generateDh, type DhGroupId } from '../../shared/crypto/dh.ts';

export interface CeilingFigure { group: number; op: string; opsPerSec: number; opsPerCpuSecond: number; rounds: number; roundMs: number }

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

export function dhCeiling(group: DhGroupId, rsa: boolean): CeilingFigure {
  const peer = generateDh(group).publicValue;
  let op: () => void = () => { generateDh(group).computeSecret(peer); };
  if (rsa) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const data = Buffer.alloc(32, 7);
    const sig = sign('sha256', data, privateKey);
    const dh = op;
    op = () => { dh(); sign('sha256', data, privateKey); verify('sha256', data, publicKey, sig); };
  }
  const m = measure(op);
  return {
    group, op: `generateDh(${group}) + computeSecret${rsa ? ' + RSA-2048 sign + verify' : ''}`,
    opsPerSec: Math.round(m.best), opsPerCpuSecond: Math.round(m.perCpu), rounds: ROUNDS, roundMs: ROUND_MS,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
  const groups = (arg('--groups') ?? '14,19').split(',').map(Number) as DhGroupId[];
  const rsa = process.argv.includes('--rsa');
  const out = groups.map((g) => dhCeiling(g, rsa));
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(out)}\n`);
  else for (const f of out) process.stdout.write(`group ${f.group}: ${f.opsPerSec} ops/s (best round), ${f.opsPerCpuSecond} per CPU-second  [${f.op}]\n`);
}
