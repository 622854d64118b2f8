// What the load generator and the benchmarks read about a process from /proc (Linux): resident
// memory and CPU time. Used for the KS (or any responder, e.g. charon) given by pid.
import { readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/PID/stat times; 100 on every Linux we run on (USER_HZ). */
const TICKS = 100;

export interface ProcSample {
  /** Resident set size, bytes (VmRSS). */
  rss: number;
  /** utime + stime, seconds. */
  cpu: number;
  user: number;
  system: number;
  /** When sampled, ms (performance clock). */
  at: number;
}

export function readRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

export function readCpu(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(rest[11]) / TICKS, system: Number(rest[12]) / TICKS };
}

export function sampleProcess(pid: number): ProcSample {
  const { user, system } = readCpu(pid);
  return { rss: readRss(pid), cpu: user + system, user, system, at: performance.now() };
}

/** Max open files of this process (soft limit), from /proc/self/limits. */
export function openFileLimit(): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
  } catch {
    return Infinity;
  }
}

export function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}
