// gdoi-ks: the GET VPN key server daemon.
import { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { KeyServer } from './key-server.ts';
import { loadSigningKeys } from './signing-keys.ts';
import { registerKsCommands } from './commands.ts';
import { daemonVersion, fatal, loadConfig, newSyslog, openDaemon, parsePort } from '../shared/daemon/bootstrap.ts';
import { systemClock, systemRandom } from '../shared/time/clock.ts';
import { KsRekeyer } from './rekey.ts';
import { FileStore } from './store.ts';

const program = new Command('gdoi-ks')
  .description('GET VPN key server: registers group members (IKEv1 main mode + GDOI GROUPKEY-PULL on UDP 848) and sends them signed rekeys (GROUPKEY-PUSH).')
  .requiredOption('--config <file>', 'IOS-style configuration (crypto isakmp, crypto ipsec, crypto gdoi group ... server local)')
  .option('--port <n>', 'UDP port for registrations and rekeys (every daemon of a deployment uses the same)', '848')
  .option('--control <path>', 'Unix socket for the operator CLI (gdoi --control PATH ...)')
  .option('--state-dir <dir>', 'where keys, group state and members are kept across restarts', './.state/ks')
  .option('--address <ip>', "local address to bind (default: the group's 'address ipv4', else 127.0.0.1)")
  .option('--gdoi-version <x.y.z>', 'GET VPN software version to announce (default: the config\'s `gdoi version`, else ours)')
  .option('--key-log <file>', 'append phase-1 keys as a Wireshark IKEv1 decryption table (off by default; contains secrets)')
  .option('--max-half-open <n>', 'unauthenticated main-mode exchanges allowed in total', '20000')
  .option('--max-half-open-per-peer <n>', 'unauthenticated main-mode exchanges allowed per peer address', '256')
  .option('--log-utc', 'timestamps in UTC')
  .addHelpText('after', '\nExample:\n  gdoi-ks --config examples/ks.conf --control /tmp/ks1.sock\n  gdoi --control /tmp/ks1.sock show crypto gdoi ks members');

// Every datagram allocates a few small Buffers; a larger slab means far fewer slab
// allocations on the registration path (they showed up at ~7% of its CPU with 8 KiB).
Buffer.poolSize = 64 * 1024;

async function main(): Promise<void> {
  const o = program.parse().opts<{ config: string; port: string; control?: string; stateDir: string; address?: string; gdoiVersion?: string; keyLog?: string; maxHalfOpen: string; maxHalfOpenPerPeer: string; logUtc?: boolean }>();
  const boot = newSyslog(undefined, o.logUtc);
  const config = loadConfig(o.config, boot);
  const log = newSyslog(undefined, o.logUtc);
  const port = parsePort(o.port);
  const address = o.address ?? config.ksGroups.find((g) => g.local.address)?.local.address ?? '127.0.0.1';
  const clock = systemClock;
  mkdirSync(o.stateDir, { recursive: true, mode: 0o700 });
  const signingKeys = loadSigningKeys(config, o.stateDir, (label, bits) => log.log('CRYPTO', 5, 'KEY_GENERATED', `RSA key ${label} (${bits} bits) generated in ${o.stateDir}`));
  const store = new FileStore(o.stateDir);
  const ks = new KeyServer({
    config, localAddress: address, port, clock, random: systemRandom, log, version: daemonVersion(config, o.gdoiVersion), signingKeys,
    maxHalfOpen: Number(o.maxHalfOpen), maxHalfOpenPerPeer: Number(o.maxHalfOpenPerPeer), keyLogFile: o.keyLog,
  });
  const rekeyer = new KsRekeyer(ks, store, { stateDir: o.stateDir });
  await rekeyer.restore();
  const d = await openDaemon({
    address, port, control: o.control, hostname: config.hostname ?? 'ks', role: 'ks', log,
    close: () => rekeyer.persistNow(),
    // Multicast rekeys leave from our address's interface (RFC 6407 §4: the SA KEK SRC ID).
    udp: config.ksGroups.some((g) => g.local.rekeyTransport === 'multicast') ? { multicastIface: address } : undefined,
  });
  ks.attach(d.transport);
  registerKsCommands(d.dispatcher, ks, rekeyer, { stateDir: o.stateDir, hostname: config.hostname ?? 'ks', address, port });
  ks.wheel.start();
  rekeyer.start();
  log.log('GDOI', 5, 'KS_STARTED', `Key server listening on ${address}:${port} for ${[...ks.groups.values()].map((g) => `${g.name} (${g.groupId})`).join(', ') || 'no groups'}`);
}

main().catch(fatal);
