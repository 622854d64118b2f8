// gdoi-load: many simulated GET VPN group members in one process, registering against a key
// server (main mode + GROUPKEY-PULL), or running main mode alone against any IKEv1 responder.
import { Command, Option } from 'commander';
import { GdoiError } from '../../shared/errors.ts';
import { AUTH_NAMES, CIPHER_NAMES, DEFAULTS, HASH_NAMES, IDENTITY_NAMES, normalize, type RawOptions } from './options.ts';
import { LoadRun, type Progress } from './run.ts';
import { formatSummary } from './stats.ts';
import type { RekeyReport } from './rekey-listener.ts';

const program = new Command('gdoi-load')
  .description('Load generator: N simulated GET VPN group members in one process, each with its own 127.x.y.z address and '
    + 'socket, running real IKEv1 main mode (pre-shared key or RSA signatures) and real GDOI GROUPKEY-PULL against a key server at a chosen concurrency. '
    + 'One timer structure drives every retransmit. Prints registrations/s, latency percentiles, failures by reason and, '
    + "with --ks-pid, the key server's CPU and memory.")
  .option('--ks <address>', 'responder address (a gdoi-ks, or any IKEv1 responder with --phase1-only)', DEFAULTS.ks)
  .option('--port <n>', 'responder UDP port (the deployment port)', String(DEFAULTS.port))
  .option('--local-port <n>', 'source port of every simulated GM (default: --port, where unicast rekeys arrive; 0 = any)')
  .option('--base <address>', 'first simulated GM address; the next ones count upward (host octets 0 and 255 skipped)', DEFAULTS.base)
  .option('--count <n>', 'GMs to register', String(DEFAULTS.count))
  .option('--duration <seconds>', 'instead of --count: keep registering new GMs for this long, cycling through --addresses')
  .option('--warmup <seconds>', 'with --duration: register this long first without counting (the window starts after)', DEFAULTS.warmup)
  .option('--addresses <n>', 'distinct GM addresses, one socket each (default: --count, or 4 x --concurrency (min 256) with --duration)')
  .option('--concurrency <n>', 'registrations in flight at once', String(DEFAULTS.concurrency))
  .addOption(new Option('--auth <method>', 'phase-1 authentication: psk (pre-shared key) or rsa-sig (RSA signatures, IKEv1 auth method 3; needs --cert, --key, --ca)').choices(AUTH_NAMES).default(DEFAULTS.auth))
  .option('--psk <secret>', 'pre-shared key (the responder must accept it for 127.0.0.0/8)', DEFAULTS.psk)
  .option('--cert <file>', 'rsa-sig: our certificate (PEM), shared by every simulated GM')
  .option('--key <file>', 'rsa-sig: its private key (PEM, unencrypted)')
  .option('--ca <file>', "rsa-sig: CA certificate (PEM) the responder's certificate must chain to")
  .addOption(new Option('--identity <kind>', "phase-1 ID: each GM's own address, or (rsa-sig) the certificate's subject DN").choices(IDENTITY_NAMES).default(DEFAULTS.identity))
  .option('--group <n>', 'Diffie-Hellman group: 2, 5, 14, 15, 16, 19, 20, 21', DEFAULTS.group)
  .addOption(new Option('--encryption <name>', 'phase-1 cipher').choices(CIPHER_NAMES).default(DEFAULTS.encryption))
  .addOption(new Option('--hash <name>', 'phase-1 hash').choices(HASH_NAMES).default(DEFAULTS.hash))
  .option('--lifetime <seconds>', 'phase-1 SA lifetime offered', DEFAULTS.lifetime)
  .option('--group-id <n>', "GDOI group identity (the KS's `identity number`)", DEFAULTS.groupId)
  .addOption(new Option('--doi <n>', 'DOI in our phase-1 SA: 2 = GDOI (RFC 6407), 1 = IPsec (charon and other IKEv1 responders)').choices(['1', '2']).default(DEFAULTS.doi))
  .option('--phase1-only', 'main mode only, then an ISAKMP DELETE (protected informational) so the responder\'s SA table does not grow; works against gdoi-ks and charon')
  .option('--delete-after', 'after a full registration, delete the phase-1 SA (ISAKMP DELETE) so the KS keeps only the member')
  .option('--stay', 'keep the GMs after registering: verify every rekey (GROUPKEY-PUSH) as a GM does and acknowledge it (RFC 8263) until SIGINT/SIGTERM')
  .option('--rekeys <n>', 'with --stay: exit after this many rekeys were reported', DEFAULTS.rekeys)
  .option('--multicast <group>', 'with --stay: also receive multicast rekeys sent to this IPv4 group (one shared socket on the group address)')
  .option('--multicast-iface <address>', 'interface address for the multicast membership', DEFAULTS.multicastIface)
  .option('--dh-reuse <n>', 'use one DH key pair for n GMs to spare this process\'s core (the responder still computes a fresh one per SA)', DEFAULTS.dhReuse)
  .option('--dh-exponent-bits <n>', 'MODP groups (2, 5, 14-16): use a private exponent of n bits (e.g. 64) to spare this process\'s core; 0 = the crypto library\'s choice. ECP groups ignore it', DEFAULTS.dhExponentBits)
  .option('--non-esp-marker', 'prefix datagrams with 4 zero octets (RFC 3948 non-ESP marker), as charon expects when neither port is 500')
  .option('--retransmit <ms>', 'first retransmit after this long; doubles per try', DEFAULTS.retransmitMs)
  .option('--retries <n>', 'retransmits per message before a GM counts as failed (timeout)', DEFAULTS.retries)
  .option('--ks-pid <pid>', 'responder process: report its CPU (utime+stime) and RSS from /proc over the measured window')
  .option('--json', 'machine-readable output on stdout: one JSON object per line (event "summary"; with --stay also "registered", "rekey", "exit")')
  .option('--no-progress', 'no progress line on stderr (it is shown only when stderr is a terminal)')
  .addHelpText('after', `
Output: a summary with registrations/s over the window (first start to last completion, or --duration), latency
percentiles (start of main mode to GROUPKEY-PULL msg 4, or to main mode msg 6 with --phase1-only), failures by reason
(timeouts name the message that never came), this process's CPU share and, with --ks-pid, the responder's CPU share,
completions per responder CPU-second and RSS before/after (bytes per completion).

RSA signatures: a load generator shares one identity. --cert, --key and --ca are loaded once and every simulated
GM presents that same certificate and signs with that same key (each still from its own address, and with
--identity address each sends its own address as ID); the KS still verifies the certificate chain and the
signature for every registration. The GMs check the KS's certificate against --ca and its signature, as gdoi-gm does.

Sockets: one per address; thousands are fine but each needs a file descriptor (check \`ulimit -n\`). With --duration,
addresses are reused GM after GM. Only 127.0.0.0/8 addresses are used.

With --stay and --json, stdout gets {"event":"registered",...} once registration ends, then one
{"event":"rekey",seq,accepted,acksSent,firstAt,lastAt,spanMs,...} per rekey SEQ (when every GM accepted it, or 3 s after
the last copy), and {"event":"exit",...} on SIGINT/SIGTERM or after --rekeys.

Examples:
  gdoi-load --ks 127.0.0.1 --port 848 --count 1000 --concurrency 64 --group 19
  gdoi-load --port 20848 --duration 10 --warmup 3 --phase1-only --doi 1 --ks-pid $(pidof charon)
  gdoi-load --port 20848 --count 10000 --stay --json --ks-pid $KS_PID
  gdoi-load --count 1000 --auth rsa-sig --cert gm.pem --key gm.key --ca ca.pem`);

