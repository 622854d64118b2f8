// Wireshark decrypts what our daemons exchange, given the KS's opt-in key log (issue 4, §6).
// A real gdoi-ks (`--key-log FILE`) and a real gdoi-gm (`--phase1-doi 1`) register through a
// small UDP relay that records every datagram; the recording becomes a pcap (helpers/pcap.ts)
// and tshark, fed the key log as its `ikev1_decryption_table`, must open main-mode messages 5
// and 6 and the GROUPKEY-PULL that follows.
//
// Why DOI 1: tshark's dissect_sa reads any DOI-2 SA as the GDOI phase-2 form, never learns the
// phase-1 cipher and so cannot decrypt anything (protocol.md §5.3); the GM's test switch sends
// DOI 1 in its phase-1 SA, which the KS accepts as well.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeUdpPort, removeDir, startDaemon, stopAll, tempDir } from '../helpers/daemons.ts';
import { writePcap, type UdpPacket } from '../helpers/pcap.ts';
import { asArray, runTshark, tsharkBytes, tsharkExpertErrors } from '../helpers/tshark.ts';
import { datagramPayloads, oracleDecrypt, oracleIv, payloadOf, walkPayloads } from '../protocol/ike-oracle.ts';

const KS = '127.0.4.1';
const RELAY = '127.0.4.60';   // the GM's "key server": forwards both ways and records
const GM = '127.0.4.61';
const GROUP_ID = 4040;

const ksConf = (pskNet: string) => `hostname ks-tshark
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key tshark-psk address ${pskNet} 255.255.255.0
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
crypto ipsec profile P
 set transform-set TS
ip access-list extended ENC
 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
crypto gdoi group G
 identity number ${GROUP_ID}
 server local
  sa ipsec 1
   profile P
   match address ipv4 ENC
  address ipv4 ${KS}
end
`;

const gmConf = `hostname gm-tshark
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key tshark-psk address ${RELAY}
crypto gdoi group G
 identity number ${GROUP_ID}
 server address ipv4 ${RELAY}
 client registration address ipv4 ${GM}
crypto map M 10 gdoi
 set group G
end
`;

/** Forwards GM <-> KS on one socket and records each datagram as the GM <-> KS conversation. */
async function startRelay(port: number, packets: UdpPacket[]): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(port, RELAY, () => r()));
  s.on('message', (msg, from) => {
    const toKs = from.address === GM;
    if (!toKs && from.address !== KS) return;
    packets.push({ src: toKs ? GM : KS, dst: toKs ? KS : GM, sport: port, dport: port, payload: Buffer.from(msg) });
    s.send(msg, port, toKs ? KS : GM);
  });
  return s;
}

const dir = tempDir('tshark-decrypt');
const packets: UdpPacket[] = [];
let port = 0;
let keyLine = '';
let pcap = '';

beforeAll(async () => {
  port = await freeUdpPort(RELAY);
  const keyLog = join(dir, 'ike-keys.txt');
  const relay = await startRelay(port, packets);
  try {
    const ks = startDaemon('ks', 'ks-tshark', ksConf('127.0.4.0'), { port, dir, args: ['--key-log', keyLog] });
    await ks.waitFor(/KS_STARTED/);
    const gm = startDaemon('gm', 'gm-tshark', gmConf, { port, dir, args: ['--phase1-doi', '1'] });
    await gm.waitFor(/GM_REGS_COMPL/);
    await ks.waitFor(/KS_REGS_COMPL/);
    expect(statSync(keyLog).mode & 0o777).toBe(0o600);           // the key log holds secrets
    keyLine = readFileSync(keyLog, 'utf8').trim();
  } finally {
    await stopAll();
    await new Promise<void>((r) => relay.close(() => r()));
  }
  pcap = join(dir, 'registration.pcap');
  writePcap(pcap, packets);
});
afterAll(() => removeDir(dir));

const decodeAs = () => ['-d', `udp.port==${port},isakmp`];
/** The key log line as tshark's UAT option: bare hex fields (tshark 4.0 reads quoted ones as text). */
const uatOption = () => ['-o', `uat:ikev1_decryption_table:${keyLine}`];
const isakmp = (frame: any) => frame?._source?.layers?.isakmp;
const decrypted = (frame: any): any[] => asArray(isakmp(frame)?.['isakmp.enc.data']?.['isakmp.typepayload_tree']);
let keyed: Promise<any[]> | undefined;
/** One tshark run with the key for the tests that only read its output. */
const withKey = () => (keyed ??= runTshark(pcap, [...decodeAs(), ...uatOption()]));

