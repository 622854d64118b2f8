// Our key server (bin/gdoi-ks.js) as the responder: the same proposal and PSK as charon
// (AES-256, SHA-256, pre-shared key, DH group 14 or 19), the same address and UDP port 500,
// the same private network namespace and core pinning (netns-run.sh). The group is a
// realistic GET VPN group (RSA-2048 rekey key, unicast rekeys, a traffic ACL, an
// authorization ACL), so a full registration hands out a KEK and a TEK as in production.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from './ensure.ts';
import { NETNS_RUN } from './charon-responder.ts';
import { PSK, RESPONDER_ADDRESS, RESPONDER_PORT, sleep, type DhCase, type Responder } from './responder.ts';
import type { Supervisor, Tracked } from './supervisor.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GROUP_ID = 3333;

export function ksConf(group: DhCase): string {
  return `hostname bench-ks
crypto key generate rsa general-keys label REKEYRSA modulus 2048
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group ${group}
 lifetime 86400
crypto isakmp key ${PSK} address 0.0.0.0 0.0.0.0
crypto ipsec transform-set GDOI-TS esp-aes 256 esp-sha256-hmac
crypto ipsec profile GDOI-P
 set transform-set GDOI-TS
 set security-association lifetime seconds 3600
ip access-list extended ENCPOL
 deny udp any eq 848 any eq 848
 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
 permit ip 10.2.0.0 0.0.255.255 10.1.0.0 0.0.255.255
access-list 50 permit 127.0.0.0 0.255.255.255
crypto gdoi group BENCH
 identity number ${GROUP_ID}
 server local
  rekey algorithm aes 256
  rekey lifetime seconds 86400
  rekey retransmit 10 number 2
  rekey authentication mypubkey rsa REKEYRSA
  rekey transport unicast
  sa ipsec 1
   profile GDOI-P
   match address ipv4 ENCPOL
   replay counter window-size 64
  address ipv4 ${RESPONDER_ADDRESS}
  authorization address ipv4 50
end
`;
}

function ourVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
    return `${pkg.name} ${pkg.version} gdoi-ks (node ${process.version})`;
  } catch {
    return `gdoi-ks (node ${process.version})`;
  }
}

class KsResponder implements Responder {
  readonly kind = 'gdoi-ks';
  readonly address = RESPONDER_ADDRESS;
  readonly port = RESPONDER_PORT;
  readonly doi = 2 as const;
  readonly version = ourVersion();
  constructor(readonly proc: Tracked) {}
  async stop(): Promise<void> {
    await this.proc.stop(5000);
  }
}

export interface KsStartOptions {
  /** Extra node options for the KS (e.g. --cpu-prof --cpu-prof-dir DIR). */
  nodeOptions?: string[];
}

export async function startKsResponder(sup: Supervisor, group: DhCase, cpu: number, o: KsStartOptions = {}): Promise<Responder> {
  const dir = sup.tempDir(`ks-g${group}`);
  const conf = join(dir, 'ks.conf');
  writeFileSync(conf, ksConf(group), { mode: 0o600 });
  const args = [
    '-', String(cpu), process.execPath, ...(o.nodeOptions ?? []), join(ROOT, 'bin', 'gdoi-ks.js'),
    '--config', conf, '--port', String(RESPONDER_PORT), '--address', RESPONDER_ADDRESS,
    '--state-dir', join(dir, 'state'), '--control', join(dir, 'ks.sock'), '--log-utc',
  ];
  const out = join(dir, 'stdout.txt');
  const proc = sup.spawn(`gdoi-ks (group ${group})`, NETNS_RUN, args, out);
  const r = new KsResponder(proc);
  const deadline = Date.now() + 60_000; // RSA-2048 key generation + tsx start-up on a busy box
  while (Date.now() < deadline) {
    if (!proc.running) throw new BenchError(`gdoi-ks exited during start-up (${proc.describeExit()}):\n${proc.tail()}`);
    if (/KS_STARTED/.test(readFileSync(out, 'utf8'))) return r;
    await sleep(100);
  }
  await r.stop();
  throw new BenchError(`gdoi-ks not ready after 60 s:\n${proc.tail()}`);
}
