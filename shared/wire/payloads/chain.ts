// Payload chains (RFC 2408 §3.2): each generic header names the type of the payload after
// it, 0 ends the chain. Used for a message's payloads and for the SA KEK / SA TEK / GAP chain
// nested inside a GDOI SA payload (RFC 6407 §5.1).
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import { beginFramed, endFramed, readFramed } from './generic.ts';

/** Writes `items` as a chain: each Next Payload is the following item's type, the last 0. */
export function encodeChain<T extends { type: number }>(items: readonly T[], w: Writer, encodeBody: (p: T, w: Writer) => void): void {
  for (let i = 0; i < items.length; i++) {
    const start = beginFramed(w, i + 1 < items.length ? items[i + 1]!.type : 0);
    encodeBody(items[i]!, w);
    endFramed(w, start);
  }
}

/**
 * Reads a chain starting with a payload of type `first` (0 = empty chain). Each body decoder
 * gets a reader bounded by its payload length and must consume it all. When `raw` is given,
 * each payload's bytes (generic header included) are appended to it, as views.
 * Stops after the payload whose Next Payload is 0; the caller decides about what follows.
 */
export function decodeChain<T>(first: number, r: Reader, decodeBody: (type: number, body: Reader) => T, raw?: Buffer[]): T[] {
  const items: T[] = [];
  let type = first;
  while (type !== 0) {
    const f = readFramed(r, type);
    items.push(decodeBody(type, f.body));
    f.body.done('payload body');
    if (raw) raw.push(r.buf.subarray(f.start, r.pos));
    type = f.next;
  }
  return items;
}
