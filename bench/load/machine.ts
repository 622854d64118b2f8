// The machine a benchmark ran on, for its result file's params: Node/OpenSSL, CPU, and the load
// average at the start (passed in, read before the work) and at the end (read now).
import { cpus, loadavg } from 'node:os';

export function machineParams(loadAtStart: number[]) {
  const r1 = (l: number) => Math.round(l * 10) / 10;
  return {
    node: process.version, openssl: process.versions.openssl, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length,
    loadavg: { start: loadAtStart.map(r1), end: loadavg().map(r1) },
  };
}
