// The GM's installed group SAs: the KEK (for rekeys) and the TEKs (for traffic), with expiry.
// Old TEKs stay installed until they age out, as IOS keeps both across a rekey.
import type { GroupPolicy, KekPolicy, TekPolicy } from '../shared/policy/group-policy.ts';

export interface InstalledTek extends TekPolicy { installedAt: number; ks: string }

export class SaTable {
  kek?: KekPolicy;
  /** A KEK that a rekey replaced: PUSHes encrypted under it are still accepted until it expires. */
  previousKek?: KekPolicy;
  teks: InstalledTek[] = [];
  seq = 0;
  groupName = '';
  groupId = 0;

  install(p: GroupPolicy, ks: string, now: number, opts: { resetSeq: boolean }): void {
    this.groupName = p.groupName;
    this.groupId = p.groupId;
    if (p.kek && (!this.kek || !this.kek.spi.equals(p.kek.spi))) {
      this.previousKek = this.kek;
      this.kek = p.kek;
    }
    for (const t of p.teks) {
      if (!this.teks.some((x) => x.spi === t.spi)) this.teks.push({ ...t, installedAt: now, ks });
    }
    if (opts.resetSeq || p.seq > this.seq) this.seq = p.seq;
  }

  /** Drops SAs whose lifetime ran out; returns how many went. */
  age(now: number): number {
    const before = this.teks.length;
    this.teks = this.teks.filter((t) => t.expiresAt > now);
    if (this.previousKek && this.previousKek.expiresAt <= now) this.previousKek = undefined;
    if (this.kek && this.kek.expiresAt <= now) this.kek = undefined;
    return before - this.teks.length;
  }

  clear(): void { this.kek = undefined; this.previousKek = undefined; this.teks = []; }

  kekBySpi(spi: Buffer): KekPolicy | undefined {
    if (this.kek?.spi.equals(spi)) return this.kek;
    if (this.previousKek?.spi.equals(spi)) return this.previousKek;
    return undefined;
  }

  /** The TEK used for sending: the newest one (IOS switches to the new TEK once installed). */
  activeTeks(): InstalledTek[] {
    // Per traffic policy (selector set) the latest installed TEK; within one install (a
    // registration during a rollover carries the outgoing TEK too) the one with most life left.
    const best = new Map<string, InstalledTek>();
    for (const t of this.teks) {
      const k = JSON.stringify(t.selectors);
      const b = best.get(k);
      if (!b || t.installedAt > b.installedAt || (t.installedAt === b.installedAt && t.expiresAt > b.expiresAt)) best.set(k, t);
    }
    return [...best.values()];
  }

  snapshot(): { kekSpi?: string; tekSpis: number[]; seq: number } {
    return { kekSpi: this.kek?.spi.toString('hex'), tekSpis: this.teks.map((t) => t.spi), seq: this.seq };
  }
}
