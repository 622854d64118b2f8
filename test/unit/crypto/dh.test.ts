import { getDiffieHellman } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dhGroup, generateDh, type DhGroupId } from '../../../shared/crypto/dh.ts';
import { codeOf, hex } from './support.ts';

const ALL_GROUPS: DhGroupId[] = [2, 5, 14, 15, 16, 19, 20, 21];

// RFC 5903 §8.1-8.3: private keys i and r, public points g^i and g^r, shared x coordinate.
const RFC5903 = [
  {
    group: 19 as const,
    i: 'c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433',
    gix: 'dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180',
    giy: '5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3',
    r: 'c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53',
    grx: 'd12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63',
    gry: '56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab',
    girx: 'd6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de',
  },
  {
    group: 20 as const,
    i: '099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655e35b538041e649ee3faef896783ab194',
    gix: '667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6de3ac808acb4bdb4c88732aee95f41aa',
    giy: '9482ed1fc0eeb9cafc4984625ccfc23f65032149e0e144ada024181535a0f38eeb9fcff3c2c947dae69b4c634573a81c',
    r: '41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942e0308312916b8ed2960e4bd55a7448fc',
    grx: 'e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d0d1ac43a0336def96fda41d0774a3571',
    gry: 'dcfbec7aacf3196472169e838430367f66eebe3c6e70c416dd5f0c68759dd1fff83fa40142209dff5eaad96db9e6386c',
    girx: '11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4d603135569b9e9d09cf5d4a270f59746',
  },
  {
    group: 21 as const,
    i: '0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a095aa85a30fe1c2952c6771d937ba9777f5957b2639bab072462f68c27a57382d4a52',
    gix: '0015417e84dbf28c0ad3c278713349dc7df153c897a1891bd98bab4357c9ecbee1e3bf42e00b8e380aeae57c2d107564941885942af5a7f4601723c4195d176ced3e',
    giy: '017cae20b6641d2eeb695786d8c946146239d099e18e1d5a514c739d7cb4a10ad8a788015ac405d7799dc75e7b7d5b6cf2261a6a7f1507438bf01beb6ca3926f9582',
    r: '0145ba99a847af43793fdd0e872e7cdfa16be30fdc780f97bccc3f078380201e9c677d600b343757a3bdbf2a3163e4c2f869cca7458aa4a4effc311f5cb151685eb9',
    grx: '00d0b3975ac4b799f5bea16d5e13e9af971d5e9b984c9f39728b5e5739735a219b97c356436adc6e95bb0352f6be64a6c2912d4ef2d0433ced2b6171640012d9460f',
    gry: '015c68226383956e3bd066e797b623c27ce0eac2f551a10c2c724d9852077b87220b6536c5c408a1d2aebb8e86d678ae49cb57091f4732296579ab44fcd17f0fc56a',
    girx: '01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04d1427e73ca4baa240a34786859810c06b3c715a3a8cc3151f2bee417996d19f3ddea',
  },
];

describe('dhGroup', () => {
  it('describes every supported group', () => {
    expect(dhGroup(2)).toEqual({ id: 2, kind: 'modp', bits: 1024, publicLength: 128, name: 'modp1024' });
    expect(dhGroup(14)).toMatchObject({ kind: 'modp', bits: 2048, publicLength: 256 });
    expect(dhGroup(16)).toMatchObject({ kind: 'modp', bits: 4096, publicLength: 512 });
    expect(dhGroup(19)).toEqual({ id: 19, kind: 'ecp', bits: 256, publicLength: 64, name: 'ecp256' });
    expect(dhGroup(21)).toMatchObject({ kind: 'ecp', bits: 521, publicLength: 132 });
  });

  it('returns undefined for groups we do not support', () => {
    for (const id of [0, 1, 3, 17, 22, 24, 31, 999]) expect(dhGroup(id)).toBeUndefined();
    expect(codeOf(() => generateDh(1 as DhGroupId))).toBe('BAD_GROUP');
  });
});

describe('both sides agree', () => {
  for (const group of ALL_GROUPS) {
    it(`group ${group}`, () => {
      const info = dhGroup(group)!;
      const a = generateDh(group);
      const b = generateDh(group);
      expect(a.publicValue.length).toBe(info.publicLength);
      expect(b.publicValue.length).toBe(info.publicLength);
      expect(a.publicValue).not.toEqual(b.publicValue);
      const sa = a.computeSecret(b.publicValue);
      expect(sa).toEqual(b.computeSecret(a.publicValue));
      expect(sa.length).toBe(info.kind === 'modp' ? info.publicLength : info.publicLength / 2);
    });
  }
});

