import { afterEach, describe, expect, it } from 'vitest';
import { Charon, type CharonOptions } from '../helpers/charon.ts';
import { MainModeInitiator, type MainModeConfig } from '../../shared/exchanges/main-mode.ts';
import type { Phase1Sa } from '../../shared/exchanges/phase1-sa.ts';
import type { Phase1Proposal } from '../../shared/exchanges/phase1-policy.ts';
import { UdpTransport } from '../../shared/transport/udp.ts';
import { systemClock, systemRandom } from '../../shared/time/clock.ts';
import { OUR_VERSION, defaultFeatureBits } from '../../shared/policy/version.ts';
import { makeCa, makeLeaf } from '../../shared/crypto/test-pki.ts';
import { startDaemon, stopAll } from '../helpers/daemons.ts';
import { readFileSync } from 'node:fs';
import type { DhGroupId } from '../../shared/crypto/dh.ts';

const KS = '127.0.5.1';
const GM = '127.0.5.2';
const GDOI_PORT = 848;

const running: Charon[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});

async function driveInitiator(cfg: MainModeConfig, peer: string, port: number): Promise<Phase1Sa> {
  const t = await UdpTransport.bind(GM, 500);
  try {
    const mm = new MainModeInitiator(cfg, peer, port);
    return await new Promise<Phase1Sa>((resolve, reject) => {
      let tries = 0;
      const timer = setInterval(() => {
        if (++tries > 5) { clearInterval(timer); reject(new Error(`no answer in state ${mm.state}`)); return; }
        if (mm.lastSent) t.send(mm.lastSent, peer, port);
      }, 1000);
      t.onMessage((d) => {
        const step = mm.process(d.data);
        if (step.reply) t.send(step.reply, peer, port);
        if (step.failure) { clearInterval(timer); reject(new Error(`${step.failure.code}: ${step.failure.message}`)); }
        if (step.sa) { clearInterval(timer); resolve(step.sa); }
      });
      t.send(mm.start(), peer, port);
    });
  } finally {
    await t.close();
  }
}

describe('strongSwan explore', () => {
  for (const [group, proposal] of [[14, 'aes256-sha256-modp2048'], [19, 'aes256-sha256-ecp256']] as const) {
    it(`psk group ${group}`, async () => {
      const o: CharonOptions = { role: 'responder', localAddr: KS, remoteAddr: '127.0.0.0/8', port: GDOI_PORT, auth: { kind: 'psk', secret: 'interop-psk' }, proposal };
      const c = await Charon.start(o);
      running.push(c);
      const policies: Phase1Proposal[] = [{ cipher: 'aes-256-cbc', hash: 'sha256', auth: 'psk', group: group as DhGroupId, lifetime: 86400 }];
      const cfg: MainModeConfig = {
        policies, localAddress: GM, doi: 2, version: OUR_VERSION, features: defaultFeatureBits(OUR_VERSION), clock: systemClock, random: systemRandom,
        credentials: { psk: () => Buffer.from('interop-psk'), trustedCas: [], identity: 'address' },
      };
      let sa: Phase1Sa | undefined;
      try {
        sa = await driveInitiator(cfg, KS, GDOI_PORT);
      } finally {
        console.log(c.logText());
      }
      expect(sa).toBeDefined();
    });
  }
  it('charon init psk', async () => {
    const ks = startDaemon('ks', 'ks-ss', readFileSync('/tmp/ssx/ks.conf', 'utf8'), { port: GDOI_PORT, args: ['--address', KS] });
    await ks.waitFor(/KS_STARTED/);
    const c = await Charon.start({ role: 'initiator', localAddr: GM, remoteAddr: KS, port: GDOI_PORT, auth: { kind: 'psk', secret: 'interop-psk' }, proposal: 'aes256-sha256-ecp256', childSa: true });
    running.push(c);
    try {
      const r = await c.initiate(5000);
      console.log(r.output);
      await new Promise((r) => setTimeout(r, 1000));
      console.log((await ks.cli('show crypto isakmp sa')).out);
    } finally { console.log(c.logText()); console.log(ks.lines.join('\n')); await stopAll(); }
  });
  it('rsa group 14', async () => {
    const ca = makeCa('Interop CA');
    const ks = makeLeaf(ca, 'ks.interop');
    const gm = makeLeaf(ca, 'gm.interop');
    const c = await Charon.start({ role: 'responder', localAddr: KS, remoteAddr: '127.0.0.0/8', port: GDOI_PORT, proposal: 'aes256-sha256-modp2048',
      auth: { kind: 'rsa', certPem: ks.certPem, keyPem: ks.keyPem, caPem: ca.certPem } });
    running.push(c);
    const cfg: MainModeConfig = {
      policies: [{ cipher: 'aes-256-cbc', hash: 'sha256', auth: 'sig', group: 14, lifetime: 86400 }], localAddress: GM, doi: 2, version: OUR_VERSION, features: defaultFeatureBits(OUR_VERSION), clock: systemClock, random: systemRandom,
      credentials: { psk: () => undefined, trustedCas: [ca.certPem], identity: 'dn', cert: { der: gm.der, chain: [], privateKey: gm.privateKey } },
    };
    try { await driveInitiator(cfg, KS, GDOI_PORT); } finally { console.log(c.logText()); }
  });
});
