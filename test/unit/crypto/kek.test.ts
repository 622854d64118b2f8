import { constants, createHash, privateEncrypt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ackHash, ackKey, rekeySign, rekeySignatureInput, rekeyVerify, splitKekAlgorithmKey,
} from '../../../shared/crypto/kek.ts';
import { generateRsaKey } from '../../../shared/crypto/rsa.ts';
import { codeOf, hex, refHmac } from './support.ts';

// A GROUPKEY-PUSH header: KEK SPI cookies, next payload SEQ (18), version 0x10, exchange 33,
// flags E, message ID 0, length 0x120.
const header = hex('00112233445566778899aabbccddeeff 12 10 21 01 00000000 00000120');
const payloads = hex('0d000008 00000007 11000010 deadbeefdeadbeef deadbeefdeadbeef');

let ks: ReturnType<typeof generateRsaKey>;
beforeAll(() => {
  ks = generateRsaKey(2048);
});

describe('rekey signature (protocol.md §2.3)', () => {
  it('signs "rekey" | header | payloads', () => {
    expect(rekeySignatureInput(header, payloads)).toEqual(Buffer.concat([Buffer.from('rekey'), header, payloads]));
  });

  it('is raw PKCS#1 v1.5 over hash_SIG_HASH_ALGORITHM(input), no DigestInfo', () => {
    const h = createHash('sha256').update(Buffer.concat([Buffer.from('rekey'), header, payloads])).digest();
    const want = privateEncrypt({ key: ks.privateKey, padding: constants.RSA_PKCS1_PADDING }, h);
    expect(rekeySign(ks.privateKey, 'sha256', header, payloads)).toEqual(want);
  });

  it('verifies, and fails on any changed octet, hash or key', () => {
    const sig = rekeySign(ks.privateKey, 'sha1', header, payloads);
    expect(rekeyVerify(ks.publicKey, 'sha1', header, payloads, sig)).toBe(true);
    const h2 = Buffer.from(header);
    h2[27]! ^= 0x10; // a different length in the signed header
    expect(rekeyVerify(ks.publicKey, 'sha1', h2, payloads, sig)).toBe(false);
    expect(rekeyVerify(ks.publicKey, 'sha1', header, payloads.subarray(1), sig)).toBe(false);
    expect(rekeyVerify(ks.publicKey, 'sha256', header, payloads, sig)).toBe(false);
    expect(rekeyVerify(generateRsaKey(1024).publicKey, 'sha1', header, payloads, sig)).toBe(false);
    expect(rekeyVerify(ks.publicKey, 'sha1', header, payloads, Buffer.alloc(5))).toBe(false);
  });
});

describe('KEK_ALGORITHM_KEY', () => {
  it('splits into the explicit IV and the key', () => {
    const m = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    expect(splitKekAlgorithmKey('aes-128-cbc', m)).toEqual({ iv: m.subarray(0, 16), key: m.subarray(16) });
    const d = Buffer.alloc(32, 1);
    expect(splitKekAlgorithmKey('des-ede3-cbc', d).iv.length).toBe(8);
    expect(codeOf(() => splitKekAlgorithmKey('aes-256-cbc', m))).toBe('BAD_KEY');
  });
});

describe('RFC 8263 acknowledgement', () => {
  const kekKey = hex('000102030405060708090a0b0c0d0e0f');
  const spi = header.subarray(0, 16);
  const seq = hex('05000008 00000007'); // SEQ payload (next: ID) with sequence number 7
  const id = hex('0000000c 01000000 7f000002'); // ID_IPV4_ADDR 127.0.0.2, protocol and port 0

  it('ack_key = prf(base_key, "GROUPKEY-PUSH ACK\\0" | SPI | L)', () => {
    const k1 = ackKey(1, kekKey, spi);
    const label = Buffer.concat([Buffer.from('GROUPKEY-PUSH ACK'), Buffer.from([0])]);
    expect(k1).toEqual(refHmac('sha256', kekKey, Buffer.concat([label, spi, hex('0200')])));
    expect(k1.length).toBe(32);
    const k3 = ackKey(3, kekKey, spi);
    expect(k3).toEqual(refHmac('sha512', kekKey, Buffer.concat([label, spi, hex('0400')])));
    expect(k3.length).toBe(64);
  });

  it('ACK HASH = prf(ack_key, SEQ | ID)', () => {
    const k = ackKey(1, kekKey, spi);
    expect(ackHash(1, k, seq, id)).toEqual(refHmac('sha256', k, Buffer.concat([seq, id])));
    const k3 = ackKey(3, kekKey, spi);
    expect(ackHash(3, k3, seq, id)).toEqual(refHmac('sha512', k3, Buffer.concat([seq, id])));
  });

  it('depends on the KEK key and SPI, and refuses bad input', () => {
    const k = ackKey(1, kekKey, spi);
    const otherSpi = Buffer.from(spi);
    otherSpi[15]! ^= 1;
    expect(ackKey(1, kekKey, otherSpi)).not.toEqual(k);
    expect(ackKey(1, Buffer.alloc(16), spi)).not.toEqual(k);
    expect(codeOf(() => ackKey(1, kekKey, spi.subarray(0, 8)))).toBe('BAD_VALUE');
    expect(codeOf(() => ackKey(2 as 1, kekKey, spi))).toBe('UNSUPPORTED');
    expect(codeOf(() => ackHash(4 as 3, k, seq, id))).toBe('UNSUPPORTED');
  });
});
