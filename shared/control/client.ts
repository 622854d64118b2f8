// The CLI side of the control channel (protocol.ts).
import { connect, type Socket } from 'node:net';
import { GdoiError } from '../errors.ts';
import { LineBuffer, type ControlResponse, type Hello } from './protocol.ts';

/** Could not reach the daemon, or it went away mid-request. */
export class ControlUnreachable extends GdoiError {}

export interface ControlClientOptions {
  /** Give up connecting (and waiting for the greeting) after this long. Default 5000 ms. */
  timeoutMs?: number;
}

const reasonOf = (e: NodeJS.ErrnoException): string => {
  switch (e.code) {
    case 'ENOENT': return 'no such socket (is the daemon running?)';
    case 'ECONNREFUSED': return 'nothing is listening on it (stale socket?)';
    case 'EACCES': return 'permission denied';
    default: return e.message;
  }
};

export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ControlResponse) => void; reject: (e: Error) => void }>();
  private closeListeners: (() => void)[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket, readonly hello: Hello) {}

  /** Connects and waits for the daemon's greeting. Throws ControlUnreachable. */
  static connect(path: string, opts: ControlClientOptions = {}): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.setEncoding('utf8');
      const lines = new LineBuffer();
      let client: ControlClient | undefined;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ControlUnreachable('CONTROL_UNREACHABLE', `${path}: no greeting from the daemon within ${opts.timeoutMs ?? 5000} ms`));
      }, opts.timeoutMs ?? 5000);
      socket.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (!client) reject(new ControlUnreachable('CONTROL_UNREACHABLE', `${path}: ${reasonOf(e)}`));
      });
      socket.on('close', () => {
        clearTimeout(timer);
        if (!client) reject(new ControlUnreachable('CONTROL_UNREACHABLE', `${path}: connection closed before the greeting`));
        else client.onSocketClosed();
      });
      socket.on('data', (chunk: string) => {
        const got = lines.push(chunk);
        if (got === 'overflow') return void socket.destroy();
        for (const text of got) {
          const msg = safeParse(text);
          if (!client) {
            const hello = msg?.hello as Hello | undefined;
            if (!hello || typeof hello.hostname !== 'string') continue;
            clearTimeout(timer);
            client = new ControlClient(socket, hello);
            resolve(client);
          } else if (msg) client.onResponse(msg as unknown as ControlResponse);
        }
      });
    });
  }

  /** Sends one command line; resolves with the daemon's answer. */
  request(line: string, opts: { confirm?: 'yes' | 'no'; timeoutMs?: number } = {}): Promise<ControlResponse> {
    if (this.closed) return Promise.reject(new ControlUnreachable('CONTROL_CLOSED', 'connection to the daemon is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => {
        this.pending.delete(id);
        reject(new ControlUnreachable('CONTROL_TIMEOUT', `no answer from the daemon within ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      const done = () => { if (timer) clearTimeout(timer); this.pending.delete(id); };
      this.pending.set(id, {
        resolve: (r) => { done(); resolve(r); },
        reject: (e) => { done(); reject(e); },
      });
      this.socket.write(`${JSON.stringify({ id, line, ...(opts.confirm ? { confirm: opts.confirm } : {}) })}\n`);
    });
  }

  /** Called once if the daemon drops the connection. */
  onClose(fn: () => void): void {
    this.closeListeners.push(fn);
  }

  close(): void {
    this.closeListeners = [];
    this.socket.end();
    this.socket.destroy();
  }

  private onResponse(res: ControlResponse): void {
    if (typeof res.id === 'number') this.pending.get(res.id)?.resolve(res);
  }

  private onSocketClosed(): void {
    this.closed = true;
    for (const p of [...this.pending.values()]) p.reject(new ControlUnreachable('CONTROL_CLOSED', 'the daemon closed the connection'));
    for (const fn of this.closeListeners) fn();
  }
}

function safeParse(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
