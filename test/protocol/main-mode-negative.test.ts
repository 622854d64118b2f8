// Main mode failures, both roles in one process: each bad input gives the failure the daemon
// turns into a NOTIFY and an IOS log line (shared/daemon/phase1-log.ts), no exception escapes
// process(), and no SA appears. The daemon-level half is main-mode-daemon.test.ts.
import { describe, expect, it } from 'vitest';
import { NotifyType } from '../../shared/wire/registry.ts';
import { seededRandom } from '../../shared/time/clock.ts';
import type { MainModeStep } from '../../shared/exchanges/main-mode.ts';
import { credentials, pair, policy, runMainMode, testPki, type Run } from './main-mode-fixture.ts';

const last = (r: Run): MainModeStep => r.steps[r.steps.length - 1]!;

/** The responder's (or initiator's) failure, with the invariants every failure must keep. */
function failed(r: Run, side: 'ks' | 'gm') {
  const step = last(r);
  expect(step.failure, 'a failure is reported').toBeDefined();
  expect(step.reply, 'a failed message is not answered with a protocol message').toBeUndefined();
  expect(step.sa).toBeUndefined();
  expect(side === 'ks' ? r.ks.state : r.gm.state).toBe('FAILED');
  expect(r.ksSa).toBeUndefined();
  return step.failure!;
}

const sigPolicy = policy({ auth: 'sig', group: 19 });

