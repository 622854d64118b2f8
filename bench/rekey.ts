// Rekey benchmark (issue 6): 10,000 simulated GMs (gdoi-load --stay, one process, one socket per
// GM address) registered to one gdoi-ks process; the operator triggers rekeys
// (`crypto gdoi ks rekey` over the control socket, as `gdoi --control ...` does) and we time
//   unicast:   from the KS starting to send the PUSH to the last acknowledgement it processed
//              (KS side: `show crypto gdoi ks rekey`, "Last rekey duration"), all acks counted;
//   multicast: one PUSH to 239.192.1.190 on loopback; from its arrival to the last of the
//              10,000 simulated GMs having verified (signature, KEK, SEQ) and installed it
//              (GM side; multicast rekeys are not acknowledged).
// Ceiling, same run: the loopback UDP datagram rate between two processes (200-octet datagrams,
// batches of 32). A unicast rekey moves 2 datagrams per GM (PUSH out, ack back), so
// ratio = (2 x GMs / duration) / datagram rate. Target: 10,000 acks in <= 2 s.
//   npm run bench:rekey               writes bench/results/rekey.json, prints a table
//   npm run bench:rekey -- --quick    1,000 GMs, one rekey per transport (smoke; result in the temp dir)
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KsProcess, freeUdpPort, haveTaskset } from './load/ks-process.ts';
import { LoadProcess, type LoadEvent } from './load/child.ts';
import { runTs, sleep, startTs, stopEverything, stopOnSignals, track, untrack } from './load/procs.ts';
import type { RekeyReport } from './load/rekey-listener.ts';

const QUICK = process.argv.includes('--quick');
const GMS = QUICK ? 1000 : 10_000;
const REKEYS = QUICK ? 1 : 3;
const PSK = 'bench-rekey-psk';
const GROUP_ID = 4444;
const MCAST = '239.192.1.190';
const PINNED = cpus().length >= 2 && haveTaskset();
const KS_CPU = PINNED ? 0 : undefined;
const LOAD_CPU = PINNED ? 1 : undefined;
const TARGET_MS = 2000;

interface UdpRate { rate: number; sent: number; received: number; loss: number }

/** One sender process, one receiver process; best of three 2-second runs. */
async function udpCeiling(): Promise<UdpRate> {
  let best: UdpRate | undefined;
  for (let i = 0; i < 3; i++) {
    const port = await freeUdpPort();
    const lines: string[] = [];
    let wake: (() => void) | undefined;
    const rx = startTs('bench/load/udp-rate.ts', ['receive', '127.0.0.1', String(port)], (l) => { lines.push(l); wake?.(); }, { cpu: KS_CPU });
    const waitLine = async (n: number) => { while (lines.length < n) await new Promise<void>((r) => { wake = r; setTimeout(r, 200); }); };
    await waitLine(1);
    const tx = JSON.parse((await runTs('bench/load/udp-rate.ts', ['send', '127.0.0.1', String(port), '2'], { cpu: LOAD_CPU })).pop()!) as { sent: number; ms: number };
    await waitLine(2);
    await untrack(rx);
    const got = JSON.parse(lines[1]!) as { received: number; spanMs: number };
    const r: UdpRate = { rate: Math.round(got.received / (tx.ms / 1000)), sent: tx.sent, received: got.received, loss: Math.round((1 - got.received / tx.sent) * 1000) / 1000 };
    if (!best || r.rate > best.rate) best = r;
  }
  return best!;
}

interface RekeyRun {
  seq: number;
  /** KS: start of the send to the last ack (unicast), ms. */
  ksDurationMs?: number;
  acks?: number;
  outstanding?: number;
  retransmits?: number;
  /** GM side: first copy in to the last GM done. */
  gm: RekeyReport;
}

function field(show: string, label: string): number {
  const m = new RegExp(`${label}\\s*:\\s*(\\d+)`).exec(show);
  if (!m) throw new Error(`no '${label}' in:\n${show}`);
  return Number(m[1]);
}

