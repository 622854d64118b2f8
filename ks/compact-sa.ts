// A KS keeps every member's phase-1 SA for its lifetime (a day by default). The SA's byte
// fields come out of main mode as slices of larger buffers: received datagrams, ciphertexts
// and Node's 8 KiB allocation pool, so one 16-octet IV slice can keep a whole pool chunk alive.
// Measured (bench:register): ~10.8 KB of live heap per stored SA. Copying the fields into one
// exact-size allocation of their own brings that down to the SA's real size.
import type { Phase1Sa } from '../shared/exchanges/phase1-sa.ts';

const EMPTY = Buffer.alloc(0);
/** Identical small objects (the agreed proposal, the peer's version) shared by all SAs. */
const interned = new Map<string, object>();
function intern<T extends object>(k: string, v: T): T {
  const have = interned.get(k);
  if (have) return have as T;
  if (interned.size < 1024) interned.set(k, v);
  return v;
}
const proposalKey = (p: Phase1Sa['proposal']): string => `p:${p.cipher}/${p.hash}/${p.auth}/${p.group}/${p.lifetime}`;
const versionKey = (v: Phase1Sa['peerVersion']): string => `v:${v.major}.${v.minor}.${v.mini}`;

/**
 * The same SA whose Buffers all live in one fresh, unpooled allocation, minus what nothing
 * reads after phase 1: SKEYID, SKEYID_d (quick mode only) and SKEYID_e (the cipher key is
 * kept) and the raw Vendor IDs (the version was read from them).
 */
export function compactSa(sa: Phase1Sa): Phase1Sa {
  const parts: Buffer[] = [
    sa.icookie, sa.rcookie, sa.phase1LastBlock, sa.peerId.data, sa.keys.skeyidA, sa.keys.encKey,
    ...(sa.peerCertDer ? [sa.peerCertDer] : []),
  ];
  const store = Buffer.allocUnsafeSlow(parts.reduce((n, b) => n + b.length, 0));
  let at = 0;
  const copy = (b: Buffer): Buffer => {
    b.copy(store, at);
    const out = store.subarray(at, at + b.length);
    at += b.length;
    return out;
  };
  const [icookie, rcookie, lastBlock, idData, skeyidA, encKey] = parts.slice(0, 6).map(copy) as Buffer[];
  const certDer = sa.peerCertDer ? copy(sa.peerCertDer) : undefined;
  return {
    ...sa, icookie: icookie!, rcookie: rcookie!, phase1LastBlock: lastBlock!,
    peerId: { ...sa.peerId, data: idData! },
    keys: { skeyid: EMPTY, skeyidD: EMPTY, skeyidA: skeyidA!, skeyidE: EMPTY, encKey: encKey! },
    proposal: intern(proposalKey(sa.proposal), sa.proposal), peerVersion: intern(versionKey(sa.peerVersion), sa.peerVersion),
    peerVendorIds: [], peerCertDer: certDer,
  };
}