describe('tshark decrypts a registration with the key log', () => {
  it('captured a whole main mode and a GROUPKEY-PULL with a DOI-1 phase-1 SA; one key log line for it', () => {
    expect(packets.map((p) => p.payload[18])).toEqual([2, 2, 2, 2, 2, 2, 32, 32, 32, 32]);
    expect(packets.map((p) => p.src)).toEqual([GM, KS, GM, KS, GM, KS, GM, KS, GM, KS]);
    expect(payloadOf(datagramPayloads(packets[0]!.payload), 1)!.readUInt32BE(0)).toBe(1);
    expect(keyLine).toMatch(/^[0-9a-f]{16},[0-9a-f]{64}$/);            // one SA: icookie,AES-256 key
    expect(keyLine.split(',')[0]).toBe(packets[0]!.payload.subarray(0, 8).toString('hex'));
  });

  it('without the key, messages 5 and 6 stay opaque', async () => {
    const frames = await runTshark(pcap, decodeAs());
    expect(frames).toHaveLength(10);
    for (const f of frames.slice(4)) {
      expect(isakmp(f)['isakmp.flags_tree']['isakmp.flag_e']).toBe('1');
      expect(decrypted(f)).toEqual([]);
      expect(typeof isakmp(f)['isakmp.enc.data']).toBe('string');        // a leaf: nothing dissected inside
    }
  });

  it('with the key (UAT option), messages 5 and 6 show their ID and HASH, the same bytes we decrypt ourselves', async () => {
    const frames = await withKey();
    const [m5, m6] = [decrypted(frames[4]), decrypted(frames[5])];
    expect(m5.map((p) => p['isakmp.id.type'] ?? (p['isakmp.hash'] ? 'hash' : '?'))).toEqual(['1', 'hash']);
    expect(m5[0]['isakmp.id.data']['isakmp.id.data.ipv4_addr']).toBe(GM);
    expect(m5[0]['isakmp.id.protoid']).toBe('17');
    expect(m6.map((p) => p['isakmp.id.type'] ?? (p['isakmp.hash'] ? 'hash' : '?'))).toEqual(['1', 'hash']);
    expect(m6[0]['isakmp.id.data']['isakmp.id.data.ipv4_addr']).toBe(KS);

    // Cross-check tshark against our own CBC decryption with the logged key and the IV chain
    // from the captured KE payloads (RFC 2409 Appendix B).
    const key = Buffer.from(keyLine.split(',')[1]!, 'hex');
    const gxi = payloadOf(datagramPayloads(packets[2]!.payload), 4)!;
    const gxr = payloadOf(datagramPayloads(packets[3]!.payload), 4)!;
    const d5 = oracleDecrypt('aes-256-cbc', key, oracleIv('sha256', gxi, gxr, 'aes-256-cbc'), packets[4]!.payload);
    const d6 = oracleDecrypt('aes-256-cbc', key, d5.nextIv, packets[5]!.payload);
    expect(tsharkBytes(m5[1]['isakmp.hash'])).toEqual(payloadOf(walkPayloads(5, d5.plain), 8));
    expect(tsharkBytes(m6[1]['isakmp.hash'])).toEqual(payloadOf(walkPayloads(5, d6.plain), 8));
    expect(tsharkBytes(m5[1]['isakmp.hash'])).toHaveLength(32);              // SHA-256 HASH_I
  });

  it('the first GROUPKEY-PULL message (tshark calls it Quick Mode) shows HASH, NONCE and the group ID', async () => {
    const frames = await withKey();
    const pull = isakmp(frames[6]);
    expect(pull['isakmp.exchangetype']).toBe('32');
    expect(pull['isakmp.messageid']).not.toBe('0x00000000');
    const ps = decrypted(frames[6]);
    expect(ps.map((p) => p['isakmp.nextpayload'])).toEqual(['10', '5', '0']);
    expect(ps[0]['isakmp.hash']).toBeDefined();
    expect(tsharkBytes(ps[0]['isakmp.hash'])).toHaveLength(32);
    expect(tsharkBytes(ps[1]['isakmp.nonce']).length).toBeGreaterThanOrEqual(8);
    expect(ps[2]['isakmp.id.type']).toBe('11');                           // ID_KEY_ID: the group number
    expect(tsharkBytes(ps[2]['isakmp.id.data']['isakmp.id.data.key_id']).readUInt32BE(0)).toBe(GROUP_ID);
    // The rest of the PULL decrypts too: SA (GDOI TEK) in message 2, SEQ and KD in message 4.
    expect(decrypted(frames[7]).map((p) => p['isakmp.nextpayload'])).toEqual(['10', '1', '0']);
    expect(decrypted(frames[9]).map((p) => p['isakmp.nextpayload'])).toEqual(['18', '17', '0']);
    // tshark quirks, cosmetic, not ours: the zero padding after the last payload is shown as
    // "Extra data", and the SA TEK's protocol 0 ("any") is labelled "IPv6 Hop-by-Hop Option".
  });

  it('the same key as a decryption-table file in WIRESHARK_CONFIG_DIR works too, with no expert warnings', async () => {
    const conf = join(dir, 'wireshark');
    mkdirSync(conf, { recursive: true });
    writeFileSync(join(conf, 'ikev1_decryption_table'), `${keyLine}\n`);
    const prev = process.env.WIRESHARK_CONFIG_DIR;
    process.env.WIRESHARK_CONFIG_DIR = conf;                          // inherited by the tshark child
    try {
      const frames = await runTshark(pcap, decodeAs());
      expect(decrypted(frames[4]).length).toBe(2);
      expect(decrypted(frames[5]).length).toBe(2);
      expect(decrypted(frames[6]).length).toBe(3);
      const problems = await tsharkExpertErrors(pcap, { frames, extraArgs: decodeAs() });
      expect(problems).toEqual([]);
    } finally {
      if (prev === undefined) delete process.env.WIRESHARK_CONFIG_DIR; else process.env.WIRESHARK_CONFIG_DIR = prev;
    }
  });
});