describe('key pairs are independent', () => {
  for (const group of [2, 14] as const) {
    it(`group ${group}: interleaved pairs keep their own private keys`, () => {
      const [a, b, c] = [generateDh(group), generateDh(group), generateDh(group)];
      const ab = a.computeSecret(b.publicValue);
      const ac = a.computeSecret(c.publicValue);
      expect(c.computeSecret(a.publicValue)).toEqual(ac);
      expect(b.computeSecret(a.publicValue)).toEqual(ab);
      expect(ab).not.toEqual(ac);
      expect(b.computeSecret(c.publicValue)).toEqual(c.computeSecret(b.publicValue));
    });
  }
});

describe('RFC 5903 ECP known answers', () => {
  for (const v of RFC5903) {
    it(`group ${v.group}: public values are x || y, the secret is x`, () => {
      const i = generateDh(v.group, hex(v.i));
      const r = generateDh(v.group, hex(v.r));
      expect(i.publicValue.toString('hex')).toBe(v.gix + v.giy);
      expect(r.publicValue.toString('hex')).toBe(v.grx + v.gry);
      expect(i.computeSecret(hex(v.grx + v.gry)).toString('hex')).toBe(v.girx);
      expect(r.computeSecret(hex(v.gix + v.giy)).toString('hex')).toBe(v.girx);
    });
  }

  it('rejects points off the curve, wrong lengths and a 0x04-prefixed value with BAD_KE', () => {
    const v = RFC5903[0]!;
    const i = generateDh(19, hex(v.i));
    const peer = hex(v.grx + v.gry);
    const offCurve = Buffer.from(peer);
    offCurve[63]! ^= 1;
    expect(codeOf(() => i.computeSecret(offCurve))).toBe('BAD_KE');
    expect(codeOf(() => i.computeSecret(Buffer.alloc(64)))).toBe('BAD_KE');
    expect(codeOf(() => i.computeSecret(Buffer.alloc(64, 0xff)))).toBe('BAD_KE'); // coordinates >= p
    expect(codeOf(() => i.computeSecret(peer.subarray(0, 63)))).toBe('BAD_KE');
    expect(codeOf(() => i.computeSecret(Buffer.concat([Buffer.from([4]), peer])))).toBe('BAD_KE');
  });
});

describe('MODP encoding and peer checks', () => {
  const prime2 = getDiffieHellman('modp2').getPrime();

  it('a pinned private key gives g^x mod p, checked with BigInt arithmetic', () => {
    const x = hex('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
    const kp = generateDh(2, x);
    const p = BigInt('0x' + prime2.toString('hex'));
    let result = 1n;
    let base = 2n;
    for (let e = BigInt('0x' + x.toString('hex')); e > 0n; e >>= 1n) {
      if (e & 1n) result = (result * base) % p;
      base = (base * base) % p;
    }
    expect(kp.publicValue.toString('hex')).toBe(result.toString(16).padStart(256, '0'));
    expect(generateDh(2, x).publicValue).toEqual(kp.publicValue); // deterministic
  });

  it('left-pads short public values and secrets to the prime length (RFC 2409 §5)', () => {
    // Tiny exponents keep g^x = 2^x below p, so both values have many leading zero octets.
    const a = generateDh(14, Buffer.from([3]));
    const b = generateDh(14, Buffer.from([5]));
    expect(a.publicValue.length).toBe(256);
    expect(a.publicValue.toString('hex')).toBe('08'.padStart(512, '0'));
    const secret = a.computeSecret(b.publicValue);
    expect(secret.length).toBe(256);
    expect(secret.toString('hex')).toBe((1 << 15).toString(16).padStart(512, '0'));
    expect(b.computeSecret(a.publicValue)).toEqual(secret);
  });

  it('rejects wrong length, 0, 1, p-1 and p with BAD_KE', () => {
    const kp = generateDh(2);
    const pMinus1 = Buffer.from(prime2);
    pMinus1[127]! -= 1;
    const one = Buffer.alloc(128);
    one[127] = 1;
    const two = Buffer.alloc(128);
    two[127] = 2;
    const pMinus2 = Buffer.from(prime2);
    pMinus2[127]! -= 2;
    for (const bad of [Buffer.alloc(128), one, pMinus1, prime2, Buffer.alloc(128, 0xff)]) {
      expect(codeOf(() => kp.computeSecret(bad))).toBe('BAD_KE');
    }
    expect(codeOf(() => kp.computeSecret(Buffer.alloc(127, 1)))).toBe('BAD_KE');
    expect(codeOf(() => kp.computeSecret(Buffer.alloc(129, 1)))).toBe('BAD_KE');
    expect(codeOf(() => kp.computeSecret(generateDh(14).publicValue))).toBe('BAD_KE');
    // the range's ends are still accepted
    expect(kp.computeSecret(two).length).toBe(128);
    expect(kp.computeSecret(pMinus2).length).toBe(128);
  });
});
