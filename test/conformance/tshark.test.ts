// Issue #3 acceptance: what our codec emits, tshark (Wireshark's ISAKMP dissector) reads back
// without a malformed packet or an expert warning, field for field. The messages are written
// to a pcap as UDP 848 datagrams between 127.0.0.1 (KS) and 127.0.0.2 (GM).
// tshark is a hard requirement: `npm test` installs it (scripts/ensure-tools.sh); when it is
// missing every test here fails with that instruction rather than being skipped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePcap } from '../helpers/pcap.ts';
import {
  asArray, runTshark, tsharkBytes, tsharkExpertErrors, tsharkVersion, type ExpertFinding, VALIDATE_CHECKSUMS,
} from '../helpers/tshark.ts';
import { encodeMessage } from '../../shared/wire/message.ts';
import { Doi, ExchangeType, PayloadType } from '../../shared/wire/registry.ts';
import { OUR_VERSION, decodeVersionVid } from '../../shared/policy/version.ts';
import {
  GM, KS, PORT, coopAnnouncement, ctrlRemoveNow, ctrlReplaceGraceful, groupkeyPull, groupkeyPush, mainMode,
  mainModeSa, rekeyAck, type Sample,
} from './samples.ts';
import { expectPayload } from './tshark-fields.ts';

/**
 * Main-mode message 1 as a GM sends it by default, with DOI 2 (docs/wire.md §5.1). tshark
 * reads any DOI-2 SA as the GDOI policy form (RFC 6407 §5.1) instead of the RFC 2408 §3.4
 * proposal form, so it cannot show the proposal; only the header, lengths and VID are checked.
 */
function mainModeDoi2(): Sample {
  const mm1 = mainMode()[0]!;
  const payloads = [{ ...mainModeSa(), doi: Doi.GDOI, situation: 0 }, mm1.payloads[1]!];
  return { ...mm1, name: 'MM1-DOI2', payloads, bytes: encodeMessage(mm1.header, payloads) };
}

const samples: Sample[] = [
  ...mainMode(),
  mainModeDoi2(),
  ...groupkeyPull(),
  groupkeyPush(42),
  rekeyAck(42),
  ctrlRemoveNow(43),
  ctrlReplaceGraceful(44),
  coopAnnouncement(),
];

let dir = '';
let layers: any[] = [];
let findings: ExpertFinding[] = [];

