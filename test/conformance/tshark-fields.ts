// Reads tshark 4.0's JSON dissection of ISAKMP back into plain values and compares it with
// the payload models we encoded. Field names: Wireshark epan/dissectors/packet-isakmp.c.
import { expect } from 'vitest';
import { encodePayload } from '../../shared/wire/message.ts';
import type {
  Attribute, DeletePayload, GdoiSelector, IdPayload, KdPayload, Payload, SaGdoiPayload, SaKekPayload,
  SaProposalsPayload, SaTekIpsecPayload,
} from '../../shared/wire/types.ts';
import { IdType } from '../../shared/wire/registry.ts';
import { asArray, tsharkBytes } from '../helpers/tshark.ts';

type Node = Record<string, any>;

const hex = (v: string | undefined) => (v === undefined ? undefined : tsharkBytes(v).toString('hex'));
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

/** Every object under `node` (itself included) that has `key` as an own field, in document order. */
export function objectsWith(node: unknown, key: string, acc: Node[] = []): Node[] {
  if (Array.isArray(node)) {
    for (const n of node) objectsWith(n, key, acc);
  } else if (node && typeof node === 'object') {
    if (key in node) acc.push(node as Node);
    for (const v of Object.values(node)) objectsWith(v, key, acc);
  }
  return acc;
}

/** Our attribute list as tshark reports it: format (1 = TV), type, value octets. */
function expectAttrs(got: unknown, ours: readonly Attribute[], prefix: string, what: string): void {
  const seen = asArray(got as Node | Node[]).map((a) => ({
    format: num(a[`${prefix}.format`]), type: num(a[`${prefix}.type`]), value: hex(a[`${prefix}.value`]),
  }));
  const want = ours.map((a) => ({
    format: a.form === 'tv' ? 1 : 0,
    type: a.type,
    value: a.form === 'tv' ? a.value.toString(16).padStart(4, '0') : a.value.toString('hex'),
  }));
  expect(seen, what).toEqual(want);
}

function expectSelector(n: Node, field: string, s: GdoiSelector, idLengthOctets: 1 | 2, what: string): void {
  expect(num(n[`${field}_type`]), `${what} id type`).toBe(s.idType);
  expect(num(n[`${field}_port`]), `${what} id port`).toBe(s.port);
  expect(num(n[`${field}_length`]), `${what} id length (${idLengthOctets}-octet field)`).toBe(s.data.length);
  expect(hex(n[`${field}_data`]), `${what} id data`).toBe(s.data.toString('hex'));
}

function expectSaProposals(n: Node, p: SaProposalsPayload, what: string): void {
  expect(num(n['isakmp.sa.doi']), `${what} DOI`).toBe(p.doi);
  expect(parseInt(hex(n['isakmp.sa.situation'])!, 16), `${what} situation`).toBe(p.situation);
  const props = asArray(n['isakmp.typepayload_tree'] as Node | Node[]);
  expect(props, `${what} proposals`).toHaveLength(p.proposals.length);
  p.proposals.forEach((prop, i) => {
    const pn = props[i]!;
    expect(num(pn['isakmp.prop.number'])).toBe(prop.num);
    expect(num(pn['isakmp.prop.protoid'])).toBe(prop.protocolId);
    expect(num(pn['isakmp.spisize'])).toBe(prop.spi.length);
    expect(num(pn['isakmp.prop.transforms'])).toBe(prop.transforms.length);
    const trs = asArray(pn['isakmp.typepayload_tree'] as Node | Node[]);
    prop.transforms.forEach((t, j) => {
      expect(num(trs[j]!['isakmp.trans.number'])).toBe(t.num);
      expect(num(trs[j]!['isakmp.trans.id'])).toBe(t.id);
      expectAttrs(trs[j]!['isakmp.ike.attr'], t.attributes, 'isakmp.ike.attr', `${what} transform ${t.num} attributes`);
    });
  });
}

