// Forged and replayed GROUPKEY-PUSHes sent to a running gdoi-gm: each is rejected with its
// GM_REKEY_REJECT line and counter, and the GM's SAs stay as they were. The test learns the
// group's real KEK and the KS's rekey signing key from the KS's state directory (state.json,
// keys/REKEYRSA.pem), so it can build pushes exactly as the KS does; a final push built the
// same way is accepted and acked, which shows every rejection was for its stated reason.
import { createPrivateKey, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort, startDaemon, stopAll, type DaemonProcess } from '../helpers/daemons.ts';
import { gmConfig, ksConfig } from '../helpers/rekey-configs.ts';
import { ask, field, num, tekSpis } from '../helpers/rekey-show.ts';
import { parseState } from '../../ks/store.ts';
import { buildPush, rekeyPayloads, sealPush, signatureLength } from '../../shared/exchanges/groupkey-push.ts';
import { openAck } from '../../shared/exchanges/groupkey-push-ack.ts';
import { rekeySign } from '../../shared/crypto/kek.ts';
import { generateRsaKey } from '../../shared/crypto/rsa.ts';
import type { GroupPolicy, KekPolicy } from '../../shared/policy/group-policy.ts';

const KS = '127.0.7.1';
const GM1 = '127.0.7.11';
const GM2 = '127.0.7.12';
let port: number;
let ks: DaemonProcess;
let gm1: DaemonProcess;
let gm2: DaemonProcess;
let sender: Socket;
const replies: Buffer[] = [];

beforeAll(async () => {
  port = await freeUdpPort(KS);
  // Two groups on one KS, both signed with REKEYRSA; no scheduled rekey during the test.
  ks = startDaemon('ks', 'ks-forged', ksConfig(KS, [{ name: 'GETVPN', id: 7001 }, { name: 'OTHER', id: 7002 }]), { port });
  await ks.waitFor(/KS_STARTED/);
  gm1 = startDaemon('gm', 'gm1-forged', gmConfig({ name: 'gm1', address: GM1, servers: [KS] }), { port });
  gm2 = startDaemon('gm', 'gm2-forged', gmConfig({ name: 'gm2', address: GM2, servers: [KS], group: 'OTHER', id: 7002 }), { port });
  await Promise.all([gm1, gm2].map((g) => g.waitFor(/GM_REGS_COMPL/)));
  // Forgeries come from the KS's address (a spoofer would), from a port of our own.
  sender = createSocket('udp4');
  await new Promise<void>((res) => sender.bind(0, KS, () => res()));
  sender.on('message', (m) => replies.push(m));
});

afterAll(async () => {
  sender?.close();
  await stopAll();
});

const send = (data: Buffer, to: string) => new Promise<void>((res) => sender.send(data, port, to, () => res()));

