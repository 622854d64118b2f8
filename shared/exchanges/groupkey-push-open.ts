// Receiving a GROUPKEY-PUSH (RFC 6407 §4.3, docs/wire.md §5.2-5.3): find the KEK the cookies
// name, decrypt, check the payload structure, verify the signature. Replay (SEQ greater than
// the last accepted) is the caller's check, made after this one and before any content is used.
import type { KeyObject } from 'node:crypto';
import { cipherInfo, decryptCbc } from '../crypto/cipher.ts';
import { rekeyVerify } from '../crypto/kek.ts';
import { decodeHeader, decodePayloads, encodeHeader } from '../wire/message.ts';
import { ExchangeType, Flag, HEADER_LENGTH } from '../wire/registry.ts';
import type { DecodedChain, IsakmpHeader, Payload, UnknownPayload } from '../wire/types.ts';
import type { KekPolicy } from '../policy/group-policy.ts';
import type { OpenedPush } from './groupkey-push.ts';
import { PushRejected, reject } from './push-rejected.ts';

const PUSH = { exchange: ExchangeType.GROUPKEY_PUSH };
/** Payloads allowed between SEQ and SIG. Anything else is INVALID-PAYLOAD-TYPE (RFC 2408 §5.2). */
const MIDDLE = new Set([200, 12, 1, 17, 6]);

/** Delete SPI size per protocol: 0 = the KEK (16), 1 ESP / 2 AH TEKs (4) (RFC 6407 §5.9). */
const DELETE_SPI_SIZE: Record<number, number> = { 0: 16, 1: 4, 2: 4 };

type KnownPayload = Exclude<Payload, UnknownPayload>;
function unknownPayload(p: Payload): boolean { return 'unknown' in p && p.unknown === true; }

/** Builds the OpenedPush, or says what breaks `SEQ, [CTRL], [D...], [SA, KD], [CERT], SIG`. */
function structure(kekSpi: Buffer, chain: DecodedChain): OpenedPush {
  const ps = chain.payloads;
  const seq = ps[0];
  if (seq?.type !== 18 || unknownPayload(seq) || !('seq' in seq)) reject('MALFORMED', 'a PUSH must start with SEQ');
  if (ps.length < 2 || ps[ps.length - 1]!.type !== 9) reject('MALFORMED', 'a PUSH must end with SIG');
  const out: OpenedPush = { kekSpi, seq: seq.seq, seqBytes: chain.raw[0]!, deletes: [] };
  for (let i = 1; i < ps.length - 1; i++) {
    if (unknownPayload(ps[i]!) || !MIDDLE.has(ps[i]!.type)) reject('MALFORMED', `payload type ${ps[i]!.type} is not allowed in a PUSH`);
    const p = ps[i] as KnownPayload;
    const again = (have: unknown): void => { if (have !== undefined) reject('MALFORMED', `more than one payload of type ${p.type}`); };
    switch (p.type) {
      case 200:
        if (i !== 1) reject('MALFORMED', 'GETVPN-CTRL must come right after SEQ');
        out.ctrl = p;
        break;
      case 12:
        if (DELETE_SPI_SIZE[p.protocolId] !== p.spiSize) reject('MALFORMED', `Delete of protocol ${p.protocolId} with SPI size ${p.spiSize}`);
        out.deletes.push(p);
        break;
      case 1:
        again(out.sa);
        if (p.form !== 'gdoi') reject('MALFORMED', 'the SA in a PUSH must be a GDOI SA (DOI 2)');
        out.sa = p;
        break;
      case 17: again(out.kd); out.kd = p; break;
      case 6: again(out.certDer); out.certDer = p.data; break;
    }
  }
  if ((out.sa === undefined) !== (out.kd === undefined)) reject('MALFORMED', 'SA and KD must come together');
  return out;
}

/** Header bytes with another Length: the reference signer hashes the unpadded length. */
function withLength(h: IsakmpHeader, length: number): Buffer {
  return encodeHeader({ ...h, length });
}

function verify(kek: KekPolicy, key: KeyObject, h: IsakmpHeader, headerBytes: Buffer, chain: DecodedChain): void {
  const sigRaw = chain.raw[chain.raw.length - 1]!;
  const sig = chain.payloads[chain.payloads.length - 1] as { data: Buffer };
  const before = Buffer.concat(chain.raw.slice(0, -1));
  if (rekeyVerify(key, kek.sigHash, headerBytes, before, sig.data)) return;
  const unpadded = HEADER_LENGTH + before.length + sigRaw.length;
  if (unpadded !== h.length && rekeyVerify(key, kek.sigHash, withLength(h, unpadded), before, sig.data)) return;
  reject('BAD_SIGNATURE', 'PUSH signature does not verify');
}

function open(bytes: Buffer, lookupKek: (spi: Buffer) => KekPolicy | undefined, verifyKey: KeyObject): OpenedPush {
  if (bytes.length >= HEADER_LENGTH && bytes[18] !== ExchangeType.GROUPKEY_PUSH) reject('NOT_PUSH', `exchange ${bytes[18]} is not GROUPKEY-PUSH`);
  let h: IsakmpHeader;
  try {
    h = decodeHeader(bytes);
  } catch (e) {
    return reject('MALFORMED', `bad header: ${(e as Error).message}`);
  }
  if (!(h.flags & Flag.E)) reject('MALFORMED', 'an unencrypted PUSH is dropped');
  if (h.nextPayload !== 18) reject('MALFORMED', `first payload ${h.nextPayload} is not SEQ`);
  const kekSpi = Buffer.from(bytes.subarray(0, 16));
  const kek = lookupKek(kekSpi);
  if (!kek) reject('WRONG_SPI', `no KEK with SPI ${kekSpi.toString('hex')}`);
  const ct = bytes.subarray(HEADER_LENGTH);
  const { blockSize } = cipherInfo(kek.cipher);
  if (ct.length === 0 || ct.length % blockSize !== 0) reject('MALFORMED', `ciphertext of ${ct.length} octets is not whole ${blockSize}-octet blocks`);
  let chain: DecodedChain;
  try {
    // A wrong key yields garbage that does not parse; with the right key a KS never sends a
    // chain that does not, so a parse failure here is reported as undecryptable.
    chain = decodePayloads(18, decryptCbc(kek.cipher, kek.key, kek.iv, ct), PUSH, { allowPadding: true });
  } catch (e) {
    return reject('UNDECRYPTABLE', `PUSH does not decrypt to a payload chain: ${(e as Error).message}`);
  }
  const opened = structure(kekSpi, chain);
  verify(kek, verifyKey, h, bytes.subarray(0, HEADER_LENGTH), chain);
  return opened;
}

/**
 * Decrypts with the KEK whose SPI the cookies name (lookup returns undefined -> WRONG_SPI),
 * checks structure (SEQ first; SIG last; SA and KD together or neither), verifies the
 * signature with `verifyKey`. Never throws anything but PushRejected. Does NOT check replay.
 */
export function openPush(bytes: Buffer, lookupKek: (spi: Buffer) => KekPolicy | undefined, verifyKey: KeyObject): OpenedPush {
  try {
    return open(bytes, lookupKek, verifyKey);
  } catch (e) {
    if (e instanceof PushRejected) throw e;
    throw new PushRejected('MALFORMED', `PUSH could not be processed: ${(e as Error)?.message ?? String(e)}`);
  }
}
