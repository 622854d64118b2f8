// What every daemon (gdoi-ks, gdoi-gm) does the same way: read the IOS-style config, open the
// log, the UDP endpoint and the control socket, and shut down cleanly on SIGTERM/SIGINT.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseConfig } from '../config/index.ts';
import type { DeviceConfig } from '../config/types.ts';
import { ConfigError, GdoiError } from '../errors.ts';
import { Syslog } from '../log/syslog.ts';
import { systemClock } from '../time/clock.ts';
import { CommandDispatcher } from '../control/dispatcher.ts';
import { ControlServer } from '../control/server.ts';
import { UdpTransport, type UdpOptions } from '../transport/udp.ts';
import { parseVersion, OUR_VERSION, type GetvpnVersion } from '../policy/version.ts';

export interface CommonOptions { config: string; port: string; control?: string; gdoiVersion?: string; logUtc?: boolean }

export function loadConfig(file: string, log: Syslog): DeviceConfig {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new GdoiError('CONFIG', `cannot read ${file}: ${(e as Error).message}`); }
  const { config, warnings } = parseConfig(text, file);
  for (const w of warnings) log.log('SYS', 4, 'CONFIG_WARNING', `${file}:${w.line}: ${w.message}`);
  return config;
}

export function daemonVersion(cfg: DeviceConfig, flag?: string): GetvpnVersion {
  const v = flag ?? cfg.gdoiVersion;
  return v ? parseVersion(v) : OUR_VERSION;
}

export function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new GdoiError('USAGE', `bad port ${text}`);
  return n;
}

export interface Daemon {
  log: Syslog;
  dispatcher: CommandDispatcher;
  transport: UdpTransport;
  control?: ControlServer;
}

/** Opens the endpoint and control socket; registers shutdown. `close` runs before exit. */
export async function openDaemon(o: { address: string; port: number; control?: string; hostname: string; role: string; log: Syslog; udp?: UdpOptions; close: () => Promise<void> | void }): Promise<Daemon> {
  const dispatcher = new CommandDispatcher();
  const transport = await UdpTransport.bind(o.address, o.port, { recvBufferSize: 8 << 20, sendBufferSize: 8 << 20, ...o.udp });
  let control: ControlServer | undefined;
  if (o.control) {
    mkdirSync(dirname(o.control), { recursive: true, mode: 0o700 });
    control = new ControlServer(o.control, dispatcher, { hello: () => ({ hostname: o.hostname, role: o.role }) });
    await control.listen();
  }
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    o.log.log('SYS', 5, 'SHUTDOWN', `${o.role} shutting down on ${sig}`);
    try { await o.close(); await control?.close(); await transport.close(); } finally { process.exit(0); }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return { log: o.log, dispatcher, transport, control };
}

export function newSyslog(host: string | undefined, utc?: boolean): Syslog {
  return new Syslog({ clock: systemClock, host, utc });
}

/** Prints a fatal start-up error (config line, port in use...) and exits non-zero. */
export function fatal(e: unknown): never {
  const msg = e instanceof ConfigError ? `% Configuration error: ${e.message}` : e instanceof GdoiError ? `% ${e.message}` : `% ${(e as Error)?.message ?? e}`;
  process.stderr.write(`${msg}\n`);
  process.exit(e instanceof ConfigError ? 2 : 1);
}
