import { describe, expect, it } from 'vitest';
import { ManualClock, seededRandom } from '../../../shared/time/clock.ts';
import { TimerWheel } from '../../../shared/time/timer-wheel.ts';

const T0 = 1_700_000_000_000;

function setup() {
  const clock = new ManualClock(T0);
  const errors: [unknown, string][] = [];
  const wheel = new TimerWheel(clock, { onError: (err, key) => errors.push([err, key]) });
  return { clock, wheel, errors };
}

describe('TimerWheel', () => {
  it('fires only due timers, in deadline order, first-set-first on ties', () => {
    const { clock, wheel } = setup();
    const fired: string[] = [];
    wheel.set('c', T0 + 300, () => fired.push('c'));
    wheel.set('a', T0 + 100, () => fired.push('a'));
    wheel.set('b1', T0 + 200, () => fired.push('b1'));
    wheel.set('b2', T0 + 200, () => fired.push('b2'));
    wheel.set('late', T0 + 10_000, () => fired.push('late'));
    expect(wheel.size).toBe(5);
    expect(wheel.nextDue()).toBe(T0 + 100);

    expect(wheel.runDue()).toBe(0);
    clock.advance(99);
    expect(wheel.runDue()).toBe(0);
    clock.advance(1);
    expect(wheel.runDue()).toBe(1);
    clock.advance(500);
    expect(wheel.runDue()).toBe(3);
    expect(fired).toEqual(['a', 'b1', 'b2', 'c']);
    expect(wheel.size).toBe(1);
    expect(wheel.has('a')).toBe(false);
    expect(wheel.nextDue()).toBe(T0 + 10_000);
  });

  it('set on an existing key replaces it (the old deadline never fires)', () => {
    const { clock, wheel } = setup();
    const fired: string[] = [];
    wheel.set('gm', T0 + 100, () => fired.push('old'));
    wheel.set('gm', T0 + 500, () => fired.push('new'));
    expect(wheel.size).toBe(1);
    expect(wheel.when('gm')).toBe(T0 + 500);
    expect(wheel.nextDue()).toBe(T0 + 500);
    clock.advance(200);
    expect(wheel.runDue()).toBe(0);
    clock.advance(300);
    expect(wheel.runDue()).toBe(1);
    expect(fired).toEqual(['new']);
    // Replacing with an EARLIER deadline works too.
    wheel.set('x', T0 + 2_000, () => fired.push('x-late'));
    wheel.set('x', T0 + 600, () => fired.push('x-early'));
    clock.set(T0 + 600);
    wheel.runDue();
    clock.set(T0 + 5_000);
    wheel.runDue();
    expect(fired).toEqual(['new', 'x-early']);
  });

  it('cancel disarms; has/when/size follow; cancelling an unknown key is a no-op', () => {
    const { clock, wheel } = setup();
    let n = 0;
    wheel.set('a', T0 + 10, () => n++);
    wheel.set('b', T0 + 20, () => n++);
    wheel.cancel('a');
    wheel.cancel('nope');
    expect(wheel.has('a')).toBe(false);
    expect(wheel.when('a')).toBeUndefined();
    expect(wheel.size).toBe(1);
    expect(wheel.nextDue()).toBe(T0 + 20);
    clock.advance(100);
    expect(wheel.runDue()).toBe(1);
    expect(n).toBe(1);
    expect(wheel.nextDue()).toBeUndefined();
  });

  it('a throwing callback is reported via onError and never stops the run', () => {
    const { clock, wheel, errors } = setup();
    const fired: string[] = [];
    wheel.set('one', T0 + 1, () => fired.push('one'));
    wheel.set('bad', T0 + 2, () => {
      throw new Error('boom');
    });
    wheel.set('three', T0 + 3, () => fired.push('three'));
    clock.advance(10);
    expect(wheel.runDue()).toBe(3);
    expect(fired).toEqual(['one', 'three']);
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toBe('bad');
    expect((errors[0]![0] as Error).message).toBe('boom');
    expect(wheel.size).toBe(0);
  });

  it('a callback that re-arms itself as already due waits for the next run (no spin)', () => {
    const { clock, wheel } = setup();
    let runs = 0;
    const tick = () => {
      runs++;
      wheel.set('self', clock.now(), tick);
    };
    wheel.set('self', T0, tick);
    expect(wheel.runDue()).toBe(1);
    expect(wheel.runDue()).toBe(1);
    expect(runs).toBe(2);
    expect(wheel.has('self')).toBe(true);
  });

  it('callbacks may cancel or re-set other timers mid-run', () => {
    const { clock, wheel } = setup();
    const fired: string[] = [];
    wheel.set('first', T0 + 1, () => {
      fired.push('first');
      wheel.cancel('second');
      wheel.set('third', T0 + 1_000, () => fired.push('third-moved'));
    });
    wheel.set('second', T0 + 2, () => fired.push('second'));
    wheel.set('third', T0 + 3, () => fired.push('third'));
    clock.advance(10);
    expect(wheel.runDue()).toBe(1);
    expect(fired).toEqual(['first']);
    clock.advance(1_000);
    expect(wheel.runDue()).toBe(1);
    expect(fired).toEqual(['first', 'third-moved']);
  });

  it('10,000 members: each fires once, in order, and repeated re-arming keeps the heap bounded', () => {
    const { clock, wheel } = setup();
    const rnd = seededRandom('wheel-10k');
    const due = new Map<string, number>();
    let last = -Infinity;
    let ordered = true;
    const fired = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const key = `gm/10.0.${i >> 8}.${i & 255}`;
      // Re-arm each member 5 times, as retransmit timers do; only the last deadline counts.
      for (let k = 0; k < 5; k++) {
        const at = T0 + 1 + rnd.int(3_600_000);
        due.set(key, at);
        wheel.set(key, at, () => {
          const now = due.get(key)!;
          if (now < last) ordered = false;
          last = now;
          fired.add(key);
        });
      }
    }
    expect(wheel.size).toBe(10_000);
    // Lazy deletion must not keep all 50,000 entries around.
    expect((wheel as unknown as { heap: unknown[] }).heap.length).toBeLessThanOrEqual(2 * 10_000 + 64);
    for (const k of ['gm/10.0.0.0', 'gm/10.0.39.15']) wheel.cancel(k);
    let total = 0;
    for (let step = 0; step < 60; step++) {
      clock.advance(60_000);
      total += wheel.runDue();
    }
    expect(total).toBe(9_998);
    expect(fired.size).toBe(9_998);
    expect(ordered).toBe(true);
    expect(wheel.size).toBe(0);
  });
});

describe('TimerWheel.start (one real native timer)', () => {
  it('fires due timers from a real setTimeout and picks up earlier deadlines set later', async () => {
    const clock = { now: () => Date.now() };
    const wheel = new TimerWheel(clock, { resolutionMs: 5 });
    const fired: string[] = [];
    const done = new Promise<void>((resolve) => {
      wheel.set('late', Date.now() + 60, () => {
        fired.push('late');
        resolve();
      });
    });
    wheel.start();
    wheel.set('early', Date.now() + 20, () => fired.push('early'));
    // Keep the event loop alive: the wheel's native timer is unref'd by design.
    const keepAlive = setTimeout(() => undefined, 5_000);
    await done;
    clearTimeout(keepAlive);
    wheel.stop();
    expect(fired).toEqual(['early', 'late']);
  });
});
