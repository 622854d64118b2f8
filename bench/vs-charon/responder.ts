// What the measurement loop needs from a responder under test, whichever it is.
import type { Tracked } from './supervisor.ts';

export type DhCase = 14 | 19;

export interface Responder {
  /** 'charon' or 'gdoi-ks'. */
  readonly kind: string;
  /** The responder's own process (its pid is what /proc is read for). */
  readonly proc: Tracked;
  readonly address: string;
  readonly port: number;
  /** DOI the load generator must propose: 1 = IPsec (charon), 2 = GDOI (our KS). */
  readonly doi: 1 | 2;
  /** Version string for the result file. */
  readonly version: string;
  /** Phase-1 SAs the responder itself logged as established between two epoch-ms times, when
   *  it logs them (charon does; read after stop()). A cross-check of the generator's count. */
  establishedBetween?(fromMs: number, toMs: number): number;
  stop(): Promise<void>;
}

export const PSK = 'vs-charon-bench-psk';
/** The responder's address inside its private network namespace, and the IKE port: 500, so
 *  that charon frames nothing with the RFC 3948 non-ESP marker (it does when neither UDP port
 *  is 500); our KS uses the same port for a like-for-like comparison. */
export const RESPONDER_ADDRESS = '127.0.0.1';
export const RESPONDER_PORT = 500;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
