// One keyed timer structure per daemon. A KS with 10,000 GMs has a re-register/retransmit/eject
// timer per member; one native setTimeout each costs too much (style.md §10), so timers live in
// a binary heap and ONE unref'd setTimeout is re-armed to the earliest deadline.
//
// Lazy deletion: set() and cancel() never search the heap. Each key's live timer has a
// generation number; a heap entry whose generation no longer matches is dropped when it
// reaches the top. set/cancel are therefore O(log n) / O(1).
import type { Clock } from './clock.ts';

export interface TimerWheelOptions {
  /** The native timer fires at most this much late, so near deadlines batch. Default 10 ms. */
  resolutionMs?: number;
  /** Called when a timer callback throws. Default: one line on stderr. The wheel keeps going. */
  onError?: (err: unknown, key: string) => void;
}

interface Entry {
  at: number;
  order: number; // insertion order: equal deadlines fire first-set-first
  key: string;
  gen: number;
}

interface Live {
  gen: number;
  at: number;
  fn: () => void;
}

/** setTimeout's delay is a signed 32-bit ms count; longer delays fire at once. */
const MAX_NATIVE_DELAY = 2 ** 31 - 1;

export class TimerWheel {
  private readonly heap: Entry[] = [];
  private readonly live = new Map<string, Live>();
  private order = 0;
  private gen = 0;
  private readonly resolutionMs: number;
  private readonly onError: (err: unknown, key: string) => void;
  private native: NodeJS.Timeout | undefined;
  private nativeAt = Infinity;
  private started = false;

  constructor(private readonly clock: Clock, opts: TimerWheelOptions = {}) {
    this.resolutionMs = Math.max(1, opts.resolutionMs ?? 10);
    this.onError = opts.onError ?? ((err, key) => {
      process.stderr.write(`timer ${key} threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    });
  }

  /** Number of live timers. */
  get size(): number {
    return this.live.size;
  }

  /** Arms `key` to run fn at `at` (ms epoch), replacing any timer already set for key. */
  set(key: string, at: number, fn: () => void): void {
    const gen = ++this.gen;
    this.live.set(key, { gen, at, fn });
    this.push({ at, order: this.order++, key, gen });
    if (this.heap.length > 2 * this.live.size + 64) this.compact();
    if (this.started && at < this.nativeAt) this.arm();
  }

  /** Disarms key; no-op if it is not set. */
  cancel(key: string): void {
    this.live.delete(key);
  }

  has(key: string): boolean {
    return this.live.has(key);
  }

  /** Deadline of key's timer, or undefined if not set. */
  when(key: string): number | undefined {
    return this.live.get(key)?.at;
  }

  /** Earliest live deadline, or undefined if none. */
  nextDue(): number | undefined {
    this.dropStale();
    return this.heap[0]?.at;
  }

  /**
   * Fires every timer due at clock.now(), in deadline order, and returns how many fired.
   * Timers a callback sets while this runs wait for the next run even if already due, so a
   * callback that re-arms itself "now" cannot spin forever.
   */
  runDue(): number {
    const now = this.clock.now();
    const orderAtStart = this.order;
    const deferred: Entry[] = [];
    let fired = 0;
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const e = this.pop();
      const cur = this.live.get(e.key);
      if (!cur || cur.gen !== e.gen) continue; // replaced or cancelled
      if (e.order >= orderAtStart) {
        deferred.push(e);
        continue;
      }
      this.live.delete(e.key);
      fired++;
      try {
        cur.fn();
      } catch (err) {
        this.onError(err, e.key);
      }
    }
    for (const e of deferred) this.push(e);
    return fired;
  }

  /** Drives runDue from ONE real, unref'd setTimeout re-armed to nextDue. */
  start(): void {
    this.started = true;
    this.arm();
  }

  /** Stops the native timer; timers stay set and can be run by runDue or a later start. */
  stop(): void {
    this.started = false;
    this.disarm();
  }

  private arm(): void {
    this.disarm();
    const next = this.nextDue();
    if (next === undefined) return;
    // Round the delay up to the resolution: never early, at most resolutionMs late.
    const delay = Math.max(0, next - this.clock.now());
    const rounded = Math.min(MAX_NATIVE_DELAY, Math.ceil(delay / this.resolutionMs) * this.resolutionMs);
    this.nativeAt = next;
    this.native = setTimeout(() => {
      this.native = undefined;
      this.nativeAt = Infinity;
      this.runDue();
      if (this.started) this.arm();
    }, rounded);
    this.native.unref();
  }

  private disarm(): void {
    if (this.native) clearTimeout(this.native);
    this.native = undefined;
    this.nativeAt = Infinity;
  }

  private dropStale(): void {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (this.live.get(top.key)?.gen === top.gen) return;
      this.pop();
    }
  }

  /** Rebuilds the heap from live timers when stale entries pile up (a key re-set many times). */
  private compact(): void {
    const kept = this.heap.filter((e) => this.live.get(e.key)?.gen === e.gen);
    this.heap.length = 0;
    for (const e of kept) this.heap.push(e);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private push(e: Entry): void {
    this.heap.push(e);
    this.up(this.heap.length - 1);
  }

  private pop(): Entry {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i]!, b = this.heap[j]!;
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }

  private swap(i: number, j: number): void {
    const t = this.heap[i]!;
    this.heap[i] = this.heap[j]!;
    this.heap[j] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
