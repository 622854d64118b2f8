import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecodeError, GdoiError } from '../../../shared/errors.ts';
import {
  BASE_VERSION, FEATURE_MIN_VERSION, FEATURE_NAMES, OUR_VERSION, VERSION_VID_MARKER, VERSION_VID_STRING,
  VidFeature, compareVersions, decodeVersionVid, defaultFeatureBits, encodeVersionVid, features,
  formatVersion, isFeatureName, parseVersion, peerSupports, peerVersionFromVids, supportsFeature,
} from '../../../shared/policy/version.ts';

const v = parseVersion;

describe('GET VPN version text', () => {
  it('parses and formats major.minor.mini', () => {
    expect(v('1.0.2')).toEqual({ major: 1, minor: 0, mini: 2 });
    expect(v(' 1.0.27 ')).toEqual({ major: 1, minor: 0, mini: 27 });
    expect(v('255.255.255')).toEqual({ major: 255, minor: 255, mini: 255 });
    expect(formatVersion(v('1.0.25'))).toBe('1.0.25');
    expect(formatVersion(BASE_VERSION)).toBe('1.0.1');
    expect(formatVersion(OUR_VERSION)).toBe('1.0.2');
  });

  it.each(['', '1', '1.0', '1.0.2.3', '1.0.x', '1.0.256', '-1.0.1', '1..2', '1.0.2a', '1000.0.1'])(
    'rejects %j with BAD_VERSION', (text) => {
      try {
        v(text);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(GdoiError);
        expect((e as GdoiError).code).toBe('BAD_VERSION');
      }
    });

  it('compares field by field, major first', () => {
    expect(compareVersions(v('1.0.1'), v('1.0.2'))).toBeLessThan(0);
    expect(compareVersions(v('1.0.10'), v('1.0.9'))).toBeGreaterThan(0);   // numeric, not text
    expect(compareVersions(v('1.1.0'), v('1.0.99'))).toBeGreaterThan(0);
    expect(compareVersions(v('2.0.0'), v('1.255.255'))).toBeGreaterThan(0);
    expect(compareVersions(v('1.0.2'), v('1.0.2'))).toBe(0);
  });
});

describe('features by version', () => {
  it('the base version has none of the optional features', () => {
    expect(features(BASE_VERSION)).toEqual([]);
  });

  it('1.0.2 adds GM removal, policy replace and RFC 8263 acks', () => {
    expect(features(v('1.0.2'))).toEqual(['gm-removal', 'policy-replace', 'gdoi-interop-ack']);
    expect(features(v('1.0.27'))).toEqual(['gm-removal', 'policy-replace', 'gdoi-interop-ack']);
  });

  it('features nobody implements are never supported', () => {
    for (const f of ['dp-recovery', 'ckm', 'suite-b', 'gdoi-mib', 'ip-d3p', 'long-sa-lifetime', 'pfs'] as const) {
      expect(FEATURE_MIN_VERSION[f]).toBeUndefined();
      expect(supportsFeature(v('1.255.255'), f)).toBe(false);
    }
  });

  it('another major version is not compatible, so supports nothing', () => {
    expect(supportsFeature(v('2.0.0'), 'gm-removal')).toBe(false);
  });

  it('knows exactly the show-command feature names', () => {
    expect(FEATURE_NAMES).toHaveLength(10);
    expect(isFeatureName('gm-removal')).toBe(true);
    expect(isFeatureName('coop')).toBe(false);
  });
});

