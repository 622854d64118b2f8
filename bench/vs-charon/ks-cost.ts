// Where a key server spends its CPU on one registration, without sockets or other processes:
// a real KeyServer (the benchmark's configuration, ks/key-server.ts) and in-process initiators
// (main mode, GROUPKEY-PULL, ISAKMP DELETE, as gdoi-load sends them). Only the time inside
// KeyServer.receive() is counted (process CPU time, so time stolen by other processes on a
// shared machine is not), per message kind: the KS's own work, without UDP system calls
// (bench/load/udp-rate.ts and the side-by-side run cover those).
// On a shared machine the figures move with the neighbours' load, so the run is split into
// rounds and each kind reports its best (lowest) round: the cost without interference.
//   npx tsx bench/vs-charon/ks-cost.ts [--group 19] [--count 1000] [--rounds 5] [--phase1-only] [--auth rsa-sig]
// --auth rsa-sig: RSA-signature phase 1 with a test PKI (CA, KS and GM certificates, RSA-2048),
// the configuration bench:register measures as rsa-sig.
// Combine with `node --cpu-prof --import tsx bench/vs-charon/ks-cost.ts` for a clean profile.
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyServer } from '../../ks/key-server.ts';
import { loadSigningKeys } from '../../ks/signing-keys.ts';
import { parseConfig } from '../../shared/config/index.ts';
import { MainModeInitiator, type MainModeConfig } from '../../shared/exchanges/main-mode.ts';
import { GroupkeyPullInitiator } from '../../shared/exchanges/groupkey-pull.ts';
import { deleteIsakmpPayload, protectedInformational } from '../../shared/exchanges/informational.ts';
import type { Phase1Sa } from '../../shared/exchanges/phase1-sa.ts';
import { Syslog } from '../../shared/log/syslog.ts';
import { OUR_VERSION, defaultFeatureBits } from '../../shared/policy/version.ts';
import { systemClock, systemRandom } from '../../shared/time/clock.ts';
import type { Datagram, Transport } from '../../shared/transport/udp.ts';
import { keyIdFromNumber } from '../../shared/wire/id-data.ts';
import type { DhGroupId } from '../../shared/crypto/dh.ts';
import { ksConf, GROUP_ID } from './ks-responder.ts';
import { PSK } from './responder.ts';
import { writeFileSync } from 'node:fs';
import { makeCa, makeLeaf } from '../../shared/crypto/test-pki.ts';
import { ksConfig } from '../load/ks-process.ts';
import { loadCredentials } from '../load/credentials.ts';
import type { Phase1Credentials } from '../../shared/exchanges/phase1-auth.ts';
import type { LoadOptions } from '../load/options.ts';

Buffer.poolSize = 64 * 1024;   // as gdoi-ks sets it (ks/main.ts)
const KS = '127.0.0.1';
const PORT = 500;

class LoopTransport implements Transport {
  readonly address = KS;
  readonly port = PORT;
  last: Buffer | undefined;
  send(data: Buffer): void { this.last = data; }
  onMessage(): void {}
  async close(): Promise<void> {}
}

const { values } = parseArgs({ options: { group: { type: 'string', default: '19' }, count: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '5' }, 'phase1-only': { type: 'boolean', default: false }, auth: { type: 'string', default: 'psk' } } });
const group = Number(values.group) as DhGroupId;
const count = Number(values.count);
const rounds = Number(values.rounds);
const phase1Only = values['phase1-only'];
const rsa = values.auth === 'rsa-sig';
if (!rsa && values.auth !== 'psk') throw new Error('--auth must be psk or rsa-sig');

