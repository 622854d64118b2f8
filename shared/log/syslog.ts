// IOS-style syslog lines: `*Nov 24 01:08:14.123: %FAC-SEV-MNEMONIC: text` (operations.md §6).
// The day is space-padded (`Feb  2`). The leading `*` is IOS's "clock not authoritative" mark;
// we print it by default because the daemons do not run NTP themselves.
import type { Clock } from '../time/clock.ts';
import { stdoutLine } from './stdout-lines.ts';

/** RFC 5424 severities as IOS numbers them (IOS puts the number in the message tag). */
export const Severity = {
  EMERG: 0, ALERT: 1, CRIT: 2, ERR: 3, WARNING: 4, NOTICE: 5, INFO: 6, DEBUG: 7,
} as const;

/** One log message: what a catalogue builder (messages.ts) returns. */
export interface SyslogMessage {
  facility: string;
  severity: number;
  mnemonic: string;
  text: string;
}

export interface SyslogOptions {
  clock: Clock;
  /** Where each line goes. Default: stdout, written once per event-loop turn (stdout-lines.ts). */
  out?: (line: string) => void;
  /** When set, lines start `host: ` (as with IOS `logging origin-id hostname`). */
  host?: string;
  /** Format timestamps in UTC instead of local time (tests, containers). */
  utc?: boolean;
  /** Timestamp mark: `*` not authoritative (default), `.` lost sync, `` synchronised. */
  mark?: '*' | '.' | '';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Lines kept for `show logging`. */
export const RECENT_LINES = 500;

const pad = (n: number, w: number, c = '0') => String(n).padStart(w, c);

/** `Nov 24 01:08:14.123` for a ms epoch, local time unless utc. */
export function formatTimestamp(ms: number, utc = false): string {
  const d = new Date(ms);
  const [mon, day, h, m, s] = utc
    ? [d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  return `${MONTHS[mon]} ${pad(day, 2, ' ')} ${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
}

export class Syslog {
  private readonly ring: string[] = [];
  private next = 0; // ring write index once full
  private readonly out: (line: string) => void;

  constructor(private readonly opts: SyslogOptions) {
    this.out = opts.out ?? stdoutLine;
  }

  /** Formats, records and writes one line. severity 0..7. */
  log(facility: string, severity: number, mnemonic: string, text: string): void {
    if (!Number.isInteger(severity) || severity < 0 || severity > 7) {
      throw new RangeError(`syslog severity must be 0..7, got ${severity}`);
    }
    const ts = formatTimestamp(this.opts.clock.now(), this.opts.utc);
    const host = this.opts.host ? `${this.opts.host}: ` : '';
    const line = `${host}${this.opts.mark ?? '*'}${ts}: %${facility}-${severity}-${mnemonic}: ${text}`;
    this.remember(line);
    this.out(line);
  }

  /** Logs a catalogue message: `syslog.emit(Msg.GM_REGS_COMPL({...}))`. */
  emit(msg: SyslogMessage): void {
    this.log(msg.facility, msg.severity, msg.mnemonic, msg.text);
  }

  /** The last n lines (default all kept, at most RECENT_LINES), oldest first. */
  recent(n = RECENT_LINES): string[] {
    const ordered = this.ring.length < RECENT_LINES
      ? this.ring.slice()
      : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return n >= ordered.length ? ordered : ordered.slice(ordered.length - Math.max(0, n));
  }

  private remember(line: string): void {
    if (this.ring.length < RECENT_LINES) {
      this.ring.push(line);
      return;
    }
    this.ring[this.next] = line;
    this.next = (this.next + 1) % RECENT_LINES;
  }
}
