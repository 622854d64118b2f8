// What the benchmark reads about processes and cores from /proc (Linux): CPU time of one
// process (utime + stime, all threads), its resident memory, and per-core busy time.
import { readFileSync } from 'node:fs';

/** USER_HZ: clock ticks per second of /proc times; 100 on every Linux we run on. */
const TICKS = 100;

/** utime + stime of a process (all its threads), in seconds; undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces; the fields after its ')' are fixed:
  // state is field 3, utime field 14, stime field 15 (proc(5)).
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS;
}

/** VmRSS of a process in bytes; undefined once it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Busy and total ticks of one core, from the `cpuN` line of /proc/stat. */
export interface CoreTicks {
  busy: number;
  total: number;
}

export function coreTicks(core: number): CoreTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${core} `));
  if (line === undefined) throw new Error(`/proc/stat has no line for cpu${core}`);
  // user nice system idle iowait irq softirq steal guest guest_nice: idle + iowait are not busy.
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - v[3]! - v[4]!, total };
}

/** Share (0..1) of a core that was busy between two samples. */
export function busyShare(a: CoreTicks, b: CoreTicks): number {
  const total = b.total - a.total;
  return total > 0 ? (b.busy - a.busy) / total : 0;
}
