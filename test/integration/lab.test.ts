// Issue #5 acceptance: `npm start` (scripts/lab.ts) brings up one KS and three GMs that register,
// prints the `gdoi` commands to talk to them, and on Ctrl-C leaves no process behind.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeUdpPort, gdoiCli, removeDir, ROOT, tempDir } from '../helpers/daemons.ts';
import { parseMembers } from './registration-fixtures.ts';

const dirs: string[] = [];

/** Pids of live (not zombie) processes whose command line names the lab directory. */
function labPids(dir: string): number[] {
  let out = '';
  try { out = execFileSync('pgrep', ['-f', dir], { encoding: 'utf8' }); } catch { return []; }   // exit 1: none
  return out.split('\n').filter(Boolean).map(Number).filter(alive);
}
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch { return false; }
}

interface Lab { p: ChildProcess; dir: string; out: () => string; exit: Promise<number | null> }

/** Starts the lab in its own process group, as a shell does for a foreground job. */
async function startLab(command: string, args: string[]): Promise<Lab> {
  const dir = tempDir('lab6');
  dirs.push(dir);
  const port = await freeUdpPort('127.0.0.1');
  const p = spawn(command, args, {
    cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GDOI_LAB_DIR: dir, GDOI_LAB_PORT: String(port) },
  });
  let out = '';
  p.stdout!.on('data', (c) => (out += c));
  p.stderr!.on('data', (c) => (out += c));
  const exit = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  return { p, dir, out: () => out, exit };
}

async function until(cond: () => boolean, what: string, out: () => string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const registered = (out: string, gm: string) => new RegExp(`^${gm}\\s*\\| \\S.*%GDOI-5-GM_REGS_COMPL: Registration to KS 127\\.0\\.0\\.1 complete`, 'm').test(out);

afterAll(() => {
  // Belt and braces: anything a failed test left running, by pid.
  for (const d of dirs) {
    for (const pid of labPids(d)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    removeDir(d);
  }
});

describe('npm start', () => {
  it('runs a KS and three GMs that register, prints the CLI hint, and Ctrl-C stops every process', async () => {
    const lab = await startLab('npm', ['start']);
    try {
      await until(() => ['gm1', 'gm2', 'gm3'].every((g) => registered(lab.out(), g)), 'three GM_REGS_COMPL lines', lab.out);
      const out = lab.out();
      expect(out).toMatch(/^ks1\s*\| .*%GDOI-5-KS_STARTED/m);
      expect(out.match(/^ks1\s*\| .*%GDOI-5-KS_REGS_COMPL/gm)).toHaveLength(3);
      expect(out).toContain('Press Ctrl-C to stop.');
      const hint = /npx gdoi --control (\S+\/ks1\.sock) show crypto gdoi ks members/.exec(out);
      expect(hint, 'hint for the KS').not.toBeNull();
      for (const g of ['gm1', 'gm2', 'gm3']) expect(out).toMatch(new RegExp(`npx gdoi --control \\S+/${g}\\.sock show crypto gdoi gm`));
      // The hinted command works as printed (the path is relative to where npm start ran).
      const members = await gdoiCli(resolve(ROOT, hint![1]!), 'show crypto gdoi ks members');
      expect(members.code).toBe(0);
      expect(parseMembers(members.out).map((m) => m.address).sort()).toEqual(['127.0.1.1', '127.0.1.2', '127.0.1.3']);

      const daemons = labPids(lab.dir);
      expect(daemons).toHaveLength(4);   // ks1, gm1..gm3 (their command lines name the lab dir)
      process.kill(-lab.p.pid!, 'SIGINT');   // Ctrl-C: the terminal signals the whole foreground group
      await lab.exit;
      await until(() => labPids(lab.dir).length === 0, 'every daemon to exit', () => `${lab.out()}\nleft: ${labPids(lab.dir).join(' ')}`, 10_000);
    } finally {
      try { process.kill(-lab.p.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }
  }, 50_000);

  it('SIGINT to the lab process alone also takes its daemons down', async () => {
    const lab = await startLab(process.execPath, ['--import', 'tsx', 'scripts/lab.ts']);
    try {
      await until(() => ['gm1', 'gm2', 'gm3'].every((g) => registered(lab.out(), g)), 'three GM_REGS_COMPL lines', lab.out);
      expect(labPids(lab.dir)).toHaveLength(4);
      lab.p.kill('SIGINT');
      expect(await lab.exit).toBe(0);
      await until(() => labPids(lab.dir).length === 0, 'every daemon to exit', () => `${lab.out()}\nleft: ${labPids(lab.dir).join(' ')}`, 10_000);
      expect(lab.out()).not.toMatch(/exited \(/);   // no daemon died on its own before the stop
    } finally {
      try { process.kill(-lab.p.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }
  }, 50_000);
});
