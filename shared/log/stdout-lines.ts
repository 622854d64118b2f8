// Syslog lines to stdout, one write per event-loop turn. Writes to a pipe are synchronous on
// Linux, and each wakes the reader: a KS registering hundreds of GMs a second spent ~3 % of its
// CPU writing one line at a time (bench:register profile). Lines keep their order; whatever
// is pending is written before the process exits.
let pending: string[] = [];
let scheduled = false;
let hooked = false;

function flush(): void {
  scheduled = false;
  if (!pending.length) return;
  const text = pending.join('');
  pending = [];
  process.stdout.write(text);
}

/** Queues one line (newline added) for stdout. */
export function stdoutLine(line: string): void {
  pending.push(`${line}\n`);
  if (!hooked) { hooked = true; process.on('exit', flush); }
  if (!scheduled) { scheduled = true; setImmediate(flush); }
}
