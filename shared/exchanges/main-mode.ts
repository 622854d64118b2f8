// IKEv1 main mode (RFC 2409 §5), both roles, as explicit state machines. Pure: bytes in,
// bytes out; clock, random source and DH factory are injected. The daemon owns sockets,
// timers (retransmits) and the half-open limits, which it checks before calling process().
//
//   Initiator                                Responder
//   HDR, SA, VID                 -->   (1)
//                                <--   (2)   HDR, SA, VID
//   HDR, KE, Ni [, CERTREQ]      -->   (3)
//                                <--   (4)   HDR, KE, Nr [, CERTREQ]
//   HDR*, IDii, [CERT,] SIG|HASH -->   (5)
//                                <--   (6)   HDR*, IDir, [CERT,] SIG|HASH
import type { RetransmitCache } from './retransmit-cache.ts';
import { dhExchange, generateDh, type DhKeyPair, type DhGroupId } from '../crypto/dh.ts';
import { derivePhase1Keys, authHash, phase1Iv, type Phase1Keys } from '../crypto/ike-keys.ts';
import { cipherInfo } from '../crypto/cipher.ts';
import { decodeMessage, encodeMessage, encodePayload } from '../wire/message.ts';
import type { DecodedChain, IdPayload, KePayload, NoncePayload, Payload, SaProposalsPayload, VendorIdPayload, IsakmpHeader } from '../wire/types.ts';
import { CertEncoding, Doi, ExchangeType, Flag, ISAKMP_VERSION, NotifyType } from '../wire/registry.ts';
import { buildProposal, matchProposal, transformToProposal, type Phase1Proposal } from './phase1-policy.ts';
import { authPayloads, localIdPayload, verifyPeerAuth, type Phase1Credentials } from './phase1-auth.ts';
import { openMessage, sealMessage, type Phase1Sa } from './phase1-sa.ts';
import { peerVersionFromVids } from '../policy/version.ts';
import { all, first, indexOfType } from '../wire/pick.ts';
import type { Clock, Random } from '../time/clock.ts';
import type { GetvpnVersion } from '../policy/version.ts';
import { encodeVersionVid } from '../policy/version.ts';
import { AuthError, GdoiError, PolicyError, StateError, VerifyError } from '../errors.ts';

export interface MainModeConfig {
  policies: Phase1Proposal[];          // local ISAKMP policies in priority order
  credentials: Phase1Credentials;
  localAddress: string;
  /** DOI in our phase-1 SA as initiator (RFC 6407 asks for GDOI = 2; 1 lets Wireshark decrypt). */
  doi: 1 | 2;
  version: GetvpnVersion;
  features: number;
  clock: Clock;
  random: Random;
  /** Test hook: pinned DH keys. */
  dh?: (group: DhGroupId) => DhKeyPair;
  nonceLength?: number;
}

export type MainModeState = 'INIT' | 'SA_SENT' | 'KE_SENT' | 'AUTH_SENT' | 'ESTABLISHED' | 'FAILED';

/** What process() produced: a reply to send, an SA when established, or a failure to log. */
export interface MainModeStep {
  reply?: Buffer;
  sa?: Phase1Sa;
  failure?: {
    code: string; message: string; notify?: number; mnemonic: 'IKMP_BAD_MESSAGE' | 'IKMP_AUTH_FAIL' | 'IKMP_NO_PROPOSAL' | 'IKMP_INVAL_CERT' | 'IKMP_NO_KEY';
    /** Negotiated auth method, once chosen (the IKMP_AUTH_FAIL line names it). */
    auth?: 'psk' | 'sig';
  };
  duplicate?: boolean;
}

const SIT_IDENTITY_ONLY = 1;
const EMPTY = Buffer.alloc(0);
const ZERO_COOKIE = Buffer.alloc(8);
const NONCE_LEN = 32;

/** Shared machinery of both roles. */
abstract class MainModeBase {
  state: MainModeState = 'INIT';
  // Placeholders until the exchange fills them (shared: never written to, only replaced).
  icookie: Buffer = ZERO_COOKIE;
  rcookie: Buffer = ZERO_COOKIE;
  protected agreed?: Phase1Proposal;
  protected saiBody: Buffer = EMPTY;
  protected dh?: DhKeyPair;
  protected ni: Buffer = EMPTY;
  protected nr: Buffer = EMPTY;
  protected gxi: Buffer = EMPTY;
  protected gxr: Buffer = EMPTY;
  protected keys?: Phase1Keys;
  protected iv: Buffer = EMPTY;
  protected peerVids: Buffer[] = [];
  lastSent?: Buffer;
  private lastReceived?: Buffer;
  /** Our answer to lastReceived (none when it completed the exchange as initiator). */
  private replyToLast?: Buffer;
  /** Earlier accepted datagrams: late copies of them are stale retransmits, not errors. */
  private readonly earlier: Buffer[] = [];
  readonly startedAt: number;

