// A KS keeps every member's phase-1 SA for its lifetime (a day by default). The SA's byte
// fields come out of main mode as slices of larger buffers: received datagrams, ciphertexts
// and Node's 8 KiB allocation pool, so one 16-octet IV slice can keep a whole pool chunk alive.
// Measured (bench:register): ~10.8 KB of live heap per stored SA. Copying the fields into one
// exact-size allocation of their own brings that down to the SA's real size.
import type { Phase1Sa } from '../shared/exchanges/phase1-sa.ts';

/** The same SA whose Buffers all live in one fresh, unpooled allocation. */
export function compactSa(sa: Phase1Sa): Phase1Sa {
  const parts: Buffer[] = [
    sa.icookie, sa.rcookie, sa.phase1LastBlock, sa.peerId.data,
    sa.keys.skeyid, sa.keys.skeyidD, sa.keys.skeyidA, sa.keys.skeyidE, sa.keys.encKey,
    ...sa.peerVendorIds, ...(sa.peerCertDer ? [sa.peerCertDer] : []),
  ];
  const store = Buffer.allocUnsafeSlow(parts.reduce((n, b) => n + b.length, 0));
  let at = 0;
  const copy = (b: Buffer): Buffer => {
    b.copy(store, at);
    const out = store.subarray(at, at + b.length);
    at += b.length;
    return out;
  };
  const [icookie, rcookie, lastBlock, idData, skeyid, skeyidD, skeyidA, skeyidE, encKey] = parts.slice(0, 9).map(copy) as Buffer[];
  const vids = sa.peerVendorIds.map(copy);
  const certDer = sa.peerCertDer ? copy(sa.peerCertDer) : undefined;
  return {
    ...sa, icookie: icookie!, rcookie: rcookie!, phase1LastBlock: lastBlock!,
    peerId: { ...sa.peerId, data: idData! },
    keys: { ...sa.keys, skeyid: skeyid!, skeyidD: skeyidD!, skeyidA: skeyidA!, skeyidE: skeyidE!, encKey: encKey! },
    peerVendorIds: vids, peerCertDer: certDer,
  };
}
