import { describe, expect, it } from 'vitest';
import { RECENT_LINES, Syslog, formatTimestamp } from '../../../shared/log/syslog.ts';
import { Msg } from '../../../shared/log/messages.ts';
import { ManualClock } from '../../../shared/time/clock.ts';

// 2024-11-24 01:08:14.123 UTC
const T = Date.UTC(2024, 10, 24, 1, 8, 14, 123);

function make(host?: string) {
  const lines: string[] = [];
  const clock = new ManualClock(T);
  const log = new Syslog({ clock, out: (l) => lines.push(l), utc: true, ...(host ? { host } : {}) });
  return { lines, clock, log };
}

describe('formatTimestamp', () => {
  it('space-pads the day and keeps milliseconds', () => {
    expect(formatTimestamp(T, true)).toBe('Nov 24 01:08:14.123');
    expect(formatTimestamp(Date.UTC(2025, 1, 2, 23, 5, 9, 7), true)).toBe('Feb  2 23:05:09.007');
  });
  it('uses local time by default', () => {
    const d = new Date(T);
    expect(formatTimestamp(T)).toContain(`${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`);
  });
});

describe('Syslog', () => {
  it('writes the IOS line form', () => {
    const { lines, log } = make();
    log.emit(Msg.GM_REGS_COMPL({ ks: '10.1.1.1', group: 'GET', gm: '10.0.0.2' }));
    expect(lines).toEqual([
      '*Nov 24 01:08:14.123: %GDOI-5-GM_REGS_COMPL: Registration to KS 10.1.1.1 complete for group GET using address 10.0.0.2',
    ]);
  });

  it('adds the host prefix when configured', () => {
    const { lines, log } = make('ks1');
    log.log('GDOI', 5, 'TEST', 'hello');
    expect(lines[0]).toBe('ks1: *Nov 24 01:08:14.123: %GDOI-5-TEST: hello');
  });

  it('rejects a severity outside 0..7', () => {
    const { log } = make();
    expect(() => log.log('GDOI', 8, 'X', 'y')).toThrow(RangeError);
  });

  it('keeps the last 500 lines, oldest first, for show logging', () => {
    const { log, clock } = make();
    expect(log.recent()).toEqual([]);
    for (let i = 0; i < RECENT_LINES + 123; i++) {
      log.log('SYS', 6, 'N', `line ${i}`);
      clock.advance(1);
    }
    const all = log.recent();
    expect(all).toHaveLength(RECENT_LINES);
    expect(all[0]).toMatch(/: line 123$/);
    expect(all.at(-1)).toMatch(/: line 622$/);
    expect(log.recent(3).map((l) => l.split(': ').at(-1))).toEqual(['line 620', 'line 621', 'line 622']);
    expect(log.recent(0)).toEqual([]);
  });
});
