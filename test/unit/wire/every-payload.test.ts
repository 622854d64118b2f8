// Checks every payload type shares: the generic header (RFC 2408 §3.2) and, for payloads that
// end in a data-attribute list, malformed attributes. One valid instance per type.
import { describe, expect, it } from 'vitest';
import { tlv, tv } from '../../../shared/wire/attributes.ts';
import { decodePayloads, encodePayload } from '../../../shared/wire/message.ts';
import { PayloadType } from '../../../shared/wire/registry.ts';
import type { Payload, SaGdoiPayload } from '../../../shared/wire/types.ts';
import { PUSH_CTX, expectDecodeError, fill, hex, roundTrip } from './helpers.ts';
import { mainModeMsg1, pullMsg4, pushAck, pushMsg } from './samples.ts';

const SA_GDOI = pushMsg.payloads[1] as SaGdoiPayload;
const ONE_OF_EACH: Payload[] = [
  mainModeMsg1.payloads[0]!, SA_GDOI,
  { type: 4, data: fill(64, 4) }, pushAck.payloads[2]!, { type: 6, encoding: 4, data: fill(40, 6) },
  { type: 7, encoding: 4, authority: fill(20, 7) }, pullMsg4.payloads[0]!, pushMsg.payloads[3]!,
  { type: 10, data: fill(16, 10) }, { type: 11, doi: 2, protocolId: 1, spi: fill(16, 11), notifyType: 23, data: Buffer.alloc(0) },
  { type: 12, doi: 2, protocolId: 1, spiSize: 4, spis: [fill(4, 12)] }, { type: 13, data: fill(20, 13) },
  SA_GDOI.policies[0]!, SA_GDOI.policies[1]!, pullMsg4.payloads[2]!, pullMsg4.payloads[1]!,
  { type: 22, attributes: [tv(1, 10)] }, { type: 200, attributes: [tv(1, 1)] }, { type: 201, attributes: [tlv(2, fill(8, 2))] },
  { type: 20, unknown: true, body: fill(20, 20) },
];
/** Types whose body ends with an attribute list, so octets appended to it are parsed as attributes. */
const ENDS_IN_ATTRIBUTES = new Set([15, 16, 22, 200, 201]);

/** The payload encoded with its length patched to cover `extra` appended octets. */
function withExtra(p: Payload, extra: Buffer): Buffer {
  const b = Buffer.concat([encodePayload(p, 0), extra]);
  b.writeUInt16BE(b.length, 2);
  return b;
}
/** Phase-1 SAs decode as proposals in main mode; everything else in a PUSH. */
const ctxOf = (p: Payload) => (p === mainModeMsg1.payloads[0] ? { exchange: 2 } : PUSH_CTX);
const decode = (p: Payload, b: Buffer) => decodePayloads(p.type, b, ctxOf(p));

describe('every payload type', () => {
  for (const p of ONE_OF_EACH) {
    const name = `${PayloadType.nameOf(p.type)}${'form' in p ? ` (${p.form})` : ''}`;
    describe(name, () => {
      const bytes = encodePayload(p, 0);
      it('round trips', () => {
        roundTrip(p, ctxOf(p));
      });
      it('rejects a truncated generic header', () => {
        expectDecodeError(() => decode(p, bytes.subarray(0, 2)), 'TRUNCATED', 0);
      });
      it('rejects RESERVED not zero', () => {
        const b = Buffer.from(bytes);
        b[1] = 0x80;
        expectDecodeError(() => decode(p, b), 'BAD_VALUE', 1);
      });
      it('rejects a payload length below 4 and beyond the input (body cut short)', () => {
        const b = Buffer.from(bytes);
        b.writeUInt16BE(2, 2);
        expectDecodeError(() => decode(p, b), 'BAD_LENGTH', 2);
        expectDecodeError(() => decode(p, bytes.subarray(0, bytes.length - 1)), 'BAD_LENGTH', 2);
      });
      it('rejects octets after it when it is the last payload', () => {
        expectDecodeError(() => decode(p, Buffer.concat([bytes, hex('00')])), 'TRAILING_DATA', bytes.length);
      });
      if (ENDS_IN_ATTRIBUTES.has(p.type)) {
        it('rejects malformed attributes at its end', () => {
          expectDecodeError(() => decode(p, withExtra(p, hex('8001 00'))), 'TRUNCATED', bytes.length + 2);
          expectDecodeError(() => decode(p, withExtra(p, hex('0001 0009 0102'))), 'BAD_LENGTH', bytes.length + 2);
          expectDecodeError(() => decode(p, withExtra(p, hex('8000 0001'))), 'BAD_ATTRIBUTE', bytes.length);
          expect(decode(p, withExtra(p, hex('8001 0002'))).payloads).toHaveLength(1); // a well-formed one is fine
        });
      }
    });
  }
});