async function until(what: string, fn: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The group's policy as the KS saved it (keys included). */
function savedPolicy(groupId: number): GroupPolicy {
  const state = parseState(readFileSync(join(ks.dir, 'state', 'state.json'), 'utf8'));
  return state.groups.find((g) => g.policy.groupId === groupId)!.policy;
}

/** What a forger would like the GMs to install: one TEK of its own making. */
function forgedPolicy(p: GroupPolicy, seq: number, spi: number): GroupPolicy {
  const now = Date.now();
  const tek = p.teks.at(-1)!;
  return { ...p, seq, teks: [{ ...tek, spi, encKey: randomBytes(tek.encKey.length), createdAt: now, expiresAt: now + 3600_000 }] };
}

describe('forged and replayed rekeys at a running GM', () => {
  it('rejects each with its log line and counter, and leaves the SA table unchanged', async () => {
    // Two real rekeys first, so the GMs hold SEQ 2 and "older" has a meaning.
    for (const seq of [1, 2]) {
      const r = await ks.cli('crypto gdoi ks rekey');
      expect(r.out).toContain(`Rekey sent for group GETVPN with seq # ${seq}`);
      expect(r.out).toContain(`Rekey sent for group OTHER with seq # ${seq}`);
      await Promise.all([gm1, gm2].map((g) => g.waitFor(new RegExp(`GM_RECV_REKEY: .* with seq # ${seq}$`))));
    }
    const policy = savedPolicy(7001);
    const other = savedPolicy(7002);
    expect(policy.seq).toBe(2);
    const kek = policy.kek!;
    const rekeyKey = createPrivateKey(readFileSync(join(ks.dir, 'state', 'keys', 'REKEYRSA.pem'), 'utf8'));
    const strangerKey = generateRsaKey(2048).privateKey;
    const now = Date.now();
    const push = (k: KekPolicy, key = rekeyKey, seq = 3, p = forgedPolicy(policy, seq, 0x0dead001)) => buildPush(k, key, { seq, policy: p }, now);

    const before = await ask(gm1, 'show crypto gdoi gm');
    const spis0 = tekSpis(before.slice(before.indexOf('TEK POLICY')));
    expect(num(before, 'Last rekey seq num')).toBe(2);
    expect(field(before, 'KEK SPI')).toBe(`0x${kek.spi.toString('hex').toUpperCase()}`);

    const badSig = sealPush(kek, rekeyPayloads({ seq: 3, policy: forgedPolicy(policy, 3, 0x0dead002) }, now), signatureLength(rekeyKey), (h, b) => {
      const sig = rekeySign(rekeyKey, kek.sigHash, h, b);
      sig[sig.length - 1]! ^= 0x01;
      return sig;
    });
    const valid = push(kek);
    const cases: Array<{ name: string; bytes: Buffer; reason: RegExp }> = [
      { name: 'bad signature', bytes: badSig, reason: /signature does not verify$/ },
      { name: 'signature by another key', bytes: push(kek, strangerKey), reason: /signature does not verify$/ },
      { name: 'replayed SEQ', bytes: push(kek, rekeyKey, 2), reason: /replayed seq # 2$/ },
      { name: 'older SEQ', bytes: push(kek, rekeyKey, 1), reason: /old seq # 1 \(last 2\)$/ },
      { name: 'wrong KEK SPI', bytes: push({ ...kek, spi: randomBytes(16) }), reason: /unknown KEK SPI$/ },
      { name: 'truncated', bytes: valid.subarray(0, valid.length - 48), reason: /truncated message$/ },
      { name: 'wrong KEK (undecryptable)', bytes: push({ ...kek, key: randomBytes(kek.key.length) }), reason: /cannot decrypt with the KEK$/ },
      { name: 'valid bytes from another group', bytes: push(other.kek!, rekeyKey, 3, forgedPolicy(other, 3, 0x0dead003)), reason: /unknown KEK SPI$/ },
    ];
    const rejects = () => gm1.lines.filter((l) => l.includes('%GDOI-4-GM_REKEY_REJECT'));
    for (const [i, c] of cases.entries()) {
      await send(c.bytes, GM1);
      await until(`${c.name} to be rejected`, () => rejects().length === i + 1);
      const line = rejects()[i]!;
      expect(line, c.name).toMatch(c.reason);
      expect(line, c.name).toContain(`Rejected rekey for group GETVPN from KS ${KS}: `);
    }

    const after = await ask(gm1, 'show crypto gdoi gm');
    expect(tekSpis(after.slice(after.indexOf('TEK POLICY')))).toEqual(spis0);
    expect(num(after, 'Last rekey seq num')).toBe(2);
    expect(field(after, 'KEK SPI')).toBe(field(before, 'KEK SPI'));
    expect(after).not.toMatch(/0x0DEAD00/);
    const counters = await ask(gm1, 'show crypto gdoi gm rekey');
    expect(num(counters, 'Rekeys received')).toBe(2);
    expect(num(counters, 'Rekey ACKs sent')).toBe(2);
    expect(num(counters, 'Rekeys rejected')).toBe(6);
    expect(num(counters, 'signature does not verify')).toBe(2);
    expect(num(counters, 'replayed seq # 2')).toBe(1);
    expect(num(counters, 'old seq # 1 (last 2)')).toBe(1);
    expect(num(counters, 'truncated message')).toBe(1);
    expect(num(counters, 'cannot decrypt with the KEK')).toBe(1);
    expect(num(counters, 'Rekeys rejected matching no group')).toBe(2);
    expect(num(counters, 'unknown KEK SPI')).toBe(2);
    expect(gm1.count(/GM_RECV_REKEY/)).toBe(2);
    expect(replies).toEqual([]);                                     // no ack for any of them

    // Control: the same construction with a fresh SEQ is a valid rekey. The GM installs it and
    // acks to us (RFC 8263); the exact bytes once more are then a replay.
    await send(valid, GM1);
    await gm1.waitFor(/GM_RECV_REKEY: .* with seq # 3$/);
    await until('the ack', () => replies.length === 1);
    expect(openAck(replies[0]!, (s) => (s.equals(kek.spi) ? kek : undefined))).toMatchObject({ seq: 3, gmAddress: GM1 });
    expect(tekSpis(await ask(gm1, 'show crypto gdoi ipsec sa'))).toContain(0x0dead001);
    await send(valid, GM1);
    await until('the replay to be rejected', () => rejects().length === cases.length + 1);
    expect(rejects().at(-1)).toMatch(/replayed seq # 3$/);
    // And the other group's bytes were valid: its own member takes them.
    await send(cases.at(-1)!.bytes, GM2);
    await gm2.waitFor(/GM_RECV_REKEY: .* with seq # 3$/);
    expect(tekSpis(await ask(gm2, 'show crypto gdoi ipsec sa'))).toContain(0x0dead003);
  });
});
