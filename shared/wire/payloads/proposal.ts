// RFC 2408 §3.5 Proposal payload (2), chained inside an SA payload:
//   Next Payload (1: 2 or 0) | RESERVED (1) | Payload Length (2) |
//   Proposal # (1) | Protocol-Id (1) | SPI Size (1) | # of Transforms (1) | SPI | Transforms
// RFC 2408 §3.6 Transform payload (3), chained inside a proposal:
//   Next Payload (1: 3 or 0) | RESERVED (1) | Payload Length (2) |
//   Transform # (1) | Transform-Id (1) | RESERVED2 (2) | SA Attributes (rest)
import assert from 'node:assert/strict';
import { DecodeError } from '../../errors.ts';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import type { Proposal, Transform } from '../types.ts';
import { PayloadType } from '../registry.ts';
import { decodeAttributes, encodeAttributes } from '../attributes.ts';
import { beginFramed, endFramed, readFramed } from './generic.ts';

const P = PayloadType.PROPOSAL;
const T = PayloadType.TRANSFORM;

export function encodeProposals(list: readonly Proposal[], w: Writer): void {
  list.forEach((p, i) => {
    assert(p.spi.length <= 0xff && p.transforms.length <= 0xff, 'proposal SPI or transform count out of range');
    const start = beginFramed(w, i + 1 < list.length ? P : 0);
    w.u8(p.num).u8(p.protocolId).u8(p.spi.length).u8(p.transforms.length).bytes(p.spi);
    p.transforms.forEach((t, j) => {
      const ts = beginFramed(w, j + 1 < p.transforms.length ? T : 0);
      w.u8(t.num).u8(t.id).u16(0);
      encodeAttributes(t.attributes, w);
      endFramed(w, ts);
    });
    endFramed(w, start);
  });
}

function decodeTransform(r: Reader): Transform {
  const num = r.u8('transform #');
  const id = r.u8('transform id');
  const at = r.pos;
  if (r.u16('RESERVED2') !== 0) throw new DecodeError('BAD_VALUE', at, 'transform RESERVED2 not zero', 'RESERVED2');
  return { num, id, attributes: decodeAttributes(r) };
}

/** `which` is the chained item's own type; `next` must be that type again or 0. */
function checkNext(next: number, which: number, at: number): void {
  if (next !== which && next !== 0) {
    throw new DecodeError('BAD_VALUE', at, `${PayloadType.nameOf(which)} followed by payload type ${next}`, 'next payload');
  }
}

function decodeProposal(r: Reader): Proposal {
  const num = r.u8('proposal #');
  const protocolId = r.u8('protocol id');
  const spiSizeAt = r.pos;
  const spiSize = r.u8('SPI size');
  const countAt = r.pos;
  const count = r.u8('number of transforms');
  if (spiSize > r.remaining) throw new DecodeError('BAD_LENGTH', spiSizeAt, `SPI size ${spiSize} exceeds the ${r.remaining} octets left`, 'SPI size');
  const spi = r.bytes(spiSize);
  const transforms: Transform[] = [];
  let more = r.remaining > 0;
  while (more) {
    const f = readFramed(r, T);
    checkNext(f.next, T, f.start);
    transforms.push(decodeTransform(f.body));
    more = f.next === T;
  }
  r.done('proposal');
  if (transforms.length !== count) {
    throw new DecodeError('BAD_LENGTH', countAt, `# of transforms says ${count}, proposal holds ${transforms.length}`, 'number of transforms');
  }
  return { num, protocolId, spi, transforms };
}

/** Proposals up to the end of `r` (the SA body after DOI and situation). */
export function decodeProposals(r: Reader): Proposal[] {
  const list: Proposal[] = [];
  let more = r.remaining > 0;
  while (more) {
    const f = readFramed(r, P);
    checkNext(f.next, P, f.start);
    list.push(decodeProposal(f.body));
    more = f.next === P;
  }
  return list;
}