function bar(p: Progress): string {
  const width = 30;
  const frac = p.total ? Math.min(1, (p.done + p.failed) / p.total) : 0;
  const filled = Math.round(frac * width);
  const head = p.total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done + p.failed}/${p.total}` : `${p.measuring ? '' : 'warm-up '}${(p.elapsedMs / 1000).toFixed(1)} s ${p.done}`;
  return `\r${head}  ${p.rate.toFixed(0)}/s  in flight ${p.inFlight}  failures ${p.failed}   `;
}

async function main(): Promise<void> {
  const raw = program.parse().opts<RawOptions & { progress: boolean }>();
  const o = normalize(raw, Boolean(process.stderr.isTTY));
  const out = (obj: object) => process.stdout.write(`${JSON.stringify(obj)}\n`);
  let rekeysSeen = 0;
  let stopping = false;
  const run: LoadRun = new LoadRun(o, {
    progress: o.progress ? (p) => process.stderr.write(bar(p)) : undefined,
    rekey: (r: RekeyReport) => {
      rekeysSeen++;
      if (o.json) out({ event: 'rekey', ...r });
      else process.stdout.write(`rekey seq ${r.seq} (${r.transport}): ${r.accepted}/${r.members} GMs accepted, ${r.acksSent} acks sent, ${r.spanMs} ms from first copy to last GM${r.duplicates ? `, ${r.duplicates} duplicate copies` : ''}${Object.keys(r.rejected).length ? `, rejected ${JSON.stringify(r.rejected)}` : ''}\n`);
      if (o.rekeys && rekeysSeen >= o.rekeys) void stop('rekeys');
    },
  });
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    await run.stop();
    if (o.stay) {
      const reports = run.listener.reports;
      if (o.json) out({ event: 'exit', reason: why, rekeys: reports.length, unattributed: run.listener.unattributed });
      else process.stdout.write(`stopped (${why}) after ${reports.length} rekeys\n`);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await run.open();
  const summary = await run.run();
  if (o.progress) process.stderr.write('\n');
  if (o.json) out(o.stay ? { ...summary, event: 'registered' } : summary);
  else process.stdout.write(`${formatSummary(summary)}\n`);
  if (o.stay) {
    if (!o.json) process.stdout.write(`${summary.completed} GMs stay registered, waiting for rekeys${o.multicast ? ` (unicast and multicast ${o.multicast})` : ''}; Ctrl-C to stop\n`);
    setInterval(() => {}, 1 << 30);   // keep the process alive: the GM sockets do not hold it after the timers stop
    return;
  }
  await run.stop();
  process.exit(summary.completed > 0 || summary.started === 0 ? 0 : 1);
}

main().catch((e) => {
  process.stderr.write(`% ${e instanceof GdoiError ? e.message : (e as Error)?.stack ?? e}\n`);
  process.exit(e instanceof GdoiError && e.code === 'USAGE' ? 2 : 1);
});
