// Random *valid* models for every payload type: seeds for the fuzzer's mutations, and a
// property of their own (every one must decode and re-encode identically).
import type {
  Attribute, GdoiPolicyPayload, GdoiSelector, IsakmpHeader, Payload, Proposal, SaTekPayload,
} from '../../shared/wire/types.ts';
import { isGdoiSaForm } from '../../shared/wire/payloads/sa.ts';
import type { SimpleDataPayload } from '../../shared/wire/payloads/simple-data.ts';
import type { Rng } from './rng.ts';

export const EXCHANGES = [2, 5, 32, 33, 35, 242, 4, 34] as const;
const UNKNOWN_TYPES = [2, 3, 14, 19, 20, 21, 23, 130, 131, 199, 255];
const ADDRESS_LENGTHS: Record<number, number> = { 1: 4, 4: 8, 7: 8, 5: 16, 6: 32, 8: 32 };

function attrs(rng: Rng, max = 5): Attribute[] {
  const out: Attribute[] = [];
  for (let i = rng.int(max + 1); i > 0; i--) {
    const type = rng.range(1, 0x7fff);
    out.push(rng.chance(0.6) ? { type, form: 'tv', value: rng.int(0x10000) } : { type, form: 'tlv', value: rng.bytes(rng.int(40)) });
  }
  return out;
}

function selector(rng: Rng, maxLen: number): GdoiSelector {
  const idType = rng.pick([1, 2, 4, 5, 6, 7, 8, 11, 99]);
  const len = ADDRESS_LENGTHS[idType] ?? rng.int(Math.min(maxLen, 40));
  return { idType, port: rng.int(0x10000), data: rng.bytes(len) };
}

function saTek(rng: Rng): SaTekPayload {
  if (rng.chance(0.2)) return { type: 16, protocolId: rng.pick([0, 3, 4, 128, 255]), body: rng.bytes(rng.int(30)) };
  return {
    type: 16, protocolId: rng.chance(0.8) ? 1 : 2, protocol: rng.int(256), src: selector(rng, 0xffff), dst: selector(rng, 0xffff),
    transformId: rng.int(256), spi: rng.bytes(4), attributes: attrs(rng),
  };
}

function policy(rng: Rng): GdoiPolicyPayload {
  switch (rng.int(4)) {
    case 0: return {
      type: 15, protocol: rng.int(256), src: selector(rng, 255), dst: selector(rng, 255),
      spi: rng.bytes(16), reserved2: rng.chance(0.8) ? Buffer.alloc(4) : rng.bytes(4), attributes: attrs(rng),
    };
    case 1: return saTek(rng);
    case 2: return { type: 22, attributes: attrs(rng, 3) };
    default: return { type: rng.pick(UNKNOWN_TYPES), unknown: true, body: rng.bytes(rng.int(20)) };
  }
}

function proposals(rng: Rng): Proposal[] {
  const out: Proposal[] = [];
  for (let i = rng.int(3); i >= 0; i--) {
    const transforms = [];
    for (let j = rng.int(4); j > 0; j--) transforms.push({ num: rng.int(256), id: rng.int(256), attributes: attrs(rng) });
    out.push({ num: rng.int(256), protocolId: rng.int(256), spi: rng.bytes(rng.pick([0, 0, 4, 8, 16])), transforms });
  }
  return out;
}

/** A valid payload for a message of `exchange`. */
export function randomPayload(rng: Rng, exchange: number): Payload {
  const type = rng.pick([1, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 17, 18, 22, 200, 201, 0]);
  switch (type) {
    case 1: {
      const doi = rng.pick([0, 1, 2, 2, 3]);
      if (isGdoiSaForm(exchange, doi)) {
        const policies: GdoiPolicyPayload[] = [];
        for (let i = rng.int(4); i > 0; i--) policies.push(policy(rng));
        return { type: 1, form: 'gdoi', doi, situation: rng.u32(), policies };
      }
      const situation = doi === 1 ? rng.pick([0, 1, 8]) : rng.u32();
      return { type: 1, form: 'proposals', doi, situation, proposals: proposals(rng) };
    }
    case 4: case 8: case 9: case 10: case 13: return { type, data: rng.bytes(rng.int(300)) } as SimpleDataPayload;
    case 5: { const s = selector(rng, 100); return { type: 5, idType: s.idType, protocol: rng.int(256), port: s.port, data: s.data }; }
    case 6: return { type: 6, encoding: rng.int(256), data: rng.bytes(rng.int(100)) };
    case 7: return { type: 7, encoding: rng.int(256), authority: rng.bytes(rng.int(30)) };
    case 11: return { type: 11, doi: rng.u32(), protocolId: rng.int(256), spi: rng.bytes(rng.pick([0, 4, 16])), notifyType: rng.int(0x10000), data: rng.bytes(rng.int(20)) };
    case 12: {
      const spiSize = rng.pick([4, 16, 1]);
      const spis = Array.from({ length: rng.int(4) }, () => rng.bytes(spiSize));
      return { type: 12, doi: 2, protocolId: rng.int(3), spiSize, spis };
    }
    case 15: case 16: case 22: return policy(rng);
    case 17: {
      const packets = Array.from({ length: rng.int(4) }, () => ({ kdType: rng.range(1, 4), spi: rng.bytes(rng.pick([0, 4, 16])), attributes: attrs(rng, 3) }));
      return { type: 17, packets };
    }
    case 18: return { type: 18, seq: rng.u32() };
    case 200: return { type, attributes: attrs(rng) };
    case 201: return { type, attributes: attrs(rng) };
    default: return { type: rng.pick(UNKNOWN_TYPES), unknown: true, body: rng.bytes(rng.int(50)) };
  }
}

/** A valid plaintext message: random header fields and 0..6 payloads. */
export function randomMessage(rng: Rng): { header: Omit<IsakmpHeader, 'nextPayload' | 'length'>; payloads: Payload[] } {
  const exchange = rng.chance(0.9) ? rng.pick(EXCHANGES) : rng.int(256);
  const payloads = Array.from({ length: rng.int(7) }, () => randomPayload(rng, exchange));
  return {
    header: { icookie: rng.bytes(8), rcookie: rng.bytes(8), version: rng.chance(0.9) ? 0x10 : 0x10 | rng.int(16), exchange, flags: rng.int(8) & ~1, messageId: rng.u32() },
    payloads,
  };
}
