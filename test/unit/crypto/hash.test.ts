import { describe, expect, it } from 'vitest';
import { digest, hashLength, prf, type HashName } from '../../../shared/crypto/hash.ts';
import { hex, refHmac } from './support.ts';

// RFC 4231 §4.2, §4.3, §4.4, §4.7 (HMAC-SHA-256/384/512 known answers).
const RFC4231 = [
  {
    name: 'test case 1', key: Buffer.alloc(20, 0x0b), data: Buffer.from('Hi There'),
    sha256: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    sha384: 'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
    sha512: '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854',
  },
  {
    name: 'test case 2', key: Buffer.from('Jefe'), data: Buffer.from('what do ya want for nothing?'),
    sha256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    sha384: 'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
    sha512: '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
  },
  {
    name: 'test case 3', key: Buffer.alloc(20, 0xaa), data: Buffer.alloc(50, 0xdd),
    sha256: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
  },
  {
    name: 'test case 6 (key longer than the block)', key: Buffer.alloc(131, 0xaa),
    data: Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'),
    sha256: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    sha512: '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
  },
] as const;

describe('prf (HMAC)', () => {
  for (const tc of RFC4231) {
    for (const h of ['sha256', 'sha384', 'sha512'] as const) {
      const want = (tc as Partial<Record<HashName, string>>)[h];
      if (want === undefined) continue;
      it(`RFC 4231 ${tc.name}, HMAC-${h}`, () => {
        expect(prf(h, tc.key, tc.data).toString('hex')).toBe(want);
      });
    }
  }

  it('RFC 2202 test case 1 for HMAC-MD5 and HMAC-SHA-1', () => {
    expect(prf('md5', Buffer.alloc(16, 0x0b), Buffer.from('Hi There')).toString('hex'))
      .toBe('9294727a3638bb1c13f48ef8158bfc9d');
    expect(prf('sha1', Buffer.alloc(20, 0x0b), Buffer.from('Hi There')).toString('hex'))
      .toBe('b617318655057264e28bc0b6fb378c8ef146be00');
  });

  it('treats several data arguments as their concatenation', () => {
    const key = Buffer.from('k');
    expect(prf('sha256', key, Buffer.from('ab'), Buffer.alloc(0), Buffer.from('c')))
      .toEqual(prf('sha256', key, Buffer.from('abc')));
  });

  it('agrees with the independent reference HMAC for every hash', () => {
    for (const h of ['md5', 'sha1', 'sha256', 'sha384', 'sha512'] as const) {
      const key = hex('000102030405060708090a0b0c0d0e0f10111213');
      const data = Buffer.from('GDOI phase 1');
      expect(prf(h, key, data)).toEqual(refHmac(h, key, data));
    }
  });
});

describe('digest and hashLength', () => {
  it('FIPS 180 "abc" vectors', () => {
    expect(digest('sha1', Buffer.from('abc')).toString('hex')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(digest('sha256', Buffer.from('a'), Buffer.from('bc')).toString('hex'))
      .toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(digest('md5', Buffer.from('abc')).toString('hex')).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('lengths match the digests', () => {
    for (const h of ['md5', 'sha1', 'sha256', 'sha384', 'sha512'] as const) {
      expect(digest(h, Buffer.alloc(0)).length).toBe(hashLength(h));
    }
    expect([hashLength('md5'), hashLength('sha1'), hashLength('sha384')]).toEqual([16, 20, 48]);
  });
});