  constructor(protected readonly cfg: MainModeConfig, readonly peerAddress: string, readonly peerPort: number) {
    this.startedAt = cfg.clock.now();
  }

  get done(): boolean { return this.state === 'ESTABLISHED' || this.state === 'FAILED'; }

  /**
   * What a finished exchange must keep to answer a retransmit: the last message received and our
   * answer to it (a server keeps only this, not the whole exchange, for its retransmit window).
   */
  retransmitCache(): RetransmitCache | undefined {
    return this.lastReceived ? { last: this.lastReceived, reply: this.replyToLast } : undefined;
  }

  /** Entry point for every datagram of this exchange; never throws. */
  process(bytes: Buffer): MainModeStep {
    if (this.lastReceived && bytes.equals(this.lastReceived)) {
      // Peer retransmitted (our answer was lost): resend it from the cache, do no work.
      return this.replyToLast ? { reply: this.replyToLast, duplicate: true } : { duplicate: true };
    }
    // A delayed copy of an older message: the peer has moved on, so neither answer nor fail.
    if (this.earlier.some((b) => b.equals(bytes))) return { duplicate: true };
    if (this.state === 'FAILED') return {};
    try {
      const step = this.step(bytes);
      if (this.lastReceived) this.earlier.push(this.lastReceived);
      this.lastReceived = bytes;
      this.replyToLast = step.reply;
      if (step.reply) this.lastSent = step.reply;
      return step;
    } catch (e) {
      return this.fail(e);
    }
  }

  protected abstract step(bytes: Buffer): MainModeStep;

  protected fail(e: unknown): MainModeStep {
    const err = e instanceof GdoiError ? e : new GdoiError('INTERNAL', String((e as Error)?.message ?? e));
    // A decode or auth failure during the negotiation tears it down, as IOS does. An
    // established SA stays: a stray datagram with its (public) cookies proves nothing.
    if (this.state !== 'ESTABLISHED') this.state = 'FAILED';
    let notify: number | undefined;
    let mnemonic: NonNullable<MainModeStep['failure']>['mnemonic'] = 'IKMP_BAD_MESSAGE';
    if (err instanceof PolicyError) { notify = NotifyType.NO_PROPOSAL_CHOSEN; mnemonic = 'IKMP_NO_PROPOSAL'; }
    else if (err instanceof AuthError) {
      const cert = err.code === 'BAD_CERT' || err.code === 'NO_CERT';
      notify = cert ? NotifyType.INVALID_CERTIFICATE : NotifyType.AUTHENTICATION_FAILED;
      mnemonic = cert ? 'IKMP_INVAL_CERT' : err.code === 'NO_PSK' ? 'IKMP_NO_KEY' : 'IKMP_AUTH_FAIL';
    } else if (err.code === 'BAD_ID') notify = NotifyType.INVALID_ID_INFORMATION;
    else notify = NotifyType.PAYLOAD_MALFORMED;
    return { failure: { code: err.code, message: err.message, notify, mnemonic, auth: this.agreed?.auth } };
  }

  protected header(next: Partial<IsakmpHeader> = {}): Omit<IsakmpHeader, 'nextPayload' | 'length'> {
    return { icookie: this.icookie, rcookie: this.rcookie, version: ISAKMP_VERSION, exchange: ExchangeType.MAIN_MODE, flags: 0, messageId: 0, ...next };
  }

  protected vid(): VendorIdPayload { return { type: 13, data: encodeVersionVid(this.cfg.version, this.cfg.features) }; }

  protected newDh(group: DhGroupId): DhKeyPair { return this.cfg.dh ? this.cfg.dh(group) : generateDh(group); }

  protected decodePlain(bytes: Buffer, expectCookies: boolean): { header: IsakmpHeader; chain: DecodedChain } {
    const msg = decodeMessage(bytes);
    if (msg.header.exchange !== ExchangeType.MAIN_MODE) throw new VerifyError('BAD_EXCHANGE', 'not a main-mode message');
    if (expectCookies) this.checkCookies(msg.header);
    if (!msg.chain) throw new VerifyError('UNEXPECTED_ENCRYPTION', 'message must not be encrypted at this stage');
    return { header: msg.header, chain: msg.chain };
  }

