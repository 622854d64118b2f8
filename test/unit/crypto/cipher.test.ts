import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { cipherInfo, decryptCbc, encryptCbc, lastBlock } from '../../../shared/crypto/cipher.ts';
import { codeOf, hex } from './support.ts';

// NIST SP 800-38A Appendix F.2 (CBC-AESxxx.Encrypt / .Decrypt), four blocks each.
const SP800_38A_IV = hex('000102030405060708090a0b0c0d0e0f');
const SP800_38A_PLAIN = hex(`6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
  30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710`);
const SP800_38A = [
  {
    cipher: 'aes-128-cbc', section: 'F.2.1/F.2.2', key: '2b7e151628aed2a6abf7158809cf4f3c',
    ct: `7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2
         73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7`,
  },
  {
    cipher: 'aes-192-cbc', section: 'F.2.3/F.2.4', key: '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b',
    ct: `4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a
         571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd`,
  },
  {
    cipher: 'aes-256-cbc', section: 'F.2.5/F.2.6', key: '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    ct: `f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d
         39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b`,
  },
] as const;

describe('AES-CBC known answers', () => {
  for (const v of SP800_38A) {
    it(`SP 800-38A ${v.section} ${v.cipher}`, () => {
      const ct = encryptCbc(v.cipher, hex(v.key), SP800_38A_IV, SP800_38A_PLAIN);
      expect(ct.toString('hex')).toBe(hex(v.ct).toString('hex'));
      expect(decryptCbc(v.cipher, hex(v.key), SP800_38A_IV, ct)).toEqual(SP800_38A_PLAIN);
    });
  }
});

describe('3DES-CBC', () => {
  it('matches node-forge\'s independent 3DES-CBC and round-trips', () => {
    const key = hex('0123456789abcdef23456789abcdef01456789abcdef0123');
    const iv = hex('1234567890abcdef');
    const plain = Buffer.from('GROUPKEY-PULL message 1 payloads'); // 32 octets: whole blocks
    const ours = encryptCbc('des-ede3-cbc', key, iv, plain);
    const f = forge.cipher.createCipher('3DES-CBC', forge.util.createBuffer(key.toString('binary')));
    f.start({ iv: forge.util.createBuffer(iv.toString('binary')) });
    f.update(forge.util.createBuffer(plain.toString('binary')));
    f.finish(); // forge appends a PKCS#7 block; the whole-block prefix is comparable
    const theirs = Buffer.from(f.output.getBytes(), 'binary');
    expect(theirs.length).toBe(40);
    expect(ours.toString('hex')).toBe(theirs.subarray(0, 32).toString('hex'));
    expect(decryptCbc('des-ede3-cbc', key, iv, ours)).toEqual(plain);
  });
});

describe('ISAKMP zero padding', () => {
  const key = Buffer.alloc(16, 1);
  const iv = Buffer.alloc(16, 2);

  it('pads with zeros to the block size, no PKCS#7 block when already aligned', () => {
    expect(encryptCbc('aes-128-cbc', key, iv, Buffer.alloc(16, 9)).length).toBe(16);
    const ct = encryptCbc('aes-128-cbc', key, iv, Buffer.from('abc'));
    expect(ct.length).toBe(16);
    const back = decryptCbc('aes-128-cbc', key, iv, ct);
    expect(back).toEqual(Buffer.concat([Buffer.from('abc'), Buffer.alloc(13)]));
    expect(encryptCbc('des-ede3-cbc', Buffer.alloc(24, 3), Buffer.alloc(8), Buffer.alloc(9)).length).toBe(16);
  });

  it('encrypts empty plaintext as one zero block so it still decrypts', () => {
    const ct = encryptCbc('aes-128-cbc', key, iv, Buffer.alloc(0));
    expect(decryptCbc('aes-128-cbc', key, iv, ct)).toEqual(Buffer.alloc(16));
  });

  it('rejects ciphertext that is empty or not whole blocks with BAD_CIPHERTEXT', () => {
    expect(codeOf(() => decryptCbc('aes-128-cbc', key, iv, Buffer.alloc(0)))).toBe('BAD_CIPHERTEXT');
    expect(codeOf(() => decryptCbc('aes-128-cbc', key, iv, Buffer.alloc(17)))).toBe('BAD_CIPHERTEXT');
    expect(codeOf(() => decryptCbc('des-ede3-cbc', Buffer.alloc(24), Buffer.alloc(8), Buffer.alloc(12)))).toBe('BAD_CIPHERTEXT');
  });

  it('rejects wrong key and IV lengths', () => {
    expect(codeOf(() => encryptCbc('aes-256-cbc', key, iv, Buffer.alloc(16)))).toBe('BAD_KEY');
    expect(codeOf(() => encryptCbc('aes-128-cbc', key, Buffer.alloc(8), Buffer.alloc(16)))).toBe('BAD_IV');
  });
});

describe('cipherInfo and lastBlock', () => {
  it('knows block and key sizes', () => {
    expect(cipherInfo('aes-128-cbc')).toEqual({ blockSize: 16, keyLength: 16 });
    expect(cipherInfo('aes-192-cbc')).toEqual({ blockSize: 16, keyLength: 24 });
    expect(cipherInfo('aes-256-cbc')).toEqual({ blockSize: 16, keyLength: 32 });
    expect(cipherInfo('des-ede3-cbc')).toEqual({ blockSize: 8, keyLength: 24 });
  });

  it('returns a copy of the last block, which chains CBC across messages', () => {
    const key = Buffer.alloc(16, 5);
    const iv = Buffer.alloc(16, 6);
    const whole = encryptCbc('aes-128-cbc', key, iv, Buffer.alloc(48, 7));
    const first = encryptCbc('aes-128-cbc', key, iv, Buffer.alloc(32, 7));
    const next = encryptCbc('aes-128-cbc', key, lastBlock(first, 16), Buffer.alloc(16, 7));
    expect(Buffer.concat([first, next])).toEqual(whole);
    const lb = lastBlock(whole, 16);
    lb[0] ^= 0xff;
    expect(whole.subarray(32)).not.toEqual(lb); // a copy, not a view
    expect(codeOf(() => lastBlock(Buffer.alloc(7), 8))).toBe('BAD_CIPHERTEXT');
  });
});
