// Test support: certificates made by the openssl CLI at test time (an encoder independent of
// node-forge and of our DER writer). Keys come from node:crypto, written as PEM files.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPemCerts } from '../../../shared/crypto/certs.ts';

export type KeyKind = 'rsa2048' | 'rsa4096' | 'p256' | 'p384';

export interface OsslCert { name: string; pem: string; der: Buffer; keyFile: string; certFile: string; privateKey: KeyObject }

export interface IssueOptions {
  /** `openssl -subj` form, e.g. "/C=US/O=gdoi-test/CN=gm1". */
  subj: string;
  key: KeyKind;
  days?: number;
  serial?: string;
  /** Extension lines for the certificate; omitted: a v1 certificate without extensions. */
  extensions?: string[];
  /** Digest, e.g. sha384 (default sha256). */
  md?: string;
  /** `-sigopt` values, e.g. rsa_padding_mode:pss. */
  sigopt?: string[];
}

const CONFIG = '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n';

export class OpensslPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'x509-der-'));
  private n = 0;

  constructor() {
    writeFileSync(join(this.dir, 'req.cnf'), CONFIG);
  }

  /** A self-signed CA (basicConstraints cA, keyUsage keyCertSign + cRLSign unless `extensions` says otherwise). */
  root(opts: IssueOptions): OsslCert {
    return this.make(opts, undefined);
  }

  issue(issuer: OsslCert, opts: IssueOptions): OsslCert {
    return this.make(opts, issuer);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private make(opts: IssueOptions, issuer: OsslCert | undefined): OsslCert {
    const name = `c${this.n++}`;
    const file = (ext: string): string => join(this.dir, `${name}.${ext}`);
    const privateKey = newKey(opts.key);
    writeFileSync(file('key'), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const common = ['-days', String(opts.days ?? 30), `-${opts.md ?? 'sha256'}`, ...(opts.sigopt ?? []).flatMap((o) => ['-sigopt', o])];
    const serial = opts.serial ? ['-set_serial', opts.serial] : [];
    if (!issuer) {
      const exts = (opts.extensions ?? ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign']).flatMap((e) => ['-addext', e]);
      openssl(['req', '-x509', '-new', '-utf8', '-key', file('key'), '-subj', opts.subj, '-config', join(this.dir, 'req.cnf'), ...common, ...serial, ...exts, '-out', file('pem')]);
    } else {
      openssl(['req', '-new', '-utf8', '-key', file('key'), '-subj', opts.subj, '-config', join(this.dir, 'req.cnf'), '-out', file('csr')]);
      const extArgs: string[] = [];
      if (opts.extensions) {
        writeFileSync(file('ext'), `[x]\n${opts.extensions.join('\n')}\n`);
        extArgs.push('-extfile', file('ext'), '-extensions', 'x');
      }
      openssl(['x509', '-req', '-in', file('csr'), '-CA', issuer.certFile, '-CAkey', issuer.keyFile, ...common,
        ...(serial.length ? serial : ['-set_serial', String(1000 + this.n)]), ...extArgs, '-out', file('pem')]);
    }
    const pem = readFileSync(file('pem'), 'utf8');
    return { name, pem, der: loadPemCerts(pem)[0]!, keyFile: file('key'), certFile: file('pem'), privateKey };
  }
}

function newKey(kind: KeyKind): KeyObject {
  if (kind === 'rsa2048' || kind === 'rsa4096') return generateKeyPairSync('rsa', { modulusLength: kind === 'rsa2048' ? 2048 : 4096 }).privateKey;
  return generateKeyPairSync('ec', { namedCurve: kind === 'p256' ? 'P-256' : 'P-384' }).privateKey;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
