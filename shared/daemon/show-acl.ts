// One traffic selector printed as an IOS ACE, the way `show crypto gdoi ks acl` and the GM's
// "ACL Downloaded From KS" rows show it: wildcard masks, `any`, `host A`, `port = N`. Both
// daemons use this one function so the KS's and each GM's view compare line for line.
import type { TrafficSelector } from '../policy/group-policy.ts';

const PROTOCOL_NAMES: Record<number, string> = {
  0: 'ip', 1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 51: 'ahp', 88: 'eigrp', 89: 'ospf', 103: 'pim',
};

function endpoint(e: TrafficSelector['src']): string {
  const wildcard = e.mask.split('.').map((o) => String(255 - Number(o))).join('.');
  const addr = wildcard === '255.255.255.255' ? 'any' : wildcard === '0.0.0.0' ? `host ${e.addr}` : `${e.addr} ${wildcard}`;
  return e.port ? `${addr} port = ${e.port}` : addr;
}

/** `permit udp 10.1.0.0 0.0.255.255 host 10.2.0.1 port = 5060` */
export function selectorAce(action: 'permit' | 'deny', s: TrafficSelector): string {
  return `${action} ${PROTOCOL_NAMES[s.protocol] ?? String(s.protocol)} ${endpoint(s.src)} ${endpoint(s.dst)}`;
}