async function transportRun(kind: 'unicast' | 'multicast'): Promise<{ registerRate: number; registerFailures: number; runs: RekeyRun[] }> {
  const ks = track(await KsProcess.start({ dhGroup: 19, psk: PSK, groupId: GROUP_ID, cpu: KS_CPU, multicast: kind === 'multicast' ? MCAST : undefined }));
  const gms = track(LoadProcess.start([
    '--ks', ks.address, '--port', String(ks.port), '--psk', PSK, '--group', '19', '--group-id', String(GROUP_ID),
    '--count', String(GMS), '--concurrency', '64', '--dh-reuse', '64', '--base', kind === 'unicast' ? '127.20.0.1' : '127.60.0.1',
    '--stay', ...(kind === 'multicast' ? ['--multicast', MCAST] : []),
  ], { cpu: LOAD_CPU }));
  try {
    const reg = await gms.next((e) => e.event === 'registered', 900_000) as LoadEvent & { completed: number; failed: number; rate: number };
    process.stderr.write(`  ${kind}: ${reg.completed} GMs registered (${reg.rate}/s, ${reg.failed} failed)\n`);
    if (reg.completed < GMS) throw new Error(`only ${reg.completed} of ${GMS} GMs registered: ${JSON.stringify((reg as { failures?: unknown }).failures)}`);
    await sleep(2000);
    const runs: RekeyRun[] = [];
    for (let i = 0; i < REKEYS; i++) {
      const answer = await ks.command('crypto gdoi ks rekey');
      const seq = Number(/seq # (\d+)/.exec(answer)?.[1]);
      if (!seq) throw new Error(`rekey not sent: ${answer}`);
      const gm = await gms.next((e) => e.event === 'rekey' && (e as RekeyReport).seq === seq, 120_000) as RekeyReport;
      const run: RekeyRun = { seq, gm };
      if (kind === 'unicast') {
        // Poll until the KS has every ack (or gives up on the stragglers).
        const until = Date.now() + 60_000;
        let show = '';
        for (;;) {
          show = await ks.command('show crypto gdoi ks rekey');
          if (field(show, 'Acks outstanding') === 0 || Date.now() > until) break;
          await sleep(100);
        }
        run.ksDurationMs = field(show, 'Last rekey duration');
        run.outstanding = field(show, 'Acks outstanding');
        run.acks = field(show, 'Acknowledgements rcvd');
        run.retransmits = field(show, 'Retransmits');
      }
      runs.push(run);
      process.stderr.write(`  ${kind} rekey seq ${seq}: ${gm.accepted}/${gm.members} GMs accepted in ${gm.spanMs} ms (GM side)${run.ksDurationMs !== undefined ? `, KS: last ack after ${run.ksDurationMs} ms, ${run.outstanding} outstanding` : ''}\n`);
      await sleep(1000);
    }
    return { registerRate: reg.rate, registerFailures: reg.failed, runs };
  } finally {
    await untrack(gms);
    await untrack(ks);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  stopOnSignals();
  const load0 = loadavg();
  process.stderr.write(`bench:rekey: ${GMS} GMs, ${REKEYS} rekeys per transport, ${PINNED ? 'KS on core 0, gdoi-load on core 1' : 'not pinned'}; load average ${load0.map((l) => l.toFixed(1)).join(' ')}\n`);
  const udp = await udpCeiling();
  process.stderr.write(`  loopback UDP: ${udp.rate} datagrams/s (loss ${udp.loss})\n`);
  const uni = await transportRun('unicast');
  const multi = await transportRun('multicast');

  const uniMs = median(uni.runs.map((r) => r.ksDurationMs!));
  const uniGmMs = median(uni.runs.map((r) => r.gm.spanMs));
  const multiMs = median(multi.runs.map((r) => r.gm.spanMs));
  const acksPerS = Math.round(GMS / (uniMs / 1000));
  const ratio = Math.round(((2 * GMS) / (uniMs / 1000) / udp.rate) * 1000) / 1000;
  const metrics: Record<string, { value: number; unit: string }> = {
    gms: { value: GMS, unit: 'registered GMs' },
    unicast_rekey_to_last_ack: { value: uniMs, unit: 'ms (KS: send start to last ack; median)' },
    unicast_rekey_to_last_ack_max: { value: Math.max(...uni.runs.map((r) => r.ksDurationMs!)), unit: 'ms' },
    unicast_acks_per_s: { value: acksPerS, unit: 'acks/s' },
    unicast_acks_missing: { value: Math.max(...uni.runs.map((r) => r.outstanding ?? 0)), unit: 'acks (worst rekey)' },
    unicast_retransmits: { value: Math.max(...uni.runs.map((r) => r.retransmits ?? 0)), unit: 'datagrams (cumulative)' },
    unicast_gm_side_span: { value: uniGmMs, unit: 'ms (first PUSH in to last GM acked; median)' },
    multicast_rekey_to_last_gm: { value: multiMs, unit: 'ms (PUSH in to the last of the GMs verified and installed; median)' },
    multicast_gms_accepted: { value: Math.min(...multi.runs.map((r) => r.gm.accepted)), unit: 'GMs (worst rekey)' },
    unicast_register_rate: { value: uni.registerRate, unit: 'registrations/s (setting up)' },
    loopback_udp_rate: { value: udp.rate, unit: 'datagrams/s' },
  };
  const result = {
    name: 'rekey',
    date: new Date().toISOString(),
    params: {
      node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length,
      loadavg: { start: load0.map((l) => Math.round(l * 10) / 10), end: loadavg().map((l) => Math.round(l * 10) / 10) },
      gms: GMS, rekeysPerTransport: REKEYS,
      ks: 'gdoi-ks, group 19 PSK registration, KEK aes 256, RSA-2048 rekey key, rekey retransmit 10 s x 2 (default), one TEK; unicast config, then a multicast config (rekey address ipv4 ACL -> 239.192.1.190)',
      gms_how: 'gdoi-load --stay: one process, one socket per GM address (127.20.x.y / 127.60.x.y), each GM verifies every PUSH (openPush: KEK SPI, decrypt, RSA signature; SEQ) and acks unicast ones (buildAck) from its own address; multicast: one socket on the group address shared by all GMs',
      pinning: PINNED ? 'gdoi-ks taskset -c 0, gdoi-load taskset -c 1' : 'none',
      trigger: 'crypto gdoi ks rekey over the KS control socket',
      runs: { unicast: uni.runs, multicast: multi.runs },
      udpCeiling: udp,
    },
    metrics,
    ceiling: { value: udp.rate, unit: 'datagrams/s', how: 'loopback UDP, one sender process (core 1) and one receiver process (core 0), 200-octet datagrams in batches of 32 per event-loop turn, 2 s, best of 3, measured in this run' },
    ratio,
  };
  // A --quick (smoke) run never replaces the committed result: it goes to the temp directory.
  const out = QUICK ? join(tmpdir(), 'rekey-quick.json') : fileURLToPath(new URL('./results/rekey.json', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write([
    '',
    `rekey to ${GMS} GMs                     median      runs`,
    `unicast, send start to last ack (KS)   ${String(uniMs).padStart(6)} ms   ${uni.runs.map((r) => r.ksDurationMs).join(', ')} ms   (target <= ${TARGET_MS} ms) ${uniMs <= TARGET_MS ? 'met' : 'MISSED'}`,
    `unicast, first PUSH in to last ack (GMs)${String(uniGmMs).padStart(5)} ms   ${uni.runs.map((r) => r.gm.spanMs).join(', ')} ms`,
    `multicast, PUSH in to last GM installed ${String(multiMs).padStart(5)} ms   ${multi.runs.map((r) => r.gm.spanMs).join(', ')} ms`,
    `loopback UDP ceiling                   ${udp.rate} datagrams/s; unicast rekey moves ${Math.round((2 * GMS) / (uniMs / 1000))} datagrams/s: ratio ${ratio}`,
    `written to ${out}`,
    '',
  ].join('\n'));
}

main().then(() => stopEverything()).catch(async (e) => {
  process.stderr.write(`bench:rekey failed: ${(e as Error)?.stack ?? e}\n`);
  await stopEverything();
  process.exit(1);
});
