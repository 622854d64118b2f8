// Payload chains (RFC 2408 §3.2): next-payload linkage, raw bytes for hashes, CBC padding.
import { describe, expect, it } from 'vitest';
import { decodePayloads, encodePayload, encodePayloads } from '../../../shared/wire/message.ts';
import { expectDecodeError, hex } from './helpers.ts';
import { pullMsg4 } from './samples.ts';

const CTX = { exchange: 32 };
const CHAIN = encodePayloads(pullMsg4.payloads);

describe('payload chains', () => {
  it('links next payload fields: HASH -> SEQ -> KD -> none', () => {
    const d = decodePayloads(8, CHAIN, CTX);
    expect(d.payloads).toEqual(pullMsg4.payloads);
    expect(d.raw.map((r) => r[0])).toEqual([18, 17, 0]);
    expect(Buffer.concat(d.raw).equals(CHAIN)).toBe(true);
    expect(d.raw[0]!.equals(encodePayload(pullMsg4.payloads[0]!, 18))).toBe(true);
  });

  it('encodePayload writes the given next payload', () => {
    expect(encodePayload({ type: 18, seq: 1 }, 17).toString('hex')).toBe('1100000800000001');
  });

  it('an empty chain is empty', () => {
    expect(encodePayloads([]).length).toBe(0);
    expect(decodePayloads(0, Buffer.alloc(0), CTX)).toEqual({ payloads: [], raw: [] });
    expectDecodeError(() => decodePayloads(0, hex('00'), CTX), 'TRAILING_DATA', 0);
  });

  it('accepts up to 255 octets of padding, zero or not, when asked', () => {
    for (const pad of [hex('00000000'), hex('0102030405'), Buffer.alloc(255, 7)]) {
      const d = decodePayloads(8, Buffer.concat([CHAIN, pad]), CTX, { allowPadding: true });
      expect(d.payloads).toHaveLength(3);
      expect(Buffer.concat(d.raw).equals(CHAIN)).toBe(true); // padding is not part of any payload
    }
  });
  it('rejects 256 octets of padding', () => {
    expectDecodeError(() => decodePayloads(8, Buffer.concat([CHAIN, Buffer.alloc(256)]), CTX, { allowPadding: true }), 'TRAILING_DATA', CHAIN.length);
  });
  it('rejects padding when not asked for', () => {
    expectDecodeError(() => decodePayloads(8, Buffer.concat([CHAIN, hex('00')]), CTX), 'TRAILING_DATA', CHAIN.length);
  });
  it('rejects a chain that announces a payload after the input ends', () => {
    const b = Buffer.from(CHAIN);
    const kdAt = d0(b);
    b[kdAt] = 13; // KD's next payload: VENDOR_ID, but nothing follows
    expectDecodeError(() => decodePayloads(8, b, CTX), 'TRUNCATED', CHAIN.length);
    expectDecodeError(() => decodePayloads(8, b, CTX, { allowPadding: true }), 'TRUNCATED', CHAIN.length);
  });
  it('a padded chain still needs well-formed payloads', () => {
    expectDecodeError(() => decodePayloads(8, hex('00 00 0003 000000'), CTX, { allowPadding: true }), 'BAD_LENGTH', 2);
  });
});

/** Offset of the last payload (KD) in the chain. */
function d0(chain: Buffer): number {
  const d = decodePayloads(8, chain, CTX);
  return d.raw[0]!.length + d.raw[1]!.length;
}
