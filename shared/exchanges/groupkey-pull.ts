// GROUPKEY-PULL (RFC 6407 §3.2), both roles, under an established phase-1 SA. Pure state
// machines: the daemon feeds datagrams in and sends what comes out.
//
//   GM (initiator)                      KS (responder)
//   HDR*, HASH(1), Ni, ID       -->     (1)  ID = group identity
//                               <--     (2)  HDR*, HASH(2), Nr, SA
//   HDR*, HASH(3)               -->     (3)
//                               <--     (4)  HDR*, HASH(4), SEQ, KD
//
// HASH(1) = prf(SKEYID_a, M-ID | Ni | ID)        HASH(2) = prf(SKEYID_a, M-ID | Ni_b | Nr | SA)
// HASH(3) = prf(SKEYID_a, M-ID | Ni_b | Nr_b)    HASH(4) = prf(SKEYID_a, M-ID | Ni_b | Nr_b | SEQ | KD)
// where the unsubscripted parts are whole payloads (generic headers included) as sent.
import { prf } from '../crypto/hash.ts';
import { encodePayload, encodePayloads } from '../wire/message.ts';
import type { DecodedChain, IdData, IdPayload, KdPayload, Payload, SaGdoiPayload } from '../wire/types.ts';
import { ExchangeType, NotifyType } from '../wire/registry.ts';
import { first, indexOfType } from '../wire/pick.ts';
import { Phase2IvChain, openUnder, sealEncodedUnder, sealUnder, type Phase1Sa } from './phase1-sa.ts';
import { cipherInfo } from '../crypto/cipher.ts';
import type { RetransmitCache } from './retransmit-cache.ts';
import { notifyPayload, protectedInformational } from './informational.ts';
import { policyToKd, policyToSa } from '../policy/sa-kd.ts';
import { remainingSec, type GroupPolicy } from '../policy/group-policy.ts';
import type { Clock, Random } from '../time/clock.ts';
import { AuthError, GdoiError, StateError, VerifyError } from '../errors.ts';

const NONCE_LEN = 16;

function midBytes(mid: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32BE(mid >>> 0); return b; }

/** prf(SKEYID_a, M-ID | parts...) */
export function pullHash(sa: Phase1Sa, mid: number, ...parts: Buffer[]): Buffer {
  return prf(sa.proposal.hash, sa.keys.skeyidA, midBytes(mid), ...parts);
}

export interface PullFailure { code: string; message: string; notify?: number }
export interface PullStep {
  reply?: Buffer;
  failure?: PullFailure;
  duplicate?: boolean;
}

/** Splits a decrypted PULL message into its leading HASH and the bytes the hash covers. */
function hashed(chain: DecodedChain): { hash: Buffer; covered: Buffer; payloads: Payload[]; raw: Buffer[] } {
  const [h, ...payloads] = chain.payloads;
  if (!h || h.type !== 8 || !('data' in h)) throw new VerifyError('NO_HASH', 'GROUPKEY-PULL message must start with HASH');
  return { hash: h.data, covered: Buffer.concat(chain.raw.slice(1)), payloads, raw: chain.raw.slice(1) };
}

function checkHash(got: Buffer, want: Buffer): void {
  if (got.length !== want.length || !got.equals(want)) throw new AuthError('BAD_HASH', 'GROUPKEY-PULL HASH does not verify');
}

abstract class PullBase {
  protected iv: Buffer;
  protected lastReceived?: Buffer;
  lastSent?: Buffer;
  protected blockSize: number;
  constructor(readonly sa: Phase1Sa, readonly messageId: number) {
    this.iv = new Phase2IvChain(sa, messageId).current;
    this.blockSize = cipherInfo(sa.proposal.cipher).blockSize;
  }
  protected seal(payloads: Payload[]): Buffer {
    const out = sealUnder(this.sa, this.iv, ExchangeType.GROUPKEY_PULL, this.messageId, payloads);
    this.iv = out.nextIv;
    this.lastSent = out.bytes;
    return out.bytes;
  }
  /** Seals HASH followed by `tail`, a chain already encoded for the hash (first payload type
   *  `tailType`): the bytes the hash covers are encoded once, not again for the message. */
  protected sealHashed(hash: Buffer, tailType: number, tail: Buffer): Buffer {
    const body = Buffer.concat([encodePayload({ type: 8, data: hash }, tailType), tail]);
    const out = sealEncodedUnder(this.sa, this.iv, ExchangeType.GROUPKEY_PULL, this.messageId, 8, body);
    this.iv = out.nextIv;
    this.lastSent = out.bytes;
    return out.bytes;
  }
  protected open(bytes: Buffer): DecodedChain {
    const out = openUnder(this.sa, this.iv, bytes);
    if (out.header.messageId !== this.messageId || out.header.exchange !== ExchangeType.GROUPKEY_PULL) throw new VerifyError('BAD_MESSAGE_ID', 'not this exchange');
    this.iv = out.nextIv;
    return out.chain;
  }
  /** See MainModeResponder.retransmitCache. */
  retransmitCache(): RetransmitCache | undefined {
    return this.lastReceived ? { last: this.lastReceived, reply: this.lastSent } : undefined;
  }

