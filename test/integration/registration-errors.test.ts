// Issue #5 acceptance, bad input: a wrong group id, a GM the authorization ACL refuses, a wrong
// pre-shared key and garbage datagrams on the KS's port each give their log line, the GMs keep
// retrying, no daemon exits, and the KS keeps registering good members afterwards.
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort, removeDir, startDaemon, stopAll, tempDir, type DaemonProcess } from '../helpers/daemons.ts';
import { Consoles, GROUP, KS_ADDR, gmConfig, ksConfig, oneShot, parseGm, parseMembers, type Phase1Auth } from './registration-fixtures.ts';

const PSK: Phase1Auth = { kind: 'psk', key: 'errors-six-psk' };
const AUTHZ_GROUP = { name: 'AUTHZ6', id: 6007, authorizationAcl: 'MEMBERS6' };
const A = { badGroup: '127.0.6.21', denied: '127.0.6.22', badPsk: '127.0.6.23', allowed: '127.0.6.25', afterGarbage: '127.0.6.26', garbage: '127.0.6.40' };
const esc = (a: string) => a.replace(/\./g, '\\.');

let dir: string;
let port: number;
let ks: DaemonProcess;
const gm: Record<string, DaemonProcess> = {};
const con = new Consoles();

function startGm(key: keyof typeof A, o: { groupId?: number; auth?: Phase1Auth } = {}): DaemonProcess {
  const name = `gm6-${key}`;
  gm[key] = startDaemon('gm', name, gmConfig({ name, address: A[key], auth: o.auth ?? PSK, groupId: o.groupId }), { port, dir });
  return gm[key];
}

