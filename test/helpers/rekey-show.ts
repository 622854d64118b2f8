// Reading the rekey-related IOS show outputs (ks/commands.ts, gm/commands.ts) in tests.
import { ControlClient } from '../../shared/control/client.ts';

/**
 * Runs one command on a daemon's control socket from this process: the daemon's real command,
 * without spawning the `gdoi` CLI (a node process each; too slow on a loaded machine for checks
 * that must land between two rekeys). d.cli() remains the way to test the CLI itself.
 */
export async function ask(d: { control: string; name: string }, command: string): Promise<string> {
  const c = await ControlClient.connect(d.control, { timeoutMs: 10_000 });
  try {
    const r = await c.request(command, { timeoutMs: 10_000 });
    if (!r.ok) throw new Error(`${d.name}: ${command}: ${r.output}`);
    return r.output;
  } finally {
    c.close();
  }
}

/** The value after `label ... :` on the first line that has it (labels are padded with spaces). */
export function field(out: string, label: string): string {
  const re = new RegExp(`^\\s*${label.replace(/[()]/g, '\\$&')}\\s*:\\s*(.*)$`, 'm');
  const m = re.exec(out);
  if (!m) throw new Error(`no "${label}" in:\n${out}`);
  return m[1]!.trim();
}
export const num = (out: string, label: string): number => Number(field(out, label).split(/\s/)[0]);

/** TEK SPIs (8 hex digits; the 32-digit KEK SPI is not one) in listing order. */
export function tekSpis(out: string): number[] {
  return [...out.matchAll(/spi\s*:\s*0x([0-9A-F]{8})(?![0-9A-F])/gi)].map((m) => parseInt(m[1]!, 16));
}

/** `show crypto gdoi ks policy`: the TEK with the most life left (the newest), and all TEK SPIs. */
export function ksPolicy(out: string): { newest: number; spis: number[]; seq: number; kekSpi: string } {
  const teks = out.split('TEK POLICY').slice(1).map((b) => ({ spi: tekSpis(b)[0]!, left: Number(/remaining life\(sec\)\s*:\s*(\d+)/.exec(b)![1]) }));
  // Ties (TEKs made within the same second, e.g. an operator rekey right after start): the KS
  // lists its TEKs oldest first, so the later one is the newer.
  const newest = teks.reduce((a, b) => (b.left >= a.left ? b : a)).spi;
  return { newest, spis: teks.map((t) => t.spi), seq: Number(/Seq num : (\d+)/.exec(out)![1]), kekSpi: /spi : 0x([0-9A-F]{32})/.exec(out)![1]! };
}

export interface MemberRow { sent: number; retries: number; acks: number; missed: number }

/** `show crypto gdoi ks members`: per member address, its rekey/ack columns. */
export function ksMembers(out: string): Map<string, MemberRow> {
  const rows = new Map<string, MemberRow>();
  for (const block of out.split('Group Member ID').slice(1)) {
    const address = /^\s*:\s*(\S+)/.exec(block)![1]!;
    rows.set(address, { sent: num(block, 'Rekeys sent'), retries: num(block, 'Rekeys retries'), acks: num(block, 'Rekey Acks Rcvd'), missed: num(block, 'Rekey Acks missed') });
  }
  return rows;
}