  protected dup(bytes: Buffer): PullStep | undefined {
    if (this.lastReceived && this.lastSent && bytes.equals(this.lastReceived)) return { reply: this.lastSent, duplicate: true };
    return undefined;
  }
  protected failure(e: unknown, notify?: number): PullFailure {
    const err = e instanceof GdoiError ? e : new GdoiError('INTERNAL', String((e as Error)?.message ?? e));
    return { code: err.code, message: err.message, notify: notify ?? (err instanceof AuthError ? NotifyType.INVALID_HASH_INFORMATION : NotifyType.PAYLOAD_MALFORMED) };
  }
}

/** The policy a GM received: SA (KEK + TEKs), SEQ and KD, ready for policyFromSaKd(). */
export interface PulledPolicy { sa: SaGdoiPayload; seq: number; kd: KdPayload }

export class GroupkeyPullInitiator extends PullBase {
  state: 'INIT' | 'WAIT_2' | 'WAIT_4' | 'DONE' | 'FAILED' = 'INIT';
  private ni: Buffer = Buffer.alloc(0);
  private niB: Buffer = Buffer.alloc(0);
  private nrB: Buffer = Buffer.alloc(0);
  private saPayload?: SaGdoiPayload;
  result?: PulledPolicy;

  constructor(sa: Phase1Sa, private readonly groupId: IdData, private readonly random: Random) {
    super(sa, random.bytes(4).readUInt32BE(0) || 1);
  }

  start(): Buffer {
    if (this.state !== 'INIT') throw new StateError('BAD_STATE', 'already started');
    this.niB = this.random.bytes(NONCE_LEN);
    const id: IdPayload = { type: 5, idType: this.groupId.idType, data: this.groupId.data, protocol: 0, port: 0 };
    const body = encodePayloads([{ type: 10, data: this.niB }, id]);
    this.state = 'WAIT_2';
    return this.sealHashed(pullHash(this.sa, this.messageId, body), 10, body);
  }

  process(bytes: Buffer): PullStep {
    const d = this.dup(bytes);
    if (d) return d;
    if (this.state !== 'WAIT_2' && this.state !== 'WAIT_4') return {};
    try {
      const chain = this.open(bytes);
      this.lastReceived = bytes;
      return this.state === 'WAIT_2' ? this.onMessage2(chain) : this.onMessage4(chain);
    } catch (e) {
      this.state = 'FAILED';
      return { failure: this.failure(e) };
    }
  }

  private onMessage2(chain: DecodedChain): PullStep {
    const m = hashed(chain);
    const nr = first(m.payloads, 10);
    const sa = first(m.payloads, 1);
    if (!nr || !sa || sa.form !== 'gdoi') throw new VerifyError('MISSING_PAYLOAD', 'message 2 needs NONCE and a GDOI SA');
    checkHash(m.hash, pullHash(this.sa, this.messageId, this.niB, m.covered));
    this.nrB = nr.data;
    this.saPayload = sa;
    this.state = 'WAIT_4';
    return { reply: this.seal([{ type: 8, data: pullHash(this.sa, this.messageId, this.niB, this.nrB) }]) };
  }

  private onMessage4(chain: DecodedChain): PullStep {
    const m = hashed(chain);
    checkHash(m.hash, pullHash(this.sa, this.messageId, this.niB, this.nrB, m.covered));
    const seq = first(m.payloads, 18);
    const kd = first(m.payloads, 17);
    if (!kd) throw new VerifyError('MISSING_PAYLOAD', 'message 4 needs a KD payload');
    this.result = { sa: this.saPayload!, seq: seq?.seq ?? 0, kd };
    this.state = 'DONE';
    return {};
  }
}

/** KS hooks: resolve the group a GM asks for, or refuse it. */
export type GroupLookup = (groupId: IdPayload, sa: Phase1Sa) =>
  | { ok: true; policy: GroupPolicy }
  | { ok: false; notify: number; reason: string };

