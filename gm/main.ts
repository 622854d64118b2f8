// gdoi-gm: the GET VPN group member daemon.
import { Command } from 'commander';
import { GroupMember } from './group-member.ts';
import { RekeyReceiver } from './rekey-receiver.ts';
import { registerGmCommands } from './commands.ts';
import { daemonVersion, fatal, loadConfig, newSyslog, openDaemon, parsePort } from '../shared/daemon/bootstrap.ts';
import { systemClock, systemRandom } from '../shared/time/clock.ts';
import { UdpTransport } from '../shared/transport/udp.ts';
import type { DeviceConfig } from '../shared/config/types.ts';

const program = new Command('gdoi-gm')
  .description('GET VPN group member: registers with its key servers (IKEv1 main mode + GDOI GROUPKEY-PULL on UDP 848), installs the group SAs, verifies and applies rekeys.')
  .requiredOption('--config <file>', 'IOS-style configuration (crypto isakmp, crypto gdoi group ... server address ipv4, crypto map ... gdoi)')
  .option('--port <n>', 'UDP port for registrations and rekeys (every daemon of a deployment uses the same)', '848')
  .option('--control <path>', 'Unix socket for the operator CLI (gdoi --control PATH ...)')
  .option('--address <ip>', "local address (default: 'client registration address ipv4', else the crypto-map interface, else 127.0.0.1)")
  .option('--gdoi-version <x.y.z>', "GET VPN software version to announce (e.g. 1.0.1 to emulate an old GM; default: the config's `gdoi version`, else ours)")
  .option('--phase1-doi <n>', 'DOI in our phase-1 SA: 2 = GDOI (RFC 6407), 1 = IPsec (lets Wireshark decrypt captures)', '2')
  .option('--key-log <file>', 'append phase-1 keys as a Wireshark IKEv1 decryption table (off by default; contains secrets)')
  .option('--log-utc', 'timestamps in UTC')
  .addHelpText('after', '\nExample:\n  gdoi-gm --config examples/gm1.conf --control /tmp/gm1.sock\n  gdoi --control /tmp/gm1.sock show crypto gdoi gm');

function localAddress(cfg: DeviceConfig, flag?: string): string {
  if (flag) return flag;
  const reg = cfg.gmGroups.find((g) => g.registrationAddress)?.registrationAddress;
  if (reg) return reg;
  const mapped = [...cfg.interfaces.values()].find((i) => i.cryptoMap && i.address);
  return mapped?.address ?? '127.0.0.1';
}

async function main(): Promise<void> {
  const o = program.parse().opts<{ config: string; port: string; control?: string; address?: string; gdoiVersion?: string; phase1Doi: string; keyLog?: string; logUtc?: boolean }>();
  const log = newSyslog(undefined, o.logUtc);
  const config = loadConfig(o.config, log);
  const port = parsePort(o.port);
  const address = localAddress(config, o.address);
  const gm = new GroupMember({
    config, localAddress: address, port, clock: systemClock, random: systemRandom, log,
    version: daemonVersion(config, o.gdoiVersion), doi: o.phase1Doi === '1' ? 1 : 2, keyLogFile: o.keyLog,
  });
  // Multicast rekeys: a socket bound to the group address (a socket bound to our unicast
  // address never receives them), shared with other GMs on this host (reuseAddr).
  gm.opts.joinMulticast = async (group, groupPort) => {
    const t = await UdpTransport.bind(group, groupPort, { reuseAddr: true, multicast: { group, iface: address }, recvBufferSize: 1 << 20 });
    t.onMessage((dg) => gm.receive(dg));
  };
  const receiver = new RekeyReceiver(gm);
  gm.opts.onPush = (d) => receiver.onPush(d);
  const d = await openDaemon({ address, port, control: o.control, hostname: config.hostname ?? 'gm', role: 'gm', log, close: () => undefined });
  gm.attach(d.transport);
  registerGmCommands(d.dispatcher, gm, { hostname: config.hostname ?? 'gm', address, port });
  gm.wheel.start();
  gm.start();
}

main().catch(fatal);
