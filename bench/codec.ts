// Wire codec benchmark: encode and decode rates of a plaintext GROUPKEY-PULL message 4 and a
// GROUPKEY-PUSH (the samples the unit tests use), against a byte-walk ceiling.
// Run: npx tsx bench/codec.ts   (writes bench/results/codec.json, prints a table)
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeMessage, encodeMessage } from '../shared/wire/message.ts';
import { pullMsg4, pushMsg, type Sample } from '../test/unit/wire/samples.ts';

const RUNS = 7;
const RUN_MS = 250;
let sink = 0; // keeps results alive so the work cannot be optimised away

/**
 * The ceiling: read every octet of the message once in a tight JS loop (a multiply-add
 * checksum). A decoder that validates and builds objects cannot beat "look at each byte once"
 * by much; ours skips over opaque data (keys, signature) as views, so for data-heavy messages
 * it may get close to, or in principle past, this figure.
 */
function walk(b: Buffer): number {
  let h = 0;
  for (let i = 0; i < b.length; i++) h = (Math.imul(h, 31) + b[i]!) | 0;
  return h;
}

interface Case { key: string; label: string; fn: () => void }

function cases(s: Sample, key: string): Case[] {
  const bytes = encodeMessage(s.header, s.payloads);
  const back = decodeMessage(bytes);
  if (!encodeMessage(back.header, back.chain!.payloads).equals(bytes)) throw new Error(`${s.name}: round trip differs`);
  return [
    { key: `${key}_encode`, label: `${s.name} encode`, fn: () => { sink += encodeMessage(s.header, s.payloads).length; } },
    { key: `${key}_decode`, label: `${s.name} decode`, fn: () => { sink += decodeMessage(bytes).chain!.payloads.length; } },
    { key: `${key}_walk`, label: `${s.name} byte walk`, fn: () => { sink += walk(bytes); } },
  ];
}

/** Operations per CPU-second of this process over about RUN_MS of wall time. */
function measure(fn: () => void): number {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let n = 0;
  while (performance.now() - t0 < RUN_MS) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
  }
  const c = process.cpuUsage(c0);
  return n / ((c.user + c.system) / 1e6);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function main(): void {
  const pullBytes = encodeMessage(pullMsg4.header, pullMsg4.payloads).length;
  const pushBytes = encodeMessage(pushMsg.header, pushMsg.payloads).length;
  const all = [...cases(pullMsg4, 'pull4'), ...cases(pushMsg, 'push')];
  for (const c of all) for (let i = 0; i < 20_000; i++) c.fn(); // warm-up (JIT)
  const runs = new Map<string, number[]>(all.map((c) => [c.key, []]));
  // Round-robin so load from other processes spreads over all cases alike.
  for (let r = 0; r < RUNS; r++) for (const c of all) runs.get(c.key)!.push(measure(c.fn));

  const rate = (k: string) => Math.round(median(runs.get(k)!));
  const metrics: Record<string, { value: number; unit: string }> = {};
  for (const c of all) metrics[`${c.key}_per_s`] = { value: rate(c.key), unit: 'msg/s' };
  metrics.pull4_decode_ratio = { value: +(rate('pull4_decode') / rate('pull4_walk')).toFixed(3), unit: 'ratio' };
  metrics.pull4_bytes = { value: pullBytes, unit: 'octets' };
  metrics.push_bytes = { value: pushBytes, unit: 'octets' };
  metrics.push_decode_mb_per_s = { value: +((rate('push_decode') * pushBytes) / 1e6).toFixed(1), unit: 'MB/s' };

  const ceiling = rate('push_walk');
  const result = {
    name: 'codec',
    date: new Date().toISOString(),
    params: {
      node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, loadavg1: +loadavg()[0]!.toFixed(2),
      runs: RUNS, runMs: RUN_MS, statistic: 'median of runs',
      clock: 'process.cpuUsage (user+system): rates are per CPU-second of this process, so other load on the shared machine does not count against it',
      messages: { pull4: `${pullMsg4.name}: HASH, SEQ, KD (2 TEK + 1 KEK packets)`, push: `${pushMsg.name}: SEQ, SA (SA KEK + 2 SA TEK), KD, SIG` },
      scope: 'plaintext codec only (no crypto); decode = decodeMessage, encode = encodeMessage',
    },
    metrics,
    ceiling: {
      value: ceiling, unit: 'msg/s',
      how: `GROUPKEY-PUSH (${pushBytes} octets) byte walk: a JS loop reading every octet once (h = h*31 + b[i]), ` +
        'measured like the codec. It is the cost of merely looking at each byte once from JS; a decoder that ' +
        'validates every length and builds objects should land below it. The decoder skips opaque data (keys, ' +
        'signature) as zero-copy views, so it is not a strict upper bound. ratio = push decode rate / ceiling.',
    },
    ratio: +(rate('push_decode') / ceiling).toFixed(3),
  };

  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'codec.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

  const rows = all.map((c) => [c.label, rate(c.key).toLocaleString('en-US'), `${Math.round(Math.min(...runs.get(c.key)!)).toLocaleString('en-US')}..${Math.round(Math.max(...runs.get(c.key)!)).toLocaleString('en-US')}`]);
  const w = [Math.max(...rows.map((r) => r[0]!.length)), 12, 24];
  console.log(`${'case'.padEnd(w[0]!)}  ${'median/s'.padStart(w[1]!)}  ${'range (runs)'.padStart(w[2]!)}`);
  for (const r of rows) console.log(`${r[0]!.padEnd(w[0]!)}  ${r[1]!.padStart(w[1]!)}  ${r[2]!.padStart(w[2]!)}`);
  console.log(`ceiling (push byte walk) ${ceiling.toLocaleString('en-US')}/s; push decode ratio ${result.ratio}; pull4 decode ratio ${metrics.pull4_decode_ratio.value}`);
  console.log(`wrote ${out} (sink ${sink & 1})`);
}

main();