export class GroupkeyPullResponder extends PullBase {
  state: 'INIT' | 'WAIT_3' | 'DONE' | 'FAILED' = 'INIT';
  private niB: Buffer = Buffer.alloc(0);
  private nrB: Buffer = Buffer.alloc(0);
  private policy?: GroupPolicy;
  groupId?: IdPayload;
  /** Set when the GM finished registration (message 4 sent). */
  registered?: GroupPolicy;

  constructor(sa: Phase1Sa, messageId: number, private readonly lookup: GroupLookup, private readonly random: Random, private readonly clock: Clock) {
    super(sa, messageId);
  }

  process(bytes: Buffer): PullStep {
    const d = this.dup(bytes);
    if (d) return d;
    if (this.state !== 'INIT' && this.state !== 'WAIT_3') return {};
    try {
      const chain = this.open(bytes);
      this.lastReceived = bytes;
      return this.state === 'INIT' ? this.onMessage1(chain) : this.onMessage3(chain);
    } catch (e) {
      this.state = 'FAILED';
      const failure = this.failure(e);
      return { failure };
    }
  }

  private refuse(notify: number, code: string, message: string, data?: Buffer): PullStep {
    this.state = 'FAILED';
    const reply = protectedInformational(this.sa, this.random, notifyPayload(notify, { data }));
    return { reply, failure: { code, message, notify } };
  }

  private onMessage1(chain: DecodedChain): PullStep {
    const m = hashed(chain);
    checkHash(m.hash, pullHash(this.sa, this.messageId, m.covered));
    if (indexOfType(m.payloads, 1) >= 0) {
      // An IPsec quick mode (same exchange number 32, DOI 1 SA): not part of GDOI.
      return this.refuse(NotifyType.NO_PROPOSAL_CHOSEN, 'QUICK_MODE', 'IPsec quick mode is not supported; only GDOI runs under this SA');
    }
    const ni = first(m.payloads, 10);
    const id = first(m.payloads, 5);
    if (!ni || !id) throw new VerifyError('MISSING_PAYLOAD', 'message 1 needs NONCE and ID');
    this.groupId = id;
    const found = this.lookup(id, this.sa);
    if (!found.ok) return this.refuse(found.notify, found.notify === NotifyType.INVALID_GROUP_ID ? 'INVALID_GROUP_ID' : 'UNAUTHORIZED', found.reason, Buffer.from(id.data));
    this.policy = found.policy;
    this.niB = ni.data;
    this.nrB = this.random.bytes(NONCE_LEN);
    const body = Buffer.concat([encodePayload({ type: 10, data: this.nrB }, 1), encodedSa(this.policy, this.clock.now())]);
    this.state = 'WAIT_3';
    return { reply: this.sealHashed(pullHash(this.sa, this.messageId, this.niB, body), 10, body) };
  }

  private onMessage3(chain: DecodedChain): PullStep {
    const m = hashed(chain);
    checkHash(m.hash, pullHash(this.sa, this.messageId, this.niB, this.nrB, m.covered));
    const p = this.policy!;
    const body = encodedSeqKd(p);
    this.state = 'DONE';
    this.registered = p;
    return { reply: this.sealHashed(pullHash(this.sa, this.messageId, this.niB, this.nrB, body), 18, body) };
  }
}

/*
 * What the KS sends every GM of a group alike is encoded once, not per registration: message
 * 2's SA payload (generic header included, last in its chain) per policy and lifetime second,
 * and message 4's SEQ + KD chain per policy. Both caches are keyed by the policy object, which
 * the KS replaces on every change (ks-group.ts, rekey.ts) and never mutates.
 */
const seqKdCache = new WeakMap<GroupPolicy, Buffer>();
function encodedSeqKd(policy: GroupPolicy): Buffer {
  let bytes = seqKdCache.get(policy);
  if (bytes === undefined) {
    bytes = encodePayloads([{ type: 18, seq: policy.seq }, policyToKd(policy)]);
    seqKdCache.set(policy, bytes);
  }
  return bytes;
}

const saCache = new WeakMap<GroupPolicy, { lifetimes: string; bytes: Buffer }>();
function encodedSa(policy: GroupPolicy, now: number): Buffer {
  const lifetimes = [policy.kek, ...policy.teks].map((k) => (k ? remainingSec(k.expiresAt, now) : -1)).join(',');
  const hit = saCache.get(policy);
  if (hit && hit.lifetimes === lifetimes) return hit.bytes;
  const bytes = encodePayload(policyToSa(policy, now), 0);
  saCache.set(policy, { lifetimes, bytes });
  return bytes;
}