const dir = mkdtempSync(join(tmpdir(), 'ks-cost-'));
try {
  let ksText = ksConf(group as 14 | 19);
  let gmCredentials: Phase1Credentials = { psk: () => Buffer.from(PSK), trustedCas: [], identity: 'address' };
  if (rsa) {
    const ca = makeCa('ks-cost CA');
    const file = (name: string, text: string) => { const f = join(dir, name); writeFileSync(f, text); return f; };
    const caFile = file('ca.pem', ca.certPem);
    const ks = makeLeaf(ca, 'ks-cost-ks'), gm = makeLeaf(ca, 'ks-cost-gm');
    ksText = ksConfig({ dhGroup: group, psk: PSK, groupId: GROUP_ID, pki: { cert: file('ks.crt', ks.certPem), key: file('ks.key', ks.keyPem), ca: caFile } });
    gmCredentials = loadCredentials({ auth: 'rsa-sig', identity: 'dn', psk: PSK, pki: { cert: file('gm.crt', gm.certPem), key: file('gm.key', gm.keyPem), ca: caFile } } as LoadOptions);
  }
  const { config } = parseConfig(ksText, join(dir, 'bench.conf'));
  const signingKeys = loadSigningKeys(config, dir, () => {});
  const lines: string[] = [];
  const log = new Syslog({ clock: systemClock, out: (l) => { lines.push(l); if (lines.length > 1000) lines.length = 0; } });
  const ks = new KeyServer({ config, localAddress: KS, port: PORT, clock: systemClock, random: systemRandom, log, version: OUR_VERSION, signingKeys });
  const t = new LoopTransport();
  ks.attach(t);

  const kinds = ['mm1', 'mm3', 'mm5', 'pull1', 'pull3', 'delete'] as const;
  const spent = new Map<string, number>(kinds.map((k) => [k, 0]));
  const deliver = (kind: (typeof kinds)[number], data: Buffer, peer: string): Buffer | undefined => {
    t.last = undefined;
    const d: Datagram = { data, address: peer, port: 1500 };
    const c0 = process.cpuUsage();
    ks.receive(d);
    const c = process.cpuUsage(c0);
    spent.set(kind, spent.get(kind)! + c.user + c.system);
    return t.last;
  };

  const one = (i: number): void => {
    const peer = `127.10.${(i >> 8) & 255}.${(i & 255) || 1}`;
    const cfg: MainModeConfig = {
      policies: [{ cipher: 'aes-256-cbc', hash: 'sha256', auth: rsa ? 'sig' : 'psk', group, lifetime: 86400 }],
      credentials: gmCredentials,
      localAddress: peer, doi: 2, version: OUR_VERSION, features: defaultFeatureBits(OUR_VERSION), clock: systemClock, random: systemRandom,
    };
    const gm = new MainModeInitiator(cfg, KS, PORT);
    const m2 = deliver('mm1', gm.start(), peer)!;
    const m4 = deliver('mm3', gm.process(m2).reply!, peer)!;
    const m6 = deliver('mm5', gm.process(m4).reply!, peer)!;
    const sa: Phase1Sa = gm.process(m6).sa!;
    if (!phase1Only) {
      const pull = new GroupkeyPullInitiator(sa, keyIdFromNumber(GROUP_ID), systemRandom);
      const p2 = deliver('pull1', pull.start(), peer)!;
      const p4 = deliver('pull3', pull.process(p2).reply!, peer)!;
      pull.process(p4);
      if (pull.state !== 'DONE') throw new Error(`registration ${i} failed`);
    }
    deliver('delete', protectedInformational(sa, systemRandom, deleteIsakmpPayload(sa.icookie, sa.rcookie)), peer);
  };

  for (let i = 0; i < Math.min(300, count); i++) one(i); // warm-up (JIT)
  const best = new Map<string, number>(kinds.map((k) => [k, Infinity]));
  const totals: number[] = [];
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    for (const k of kinds) spent.set(k, 0);
    for (let i = 0; i < count; i++) one(n++);
    for (const k of kinds) best.set(k, Math.min(best.get(k)!, spent.get(k)! / count));
    totals.push([...spent.values()].reduce((a, b) => a + b, 0) / count);
  }
  const sum = kinds.reduce((a, k) => a + best.get(k)!, 0);
  const what = phase1Only ? 'main modes + DELETE' : 'registrations + DELETE';
  console.log(`${rsa ? 'rsa-sig' : 'psk'}, group ${group}, ${rounds} rounds of ${count} ${what}: KS CPU ${sum.toFixed(1)} us each, best round per message (${(1e6 / sum).toFixed(0)} per KS CPU-second, no UDP); round totals ${totals.map((t) => t.toFixed(0)).join(' ')} us`);
  for (const k of kinds) if (best.get(k)! > 0) console.log(`  ${k.padEnd(7)} ${best.get(k)!.toFixed(1).padStart(7)} us  ${((100 * best.get(k)!) / sum).toFixed(0).padStart(3)} %`);
  console.log(`  (${ks.stats.registrations} registrations, ${ks.stats.phase1} SAs in total)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
