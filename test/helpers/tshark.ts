// Runs the real tshark on a pcap and returns what its ISAKMP dissector made of it. tshark
// registers ISAKMP on port 500 only, so port 848 (GDOI, RFC 6407 §5) is mapped explicitly.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DECODE_AS = ['-d', 'udp.port==848,isakmp'];
/** Extra arguments that make tshark verify IPv4 and UDP checksums (off by default). */
export const VALIDATE_CHECKSUMS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'];
const MAX_OUTPUT = 64 * 1024 * 1024;

/** Expert-info severities as tshark prints them in JSON (epan/proto.h PI_* values). */
export const ExpertSeverity = { CHAT: 0x00200000, NOTE: 0x00400000, WARN: 0x00600000, ERROR: 0x00800000 } as const;

export interface ExpertFinding {
  frame: number;        // 1-based frame number
  severity: 'warn' | 'error';
  message: string;
}

let version: Promise<string> | undefined;

/** tshark's version line. Fails loudly when tshark is absent: this check is never skipped. */
export function tsharkVersion(): Promise<string> {
  version ??= run('tshark', ['--version'], { maxBuffer: MAX_OUTPUT }).then(
    ({ stdout }) => stdout.split('\n')[0] ?? '',
    (e: Error) => {
      version = undefined;
      throw new Error(
        'tshark is not installed or not runnable; `npm test` installs it through scripts/ensure-tools.sh ' +
        `(or run: apt-get install -y tshark). Cause: ${e.message}`,
      );
    },
  );
  return version;
}

async function tshark(args: string[]): Promise<string> {
  await tsharkVersion();
  const { stdout } = await run('tshark', args, { maxBuffer: MAX_OUTPUT });
  return stdout;
}

/**
 * The dissection of every frame as tshark's JSON (`-T json`). Repeated fields at one level
 * are merged into arrays (`--no-duplicate-keys`), so read them with `asArray`.
 */
export async function runTshark(pcapPath: string, extraArgs: string[] = []): Promise<any[]> {
  const out = await tshark(['-r', pcapPath, ...DECODE_AS, '-T', 'json', '--no-duplicate-keys', ...extraArgs]);
  return JSON.parse(out) as any[];
}

/** The `isakmp` layer of each frame (undefined where ISAKMP was not dissected). */
export async function isakmpLayers(pcapPath: string): Promise<any[]> {
  const frames = await runTshark(pcapPath);
  return frames.map((f) => f?._source?.layers?.isakmp);
}

/** A JSON value that may be one item or an array of them (tshark merges duplicates), as an array. */
export function asArray<T = any>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** tshark prints byte fields as `aa:bb:cc`; this gives the Buffer. */
export function tsharkBytes(v: string): Buffer {
  return Buffer.from(v.replace(/:/g, ''), 'hex');
}

/** Every object with key `key`, in document order, anywhere under `node`. */
export function findAll(node: unknown, key: string, acc: unknown[] = []): unknown[] {
  if (Array.isArray(node)) {
    for (const n of node) findAll(n, key, acc);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) acc.push(...asArray(v));
      findAll(v, key, acc);
    }
  }
  return acc;
}

function findingsOf(frame: any): ExpertFinding[] {
  const number = Number(frame?._source?.layers?.frame?.['frame.number'] ?? 0);
  const out: ExpertFinding[] = [];
  for (const e of findAll(frame, '_ws.expert') as any[]) {
    const sev = Number(e?.['_ws.expert.severity'] ?? 0);
    if (sev < ExpertSeverity.WARN) continue;
    out.push({
      frame: number,
      severity: sev >= ExpertSeverity.ERROR ? 'error' : 'warn',
      message: String(e?.['_ws.expert.message'] ?? 'expert info'),
    });
  }
  // A malformed marker without its expert item still counts.
  const malformed = findAll(frame, '_ws.malformed').filter((m) => typeof m === 'string');
  if (malformed.length > 0 && !out.some((f) => /malformed/i.test(f.message))) {
    out.push({ frame: number, severity: 'error', message: 'Malformed Packet' });
  }
  return out;
}

/**
 * Warnings, errors and malformed-packet markers tshark raises for the capture, per frame
 * Pass `frames` (from runTshark with the same `extraArgs`) to save a second dissection.
 * Cross-checked against `-z expert,warn`: if that summary reports problems the JSON walk
 * missed, they are returned with frame 0 rather than lost.
 */
export async function tsharkExpertErrors(
  pcapPath: string, opts: { frames?: any[]; extraArgs?: string[] } = {},
): Promise<ExpertFinding[]> {
  const extra = opts.extraArgs ?? [];
  const frames = opts.frames ?? await runTshark(pcapPath, extra);
  const found = frames.flatMap(findingsOf);
  const summary = await tshark(['-r', pcapPath, ...DECODE_AS, ...extra, '-q', '-z', 'expert,warn']);
  const counted = [...summary.matchAll(/^(Errors|Warns|Warnings) \((\d+)\)/gm)]
    .reduce((n, m) => n + Number(m[2]), 0);
  if (counted > found.length) {
    found.push({ frame: 0, severity: 'error', message: `tshark -z expert reports:\n${summary.trim()}` });
  }
  return found;
}
