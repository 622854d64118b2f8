// The control channel between a daemon (gdoi-ks, gdoi-gm) and the `gdoi` CLI: newline-delimited
// JSON over a Unix socket. One JSON object per line, UTF-8.
//
//   server -> client, once on connect:  {"hello":{"hostname":"ks1","role":"ks"}}
//   client -> server:                   {"id":1,"line":"show crypto gdoi ks members | include 10.0"}
//                                       {"id":2,"line":"clear crypto gdoi ks members now","confirm":"yes"}
//   server -> client:                   {"id":1,"ok":true,"output":"..."}   (+ "caret":N on rejects)
//
// Requests on one connection are answered in order. Garbage (bad JSON, no `line`, an
// over-long line) gets {"id":null|ID,"ok":false,"output":"% ..."}; the daemon never crashes on it.
//
// Confirmation prompts (design note): IOS asks "Are you sure you want to proceed? ? [yes/no]:"
// before destructive commands. Non-interactive callers pre-answer with `confirm`; handlers see
// it as ctx.confirm. A future interactive form can answer {"id","ok":false,"prompt":"..."} and
// let the client re-send the same line with the user's answer, without changing this shape.

export interface Hello {
  hostname: string;
  /** 'ks' or 'gm' (free text so tools and tests can say what they are). */
  role: string;
}

export interface ControlRequest {
  id: string | number;
  line: string;
  confirm?: 'yes' | 'no';
}

export interface ControlResponse {
  id: string | number | null;
  ok: boolean;
  output: string;
  caret?: number;
}

/** A line longer than this without a newline is garbage: answered once, then the peer is dropped. */
export const MAX_LINE_BYTES = 64 * 1024;

/** Validates one request line; a string is the `% ` error to answer with. */
export function parseRequest(text: string): { req: ControlRequest } | { id: string | number | null; error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { id: null, error: '% Malformed request: not JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { id: null, error: '% Malformed request: not an object' };
  const o = v as Record<string, unknown>;
  const id = typeof o.id === 'string' || typeof o.id === 'number' ? o.id : null;
  if (id === null) return { id, error: '% Malformed request: id must be a string or number' };
  if (typeof o.line !== 'string') return { id, error: '% Malformed request: line must be a string' };
  if (o.confirm !== undefined && o.confirm !== 'yes' && o.confirm !== 'no') {
    return { id, error: "% Malformed request: confirm must be 'yes' or 'no'" };
  }
  return { req: { id, line: o.line, ...(o.confirm ? { confirm: o.confirm as 'yes' | 'no' } : {}) } };
}

/** Splits a byte stream into lines; reports overflow instead of buffering without bound. */
export class LineBuffer {
  private buf = '';
  constructor(private readonly max = MAX_LINE_BYTES) {}

  /** Complete lines in `chunk` (plus earlier leftovers); 'overflow' once the partial line is too long. */
  push(chunk: string): string[] | 'overflow' {
    this.buf += chunk;
    const parts = this.buf.split('\n');
    this.buf = parts.pop()!;
    if (Buffer.byteLength(this.buf) > this.max) return 'overflow';
    return parts.map((l) => l.replace(/\r$/, ''));
  }
}