  protected checkCookies(h: IsakmpHeader): void {
    if (!h.icookie.equals(this.icookie) || !h.rcookie.equals(this.rcookie)) throw new VerifyError('BAD_COOKIE', 'cookies do not match this exchange');
  }

  protected takeKeNonce(chain: DecodedChain): { ke: Buffer; nonce: Buffer } {
    const ke = first(chain.payloads, 4);
    const nonce = first(chain.payloads, 10);
    if (!ke || !nonce) throw new VerifyError('MISSING_PAYLOAD', 'KE and NONCE payloads required');
    if (nonce.data.length < 8 || nonce.data.length > 256) throw new VerifyError('BAD_NONCE', 'nonce length must be 8..256 (RFC 2409 §5)');
    return { ke: ke.data, nonce: nonce.data };
  }

  protected deriveKeys(gxy: Buffer): void {
    const a = this.agreed!;
    const psk = a.auth === 'psk' ? this.cfg.credentials.psk(this.peerAddress) : undefined;
    if (a.auth === 'psk' && !psk) throw new AuthError('NO_PSK', `no pre-shared key for peer ${this.peerAddress}`);
    this.keys = derivePhase1Keys({ hash: a.hash, auth: a.auth, psk, ni: this.ni, nr: this.nr, gxy, icookie: this.icookie, rcookie: this.rcookie, cipher: a.cipher });
    this.iv = phase1Iv(a.hash, this.gxi, this.gxr, cipherInfo(a.cipher).blockSize);
  }

  protected certReq(): Payload[] {
    return this.agreed?.auth === 'sig' ? [{ type: 7, encoding: CertEncoding.X509_SIG, authority: Buffer.alloc(0) }] : [];
  }

  protected makeSa(peerId: IdPayload, peerCertDer: Buffer | undefined, lastBlock: Buffer, role: 'initiator' | 'responder'): Phase1Sa {
    const now = this.cfg.clock.now();
    const { version, features } = peerVersionFromVids(this.peerVids);
    return {
      icookie: this.icookie, rcookie: this.rcookie, role, proposal: this.agreed!, keys: this.keys!, phase1LastBlock: lastBlock,
      peerAddress: this.peerAddress, peerPort: this.peerPort, peerId, peerCertDer, peerVersion: version, peerFeatures: features,
      peerVendorIds: this.peerVids, establishedAt: now, expiresAt: now + this.agreed!.lifetime * 1000,
    };
  }

  protected verifyAuthMessage(chain: DecodedChain, gxMine: Buffer, gxPeer: Buffer, ckyPeer: Buffer, ckyMine: Buffer): { id: IdPayload; cert?: Buffer } {
    const idIndex = indexOfType(chain.payloads, 5);
    if (idIndex < 0) throw new VerifyError('BAD_ID', 'ID payload missing');
    const id = chain.payloads[idIndex] as IdPayload;
    const idBody = chain.raw[idIndex]!.subarray(4);
    // The peer's hash is computed from the peer's point of view: its own values first.
    const expected = authHash(this.agreed!.hash, this.keys!.skeyid, gxPeer, gxMine, ckyPeer, ckyMine, this.saiBody, idBody);
    const cert = verifyPeerAuth(this.agreed!.auth, this.cfg.credentials, chain.payloads, expected, new Date(this.cfg.clock.now()));
    return { id, cert };
  }

  protected buildAuthMessage(gxMine: Buffer, gxPeer: Buffer, ckyMine: Buffer, ckyPeer: Buffer): { payloads: Payload[] } {
    const id = localIdPayload(this.cfg.credentials, this.cfg.localAddress);
    const idBody = encodePayload(id, 0).subarray(4);
    const h = authHash(this.agreed!.hash, this.keys!.skeyid, gxMine, gxPeer, ckyMine, ckyPeer, this.saiBody, idBody);
    return { payloads: [id, ...authPayloads(this.agreed!.auth, this.cfg.credentials, h)] };
  }

  /** Keys for the Wireshark IKEv1 decryption table (opt-in key log only). */
  keyLogEntry(): { icookie: string; encKey: string } | undefined {
    return this.keys ? { icookie: this.icookie.toString('hex'), encKey: this.keys.encKey.toString('hex') } : undefined;
  }
}

