// IOS-style configurations for the rekey tests (in-process and daemon): one KS with one or
// more groups, and GMs that register with it. Lifetimes may go below IOS minimums (tests only).

export interface KsGroupOpts {
  name?: string;
  id?: number;
  /** TEK lifetime (ipsec profile), seconds. */
  tekLifetime?: number;
  /** KEK lifetime (`rekey lifetime seconds`). */
  kekLifetime?: number;
  /** `rekey retransmit S number N`. */
  retransmit?: [number, number];
  /** Multicast group for `rekey address ipv4` (no `rekey transport unicast`); unicast when absent. */
  multicast?: string;
  /** `replay time window-size N` (TBAR) instead of counter replay. */
  tbar?: number;
  /** Omit `rekey authentication`: the KS has no rekey key and sends no rekeys. */
  noRekeyKey?: boolean;
}

export const PSK = 'rekey-lab-psk';

function groupBlock(ks: string, g: KsGroupOpts, i: number): string {
  const name = g.name ?? 'GETVPN';
  const lines = [
    `crypto ipsec profile P${i}`, ' set transform-set TS', ` set security-association lifetime seconds ${g.tekLifetime ?? 3600}`,
    `ip access-list extended ENC${i}`, ` deny udp any eq 848 any eq 848`, ` permit ip 10.${i + 1}.0.0 0.0.255.255 10.99.0.0 0.0.255.255`,
  ];
  if (g.multicast) lines.push(`ip access-list extended MC${i}`, ` permit udp host ${ks} eq 848 host ${g.multicast} eq 848`);
  lines.push(`crypto gdoi group ${name}`, ` identity number ${g.id ?? 7001}`, ' server local', '  rekey algorithm aes 256',
    `  rekey lifetime seconds ${g.kekLifetime ?? 86400}`, `  rekey retransmit ${(g.retransmit ?? [10, 2]).join(' number ')}`);
  if (!g.noRekeyKey) lines.push('  rekey authentication mypubkey rsa REKEYRSA');
  if (g.multicast) lines.push(`  rekey address ipv4 MC${i}`);
  else lines.push('  rekey transport unicast');
  lines.push('  sa ipsec 1', `   profile P${i}`, `   match address ipv4 ENC${i}`,
    g.tbar !== undefined ? `   replay time window-size ${g.tbar}` : '   replay counter window-size 64', `  address ipv4 ${ks}`);
  return lines.join('\n');
}

/** A KS at `ks` serving `groups` (default: one unicast group GETVPN, identity 7001). */
export function ksConfig(ks: string, groups: KsGroupOpts[] = [{}]): string {
  return [
    'hostname ks1', 'crypto key generate rsa general-keys label REKEYRSA modulus 2048',
    'crypto isakmp policy 10', ' encr aes 256', ' hash sha256', ' authentication pre-share', ' group 19',
    `crypto isakmp key ${PSK} address 0.0.0.0 0.0.0.0`,
    'crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac',
    ...groups.map((g, i) => groupBlock(ks, g, i)), 'end', '',
  ].join('\n');
}

/** A GM at `address` registering with `servers` (in order) for group `name`/`id`. */
export function gmConfig(o: { name: string; address: string; servers: string[]; group?: string; id?: number }): string {
  return [
    `hostname ${o.name}`, 'crypto isakmp policy 10', ' encr aes 256', ' hash sha256', ' authentication pre-share', ' group 19',
    ...o.servers.map((s) => `crypto isakmp key ${PSK} address ${s}`),
    `crypto gdoi group ${o.group ?? 'GETVPN'}`, ` identity number ${o.id ?? 7001}`,
    ...o.servers.map((s) => ` server address ipv4 ${s}`), ` client registration address ipv4 ${o.address}`,
    'crypto map MAP 10 gdoi', ` set group ${o.group ?? 'GETVPN'}`, 'end', '',
  ].join('\n');
}
