// When rekeys and re-registrations happen. One place, so KS and GM agree on the order:
// the KS rekeys `lead` seconds before an SA expires; a GM that heard no rekey re-registers
// later than that (20-50% of lead before expiry), spread by jitter across thousands of GMs.
import type { Random } from '../time/clock.ts';

/** Seconds before expiry at which the KS sends the rekey: 10% of the lifetime, 2 s to 5 min. */
export function rekeyLeadSec(lifetimeSec: number): number {
  return Math.min(300, Math.max(2, lifetimeSec * 0.1));
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
