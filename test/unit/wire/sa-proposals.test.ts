// SA payload, proposals form (RFC 2408 §3.4-3.6, RFC 2407 §4.6.1): phase 1 and any exchange
// or DOI that is not GDOI's.
import { describe, expect, it } from 'vitest';
import { tlvU32, tv } from '../../../shared/wire/attributes.ts';
import { decodePayloads } from '../../../shared/wire/message.ts';
import type { SaProposalsPayload } from '../../../shared/wire/types.ts';
import { MAIN_CTX, decodeOne, expectDecodeError, fill, hex, roundTrip, vector } from './helpers.ts';
import { mainModeMsg1 } from './samples.ts';

// Offsets: SA header 0, DOI 4, situation 8, proposal 12 (fields 16..19), transform 20
// (fields 24..27), attributes 28 (TV) and 32 (TLV: type 32, length 34).
const VECTOR = hex(
  '00 00 0028',         // SA: next 0, reserved 0, length 40
  '00000001',           // DOI 1 IPsec
  '00000001',           // situation SIT_IDENTITY_ONLY
  '00 00 001c',         // proposal: next 0 (last), reserved, length 28
  '01 01 00 01',        // proposal #1, protocol PROTO_ISAKMP, SPI size 0, 1 transform
  '00 00 0014',         // transform: next 0 (last), reserved, length 20
  '01 01 0000',         // transform #1, KEY_IKE, RESERVED2
  '8001 0007',          // TV ENCRYPTION_ALGORITHM = AES-CBC
  '000c 0004 00015180', // TLV LIFE_DURATION (4 octets) = 86400
);
function edit(at: number, v: number): Buffer { const b = Buffer.from(VECTOR); b[at] = v; return b; }

describe('SA, proposals form', () => {
  it('decodes the main mode vector and re-encodes it', () => {
    const p = vector<SaProposalsPayload>(1, VECTOR, MAIN_CTX);
    expect(p).toEqual({
      type: 1, form: 'proposals', doi: 1, situation: 1,
      proposals: [{ num: 1, protocolId: 1, spi: Buffer.alloc(0), transforms: [{ num: 1, id: 1, attributes: [tv(1, 7), tlvU32(12, 86400)] }] }],
    });
  });

  it('round trips several proposals with SPIs and transforms', () => {
    roundTrip(mainModeMsg1.payloads[0]!, MAIN_CTX);
    roundTrip({
      type: 1, form: 'proposals', doi: 1, situation: 1,
      proposals: [
        { num: 1, protocolId: 3, spi: fill(4, 1), transforms: [{ num: 1, id: 12, attributes: [] }, { num: 2, id: 3, attributes: [tv(4, 1)] }] },
        { num: 1, protocolId: 2, spi: fill(4, 2), transforms: [{ num: 1, id: 2, attributes: [] }] },
        { num: 2, protocolId: 3, spi: Buffer.alloc(0), transforms: [] },
      ],
    }, MAIN_CTX);
    roundTrip({ type: 1, form: 'proposals', doi: 1, situation: 1, proposals: [] }, MAIN_CTX);
  });

  it('uses the proposals form for DOI 1 in GROUPKEY-PULL (strongSwan quick mode) and DOI 2 in main mode', () => {
    expect((decodeOne(1, VECTOR, { exchange: 32 }) as SaProposalsPayload).form).toBe('proposals');
    const doi2 = edit(7, 2);
    expect((decodeOne(1, doi2, MAIN_CTX) as SaProposalsPayload).proposals).toHaveLength(1);
    expect((decodeOne(1, doi2, { exchange: 5 }) as SaProposalsPayload).form).toBe('proposals');
  });

  it('rejects a transform count that disagrees at the count field', () => {
    expectDecodeError(() => decodeOne(1, edit(19, 2), MAIN_CTX), 'BAD_LENGTH', 19);
    expectDecodeError(() => decodeOne(1, edit(19, 0), MAIN_CTX), 'BAD_LENGTH', 19);
  });
  it('rejects a proposal followed by a non-proposal type', () => {
    expectDecodeError(() => decodeOne(1, edit(12, 5), MAIN_CTX), 'BAD_VALUE', 12);
  });
  it('rejects a transform that announces another transform past the proposal end', () => {
    expectDecodeError(() => decodeOne(1, edit(20, 3), MAIN_CTX), 'TRUNCATED', 40);
  });
  it('rejects a proposal that announces another proposal past the SA end', () => {
    expectDecodeError(() => decodeOne(1, edit(12, 2), MAIN_CTX), 'TRUNCATED', 40);
  });
  it('rejects a proposal length beyond the SA', () => {
    expectDecodeError(() => decodeOne(1, edit(15, 0x1d), MAIN_CTX), 'BAD_LENGTH', 14);
  });
  it('rejects a transform length beyond the proposal', () => {
    expectDecodeError(() => decodeOne(1, edit(23, 0x15), MAIN_CTX), 'BAD_LENGTH', 22);
  });
  it('rejects spare octets after the last transform (transform length too small)', () => {
    expectDecodeError(() => decodeOne(1, edit(23, 0x0c), MAIN_CTX), 'TRAILING_DATA', 32);
  });
  it('rejects an attribute cut by the transform length', () => {
    expectDecodeError(() => decodeOne(1, edit(23, 0x10), MAIN_CTX), 'BAD_LENGTH', 34);
  });
  it('rejects non-zero reserved fields', () => {
    expectDecodeError(() => decodeOne(1, edit(13, 1), MAIN_CTX), 'BAD_VALUE', 13);
    expectDecodeError(() => decodeOne(1, edit(21, 1), MAIN_CTX), 'BAD_VALUE', 21);
    expectDecodeError(() => decodeOne(1, edit(27, 1), MAIN_CTX), 'BAD_VALUE', 26);
  });
  it('rejects an SPI size beyond the proposal', () => {
    expectDecodeError(() => decodeOne(1, edit(18, 40), MAIN_CTX), 'BAD_LENGTH', 18);
  });
  it('rejects an attribute length beyond the transform', () => {
    expectDecodeError(() => decodeOne(1, edit(35, 5), MAIN_CTX), 'BAD_LENGTH', 34);
  });
  it('rejects IPsec situations with labelled domains as unsupported', () => {
    expectDecodeError(() => decodeOne(1, edit(11, 3), MAIN_CTX), 'UNSUPPORTED', 8);
  });
  it('rejects an SA cut inside the situation', () => {
    expectDecodeError(() => decodePayloads(1, hex('00 00 000a', '00000001 0000'), MAIN_CTX), 'TRUNCATED', 8);
  });
});
