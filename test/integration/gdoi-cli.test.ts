// The real `gdoi` CLI (bin/gdoi.js, a child process) against a ControlServer on a temp Unix socket.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandDispatcher } from '../../shared/control/dispatcher.ts';
import { ControlServer } from '../../shared/control/server.ts';

const GDOI = fileURLToPath(new URL('../../bin/gdoi.js', import.meta.url));
let dir: string;
let sock: string;
let server: ControlServer;

const MEMBERS = ['Group Member ID    : 10.0.0.2  GM Version: 1.0.25', 'Group Member ID    : 10.0.1.3  GM Version: 1.0.25',
  'Group Member ID    : 10.0.0.4  GM Version: 1.0.26'].join('\n');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gdoi-cli-'));
  sock = join(dir, 'ks.sock');
  const d = new CommandDispatcher();
  d.register('show version', () => 'GDOI Key Server, Version 0.1.0');
  d.register('show crypto gdoi ks members', () => MEMBERS);
  d.register('clear crypto gdoi ks members now', (ctx) => ctx.confirm === 'yes'
    ? 'Sending GM-Removal message to group GET...'
    : '% This GM-Removal immediate message will cleanup all GMs downloaded policies\nAre you sure you want to proceed? ? [yes/no]: no');
  server = new ControlServer(sock, d, { hello: () => ({ hostname: 'ks1', role: 'ks' }) });
  await server.listen();
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function gdoi(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [GDOI, ...args], { env: { ...process.env, HOME: dir, GDOI_CONTROL: '' } });
}

async function oneShot(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = gdoi(args);
  let stdout = '', stderr = '';
  p.stdout.on('data', (c) => (stdout += c));
  p.stderr.on('data', (c) => (stderr += c));
  const code = await new Promise<number | null>((r) => p.on('close', r));
  return { code, stdout, stderr };
}

/** Drives an interactive session: `until` waits for text on stdout. */
function session() {
  const p = gdoi(['--control', sock]);
  let stdout = '';
  p.stdout.on('data', (c) => (stdout += c));
  const until = async (text: string, from = 0): Promise<string> => {
    const deadline = Date.now() + 20_000;
    while (!stdout.includes(text, from)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(stdout)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return stdout;
  };
  const exit = new Promise<number | null>((r) => p.on('close', r));
  return { p, until, exit, out: () => stdout };
}

describe('gdoi one-shot', () => {
  it('prints the output and exits 0', async () => {
    expect(await oneShot(['--control', sock, 'show', 'version'])).toEqual({ code: 0, stdout: 'GDOI Key Server, Version 0.1.0\n', stderr: '' });
  });

  it('applies output modifiers and abbreviations', async () => {
    const r = await oneShot(['-c', sock, 'sh', 'cry', 'gdoi', 'ks', 'mem', '|', 'include', '10\\.0\\.0']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([MEMBERS.split('\n')[0], MEMBERS.split('\n')[2]]);
    const count = await oneShot(['-c', sock, 'show crypto gdoi ks members | count GM Version']);
    expect(count.stdout).toBe('Number of lines which match regexp = 3\n');
  });

  it('exits 1 with the IOS caret on invalid input', async () => {
    const r = await oneShot(['-c', sock, 'show', 'versoin']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("show versoin\n     ^\n% Invalid input detected at '^' marker.\n");
  });

  it('--yes pre-answers the confirmation', async () => {
    expect((await oneShot(['-c', sock, 'clear', 'crypto', 'gdoi', 'ks', 'members', 'now'])).stdout).toMatch(/\[yes\/no\]: no\n$/);
    expect((await oneShot(['-c', sock, '--yes', 'clear', 'crypto', 'gdoi', 'ks', 'members', 'now'])).stdout)
      .toBe('Sending GM-Removal message to group GET...\n');
  });

  it('exits 2 with a clear message when the socket cannot be reached', async () => {
    const r = await oneShot(['--control', join(dir, 'nobody.sock'), 'show', 'version']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gdoi: cannot reach the daemon: .*nobody\.sock: no such socket/);
    const none = await oneShot(['show', 'version']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--control/);
  });

  it('--help documents the modes and exit codes', async () => {
    const r = await oneShot(['--help']);
    expect(r.code).toBe(0);
    for (const s of ['--control', '--yes', 'interactive', '.gdoi_history', 'Exit status', 'include']) expect(r.stdout).toContain(s);
  });
});

describe('gdoi interactive', () => {
  it('prompts with the hostname, runs commands, keeps history, leaves on exit', async () => {
    const s = session();
    await s.until('ks1#');
    s.p.stdin.write('show version\n');
    let mark = s.out().length;
    await s.until('ks1#', mark);
    expect(s.out().slice(mark)).toBe('GDOI Key Server, Version 0.1.0\nks1#');
    // The caret is shifted past the 4-character prompt, under the bad word as typed.
    mark = s.out().length;
    s.p.stdin.write('show bogus\n');
    await s.until('ks1#', mark);
    expect(s.out().slice(mark)).toBe(`${' '.repeat(4 + 5)}^\n% Invalid input detected at '^' marker.\nks1#`);
    s.p.stdin.write('exit\n');
    expect(await s.exit).toBe(0);
    expect(readFileSync(join(dir, '.gdoi_history'), 'utf8')).toContain('show version\nshow bogus\n');
  });

  it('leaves with status 0 on end of input (Ctrl-D)', async () => {
    const s = session();
    await s.until('ks1#');
    s.p.stdin.end('show crypto gdoi ks members | include 10.0.1\n');
    expect(await s.exit).toBe(0);
    expect(s.out()).toContain('10.0.1.3');
    expect(s.out()).not.toContain('10.0.0.2');
  });

  it('exits 2 when the daemon goes away mid-session', async () => {
    const lonely = join(dir, 'lonely.sock');
    const d = new CommandDispatcher();
    d.register('show version', () => 'v');
    const srv = new ControlServer(lonely, d, { hello: () => ({ hostname: 'gm7', role: 'gm' }) });
    await srv.listen();
    const p = gdoi(['-c', lonely]);
    let out = '';
    p.stdout.on('data', (c) => (out += c));
    while (!out.includes('gm7#')) await new Promise((r) => setTimeout(r, 10));
    await srv.close();
    expect(await new Promise((r) => p.on('close', r))).toBe(2);
    expect(out).toContain('% Connection to the daemon was lost');
  });
});
