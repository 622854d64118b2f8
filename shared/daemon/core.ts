// What both daemons build the same way from their options: the one timer wheel and the
// main-mode configuration (policies, credentials, our version) from the IOS config.
import type { DeviceConfig } from '../config/types.ts';
import type { MainModeConfig } from '../exchanges/main-mode.ts';
import type { Syslog } from '../log/syslog.ts';
import { defaultFeatureBits, type GetvpnVersion } from '../policy/version.ts';
import type { Clock, Random } from '../time/clock.ts';
import { TimerWheel } from '../time/timer-wheel.ts';
import { phase1FromConfig } from './phase1-config.ts';

/** Options every daemon core (KeyServer, GroupMember) takes. */
export interface DaemonCoreOptions {
  config: DeviceConfig;
  localAddress: string;
  port: number;
  clock: Clock;
  random: Random;
  log: Syslog;
  version: GetvpnVersion;
  /** Opt-in Wireshark IKEv1 decryption table file (contains secrets). */
  keyLogFile?: string;
}

export function daemonCore(o: DaemonCoreOptions, extra: { doi: 1 | 2; dh?: MainModeConfig['dh'] }): { wheel: TimerWheel; mm: MainModeConfig } {
  const wheel = new TimerWheel(o.clock, { onError: (e, key) => o.log.log('GDOI', 3, 'INTERNAL_ERROR', `timer ${key}: ${(e as Error).message}`) });
  const p1 = phase1FromConfig(o.config);
  for (const s of p1.skipped) o.log.log('CRYPTO', 4, 'IKMP_POLICY_SKIPPED', s);
  const mm: MainModeConfig = {
    policies: p1.policies, credentials: p1.credentials, localAddress: o.localAddress, doi: extra.doi,
    version: o.version, features: defaultFeatureBits(o.version), clock: o.clock, random: o.random, dh: extra.dh,
  };
  return { wheel, mm };
}
