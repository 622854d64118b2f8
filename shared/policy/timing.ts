// When rekeys and re-registrations happen. One place, so KS and GM agree on the order:
// the KS rekeys `lead` seconds before an SA expires; a GM that heard no rekey re-registers
// later than that (20-50% of lead before expiry), spread by jitter across thousands of GMs.
import type { Random } from '../time/clock.ts';

/**
 * Seconds before expiry at which the KS sends the rekey: 10% of the lifetime, 5 s to 5 min.
 * The floor matters for lab lifetimes: lifetimes travel in whole seconds (a GM's idea of the
 * expiry can be up to 1 s early), and a GM's earliest re-registration (half the lead before
 * expiry) must still come well after the KS's rekey, or GMs re-register instead of rekeying.
 */
export function rekeyLeadSec(lifetimeSec: number): number {
  return Math.min(300, Math.max(5, lifetimeSec * 0.1));
}

/** TBAR (`replay time window-size`) forces a TEK rekey every 2 hours (seed 004). */
export const TBAR_REKEY_PERIOD_SEC = 7200;

/** GM: when to re-register if no rekey arrived, as a ms epoch. */
export function reRegisterAt(expiresAt: number, lifetimeSec: number, now: number, rnd: Random): number {
  const lead = rekeyLeadSec(lifetimeSec) * 1000;
  const before = lead * (0.2 + 0.3 * rnd.float());
  return Math.max(now + 1000, expiresAt - before);
}

/** IOS removal-now: GMs re-register after a random delay within 2% of the TEK lifetime (seed 004). */
export function removalNowDelaySec(tekLifetimeSec: number, rnd: Random): number {
  return Math.max(1, Math.floor(rnd.float() * tekLifetimeSec * 0.02));
}