export class MainModeInitiator extends MainModeBase {
  /** Message 1: our SA proposal (one transform per policy) and version VID. */
  start(): Buffer {
    if (this.state !== 'INIT') throw new StateError('BAD_STATE', 'already started');
    this.icookie = this.cfg.random.bytes(8);
    const sa: SaProposalsPayload = {
      type: 1, form: 'proposals', doi: this.cfg.doi, situation: this.cfg.doi === Doi.IPSEC ? SIT_IDENTITY_ONLY : 0,
      proposals: [buildProposal(this.cfg.policies)],
    };
    this.saiBody = encodePayload(sa, 0).subarray(4);
    this.state = 'SA_SENT';
    const msg1 = encodeMessage(this.header(), [sa, this.vid()]);
    this.lastSent = msg1;
    return msg1;
  }

  protected step(bytes: Buffer): MainModeStep {
    switch (this.state) {
      case 'SA_SENT': return this.onMessage2(bytes);
      case 'KE_SENT': return this.onMessage4(bytes);
      case 'AUTH_SENT': return this.onMessage6(bytes);
      default: throw new StateError('BAD_STATE', `unexpected message in state ${this.state}`);
    }
  }

  private onMessage2(bytes: Buffer): MainModeStep {
    const msg = decodeMessage(bytes);
    if (!msg.header.icookie.equals(this.icookie) || msg.header.rcookie.equals(ZERO_COOKIE)) throw new VerifyError('BAD_COOKIE', 'bad cookies in message 2');
    if (!msg.chain) throw new VerifyError('UNEXPECTED_ENCRYPTION', 'message 2 must not be encrypted');
    this.rcookie = msg.header.rcookie;
    const sa0 = first(msg.chain.payloads, 1);
    const sa = sa0?.form === 'proposals' ? sa0 : undefined;
    const t = sa?.proposals[0]?.transforms;
    if (!sa || sa.proposals.length !== 1 || !t || t.length !== 1) throw new PolicyError('BAD_PROPOSAL', 'responder must choose exactly one transform');
    const chosen = transformToProposal(t[0]!);
    const mine = chosen && this.cfg.policies.find((p) => p.cipher === chosen.cipher && p.hash === chosen.hash && p.auth === chosen.auth && p.group === chosen.group);
    if (!chosen || !mine) throw new PolicyError('NOT_OFFERED', 'responder chose a transform we did not offer');
    this.agreed = { ...chosen, lifetime: Math.min(chosen.lifetime, mine.lifetime) };
    this.peerVids = all(msg.chain.payloads, 13).map((v) => v.data);
    this.dh = this.newDh(this.agreed.group);
    this.gxi = this.dh.publicValue;
    this.ni = this.cfg.random.bytes(this.cfg.nonceLength ?? NONCE_LEN);
    this.state = 'KE_SENT';
    return { reply: encodeMessage(this.header(), [{ type: 4, data: this.gxi }, { type: 10, data: this.ni }, ...this.certReq()]) };
  }

  private onMessage4(bytes: Buffer): MainModeStep {
    const { chain } = this.decodePlain(bytes, true);
    const { ke, nonce } = this.takeKeNonce(chain);
    this.gxr = ke;
    this.nr = nonce;
    const gxy = this.dh!.computeSecret(ke);
    this.dh = undefined;   // the private key is not needed again; let its native memory go
    this.deriveKeys(gxy);
    const { payloads } = this.buildAuthMessage(this.gxi, this.gxr, this.icookie, this.rcookie);
    const sealed = sealMessage(this.agreed!.cipher, this.keys!.encKey, this.iv, { icookie: this.icookie, rcookie: this.rcookie, exchange: ExchangeType.MAIN_MODE, messageId: 0 }, payloads);
    this.iv = sealed.nextIv;
    this.state = 'AUTH_SENT';
    return { reply: sealed.bytes };
  }

  private onMessage6(bytes: Buffer): MainModeStep {
    const opened = openMessage(this.agreed!.cipher, this.keys!.encKey, this.iv, bytes);
    this.checkCookies(opened.header);
    if (opened.header.exchange !== ExchangeType.MAIN_MODE) throw new VerifyError('BAD_EXCHANGE', 'not a main-mode message');
    const { id, cert } = this.verifyAuthMessage(opened.chain, this.gxi, this.gxr, this.rcookie, this.icookie);
    this.state = 'ESTABLISHED';
    return { sa: this.makeSa(id, cert, opened.nextIv, 'initiator') };
  }
}

