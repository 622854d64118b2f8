// Durable KS state: group keys, SEQ and members, behind a small interface so the cooperative
// KSs can later keep it in Redis. FileStore writes one JSON file atomically (temp file,
// fsync, rename): a SIGKILL leaves either the old or the new state, never half of one.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { GroupPolicy, KekPolicy, TekPolicy } from '../shared/policy/group-policy.ts';
import type { Member } from './ks-group.ts';

export interface GroupState { policy: GroupPolicy; members: Member[] }
export interface KsState { version: 1; savedAt: number; groups: GroupState[] }

export interface KsStore {
  load(): Promise<KsState | undefined>;
  save(state: KsState): Promise<void>;
}

const B64 = '__b64:';
function replacer(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
    return B64 + Buffer.from((v as { data: number[] }).data).toString('base64');
  }
  return v;
}
function reviver(_k: string, v: unknown): unknown {
  return typeof v === 'string' && v.startsWith(B64) ? Buffer.from(v.slice(B64.length), 'base64') : v;
}

export function serializeState(s: KsState): string { return JSON.stringify(s, replacer); }
export function parseState(text: string): KsState {
  const s = JSON.parse(text, reviver) as KsState;
  if (s.version !== 1 || !Array.isArray(s.groups)) throw new Error('unknown state file format');
  return s;
}

export class FileStore implements KsStore {
  readonly path: string;
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.path = join(dir, 'state.json');
  }
  async load(): Promise<KsState | undefined> {
    if (!existsSync(this.path)) return undefined;
    return parseState(readFileSync(this.path, 'utf8'));
  }
  async save(state: KsState): Promise<void> {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try { writeSync(fd, serializeState(state)); fsyncSync(fd); } finally { closeSync(fd); }
    renameSync(tmp, this.path);
  }
}

/** In-memory store for tests and for `--no-state`. */
export class MemoryStore implements KsStore {
  private text?: string;
  async load(): Promise<KsState | undefined> { return this.text ? parseState(this.text) : undefined; }
  async save(state: KsState): Promise<void> { this.text = serializeState(state); }
}

export type { KekPolicy, TekPolicy };