describe('version vendor ID', () => {
  it('marker is the SHA-256 prefix of the fixed project string', () => {
    expect(VERSION_VID_MARKER).toEqual(createHash('sha256').update(VERSION_VID_STRING).digest().subarray(0, 16));
    expect(VERSION_VID_MARKER.toString('hex')).toBe('921a42e50ea8fff235db3c923e621336');
  });

  it('encodes marker | major | minor | mini | bits', () => {
    const vid = encodeVersionVid(OUR_VERSION);
    expect(vid.toString('hex')).toBe('921a42e50ea8fff235db3c923e621336' + '010002' + '07');
    expect(encodeVersionVid(OUR_VERSION, defaultFeatureBits(OUR_VERSION) | VidFeature.COOP).at(-1)).toBe(0x0f);
    expect(encodeVersionVid(BASE_VERSION).at(-1)).toBe(0);
  });

  it('round-trips', () => {
    for (const ver of [BASE_VERSION, OUR_VERSION, v('1.0.27'), v('255.0.9')]) {
      for (const bits of [0, 1, 2, 4, 8, 0x0f]) {
        expect(decodeVersionVid(encodeVersionVid(ver, bits))).toEqual({ version: ver, features: bits });
      }
    }
  });

  it('ignores reserved feature bits 4-7 on receipt', () => {
    expect(decodeVersionVid(encodeVersionVid(OUR_VERSION, 0xf3))?.features).toBe(0x03);
  });

  it('returns undefined for foreign vendor IDs', () => {
    expect(decodeVersionVid(Buffer.from('4048b7d56ebce88525e7de7f00d6c2d3', 'hex'))).toBeUndefined(); // RFC 3947 NAT-T
    expect(decodeVersionVid(Buffer.alloc(0))).toBeUndefined();
    expect(decodeVersionVid(VERSION_VID_MARKER.subarray(0, 15))).toBeUndefined();
    const flipped = encodeVersionVid(OUR_VERSION);
    flipped[0]! ^= 1;
    expect(decodeVersionVid(flipped)).toBeUndefined();
  });

  it.each([16, 19, 21, 64])('throws BAD_LENGTH for our marker in %i octets', (len) => {
    const data = Buffer.concat([VERSION_VID_MARKER, Buffer.alloc(len - 16, 1)]);
    try {
      decodeVersionVid(data);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).code).toBe('BAD_LENGTH');
      expect((e as DecodeError).offset).toBe(0);
    }
  });

  it('rejects out-of-range fields when encoding', () => {
    expect(() => encodeVersionVid({ major: 256, minor: 0, mini: 1 })).toThrow(RangeError);
    expect(() => encodeVersionVid(OUR_VERSION, 256)).toThrow(RangeError);
    expect(() => encodeVersionVid({ major: 1, minor: 0.5, mini: 1 })).toThrow(RangeError);
  });
});

describe('a peer version from its phase-1 vendor IDs', () => {
  const natt = Buffer.from('4a131c81070358455c5728f20e95452f', 'hex');

  it('is the base version with no bits when no VID of ours was sent', () => {
    expect(peerVersionFromVids([])).toEqual({ version: BASE_VERSION, features: 0 });
    expect(peerVersionFromVids([natt])).toEqual({ version: BASE_VERSION, features: 0 });
  });

  it('takes the first of ours and skips malformed ones', () => {
    const bad = Buffer.concat([VERSION_VID_MARKER, Buffer.alloc(3)]);
    const good = encodeVersionVid(v('1.0.5'), 0x05);
    expect(peerVersionFromVids([natt, bad, good, encodeVersionVid(BASE_VERSION)]))
      .toEqual({ version: v('1.0.5'), features: 0x05 });
    expect(peerVersionFromVids([bad])).toEqual({ version: BASE_VERSION, features: 0 });
  });

  it('VID bits decide bit-carried features; the version decides the rest', () => {
    const noAck = { version: OUR_VERSION, features: VidFeature.GM_REMOVAL | VidFeature.POLICY_REPLACE };
    expect(peerSupports(noAck, 'gm-removal')).toBe(true);
    expect(peerSupports(noAck, 'gdoi-interop-ack')).toBe(false);
    expect(peerSupports({ version: BASE_VERSION, features: 0 }, 'policy-replace')).toBe(false);
    expect(peerSupports({ version: OUR_VERSION, features: 0x0f }, 'pfs')).toBe(false);
    expect(peerSupports({ version: v('2.0.0'), features: 0x0f }, 'gm-removal')).toBe(false);
  });
});