export class MainModeResponder extends MainModeBase {
  protected step(bytes: Buffer): MainModeStep {
    switch (this.state) {
      case 'INIT': return this.onMessage1(bytes);
      case 'SA_SENT': return this.onMessage3(bytes);
      case 'KE_SENT': return this.onMessage5(bytes);
      default: throw new StateError('BAD_STATE', `unexpected message in state ${this.state}`);
    }
  }

  private onMessage1(bytes: Buffer): MainModeStep {
    const msg = decodeMessage(bytes);
    this.icookie = msg.header.icookie;
    if (!msg.chain || msg.header.exchange !== ExchangeType.MAIN_MODE || msg.header.messageId !== 0) throw new VerifyError('BAD_MESSAGE', 'not a main-mode initiation');
    const saIndex = indexOfType(msg.chain.payloads, 1);
    const sa = msg.chain.payloads[saIndex] as SaProposalsPayload | undefined;
    if (!sa || sa.form !== 'proposals' || (sa.doi !== Doi.IPSEC && sa.doi !== Doi.GDOI)) throw new PolicyError('BAD_SA', 'main mode needs an SA payload with DOI 1 or 2');
    const prop = sa.proposals[0];
    if (!prop || sa.proposals.length !== 1) throw new PolicyError('BAD_SA', 'exactly one ISAKMP proposal expected');
    const match = matchProposal(this.cfg.policies, prop.transforms);
    if (!match) throw new PolicyError('NO_PROPOSAL', 'no offered transform matches a local ISAKMP policy');
    this.agreed = match.agreed;
    this.saiBody = msg.chain.raw[saIndex]!.subarray(4);
    this.peerVids = all(msg.chain.payloads, 13).map((v) => v.data);
    this.rcookie = this.cfg.random.bytes(8);
    const reply: SaProposalsPayload = { type: 1, form: 'proposals', doi: sa.doi, situation: sa.situation, proposals: [{ ...prop, transforms: [match.transform] }] };
    this.state = 'SA_SENT';
    return { reply: encodeMessage(this.header(), [reply, this.vid()]) };
  }

  private onMessage3(bytes: Buffer): MainModeStep {
    const { chain } = this.decodePlain(bytes, true);
    const { ke, nonce } = this.takeKeNonce(chain);
    this.gxi = ke;
    this.ni = nonce;
    const group = this.agreed!.group;
    let gxy: Buffer;
    if (this.cfg.dh) {
      const pair = this.cfg.dh(group);
      this.gxr = pair.publicValue;
      gxy = pair.computeSecret(ke);
    } else {
      ({ publicValue: this.gxr, secret: gxy } = dhExchange(group, ke));
    }
    this.nr = this.cfg.random.bytes(this.cfg.nonceLength ?? NONCE_LEN);
    this.deriveKeys(gxy);
    this.state = 'KE_SENT';
    return { reply: encodeMessage(this.header(), [{ type: 4, data: this.gxr }, { type: 10, data: this.nr }, ...this.certReq()]) };
  }

  private onMessage5(bytes: Buffer): MainModeStep {
    let opened;
    try {
      opened = openMessage(this.agreed!.cipher, this.keys!.encKey, this.iv, bytes);
    } catch (e) {
      // With a wrong pre-shared key message 5 decrypts to garbage: IOS reports it as malformed.
      if (e instanceof GdoiError) throw new AuthError(this.agreed!.auth === 'psk' ? 'BAD_PSK' : e.code, `message 5 failed to decrypt or parse (${this.agreed!.auth === 'psk' ? 'pre-shared key mismatch?' : e.message})`);
      throw e;
    }
    this.checkCookies(opened.header);
    const { id, cert } = this.verifyAuthMessage(opened.chain, this.gxr, this.gxi, this.icookie, this.rcookie);
    const { payloads } = this.buildAuthMessage(this.gxr, this.gxi, this.rcookie, this.icookie);
    const sealed = sealMessage(this.agreed!.cipher, this.keys!.encKey, opened.nextIv, { icookie: this.icookie, rcookie: this.rcookie, exchange: ExchangeType.MAIN_MODE, messageId: 0 }, payloads);
    this.state = 'ESTABLISHED';
    return { reply: sealed.bytes, sa: this.makeSa(id, cert, sealed.nextIv, 'responder') };
  }
}

export { Flag };
