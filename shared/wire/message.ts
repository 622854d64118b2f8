// Whole ISAKMP messages (RFC 2408 §3): the 28-octet header, then a payload chain, or when the
// E flag is set, ciphertext that the exchange layer decrypts and hands to decodePayloads.
// Decoded Buffers are views into the input (no copies): keep the input unchanged while they
// are in use, or copy what must outlive it.
import { DecodeError } from '../errors.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';
import { Flag, HEADER_LENGTH } from './registry.ts';
import type { DecodeContext, DecodedChain, DecodedMessage, IsakmpHeader, Payload } from './types.ts';
import { decodeHeader, encodeHeader, writeHeader } from './header.ts';
import { decodeChain, encodeChain } from './payloads/chain.ts';
import { decodeBody, encodeBody } from './payloads/body.ts';
import { beginFramed, endFramed } from './payloads/generic.ts';

export { decodeHeader, encodeHeader };

/** CBC padding after decryption is less than one block; 255 covers any cipher (RFC 2409 §5.3 zero-pads). */
const MAX_PADDING = 255;

/** One payload with its generic header; `next` is the Next Payload field to write. */
export function encodePayload(p: Payload, next: number): Buffer {
  const w = new Writer(256);
  const start = beginFramed(w, next);
  encodeBody(p, w);
  endFramed(w, start);
  return w.finish();
}

/** A chain: Next Payload fields and lengths filled in; the first type is payloads[0].type. */
export function encodePayloads(payloads: Payload[]): Buffer {
  const w = new Writer(1024);
  encodeChain(payloads, w, encodeBody);
  return w.finish();
}

/** A plaintext message; the header's Next Payload and Length are computed. */
export function encodeMessage(h: Omit<IsakmpHeader, 'nextPayload' | 'length'>, payloads: Payload[]): Buffer {
  const w = new Writer(1024);
  writeHeader({ ...h, nextPayload: payloads.length > 0 ? payloads[0]!.type : 0, length: 0 }, w);
  encodeChain(payloads, w, encodeBody);
  w.patch32(24, w.pos);
  return w.finish();
}

function decodeChainFrom(first: number, r: Reader, ctx: DecodeContext): DecodedChain {
  const raw: Buffer[] = [];
  const payloads = decodeChain(first, r, (type, body) => decodeBody(type, body, ctx), raw);
  return { payloads, raw };
}

/**
 * Decodes a payload chain starting with type `first` from `buf` (error offsets are into `buf`).
 * Without allowPadding the chain must end exactly at the buffer's end; with it, up to 255
 * octets of any value may follow the last payload (CBC padding; RFC 2409 pads with zeros
 * but does not require receivers to check).
 */
export function decodePayloads(first: number, buf: Buffer, ctx: DecodeContext, opts?: { allowPadding?: boolean }): DecodedChain {
  const r = new Reader(buf);
  const chain = decodeChainFrom(first, r, ctx);
  if (opts?.allowPadding) {
    if (r.remaining > MAX_PADDING) throw new DecodeError('TRAILING_DATA', r.pos, `${r.remaining} octets after the last payload`, 'padding');
  } else {
    r.done('payload chain');
  }
  return chain;
}

/**
 * Decodes a datagram: the header must frame it exactly. With E set the rest is returned as
 * ciphertext; otherwise the chain is decoded in the context of the header's exchange and
 * must end exactly at Length (error offsets are into the whole message).
 */
export function decodeMessage(buf: Buffer): DecodedMessage {
  const header = decodeHeader(buf);
  const headerBytes = buf.subarray(0, HEADER_LENGTH);
  if (header.flags & Flag.E) return { header, headerBytes, ciphertext: buf.subarray(HEADER_LENGTH, header.length) };
  const r = new Reader(buf, HEADER_LENGTH, header.length);
  const chain = decodeChainFrom(header.nextPayload, r, { exchange: header.exchange });
  r.done('payload chain');
  return { header, headerBytes, chain };
}