/** Waits until d has logged at least n lines matching re. */
async function waitCount(d: DaemonProcess, re: RegExp, n: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (d.count(re) < n) {
    if (Date.now() > deadline) throw new Error(`${d.name}: ${d.count(re)} of ${n} lines matching ${re}\n${d.lines.slice(-10).join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  dir = tempDir('reg6-errors');
  port = await freeUdpPort(KS_ADDR);
  ks = startDaemon('ks', 'ks6', ksConfig({
    auth: PSK,
    // Members of AUTHZ6 must come from 127.0.6.24-127.0.6.31 (.22 is outside).
    extra: ['ip access-list standard MEMBERS6', ' permit 127.0.6.24 0.0.0.7'],
    groups: [AUTHZ_GROUP],
  }), { port, dir });
  await ks.waitFor(/%GDOI-5-KS_STARTED/, 30_000);
  startGm('badGroup', { groupId: 9999 });
  startGm('denied', { groupId: AUTHZ_GROUP.id });
  startGm('badPsk', { auth: { kind: 'psk', key: 'not-the-right-one' } });
  startGm('allowed', { groupId: AUTHZ_GROUP.id });
  await gm.allowed!.waitFor(/%GDOI-5-GM_REGS_COMPL/, 30_000);
}, 50_000);

afterAll(async () => {
  await con.closeAll();
  await stopAll();
  removeDir(dir);
});

describe('registration failures', () => {
  it('wrong group id: KS logs KS_BAD_ID, the GM logs the refusal and keeps retrying', async () => {
    await ks.waitFor(new RegExp(`%GDOI-1-KS_BAD_ID: Registration: config mismatch between KS and the GM ${esc(A.badGroup)}, in the group 9999\\.`));
    const g = gm.badGroup!;
    expect(await g.waitFor(/GM_REGS_FAIL/)).toMatch(new RegExp(`Registration to KS ${esc(KS_ADDR)} failed for group G using address ${esc(A.badGroup)}: KS refused: INVALID_GROUP_ID`));
    // A second attempt after the backoff, refused the same way.
    await waitCount(g, /%CRYPTO-5-GM_REGSTER/, 2);
    await waitCount(ks, new RegExp(`KS_BAD_ID: .*GM ${esc(A.badGroup)},`), 2);
    expect(g.count(/GM_REGS_COMPL/)).toBe(0);
    await con.attach(g, 'gm6-badGroup');
    expect(parseGm(await con.show(g, 'show crypto gdoi gm')).status).not.toBe('Registered');
  });

  it('GM not authorized: KS logs UNAUTHORIZED_IDENTITY; a permitted GM of the same group registers', async () => {
    expect(await ks.waitFor(/UNAUTHORIZED_IDENTITY/)).toMatch(
      new RegExp(`%GDOI-1-UNAUTHORIZED_IDENTITY: Group ${AUTHZ_GROUP.name} received registration from unauthorized identity: .* Peer Address: ${esc(A.denied)}$`));
    expect(await gm.denied!.waitFor(/GM_REGS_FAIL/)).toMatch(/KS refused: AUTHENTICATION_FAILED/);
    expect(gm.denied!.count(/GM_REGS_COMPL/)).toBe(0);
    await ks.waitFor(new RegExp(`KS_REGS_COMPL: .*group ${AUTHZ_GROUP.name} with GM ${esc(A.allowed)}\\.`));
  });

  it('wrong pre-shared key: KS logs an IKMP failure for that peer and registers nothing', async () => {
    const line = await ks.waitFor(new RegExp(`%CRYPTO-\\d-IKMP_\\w+: .*${esc(A.badPsk)}\\b`));
    expect(line).toMatch(/IKMP_(AUTH_FAIL|BAD_MESSAGE)/);
    expect(ks.count(new RegExp(`KS_REGS_COMPL: .*${esc(A.badPsk)}\\.`))).toBe(0);
    expect(gm.badPsk!.count(/GM_REGS_COMPL/)).toBe(0);
  });
});

describe('garbage on the KS port', () => {
  let sock: Socket;
  beforeAll(async () => {
    sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, A.garbage, () => r()));
  });
  afterAll(() => new Promise<void>((r) => sock.close(() => r())));
  const send = (b: Buffer) => new Promise<void>((res, rej) => sock.send(b, port, KS_ADDR, (e) => (e ? rej(e) : res())));

  /** A 28-octet ISAKMP header (RFC 2408 §3.1) with the given fields, plus body. */
  function header(o: { exchange?: number; next?: number; version?: number; length?: number; rcookie?: Buffer; body?: Buffer }): Buffer {
    const body = o.body ?? Buffer.alloc(0);
    const h = Buffer.alloc(28);
    randomBytes(8).copy(h, 0);
    (o.rcookie ?? Buffer.alloc(8)).copy(h, 8);
    h[16] = o.next ?? 1;
    h[17] = o.version ?? 0x10;
    h[18] = o.exchange ?? 2;
    h.writeUInt32BE(o.length ?? 28 + body.length, 24);
    return Buffer.concat([h, body]);
  }

  const CASES: Array<[string, () => Buffer]> = [
    ['one octet', () => randomBytes(1)],
    ['a runt header (27 octets)', () => randomBytes(27)],
    ['header length 0xFFFFFFFF', () => header({ length: 0xffffffff })],
    ['header length beyond the datagram', () => header({ length: 400, body: randomBytes(12) })],
    ['header length below 28', () => header({ length: 8 })],
    ['major version 2', () => header({ version: 0x20 })],
    ['unknown exchange type', () => header({ exchange: 99 })],
    ['main mode with no payloads behind a next-payload SA', () => header({})],
    ['main mode with a payload claiming 65535 octets', () => header({ body: Buffer.from([0, 0, 0xff, 0xff, 1, 2, 3, 4]) })],
    ['main mode SA payload full of noise', () => header({ body: Buffer.concat([Buffer.from([0, 0, 0, 40]), randomBytes(36)]) })],
    ['2,000 random octets', () => randomBytes(2000)],
    ['60,000 random octets', () => randomBytes(60_000)],
  ];

  it('each malformed datagram gives one IKMP_BAD_MESSAGE line naming the sender', async () => {
    const fromGarbage = new RegExp(`IKMP_\\w+: .*${esc(A.garbage)}\\b`);
    const bad = new RegExp(`%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from ${esc(A.garbage)} failed its sanity check or is malformed`);
    for (const [what, make] of CASES) {
      const before = ks.count(fromGarbage);
      await send(make());
      await waitCount(ks, fromGarbage, before + 1, 5_000).catch((e) => { throw new Error(`${what}: ${(e as Error).message}`); });
      expect(ks.lines.filter((l) => fromGarbage.test(l)).at(-1), what).toMatch(bad);
    }
    // A PULL for a phase-1 SA the KS never made is refused as such, not parsed.
    await send(header({ exchange: 32, rcookie: randomBytes(8), next: 8, body: randomBytes(20) }));
    await ks.waitFor(new RegExp(`IKMP_NO_SA: IKE message from ${esc(A.garbage)} has no SA`));
  });

  it('after a flood of noise the KS still registers a new GM and answers the CLI', async () => {
    for (let i = 0; i < 300; i++) await send(randomBytes(1 + (i * 37) % 1500));
    await waitCount(ks, new RegExp(`IKMP_BAD_MESSAGE: IKE message from ${esc(A.garbage)}`), CASES.length + 300, 20_000);
    const g = startGm('afterGarbage');
    await g.waitFor(/%GDOI-5-GM_REGS_COMPL/, 20_000);
    await ks.waitFor(new RegExp(`KS_REGS_COMPL: .*group ${GROUP.name} with GM ${esc(A.afterGarbage)}\\.`));
    const members = parseMembers(await oneShot(ks, 'show crypto gdoi ks members'));
    expect(members.map((m) => m.address).sort()).toEqual([A.allowed, A.afterGarbage]);
    expect(members.find((m) => m.address === A.allowed)!.group).toBe(AUTHZ_GROUP.name);
  });

  it('no daemon exited', () => {
    for (const d of [ks, ...Object.values(gm)]) expect(d.exited, d.name).toBeUndefined();
  });
});