function expectSaKek(n: Node, k: SaKekPayload, what: string): void {
  expect(num(n['isakmp.sak.payload_len']), `${what} SAK length`).toBe(encodePayload(k, 0).length);
  expect(num(n['isakmp.sak.protoid']), `${what} SAK protocol`).toBe(k.protocol);
  expectSelector(n, 'isakmp.sak.src_id', k.src, 1, `${what} SAK src`);
  expectSelector(n, 'isakmp.sak.dst_id', k.dst, 1, `${what} SAK dst`);
  expect(hex(n['isakmp.sak.spi']), `${what} SAK SPI`).toBe(k.spi.toString('hex'));
  // tshark 4.0 decodes KEK attributes with the IPsec SA attribute table, so it prints the
  // wrong names (KEK_KEY_LENGTH, RFC 6407 §5.3.1 type 3, shows as "Group-Description").
  // The types, forms and values it reports are the ones on the wire: compare only those.
  expectAttrs(n['isakmp.ipsec.attr'], k.attributes, 'isakmp.ipsec.attr', `${what} KEK attributes`);
}

function expectSaTek(n: Node, t: SaTekIpsecPayload, what: string): void {
  expect(num(n['isakmp.sat.protocol_id']), `${what} SAT protocol id`).toBe(t.protocolId);
  expect(num(n['isakmp.sat.protocol']), `${what} SAT protocol`).toBe(t.protocol);
  expectSelector(n, 'isakmp.sat.src_id', t.src, 2, `${what} SAT src`);
  expectSelector(n, 'isakmp.sat.dst_id', t.dst, 2, `${what} SAT dst`);
  expect(num(n['isakmp.sat.transform_id']), `${what} SAT transform`).toBe(t.transformId);
  expect(hex(n['isakmp.sat.spi']), `${what} SAT SPI`).toBe(t.spi.toString('hex'));
  expect(num(n['isakmp.sat.payload_len']), `${what} SAT length`).toBe(encodePayload(t, 0).length);
  expectAttrs(n['isakmp.ipsec.attr'], t.attributes, 'isakmp.ipsec.attr', `${what} SAT attributes`);
}

function expectSaGdoi(n: Node, p: SaGdoiPayload, what: string): void {
  expect(num(n['isakmp.sa.doi']), `${what} DOI`).toBe(p.doi);
  expect(parseInt(hex(n['isakmp.sa.situation'])!, 16)).toBe(p.situation);
  // RFC 6407 §5.1 "SA Attribute Next Payload", two octets as tshark (and we) read it.
  expect(parseInt(hex(n['isakmp.sa.next_attribute_payload'])!, 16), `${what} SA attribute next payload`).toBe(p.policies[0]?.type ?? 0);
  const kek = p.policies.filter((x): x is SaKekPayload => x.type === 15);
  const teks = p.policies.filter((x): x is SaTekIpsecPayload => x.type === 16 && 'src' in x);
  const sakNodes = objectsWith(n, 'isakmp.sak.spi');
  const satNodes = objectsWith(n, 'isakmp.sat.spi');
  expect(sakNodes, `${what} SAK count`).toHaveLength(kek.length);
  expect(satNodes, `${what} SAT count`).toHaveLength(teks.length);
  kek.forEach((k, i) => expectSaKek(sakNodes[i]!, k, what));
  teks.forEach((t, i) => expectSaTek(satNodes[i]!, t, `${what} TEK ${i + 1}`));
}

function keyPacketLength(k: KdPayload['packets'][number]): number {
  return 5 + k.spi.length + k.attributes.reduce((n, a) => n + 4 + (a.form === 'tv' ? 0 : a.value.length), 0);
}

