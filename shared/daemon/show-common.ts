// Show output shared by both daemons: `show version`, `show crypto isakmp sa`, `show logging`.
import type { Phase1Sa } from '../exchanges/phase1-sa.ts';
import { formatVersion, type GetvpnVersion } from '../policy/version.ts';
import type { Syslog } from '../log/syslog.ts';

export const PRODUCT = 'gdoi-getvpn';
export const PRODUCT_VERSION = '0.1.0';

export function showVersion(role: 'Key Server' | 'Group Member', hostname: string, version: GetvpnVersion, startedAt: number, now: number): string {
  const up = Math.floor((now - startedAt) / 1000);
  const d = Math.floor(up / 86400), h = Math.floor((up % 86400) / 3600), m = Math.floor((up % 3600) / 60);
  return [
    `${PRODUCT} GDOI ${role} software, Version ${PRODUCT_VERSION} (Node.js ${process.version})`,
    `GET VPN software version: ${formatVersion(version)}`,
    `${hostname} uptime is ${d} day(s), ${h} hour(s), ${m} minute(s)`,
  ].join('\n');
}

/** IOS layout: dst, src, state, conn-id, status. GDOI_IDLE = registration SA (Cisco 116958). */
export function showIsakmpSa(sas: Iterable<Phase1Sa>, local: string, now: number): string {
  const rows = ['IPv4 Crypto ISAKMP SA', 'dst             src             state          conn-id status'];
  let id = 1000;
  for (const sa of sas) {
    if (sa.expiresAt <= now) continue;
    const [dst, src] = sa.role === 'initiator' ? [sa.peerAddress, local] : [local, sa.peerAddress];
    rows.push(`${dst.padEnd(16)}${src.padEnd(16)}${'GDOI_IDLE'.padEnd(15)}${String(id++).padEnd(8)}ACTIVE`);
  }
  return rows.join('\n');
}

export function showLogging(log: Syslog): string { return log.recent().join('\n'); }

export function pad25(label: string): string { return label.padEnd(25); }
export function hms(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  return [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
}
