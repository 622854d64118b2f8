// Typical messages as models, shared by the message tests, the fuzzer (as seeds) and the
// codec benchmark. Key material is filler; sizes match real use (AES-128 GCM TEKs, an
// AES-128 KEK with its explicit IV, a 2048-bit RSA rekey key and signature).
import { tlv, tlvU32, tv } from '../../../shared/wire/attributes.ts';
import { idIpv4Addr, idIpv4Subnet, keyIdFromNumber } from '../../../shared/wire/id-data.ts';
import {
  EncapsulationMode, EspTransform, IpsecAttr, KdType, KekAttr, KekKdAttr, OakleyAttr, TekKdAttr,
} from '../../../shared/wire/registry.ts';
import type { IsakmpHeader, KdPayload, Payload, SaKekPayload, SaTekIpsecPayload } from '../../../shared/wire/types.ts';

/** Deterministic filler bytes (not random: tests and benchmarks must be repeatable). */
export function fill(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

export type SampleHeader = Omit<IsakmpHeader, 'nextPayload' | 'length'>;
export interface Sample { name: string; header: SampleHeader; payloads: Payload[] }

const ICOOKIE = Buffer.from('0123456789abcdef', 'hex');
const RCOOKIE = Buffer.from('fedcba9876543210', 'hex');
const KEK_SPI = Buffer.concat([ICOOKIE, RCOOKIE]);

function header(exchange: number, messageId: number, rcookie = RCOOKIE): SampleHeader {
  return { icookie: ICOOKIE, rcookie, version: 0x10, exchange, flags: 0, messageId };
}

/** Main mode message 1: SA (DOI 2, proposals form) with two transforms, and a vendor id. */
export const mainModeMsg1: Sample = {
  name: 'main mode msg 1',
  header: header(2, 0, Buffer.alloc(8)),
  payloads: [
    {
      type: 1, form: 'proposals', doi: 2, situation: 1,
      proposals: [{
        num: 1, protocolId: 1, spi: Buffer.alloc(0),
        transforms: [1, 2].map((num) => ({
          num, id: 1,
          attributes: [
            tv(OakleyAttr.ENCRYPTION_ALGORITHM, 7), tv(OakleyAttr.KEY_LENGTH, num === 1 ? 256 : 128),
            tv(OakleyAttr.HASH_ALGORITHM, 4), tv(OakleyAttr.AUTH_METHOD, 3), tv(OakleyAttr.GROUP_DESCRIPTION, 14),
            tv(OakleyAttr.LIFE_TYPE, 1), tlvU32(OakleyAttr.LIFE_DURATION, 86400),
          ],
        })),
      }],
    },
    { type: 13, data: fill(20, 13) },
  ],
};

function kdPayload(): KdPayload {
  return {
    type: 17,
    packets: [
      { kdType: KdType.TEK, spi: fill(4, 1), attributes: [tlv(TekKdAttr.TEK_ALGORITHM_KEY, fill(20, 2))] },
      { kdType: KdType.TEK, spi: fill(4, 3), attributes: [tlv(TekKdAttr.TEK_ALGORITHM_KEY, fill(20, 4))] },
      {
        kdType: KdType.KEK, spi: KEK_SPI,
        attributes: [tlv(KekKdAttr.KEK_ALGORITHM_KEY, fill(32, 5)), tlv(KekKdAttr.SIG_ALGORITHM_KEY, fill(294, 6))],
      },
    ],
  };
}

/** GROUPKEY-PULL message 4 (plaintext): HASH(4), SEQ, KD with two TEK packets and a KEK packet. */
export const pullMsg4: Sample = {
  name: 'GROUPKEY-PULL msg 4',
  header: header(32, 0x5a5a1234),
  payloads: [{ type: 8, data: fill(32, 8) }, { type: 18, seq: 41 }, kdPayload()],
};

function saKek(): SaKekPayload {
  return {
    type: 15, protocol: 17,
    src: { ...idIpv4Addr('10.0.0.1'), port: 848 },
    dst: { ...idIpv4Addr('239.192.1.1'), port: 848 },
    spi: KEK_SPI, reserved2: Buffer.alloc(4),
    attributes: [
      tv(KekAttr.KEK_ALGORITHM, 3), tv(KekAttr.KEK_KEY_LENGTH, 128), tlvU32(KekAttr.KEK_KEY_LIFETIME, 86400),
      tv(KekAttr.SIG_HASH_ALGORITHM, 3), tv(KekAttr.SIG_ALGORITHM, 1), tv(KekAttr.SIG_KEY_LENGTH, 2048),
      tv(KekAttr.KEK_ACK_REQUESTED, 1),
    ],
  };
}

function saTek(n: number): SaTekIpsecPayload {
  return {
    type: 16, protocolId: 1, protocol: 0,
    src: { ...idIpv4Subnet(`192.168.${n}.0`, 24), port: 0 },
    dst: { ...idIpv4Subnet('10.0.0.0', 8), port: 0 },
    transformId: EspTransform.ESP_AES_GCM_16, spi: fill(4, 40 + n),
    attributes: [
      tv(IpsecAttr.SA_LIFE_TYPE, 1), tlvU32(IpsecAttr.SA_LIFE_DURATION, 3600),
      tv(IpsecAttr.ENCAPSULATION_MODE, EncapsulationMode.TUNNEL), tv(IpsecAttr.KEY_LENGTH, 128),
    ],
  };
}

/** GROUPKEY-PUSH (plaintext): SEQ, SA (GDOI form: SA KEK + 2 SA TEK), KD, SIG. */
export const pushMsg: Sample = {
  name: 'GROUPKEY-PUSH',
  header: { icookie: ICOOKIE, rcookie: RCOOKIE, version: 0x10, exchange: 33, flags: 0, messageId: 0 },
  payloads: [
    { type: 18, seq: 42 },
    { type: 1, form: 'gdoi', doi: 2, situation: 0, policies: [saKek(), saTek(1), saTek(2)] },
    kdPayload(),
    { type: 9, data: fill(256, 9) },
  ],
};

/** RFC 8263 GROUPKEY-PUSH-ACK: HASH, SEQ, ID (the GM's address), unencrypted, message id 0. */
export const pushAck: Sample = {
  name: 'GROUPKEY-PUSH-ACK',
  header: { icookie: ICOOKIE, rcookie: RCOOKIE, version: 0x10, exchange: 35, flags: 0, messageId: 0 },
  payloads: [
    { type: 8, data: fill(32, 35) },
    { type: 18, seq: 42 },
    { type: 5, protocol: 0, port: 0, ...idIpv4Addr('192.168.1.10') },
  ],
};

/** GROUPKEY-PULL message 1: HASH, Nonce, ID (group as KEY_ID). */
export const pullMsg1: Sample = {
  name: 'GROUPKEY-PULL msg 1',
  header: header(32, 0x5a5a1234),
  payloads: [{ type: 8, data: fill(32, 1) }, { type: 10, data: fill(16, 10) }, { type: 5, protocol: 0, port: 0, ...keyIdFromNumber(1234) }],
};

export const samples: Sample[] = [mainModeMsg1, pullMsg1, pullMsg4, pushMsg, pushAck];
