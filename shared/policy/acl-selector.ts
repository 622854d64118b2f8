// A configured ACL (shared/config) in the form a TEK carries it: each permit ACE a traffic
// selector, each deny ACE a DenyAce placed among them (group-policy.ts). The KS builds TEKs with
// it; both daemons format ACEs for show commands with the same conversion.
import type { AclEntry } from '../config/types.ts';
import type { DenyAce, TrafficSelector } from './group-policy.ts';

function wildcardToMask(w: string): string { return w.split('.').map((o) => String(255 - Number(o))).join('.'); }

/** One ACE -> a traffic selector (only `eq` with a single port narrows a port; shared/config/gdoi-sa.ts refuses the rest for TEK ACLs). */
export function aceToSelector(e: AclEntry): TrafficSelector {
  const port = (m: AclEntry['srcPort']) => (m && m.op === 'eq' && m.ports.length === 1 ? m.ports[0]! : 0);
  return {
    protocol: e.protocol,
    src: { addr: e.src.addr, mask: wildcardToMask(e.src.wildcard), port: port(e.srcPort) },
    dst: { addr: e.dst.addr, mask: wildcardToMask(e.dst.wildcard), port: port(e.dstPort) },
  };
}

/** The ACL in TEK form: permit selectors, and deny ACEs with their place among them. */
export function aclToTek(acl: readonly AclEntry[]): { selectors: TrafficSelector[]; denies?: DenyAce[] } {
  const selectors: TrafficSelector[] = [];
  const denies: DenyAce[] = [];
  for (const e of acl) {
    if (e.action === 'permit') selectors.push(aceToSelector(e));
    else denies.push({ before: selectors.length, selector: aceToSelector(e) });
  }
  return denies.length ? { selectors, denies } : { selectors };
}
