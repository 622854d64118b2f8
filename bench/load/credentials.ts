// gdoi-load's phase-1 credentials, loaded once for the whole run: the pre-shared key, or (rsa-sig)
// one certificate, key and trusted CA that every simulated GM shares. The PEM files are read by
// the daemons' own loader (phase1FromConfig), so gdoi-load accepts exactly what gdoi-gm accepts.
import { X509Certificate, createPublicKey } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { emptyConfig } from '../../shared/config/types.ts';
import { loadPemCerts } from '../../shared/crypto/certs.ts';
import { phase1FromConfig } from '../../shared/daemon/phase1-config.ts';
import type { Phase1Credentials } from '../../shared/exchanges/phase1-auth.ts';
import { GdoiError } from '../../shared/errors.ts';
import type { LoadOptions } from './options.ts';

export function loadCredentials(o: LoadOptions): Phase1Credentials {
  if (o.auth === 'psk' || !o.pki) {
    const psk = Buffer.from(o.psk, 'utf8');
    return { psk: () => psk, trustedCas: [], identity: 'address' };
  }
  const files = { cert: resolve(o.pki.cert), key: resolve(o.pki.key), ca: resolve(o.pki.ca) };
  for (const [opt, f] of Object.entries(files)) {
    try { accessSync(f, constants.R_OK); } catch { throw new GdoiError('USAGE', `--${opt} ${f}: cannot read the file`); }
  }
  // The same configuration a GM gets from `crypto pki certificate|key|trusted-ca` and `crypto isakmp identity`.
  const base = emptyConfig();
  let cred: Phase1Credentials;
  try {
    cred = phase1FromConfig({
      ...base, isakmpIdentity: o.identity,
      pki: { ...base.pki, certificate: files.cert, key: files.key, trustedCas: [files.ca] },
    }).credentials;
  } catch (e) {
    throw new GdoiError('USAGE', `--cert/--key/--ca: ${(e as Error).message}`);
  }
  if (!cred.cert) throw new GdoiError('USAGE', `--cert ${files.cert}: no PEM certificate in it`);
  if (!cred.trustedCas.some((pem) => loadPemCerts(pem).length)) throw new GdoiError('USAGE', `--ca ${files.ca}: no PEM certificate in it`);
  // A key that does not match the certificate would fail every registration at the KS; say so now.
  const spki = (k: ReturnType<typeof createPublicKey>) => k.export({ type: 'spki', format: 'der' });
  if (!spki(new X509Certificate(cred.cert.der).publicKey).equals(spki(createPublicKey(cred.cert.privateKey)))) {
    throw new GdoiError('USAGE', `--key ${files.key} is not the private key of --cert ${files.cert}`);
  }
  return cred;
}