function expectKd(n: Node, p: KdPayload, what: string): void {
  expect(num(n['isakmp.kd.num_pkt']), `${what} number of key packets`).toBe(p.packets.length);
  const pkts = asArray(n['isakmp.kd.payload'] as Node | Node[]);
  expect(pkts).toHaveLength(p.packets.length);
  p.packets.forEach((k, i) => {
    const kn = pkts[i]!;
    expect(num(kn['isakmp.kd.payload.type']), `${what} packet ${i} type`).toBe(k.kdType);
    expect(num(kn['isakmp.kd.payload.length']), `${what} packet ${i} length`).toBe(keyPacketLength(k));
    expect(num(kn['isakmp.kd.payload.spi_size'])).toBe(k.spi.length);
    expect(hex(kn['isakmp.kd.payload.spi']), `${what} packet ${i} SPI`).toBe(k.spi.toString('hex'));
    // tshark names every key-packet attribute from the TEK table (RFC 6407 §5.6.1), so a KEK
    // packet's SIG_ALGORITHM_KEY (§5.6.2, type 2) displays as TEK_INTEGRITY_KEY: numbers only.
    expectAttrs(kn['isakmp.key_download.attr'], k.attributes, 'isakmp.key_download.attr', `${what} packet ${i} attributes`);
  });
}

function expectId(n: Node, p: IdPayload, what: string): void {
  expect(num(n['isakmp.id.type']), `${what} ID type`).toBe(p.idType);
  expect(num(n['isakmp.id.protoid'])).toBe(p.protocol);
  expect(num(n['isakmp.id.port'])).toBe(p.port);
  const data = n['isakmp.id.data'] as Node;
  if (p.idType === IdType.IPV4_ADDR) expect(data['isakmp.id.data.ipv4_addr']).toBe([...p.data].join('.'));
  else if (p.idType === IdType.KEY_ID) expect(hex(data['isakmp.id.data.key_id'])).toBe(p.data.toString('hex'));
  else throw new Error(`${what}: no check for ID type ${p.idType}`);
}

function expectDelete(n: Node, p: DeletePayload, what: string): void {
  expect(num(n['isakmp.delete.doi']), `${what} DOI`).toBe(p.doi);
  // tshark names the Protocol-ID from the IPsec DOI table (1 = "ISAKMP"); RFC 6407 §5.9 means
  // the TEK protocol (1 = ESP) and 0 for the KEK. The number is what we check.
  expect(num(n['isakmp.delete.protoid']), `${what} protocol id`).toBe(p.protocolId);
  expect(num(n['isakmp.spisize'])).toBe(p.spiSize);
  expect(num(n['isakmp.spinum'])).toBe(p.spis.length);
  expect(asArray(n['isakmp.delete.spi'] as string | string[]).map(hex), `${what} SPIs`).toEqual(p.spis.map((s) => s.toString('hex')));
}

const DATA_FIELD: Record<number, string> = {
  4: 'isakmp.key_exchange.data', 8: 'isakmp.hash', 9: 'isakmp.sig', 10: 'isakmp.nonce', 13: 'isakmp.vid_bytes',
};

/** One top-level payload: its generic header and every body field tshark decodes. */
export function expectPayload(n: Node, p: Payload, next: number, what: string): void {
  expect(num(n['isakmp.nextpayload']), `${what} next payload`).toBe(next);
  expect(num(n['isakmp.payloadlength']), `${what} payload length`).toBe(encodePayload(p, next).length);
  if ('unknown' in p) throw new Error(`${what}: unknown payload in a sample`);
  switch (p.type) {
    case 1: return p.form === 'gdoi' ? expectSaGdoi(n, p, what) : expectSaProposals(n, p, what);
    case 4: case 8: case 9: case 10: case 13:
      return void expect(hex(n[DATA_FIELD[p.type]!]), `${what} data`).toBe(p.data.toString('hex'));
    case 5: return expectId(n, p, what);
    case 12: return expectDelete(n, p, what);
    case 17: return expectKd(n, p, what);
    case 18: return void expect(num(n['isakmp.seq.seq']), `${what} SEQ`).toBe(p.seq);
    case 200: case 201:
      // Private use (docs/wire.md §3/§4): tshark shows the body as raw data.
      return void expect(hex(n['isakmp.datapayload']), `${what} body`).toBe(encodePayload(p, 0).subarray(4).toString('hex'));
    default: throw new Error(`${what}: no check for payload type ${p.type}`);
  }
}
