// Syslog's default output queues lines and writes them once per event-loop turn; lines keep
// their order and are written even when the process exits right after logging them.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SYSLOG = fileURLToPath(new URL('../../../shared/log/syslog.ts', import.meta.url));

function run(script: string): string[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('syslog lines on stdout', () => {
  it('writes every line, in order, when the process exits synchronously after logging', () => {
    const lines = run(`
      import { Syslog } from ${JSON.stringify(SYSLOG)};
      const log = new Syslog({ clock: { now: () => 0 }, utc: true });
      for (let i = 1; i <= 3; i++) log.log('SYS', 5, 'TEST', 'line ' + i);
      process.exit(0);
    `);
    expect(lines).toEqual(['line 1', 'line 2', 'line 3'].map((t) => `*Jan  1 00:00:00.000: %SYS-5-TEST: ${t}`));
  });

  it('writes lines logged across several turns', () => {
    const lines = run(`
      import { Syslog } from ${JSON.stringify(SYSLOG)};
      const log = new Syslog({ clock: { now: () => 0 }, utc: true });
      log.log('SYS', 5, 'TEST', 'a');
      setImmediate(() => { log.log('SYS', 5, 'TEST', 'b'); setTimeout(() => log.log('SYS', 5, 'TEST', 'c'), 5); });
    `);
    expect(lines.map((l) => l.split(': ').pop())).toEqual(['a', 'b', 'c']);
  });
});