beforeAll(async () => {
  await tsharkVersion(); // throws "tshark is not installed …" with the fix
  dir = mkdtempSync(join(tmpdir(), 'gdoi-tshark-'));
  const pcap = join(dir, 'gdoi.pcap');
  writePcap(pcap, samples.map((s) => ({ src: s.src, dst: s.dst, sport: PORT, dport: PORT, payload: s.bytes })));
  const frames = await runTshark(pcap, VALIDATE_CHECKSUMS);
  layers = frames.map((f) => f?._source?.layers);
  findings = await tsharkExpertErrors(pcap, { frames, extraArgs: VALIDATE_CHECKSUMS });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const byName = (name: string) => {
  const i = samples.findIndex((s) => s.name === name);
  if (i < 0) throw new Error(`no sample ${name}`);
  return { sample: samples[i]!, layer: layers[i] };
};

describe('tshark reads our GDOI messages', () => {
  it('tshark is installed', async () => {
    expect(await tsharkVersion()).toMatch(/TShark/);
  });

  it('dissects every datagram as ISAKMP on UDP 848, in order', () => {
    expect(layers).toHaveLength(samples.length);
    layers.forEach((l, i) => {
      const s = samples[i]!;
      expect(l?.ip?.['ip.src'], s.name).toBe(s.src);
      expect(l?.ip?.['ip.dst'], s.name).toBe(s.dst);
      expect(l?.ip?.['ip.checksum.status'], `${s.name} IPv4 checksum`).toBe('1');  // 1 = good
      expect(l?.udp?.['udp.checksum.status'], `${s.name} UDP checksum`).toBe('1');
      expect(Number(l?.udp?.['udp.length']), `${s.name} UDP length`).toBe(8 + s.bytes.length);
      expect(l?.udp?.['udp.dstport']).toBe(String(PORT));
      expect(l?.isakmp, `${s.name} not dissected as ISAKMP`).toBeDefined();
    });
  });

  it('raises no malformed packet, no expert warning and no error', () => {
    expect(findings).toEqual([]);
  });

  it('reads every header field as encoded: cookies, exchange type, flags, message id, length', () => {
    samples.forEach((s, i) => {
      const l = layers[i].isakmp;
      expect(tsharkBytes(l['isakmp.ispi']).equals(s.header.icookie), `${s.name} initiator cookie`).toBe(true);
      expect(tsharkBytes(l['isakmp.rspi']).equals(s.header.rcookie), `${s.name} responder cookie`).toBe(true);
      expect(Number(l['isakmp.exchangetype']), `${s.name} exchange`).toBe(s.header.exchange);
      expect(Number(l['isakmp.flags']), `${s.name} flags`).toBe(s.header.flags);
      expect(Number(l['isakmp.messageid']), `${s.name} message id`).toBe(s.header.messageId);
      expect(Number(l['isakmp.length']), `${s.name} length`).toBe(s.bytes.length);
      expect(l['isakmp.version']).toBe('0x10');
      expect(Number(l['isakmp.nextpayload']), `${s.name} first payload`).toBe(s.bytes[16]);
    });
  });

  it('reads every payload of every plaintext message: types, lengths and body fields', () => {
    samples.forEach((s, i) => {
      if (s.encrypted || s.name === 'MM1-DOI2') return;
      const l = layers[i].isakmp;
      expect(asArray(l['isakmp.typepayload']).map(Number), `${s.name} payload types`).toEqual(s.payloads.map((p) => p.type));
      const nodes = asArray(l['isakmp.typepayload_tree']);
      s.payloads.forEach((p, j) => {
        const next = s.payloads[j + 1]?.type ?? 0;
        expectPayload(nodes[j], p, next, `${s.name} payload ${j + 1} (${PayloadType.nameOf(p.type)})`);
      });
    });
  });
});

describe('per-exchange details', () => {
  it('main mode carries our version VID in messages 1 and 2, and tshark calls it unknown', () => {
    for (const name of ['MM1', 'MM2', 'MM1-DOI2']) {
      const { layer } = byName(name);
      const vid = asArray(layer.isakmp['isakmp.typepayload_tree'])[1];
      expect(decodeVersionVid(tsharkBytes(vid['isakmp.vid_bytes']))).toEqual({ version: OUR_VERSION, features: 0x07 });
      expect(vid['isakmp.vid_string']).toBe('Unknown Vendor ID');
    }
  });

  it('a DOI-2 main-mode SA keeps its length and DOI (the proposal itself is beyond tshark)', () => {
    const { sample, layer } = byName('MM1-DOI2');
    const [sa, vid] = asArray(layer.isakmp['isakmp.typepayload_tree']);
    expect(asArray(layer.isakmp['isakmp.typepayload']).map(Number)).toEqual([1, 13]);
    expect(Number(sa['isakmp.sa.doi'])).toBe(2);
    expect(Number(sa['isakmp.payloadlength'])).toBe(sample.bytes.readUInt16BE(30));
    expect(Number(vid['isakmp.payloadlength'])).toBe(24);
  });

  it('GROUPKEY-PULL and PUSH use exchanges 32 and 33 (tshark: "Quick Mode", "New Group Mode")', () => {
    // tshark labels by the IKEv1 table; RFC 6407 §5 (DOI-specific 32-239) names them GDOI's.
    for (const n of ['PULL1', 'PULL2', 'PULL3', 'PULL4']) expect(Number(byName(n).layer.isakmp['isakmp.exchangetype'])).toBe(ExchangeType.GROUPKEY_PULL);
    for (const n of ['PUSH', 'CTRL-REMOVE-NOW', 'CTRL-REPLACE-GRACEFUL']) {
      const { layer } = byName(n);
      expect(Number(layer.isakmp['isakmp.exchangetype'])).toBe(ExchangeType.GROUPKEY_PUSH);
      expect(tsharkBytes(layer.isakmp['isakmp.ispi']).length + tsharkBytes(layer.isakmp['isakmp.rspi']).length).toBe(16);
    }
  });

  it('the PULL group ID is ID_KEY_ID 1234, big-endian', () => {
    const id = asArray(byName('PULL1').layer.isakmp['isakmp.typepayload_tree'])[2];
    expect(Number(id['isakmp.id.type'])).toBe(11);
    expect(id['isakmp.id.data']['isakmp.id.data.key_id']).toBe('00:00:04:d2');
  });

  it('the RFC 8263 ack is exchange 35, unencrypted, HASH then SEQ then the GM address', () => {
    const { layer } = byName('ACK');
    expect(Number(layer.isakmp['isakmp.exchangetype'])).toBe(ExchangeType.GROUPKEY_PUSH_ACK);
    expect(layer.isakmp['isakmp.flags_tree']['isakmp.flag_e']).toBe('0');
    const [, seq, id] = asArray(layer.isakmp['isakmp.typepayload_tree']);
    expect(seq['isakmp.seq.seq']).toBe('42');
    expect(id['isakmp.id.data']['isakmp.id.data.ipv4_addr']).toBe(GM);
  });

  it('GETVPN-CTRL (200) sits right after SEQ as private data, followed by standard Deletes', () => {
    const { layer } = byName('CTRL-REMOVE-NOW');
    expect(asArray(layer.isakmp['isakmp.typepayload']).map(Number)).toEqual([18, 200, 12, 12, 9]);
    const [, , delTek, delKek] = asArray(layer.isakmp['isakmp.typepayload_tree']);
    expect([delTek['isakmp.delete.protoid'], delTek['isakmp.spisize']]).toEqual(['1', '4']);
    expect([delKek['isakmp.delete.protoid'], delKek['isakmp.spisize']]).toEqual(['0', '16']);
  });

  it('the COOP announcement is exchange 242, encrypted, and tshark shows only the header', () => {
    const { sample, layer } = byName('COOP-ANN');
    expect(Number(layer.isakmp['isakmp.exchangetype'])).toBe(ExchangeType.COOP);
    expect(layer.isakmp['isakmp.flags_tree']['isakmp.flag_e']).toBe('1');
    expect('isakmp.enc.data' in layer.isakmp).toBe(true);
    expect(layer.isakmp['isakmp.typepayload']).toBeUndefined();
    expect((sample.bytes.length - 28) % 16).toBe(0);
    expect(sample.src).toBe(KS);
  });
});
