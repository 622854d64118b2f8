import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlClient, ControlUnreachable } from '../../../shared/control/client.ts';
import { CommandDispatcher } from '../../../shared/control/dispatcher.ts';
import { MAX_LINE_BYTES } from '../../../shared/control/protocol.ts';
import { ControlServer } from '../../../shared/control/server.ts';

let dir: string;
let path: string;
const servers: ControlServer[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gdoi-ctl-'));
  path = join(dir, 'ctl.sock');
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

function dispatcher() {
  const d = new CommandDispatcher();
  d.register('show version', () => 'GDOI test daemon 0.1');
  d.register('show slow', () => new Promise<string>((r) => setTimeout(() => r('slow done'), 50)));
  d.register('clear crypto gdoi ks members [now]', (ctx) =>
    ctx.confirm === 'yes' ? 'Sending GM-Removal message to group GET...' : 'Are you sure you want to proceed? ? [yes/no]: no');
  return d;
}

async function start(): Promise<ControlServer> {
  const s = new ControlServer(path, dispatcher(), { hello: () => ({ hostname: 'ks1', role: 'ks' }) });
  await s.listen();
  servers.push(s);
  return s;
}

/** A raw socket that collects lines, for sending garbage the real client never would. */
function raw(): Promise<{ sock: Socket; next: () => Promise<Record<string, unknown>> }> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    const queue: string[] = [];
    const waiters: ((l: string) => void)[] = [];
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (c: string) => {
      buf += c;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const w = waiters.shift();
        if (w) w(line); else queue.push(line);
      }
    });
    sock.once('error', reject);
    const next = () => new Promise<Record<string, unknown>>((r) => {
      const l = queue.shift();
      if (l !== undefined) r(JSON.parse(l));
      else waiters.push((x) => r(JSON.parse(x)));
    });
    sock.once('connect', () => resolve({ sock, next }));
  });
}

describe('ControlServer + ControlClient', () => {
  it('greets, answers commands and applies modifiers', async () => {
    await start();
    const c = await ControlClient.connect(path);
    expect(c.hello).toEqual({ hostname: 'ks1', role: 'ks' });
    expect(await c.request('show version')).toEqual({ id: 1, ok: true, output: 'GDOI test daemon 0.1' });
    expect(await c.request('show version | include nope')).toEqual({ id: 2, ok: true, output: '' });
    const bad = await c.request('show versio x');
    expect(bad).toMatchObject({ ok: false, caret: 12 });
    c.close();
  });

  it('passes confirm through to handlers', async () => {
    await start();
    const c = await ControlClient.connect(path);
    expect((await c.request('clear crypto gdoi ks members now')).output).toMatch(/\[yes\/no\]: no$/);
    expect((await c.request('clear crypto gdoi ks members now', { confirm: 'yes' })).output).toBe('Sending GM-Removal message to group GET...');
    c.close();
  });

  it('answers pipelined requests in order', async () => {
    await start();
    const c = await ControlClient.connect(path);
    const [a, b, d] = await Promise.all([c.request('show slow'), c.request('show version'), c.request('bogus')]);
    expect([a.output, b.output, d.ok]).toEqual(['slow done', 'GDOI test daemon 0.1', false]);
    c.close();
  });

  it('never crashes on garbage: answers ok:false and keeps serving', async () => {
    await start();
    const { sock, next } = await raw();
    expect(await next()).toHaveProperty('hello');
    sock.write('not json\n');
    expect(await next()).toEqual({ id: null, ok: false, output: '% Malformed request: not JSON' });
    sock.write('[1,2]\n{"id":{},"line":"x"}\n{"id":7}\n{"id":8,"line":"show version","confirm":"maybe"}\n');
    expect(await next()).toMatchObject({ id: null, ok: false });
    expect(await next()).toMatchObject({ id: null, ok: false });
    expect(await next()).toEqual({ id: 7, ok: false, output: '% Malformed request: line must be a string' });
    expect(await next()).toMatchObject({ id: 8, ok: false });
    sock.write(Buffer.from([0xff, 0xfe, 0x0a]));
    expect(await next()).toMatchObject({ ok: false });
    sock.write('\n\r\n{"id":"s","line":"show version"}\r\n');
    expect(await next()).toEqual({ id: 's', ok: true, output: 'GDOI test daemon 0.1' });
    sock.destroy();
    // Still serving other clients.
    const c = await ControlClient.connect(path);
    expect((await c.request('show version')).ok).toBe(true);
    c.close();
  });

  it('drops a client that sends an endless line', async () => {
    await start();
    const { sock, next } = await raw();
    await next();
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.write('x'.repeat(MAX_LINE_BYTES + 10));
    expect(await next()).toEqual({ id: null, ok: false, output: '% Malformed request: line too long' });
    await closed;
  });

  it('makes the socket owner-only and removes it on close', async () => {
    const s = await start();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await s.close();
    expect(existsSync(path)).toBe(false);
    servers.length = 0;
  });

  it('replaces a stale socket file, but not a live socket or a regular file', async () => {
    // A stale socket: a daemon that was SIGKILLed leaves its socket file behind.
    const child = spawn(process.execPath, ['-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`]);
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    child.kill('SIGKILL');
    await new Promise<void>((r) => child.once('exit', () => r()));
    expect(existsSync(path)).toBe(true);
    await start();
    const c = await ControlClient.connect(path);
    expect((await c.request('show version')).ok).toBe(true);
    c.close();

    // Live: a second daemon on the same path is refused.
    await expect(new ControlServer(path, dispatcher()).listen()).rejects.toThrow(/another daemon/);

    // Not a socket: never deleted.
    const file = join(dir, 'plain');
    writeFileSync(file, 'keep me');
    await expect(new ControlServer(file, dispatcher()).listen()).rejects.toThrow(/not a socket/);
    expect(existsSync(file)).toBe(true);
  });

  it('client reports an unreachable daemon clearly', async () => {
    await expect(ControlClient.connect(join(dir, 'none.sock'))).rejects.toThrow(ControlUnreachable);
    await expect(ControlClient.connect(join(dir, 'none.sock'))).rejects.toThrow(/no such socket/);
  });

  it('client rejects pending requests when the daemon goes away', async () => {
    const s = await start();
    const c = await ControlClient.connect(path);
    let closed = false;
    c.onClose(() => { closed = true; });
    // The expectation is attached before the close, so the rejection is never unhandled.
    const pending = expect(c.request('show slow')).rejects.toThrow(/closed the connection/);
    await s.close();
    servers.length = 0;
    await pending;
    expect(closed).toBe(true);
    await expect(c.request('show version')).rejects.toThrow(ControlUnreachable);
  });
});
