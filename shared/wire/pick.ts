// Typed payload lookup. (UnknownPayload's `type: number` defeats plain narrowing, and an
// unknown payload never has a known type number, so the cast below is sound.)
import type { Payload } from './types.ts';

export type PayloadOf<T extends number> = Extract<Payload, { type: T }> & { unknown?: undefined };

function known(p: Payload): boolean { return !('unknown' in p && p.unknown === true); }

export function first<T extends number>(ps: readonly Payload[], type: T): PayloadOf<T> | undefined {
  return ps.find((p) => p.type === type && known(p)) as PayloadOf<T> | undefined;
}
export function all<T extends number>(ps: readonly Payload[], type: T): PayloadOf<T>[] {
  return ps.filter((p) => p.type === type && known(p)) as PayloadOf<T>[];
}
export function indexOfType(ps: readonly Payload[], type: number): number {
  return ps.findIndex((p) => p.type === type && known(p));
}
