// The daemon side of the control channel (protocol.ts). Listens on a Unix socket that only
// the daemon's user may open (mode 0600): `clear crypto gdoi ks members now` is not for everyone.
import { chmod, lstat, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { GdoiError } from '../errors.ts';
import type { CommandDispatcher } from './dispatcher.ts';
import { LineBuffer, parseRequest, type ControlResponse, type Hello } from './protocol.ts';

export interface ControlServerOptions {
  /** Greeting sent on connect; read per connection so a hostname change shows up. */
  hello?: () => Hello;
}

export class ControlServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly path: string,
    private readonly dispatcher: CommandDispatcher,
    private readonly opts: ControlServerOptions = {},
  ) {}

  /** Starts listening, first removing a stale socket file left by a dead daemon. */
  async listen(): Promise<void> {
    await removeStaleSocket(this.path);
    const server = createServer((s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => undefined); // after listen: nothing actionable, never crash
    this.server = server;
    await chmod(this.path, 0o600);
  }

  /** Stops listening, drops open connections and removes the socket file. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await unlink(this.path).catch(() => undefined);
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined); // EPIPE/ECONNRESET from a client that went away
    socket.setEncoding('utf8');
    const hello = this.opts.hello?.() ?? { hostname: hostname().split('.')[0] ?? 'gdoi', role: 'unknown' };
    socket.write(`${JSON.stringify({ hello })}\n`);

    const lines = new LineBuffer();
    let queue = Promise.resolve(); // answer in order, one command at a time per connection
    let dropped = false;
    socket.on('data', (chunk: string) => {
      if (dropped) return;
      const got = lines.push(chunk);
      if (got === 'overflow') {
        dropped = true;
        send(socket, { id: null, ok: false, output: '% Malformed request: line too long' });
        socket.end();
        return;
      }
      for (const text of got) {
        if (text.trim() === '') continue;
        queue = queue.then(() => this.answer(socket, text)).catch(() => undefined);
      }
    });
  }

  private async answer(socket: Socket, text: string): Promise<void> {
    const parsed = parseRequest(text);
    if ('error' in parsed) return send(socket, { id: parsed.id, ok: false, output: parsed.error });
    const { req } = parsed;
    const res = await this.dispatcher.run(req.line, req.confirm ? { confirm: req.confirm } : {});
    send(socket, { id: req.id, ...res });
  }
}

function send(socket: Socket, res: ControlResponse): void {
  if (socket.writable) socket.write(`${JSON.stringify(res)}\n`);
}

/**
 * A socket file left by a daemon that died is removed; one with a live listener is not ours to
 * take, and a path that is not a socket at all is never deleted.
 */
async function removeStaleSocket(path: string): Promise<void> {
  const st = await lstat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!st) return;
  if (!st.isSocket()) throw new GdoiError('CONTROL_PATH', `${path} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new GdoiError('CONTROL_IN_USE', `${path}: another daemon is listening on this control socket`);
  await unlink(path);
}
