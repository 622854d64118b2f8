// How long old TEKs live on after a GM-removal or policy-replace rekey (the "transient" SAs),
// and how widely GMs spread their re-registrations after an immediate removal.
// Both are Cisco's documented behaviour (GET VPN GM Removal and Policy Trigger guide).

/** Floor and cap of the shortened lifetime, in seconds. */
export const TEK_SLT_MIN_SEC = 90;
export const TEK_SLT_MAX_SEC = 3600;
/** Shortened lifetime = 5 % of the configured TEK lifetime, within [floor, cap]. */
export const TEK_SLT_PERCENT = 5;
/** After `clear crypto gdoi ks members now`, GMs re-register at a random time within 2 % of the TEK lifetime. */
export const REMOVAL_REREGISTER_PERCENT = 2;

function checkSeconds(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a finite number of seconds >= 0, got ${v}`);
}

/**
 * TEK_SLT = MIN(TEK_RLT, MAX(90 s, MIN(5 % of TEK_CLT, 3600 s))).
 * `remainingSec` = TEK_RLT, `configuredSec` = TEK_CLT. 5 % is rounded down to whole seconds
 * (the wire carries whole seconds); a TEK never gains lifetime, hence the outer MIN.
 */
export function tekShortenedLifetime(remainingSec: number, configuredSec: number): number {
  checkSeconds('remaining lifetime', remainingSec);
  checkSeconds('configured lifetime', configuredSec);
  const share = Math.floor((configuredSec * TEK_SLT_PERCENT) / 100);
  return Math.min(remainingSec, Math.max(TEK_SLT_MIN_SEC, Math.min(share, TEK_SLT_MAX_SEC)));
}

/**
 * The window (seconds) within which each GM picks a uniformly random re-registration delay
 * after an immediate GM removal: 2 % of the configured TEK lifetime, rounded down, at least 1
 * so that a very short lifetime still spreads the load a little.
 */
export function removalReregisterWindow(configuredSec: number): number {
  checkSeconds('configured lifetime', configuredSec);
  return Math.max(1, Math.floor((configuredSec * REMOVAL_REREGISTER_PERCENT) / 100));
}
