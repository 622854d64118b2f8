// An established ISAKMP (phase-1) SA and the encryption of messages sent under it
// (RFC 2409 §5.3 and Appendix B: CBC, zero padding, IV chains).
import type { CipherName } from '../crypto/cipher.ts';
import { cipherInfo, decryptCbc, encryptCbc, lastBlock } from '../crypto/cipher.ts';
import type { HashName } from '../crypto/hash.ts';
import { phase2Iv, type Phase1Keys } from '../crypto/ike-keys.ts';
import { decodeHeader, decodePayloads, encodeHeader, encodePayloads } from '../wire/message.ts';
import type { DecodedChain, IdPayload, IsakmpHeader, Payload } from '../wire/types.ts';
import { Flag, HEADER_LENGTH, ISAKMP_VERSION } from '../wire/registry.ts';
import type { Phase1Proposal } from './phase1-policy.ts';
import type { GetvpnVersion } from '../policy/version.ts';
import { DecodeError, StateError } from '../errors.ts';

export interface Phase1Sa {
  icookie: Buffer;
  rcookie: Buffer;
  role: 'initiator' | 'responder';
  proposal: Phase1Proposal;
  keys: Phase1Keys;
  /** Last CBC block of the final phase-1 message: seeds every phase-2 IV (Appendix B). */
  phase1LastBlock: Buffer;
  peerAddress: string;
  peerPort: number;
  peerId: IdPayload;
  /** DER of the peer's certificate when it authenticated by signature. */
  peerCertDer?: Buffer;
  peerVersion: GetvpnVersion;
  peerFeatures: number;
  peerVendorIds: Buffer[];
  establishedAt: number;  // ms
  expiresAt: number;      // ms
}

export function saKey(icookie: Buffer, rcookie: Buffer): string {
  return icookie.toString('hex') + rcookie.toString('hex');
}

/** Per-exchange IV state: phase-2 exchanges chain their own IVs, keyed by message id. */
export class Phase2IvChain {
  private iv: Buffer;
  constructor(sa: Phase1Sa, messageId: number) {
    this.iv = phase2Iv(sa.proposal.hash, sa.phase1LastBlock, messageId, cipherInfo(sa.proposal.cipher).blockSize);
  }
  get current(): Buffer { return this.iv; }
  advance(ciphertext: Buffer, blockSize: number): void { this.iv = lastBlock(ciphertext, blockSize); }
}

/** Encrypts payloads after a header; returns the whole datagram and the new IV (last ciphertext block). */
export function sealMessage(
  cipher: CipherName, key: Buffer, iv: Buffer,
  h: { icookie: Buffer; rcookie: Buffer; exchange: number; messageId: number; flags?: number },
  payloads: Payload[],
): { bytes: Buffer; nextIv: Buffer } {
  return sealEncoded(cipher, key, iv, h, payloads[0]?.type ?? 0, encodePayloads(payloads));
}

/** sealMessage for a payload chain already encoded (`firstType` = type of its first payload). */
export function sealEncoded(
  cipher: CipherName, key: Buffer, iv: Buffer,
  h: { icookie: Buffer; rcookie: Buffer; exchange: number; messageId: number; flags?: number },
  firstType: number, body: Buffer,
): { bytes: Buffer; nextIv: Buffer } {
  const ct = encryptCbc(cipher, key, iv, body);
  const header: IsakmpHeader = {
    icookie: h.icookie, rcookie: h.rcookie, nextPayload: firstType, version: ISAKMP_VERSION,
    exchange: h.exchange, flags: (h.flags ?? 0) | Flag.E, messageId: h.messageId, length: HEADER_LENGTH + ct.length,
  };
  return { bytes: Buffer.concat([encodeHeader(header), ct]), nextIv: lastBlock(ct, cipherInfo(cipher).blockSize) };
}

/** Decrypts and decodes an encrypted datagram; returns the chain and the next IV. */
export function openMessage(cipher: CipherName, key: Buffer, iv: Buffer, bytes: Buffer): { header: IsakmpHeader; chain: DecodedChain; nextIv: Buffer } {
  const header = decodeHeader(bytes);
  if (!(header.flags & Flag.E)) throw new StateError('NOT_ENCRYPTED', 'message must be encrypted');
  const ct = bytes.subarray(HEADER_LENGTH);
  const bs = cipherInfo(cipher).blockSize;
  if (ct.length === 0 || ct.length % bs !== 0) throw new DecodeError('BAD_LENGTH', HEADER_LENGTH, `ciphertext length ${ct.length} is not a multiple of ${bs}`);
  const pt = decryptCbc(cipher, key, iv, ct);
  const chain = decodePayloads(header.nextPayload, pt, { exchange: header.exchange }, { allowPadding: true });
  return { header, chain, nextIv: lastBlock(ct, bs) };
}

/** Seals a phase-2 message under the SA (keys SKEYID_e-derived). */
export function sealUnder(sa: Phase1Sa, iv: Buffer, exchange: number, messageId: number, payloads: Payload[]) {
  return sealMessage(sa.proposal.cipher, sa.keys.encKey, iv, { icookie: sa.icookie, rcookie: sa.rcookie, exchange, messageId }, payloads);
}
/** sealUnder for an already encoded payload chain. */
export function sealEncodedUnder(sa: Phase1Sa, iv: Buffer, exchange: number, messageId: number, firstType: number, body: Buffer) {
  return sealEncoded(sa.proposal.cipher, sa.keys.encKey, iv, { icookie: sa.icookie, rcookie: sa.rcookie, exchange, messageId }, firstType, body);
}
export function openUnder(sa: Phase1Sa, iv: Buffer, bytes: Buffer) {
  return openMessage(sa.proposal.cipher, sa.keys.encKey, iv, bytes);
}

export function hashOf(sa: Phase1Sa): HashName { return sa.proposal.hash; }
