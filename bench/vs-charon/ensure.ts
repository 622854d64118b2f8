// Preconditions of the benchmark: root (namespaces, nsenter), two cores, the util-linux and
// iproute2 tools, and strongSwan's charon + swanctl + the openssl plugin (ECP groups), which
// are installed with apt-get when missing. Every failure is one clear sentence.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';

export class BenchError extends Error {}

export const CHARON_BIN = ['/usr/lib/ipsec/charon', '/usr/libexec/ipsec/charon'];
export const SWANCTL_BIN = ['/usr/sbin/swanctl', '/usr/bin/swanctl'];
const PLUGIN_DIRS = ['/usr/lib/ipsec/plugins', '/usr/libexec/ipsec/plugins'];
const PACKAGES = ['strongswan-charon', 'strongswan-swanctl', 'libstrongswan-standard-plugins'];

export function firstExisting(paths: string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

function which(tool: string): string | undefined {
  return firstExisting([`/usr/bin/${tool}`, `/bin/${tool}`, `/usr/sbin/${tool}`, `/sbin/${tool}`]);
}

function strongswanComplete(): boolean {
  return firstExisting(CHARON_BIN) !== undefined && firstExisting(SWANCTL_BIN) !== undefined &&
    PLUGIN_DIRS.some((d) => existsSync(`${d}/libstrongswan-openssl.so`));
}

function aptInstall(log: (s: string) => void): void {
  log(`installing ${PACKAGES.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...PACKAGES], { env, stdio: 'pipe' });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update', '-q'], { env, stdio: 'pipe' });
    install();
  }
}

/** Throws BenchError naming what is missing; installs strongSwan when it can. */
export function ensurePrerequisites(log: (s: string) => void, opts: { noInstall?: boolean } = {}): void {
  if (process.platform !== 'linux') throw new BenchError('vs-charon runs on Linux only (it reads /proc and uses namespaces)');
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new BenchError('vs-charon needs root: charon and gdoi-ks run in private network/mount namespaces (unshare, nsenter) on UDP port 500');
  }
  if (cpus().length < 2) throw new BenchError(`vs-charon needs at least 2 cores (responder on core 0, load generator on core 1); this machine has ${cpus().length}`);
  for (const tool of ['unshare', 'nsenter', 'taskset', 'ip']) {
    if (which(tool) === undefined) throw new BenchError(`vs-charon needs '${tool}' (packages util-linux / iproute2)`);
  }
  if (strongswanComplete()) return;
  if (opts.noInstall) throw new BenchError(`strongSwan is missing and --no-install was given; install ${PACKAGES.join(' ')}`);
  if (which('apt-get') === undefined) throw new BenchError(`strongSwan's charon is missing and apt-get is not available to install ${PACKAGES.join(' ')}`);
  try {
    aptInstall(log);
  } catch (e) {
    const detail = (e as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(-3).join(' | ') ?? (e as Error).message;
    throw new BenchError(`charon is missing and could not be installed (apt-get install ${PACKAGES.join(' ')}): ${detail}`);
  }
  if (!strongswanComplete()) throw new BenchError(`apt-get ran but charon, swanctl or the openssl plugin is still missing`);
}
