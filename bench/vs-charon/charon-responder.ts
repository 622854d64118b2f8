// Debian's charon as the IKEv1 main-mode responder, set up as in the reference measurement
// (../shared/reference/perf-anchor.md): Debian's default plugin set through modular loading,
// 16 threads, raised half-open limit (block_threshold; the default 5 per peer IP silently
// drops first messages), no routes or virtual IPs, file log of the IKE lines at level 0.
// It runs in a private network + mount namespace (netns-run.sh): its own /run for the
// compiled-in pid file, its own loopback so that port 500 is ours, and no kernel state of the
// host is touched. No CHILD_SA config: the load generator runs main mode only.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError, CHARON_BIN, SWANCTL_BIN, firstExisting } from './ensure.ts';
import { PSK, RESPONDER_ADDRESS, RESPONDER_PORT, sleep, type DhCase, type Responder } from './responder.ts';
import type { Supervisor, Tracked } from './supervisor.ts';

export const NETNS_RUN = join(dirname(fileURLToPath(import.meta.url)), 'netns-run.sh');

const PROPOSAL: Record<DhCase, string> = { 14: 'aes256-sha256-modp2048', 19: 'aes256-sha256-ecp256' };
const ESTABLISHED = /^(\d+\.\d+) \S+ IKE_SA \S+\[\d+\] established between/;

/** Non-default charon settings a run may ask for (the committed result uses none). */
export interface CharonTuning {
  /** charon.dh_exponent_ansi_x9_42 = no: MODP private exponents sized to the group's strength
   *  instead of the ANSI X9.42 size (charon's default, yes). */
  shortDhExponent?: boolean;
}

function strongswanConf(dir: string, t: CharonTuning): string {
  return `charon {
  load_modular = yes${t.shortDhExponent ? '\n  dh_exponent_ansi_x9_42 = no' : ''}
  plugins {
    include /etc/strongswan.d/charon/*.conf
    vici {
      socket = unix://${join(dir, 'charon.vici')}
    }
    stroke {
      load = no
    }
    socket-default {
      use_ipv6 = no
    }
  }
  port = ${RESPONDER_PORT}
  port_nat_t = 4500
  install_routes = no
  install_virtual_ip = no
  ikesa_table_size = 4096
  ikesa_table_segments = 16
  block_threshold = 100000
  filelog {
    bench {
      path = ${join(dir, 'charon.log')}
      time_format = %s
      time_add_ms = yes
      default = -1
      ike = 0
      cfg = 0
    }
  }
}
swanctl {
  load = pem pkcs1 x509 pubkey gmp openssl
}
`;
}

function swanctlConf(group: DhCase): string {
  return `connections {
  bench {
    version = 1
    aggressive = no
    local_addrs = ${RESPONDER_ADDRESS}
    remote_addrs = 127.0.0.0/8
    local_port = ${RESPONDER_PORT}
    proposals = ${PROPOSAL[group]}
    unique = never
    rekey_time = 0s
    reauth_time = 0s
    dpd_delay = 0s
    local {
      auth = psk
      id = ${RESPONDER_ADDRESS}
    }
    remote {
      auth = psk
      id = %any
    }
  }
}
secrets {
  ike-bench {
    secret = "${PSK}"
  }
}
`;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, output: `${stdout}${stderr}` });
    });
  });
}

function charonVersion(): string {
  try {
    const deb = readFileSync('/var/lib/dpkg/status', 'utf8');
    const m = /Package: strongswan-charon\n(?:[^\n]+\n)*?Version: (\S+)/.exec(deb);
    if (m) return `strongSwan charon ${m[1]} (Debian package)`;
  } catch {
    // not Debian: fall through
  }
  return 'strongSwan charon';
}

class CharonResponder implements Responder {
  readonly kind = 'charon';
  readonly address = RESPONDER_ADDRESS;
  readonly port = RESPONDER_PORT;
  readonly doi = 1 as const;
  readonly version = charonVersion();
  constructor(readonly proc: Tracked, private readonly dir: string) {}

  establishedBetween(fromMs: number, toMs: number): number {
    let n = 0;
    let text = '';
    try {
      text = readFileSync(join(this.dir, 'charon.log'), 'utf8');
    } catch {
      return 0;
    }
    for (const line of text.split('\n')) {
      const m = ESTABLISHED.exec(line);
      if (m === null) continue;
      const t = Number(m[1]) * 1000;
      if (t >= fromMs && t < toMs) n++;
    }
    return n;
  }

  async stop(): Promise<void> {
    await this.proc.stop(); // SIGTERM flushes charon's file log
  }
}

export async function startCharonResponder(sup: Supervisor, group: DhCase, cpu: number, tuning: CharonTuning = {}): Promise<Responder> {
  const charon = firstExisting(CHARON_BIN);
  const swanctl = firstExisting(SWANCTL_BIN);
  if (charon === undefined || swanctl === undefined) throw new BenchError('charon or swanctl not installed');
  const dir = sup.tempDir(`charon-g${group}`);
  mkdirSync(join(dir, 'run'));
  const conf = join(dir, 'strongswan.conf');
  writeFileSync(conf, strongswanConf(dir, tuning));
  writeFileSync(join(dir, 'swanctl.conf'), swanctlConf(group), { mode: 0o600 });
  const env = { ...process.env, STRONGSWAN_CONF: conf };
  const proc = sup.spawn(`charon (group ${group})`, NETNS_RUN, [join(dir, 'run'), String(cpu), charon], join(dir, 'stdout.txt'), env);
  const r = new CharonResponder(proc, dir);
  const vici = join(dir, 'charon.vici');
  const deadline = Date.now() + 20_000;
  let last = '';
  while (Date.now() < deadline) {
    if (!proc.running) {
      const log = existsSync(join(dir, 'charon.log')) ? readFileSync(join(dir, 'charon.log'), 'utf8') : '';
      throw new BenchError(`charon exited during start-up (${proc.describeExit()}):\n${proc.tail()}\n${log.trimEnd().split('\n').slice(-10).join('\n')}`);
    }
    if (existsSync(vici)) {
      const res = await run(swanctl, ['--load-all', '--noprompt', '--file', join(dir, 'swanctl.conf'), '--uri', `unix://${vici}`], env, 20_000);
      if (res.code === 0) return r;
      last = res.output;
      if (!/connecting to .* failed|Connection refused/i.test(res.output)) {
        await r.stop();
        throw new BenchError(`swanctl --load-all failed for the charon responder:\n${res.output.trim()}`);
      }
    }
    await sleep(100);
  }
  await r.stop();
  throw new BenchError(`charon responder not ready after 20 s:\n${last}\n${proc.tail()}`);
}