describe('main mode: negative cases', () => {
  it('wrong pre-shared key: AUTHENTICATION_FAILED at message 5, IKMP_AUTH_FAIL', () => {
    const r = runMainMode(pair(
      { policies: [policy({ group: 19 })], credentials: credentials({ psk: Buffer.from('not-the-key') }), seed: 'wp-g' },
      { policies: [policy({ group: 19 })], seed: 'wp-k' },
    ));
    expect(r.m).toHaveLength(5);
    const f = failed(r, 'ks');
    expect(f.notify).toBe(NotifyType.AUTHENTICATION_FAILED);
    expect(f.mnemonic).toBe('IKMP_AUTH_FAIL');
    expect(f.message).toMatch(/pre-shared key/);
  });

  it('no pre-shared key for the peer: IKMP_NO_KEY before any encrypted message', () => {
    const r = runMainMode(pair({ policies: [policy({ group: 19 })], seed: 'nk-g' }, { policies: [policy({ group: 19 })], credentials: credentials({ psk: null }), seed: 'nk-k' }));
    expect(r.m).toHaveLength(3);
    const f = failed(r, 'ks');
    expect(f.mnemonic).toBe('IKMP_NO_KEY');
    expect(f.notify).toBe(NotifyType.AUTHENTICATION_FAILED);
  });

  it('no matching policy: NO_PROPOSAL_CHOSEN on message 1, before any DH', () => {
    const p = pair(
      { policies: [policy({ group: 2, hash: 'sha1' }), policy({ cipher: 'des-ede3-cbc' })], seed: 'np-g' },
      { policies: [policy({ group: 14 }), policy({ group: 19 })], seed: 'np-k' },
    );
    const r = runMainMode(p);
    expect(r.m).toHaveLength(1);
    const f = failed(r, 'ks');
    expect(f.notify).toBe(NotifyType.NO_PROPOSAL_CHOSEN);
    expect(f.mnemonic).toBe('IKMP_NO_PROPOSAL');
    expect(p.ksDh.calls).toBe(0);
    expect(p.gmDh.calls).toBe(0);
  });

  it('auth method mismatch (pre-share offered, rsa-sig configured) is also no proposal', () => {
    const r = runMainMode(pair({ policies: [policy({ group: 19 })], seed: 'am-g' }, { policies: [sigPolicy], seed: 'am-k' }));
    expect(failed(r, 'ks').notify).toBe(NotifyType.NO_PROPOSAL_CHOSEN);
  });

  it('untrusted certificate: INVALID_CERTIFICATE, IKMP_INVAL_CERT', () => {
    const { ca, untrustedGm } = testPki();
    const r = runMainMode(pair(
      { policies: [sigPolicy], credentials: credentials({ psk: null, cert: untrustedGm, trusted: [ca] }), seed: 'ut-g' },
      { policies: [sigPolicy], credentials: credentials({ psk: null, cert: testPki().ks, trusted: [ca] }), seed: 'ut-k' },
    ));
    const f = failed(r, 'ks');
    expect(f.notify).toBe(NotifyType.INVALID_CERTIFICATE);
    expect(f.mnemonic).toBe('IKMP_INVAL_CERT');
    expect(f.message).toMatch(/no trusted issuer/);
  });

  it('expired certificate: INVALID_CERTIFICATE naming the expiry', () => {
    const { ca, expiredGm, ks } = testPki();
    const r = runMainMode(pair(
      { policies: [sigPolicy], credentials: credentials({ psk: null, cert: expiredGm, trusted: [ca] }), seed: 'ex-g' },
      { policies: [sigPolicy], credentials: credentials({ psk: null, cert: ks, trusted: [ca] }), seed: 'ex-k' },
    ));
    const f = failed(r, 'ks');
    expect(f.notify).toBe(NotifyType.INVALID_CERTIFICATE);
    expect(f.message).toMatch(/expired/);
  });

  it('the initiator refuses an untrusted key server certificate in message 6', () => {
    const { ca, otherCa, gm, ks } = testPki();
    const r = runMainMode(pair(
      { policies: [sigPolicy], credentials: credentials({ psk: null, cert: gm, trusted: [otherCa] }), seed: 'ui-g' },
      { policies: [sigPolicy], credentials: credentials({ psk: null, cert: ks, trusted: [ca] }), seed: 'ui-k' },
    ));
    expect(r.ksSa).toBeDefined();           // the KS accepted the GM...
    expect(r.gmSa).toBeUndefined();         // ...but the GM does not accept the KS
    expect(last(r).failure?.mnemonic).toBe('IKMP_INVAL_CERT');
    expect(r.gm.state).toBe('FAILED');
  });

  for (const where of ['first', 'last'] as const) {
    it(`tampered message 5 (${where} cipher block): AUTHENTICATION_FAILED, no SA`, () => {
      const r = runMainMode(pair({ policies: [policy({ group: 19 })], seed: `tm-${where}-g` }, { policies: [policy({ group: 19 })], seed: `tm-${where}-k` }), (n, b) => {
        if (n !== 5) return b;
        const t = Buffer.from(b);
        t[where === 'first' ? 28 + 3 : t.length - 1]! ^= 0x01;
        return t;
      });
      const f = failed(r, 'ks');
      expect(f.notify).toBe(NotifyType.AUTHENTICATION_FAILED);
      expect(f.mnemonic).toBe('IKMP_AUTH_FAIL');
    });
  }

  it('tampered message 5 with signatures (SIG altered): AUTHENTICATION_FAILED', () => {
    const { ca, gm, ks } = testPki();
    const r = runMainMode(pair(
      { policies: [sigPolicy], credentials: credentials({ psk: null, cert: gm, trusted: [ca] }), seed: 'ts-g' },
      { policies: [sigPolicy], credentials: credentials({ psk: null, cert: ks, trusted: [ca] }), seed: 'ts-k' },
    ), (n, b) => {
      if (n !== 5) return b;
      const t = Buffer.from(b);
      t[t.length - 40]! ^= 0x80;              // inside the SIG payload (the last one before padding)
      return t;
    });
    const f = failed(r, 'ks');
    expect(f.notify).toBe(NotifyType.AUTHENTICATION_FAILED);
    expect(f.code).toBe('BAD_SIG');
  });

  it('replayed messages 3 and 5 of another exchange are refused', () => {
    const old = runMainMode(pair({ policies: [policy({ group: 19 })], seed: 'rp-old-g' }, { policies: [policy({ group: 19 })], seed: 'rp-old-k' }));
    expect(old.ksSa).toBeDefined();
    // A new exchange from the same peer; the attacker replays the old message 3 into it.
    const p = pair({ policies: [policy({ group: 19 })], seed: 'rp-new-g' }, { policies: [policy({ group: 19 })], seed: 'rp-new-k' });
    p.ks.process(p.gm.start());
    const r3 = p.ks.process(old.m[2]!);
    expect(r3.failure?.code).toBe('BAD_COOKIE');
    expect(r3.reply).toBeUndefined();
    expect(p.ksDh.calls).toBe(0);
    // And the old message 5 into a third exchange waiting for its message 5.
    const q = pair({ policies: [policy({ group: 19 })], seed: 'rp-q-g' }, { policies: [policy({ group: 19 })], seed: 'rp-q-k' });
    const qm4 = q.ks.process(q.gm.process(q.ks.process(q.gm.start()).reply!).reply!).reply!;
    expect(qm4).toBeDefined();
    const r5 = q.ks.process(old.m[4]!);
    expect(r5.failure).toBeDefined();
    expect(r5.sa).toBeUndefined();
    expect(q.ks.state).toBe('FAILED');
  });

  it('garbage and truncated datagrams never throw and never establish anything', () => {
    const rnd = seededRandom('garbage');
    const good = runMainMode(pair({ policies: [policy({ group: 19 })], seed: 'gb-g' }, { policies: [policy({ group: 19 })], seed: 'gb-k' }));
    const inputs: Buffer[] = [Buffer.alloc(0), Buffer.alloc(3), Buffer.alloc(28), rnd.bytes(200)];
    for (const m of good.m.slice(0, 5)) for (let cut = 0; cut < m.length; cut += 7) inputs.push(m.subarray(0, cut));
    for (let i = 0; i < 40; i++) {
      const m = Buffer.from(good.m[i % 5]!);
      m[rnd.int(m.length)]! ^= 1 << rnd.int(8);
      inputs.push(m);
    }
    let failures = 0;
    for (const bytes of inputs) {
      // A fresh responder (message 1 expected) and one waiting for message 3.
      const fresh = pair({ policies: [policy({ group: 19 })], seed: 'gb-g' }, { policies: [policy({ group: 19 })], seed: 'gb-k' });
      const waiting = pair({ policies: [policy({ group: 19 })], seed: 'gb-g' }, { policies: [policy({ group: 19 })], seed: 'gb-k' });
      waiting.ks.process(waiting.gm.start());
      for (const ks of [fresh.ks, waiting.ks]) {
        let step: MainModeStep | undefined;
        expect(() => { step = ks.process(bytes); }).not.toThrow();
        expect(step!.sa).toBeUndefined();
        if (step!.failure) {
          failures++;
          expect(step!.failure.notify).toBeGreaterThan(0);
          expect(step!.failure.mnemonic).toMatch(/^IKMP_/);
        }
      }
    }
    expect(failures).toBeGreaterThan(inputs.length);      // almost every input is refused on one side at least
    // Plain garbage to a fresh responder: PAYLOAD_MALFORMED and IKMP_BAD_MESSAGE.
    const g = pair({ policies: [policy()], seed: 'gb2-g' }, { policies: [policy()], seed: 'gb2-k' }).ks.process(rnd.bytes(120));
    expect(g.failure).toMatchObject({ notify: NotifyType.PAYLOAD_MALFORMED, mnemonic: 'IKMP_BAD_MESSAGE' });
  });
});
