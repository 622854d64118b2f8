// A host-wide lock on the IKE ports, for test files that need UDP 500 and 848 themselves
// (strongSwan's charon binds 0.0.0.0:PORT, so it cannot share a port with anything, and it
// frames messages between two non-500 ports with the RFC 3948 non-ESP marker; see charon.ts).
// Test files run in parallel worker processes, so an in-file order is not enough: every file
// that binds 500 or 848 takes this lock for its whole run. The lock is a directory created
// atomically with mkdir, holding the owner's pid; a lock whose owner is dead is taken over.
import { createSocket } from 'node:dgram';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK_DIR = join(tmpdir(), 'gdoi-ike-ports.lock');
const OWNER = join(LOCK_DIR, 'pid');
export const IKE_PORTS = [500, 848] as const;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock is stale when its owner is gone (or never wrote its pid within 5 s). */
function stale(): boolean {
  try {
    const pid = Number(readFileSync(OWNER, 'utf8'));
    return !(pid > 0 && alive(pid));
  } catch {
    try {
      return Date.now() - statSync(LOCK_DIR).mtimeMs > 5000;
    } catch {
      return false; // released meanwhile: just retry mkdir
    }
  }
}

/** Whether nothing on this host holds UDP `port` (any address): charon needs 0.0.0.0:port. */
export function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind({ port, address: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/**
 * Waits for the lock, then for UDP 500 and 848 to be free on the whole host; returns the
 * release function. Throws a message naming the holder or the busy port on timeout.
 */
export async function lockIkePorts(timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(OWNER, String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (stale()) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        let holder = '?';
        try { holder = readFileSync(OWNER, 'utf8'); } catch { /* being released */ }
        throw new Error(`IKE ports lock ${LOCK_DIR} still held by pid ${holder} after ${timeoutMs} ms`);
      }
      await sleep(200);
    }
  }
  const release = () => {
    try {
      if (readFileSync(OWNER, 'utf8') === String(process.pid)) rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch {
      // already gone
    }
  };
  process.once('exit', release);
  try {
    for (const port of IKE_PORTS) {
      while (!(await udpPortFree(port))) {
        if (Date.now() > deadline) throw new Error(`UDP port ${port} is in use on this host (another process binds it; a running lab on 848?)`);
        await sleep(200);
      }
    }
  } catch (e) {
    release();
    throw e;
  }
  return release;
}
