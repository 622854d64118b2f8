// Parse state shared by the per-area parsers, and a token cursor that turns every malformed
// value into a ConfigError naming the line. Messages echo single tokens only, never a
// whole line, so a pre-shared key cannot leak into an error.

import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { ConfigLine } from './blocks.ts';
import { parseIpv4 } from './ipv4.ts';
import { emptyConfig, type ConfigWarning, type DeviceConfig } from './types.ts';

export class ParseContext {
  readonly config: DeviceConfig = emptyConfig();
  readonly warnings: ConfigWarning[] = [];
  /** Checks that need the whole file (cross references), run in order after parsing. */
  readonly deferred: (() => void)[] = [];

  constructor(readonly file: string) {}

  fail(line: number, message: string): never {
    throw new ConfigError(this.file, line, message);
  }

  warn(line: number, message: string): void {
    this.warnings.push({ line, message });
  }

  /** A file named in the config, relative to the config file's directory. */
  resolvePath(line: number, p: string): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(p) && !isAbsolute(p)) this.fail(line, `URL '${p}' is not supported; give a file path`);
    return resolve(dirname(this.file), p);
  }

  /** For a line that opens no sub-mode: an indented line under it is an error, not ignored. */
  noChildren(node: ConfigLine): void {
    const c = node.children[0];
    if (c) this.fail(c.no, `unexpected indented line: '${node.tokens[0]}' (line ${node.no}) has no sub-mode`);
  }

  unknown(node: ConfigLine, mode: string): never {
    const shown = node.tokens.slice(0, 2).join(' ') + (node.tokens.length > 2 ? ' ...' : '');
    this.fail(node.no, `unknown or unsupported command '${shown}' in ${mode}`);
  }
}

/** Reads one line's tokens left to right; keywords compare case-insensitively. */
export class Cursor {
  private i: number;

  constructor(readonly ctx: ParseContext, readonly node: ConfigLine, start = 0) {
    this.i = start;
  }

  get line(): number { return this.node.no; }

  peek(): string | undefined { return this.node.tokens[this.i]; }
  peekLower(): string | undefined { return this.node.tokens[this.i]?.toLowerCase(); }
  atEnd(): boolean { return this.i >= this.node.tokens.length; }

  /** Consumes the next token if it is `kw`. */
  accept(kw: string): boolean {
    if (this.peekLower() !== kw) return false;
    this.i++;
    return true;
  }

  /** Any next token (a name, a key); `what` names it in the error when missing. */
  next(what: string): string {
    const t = this.node.tokens[this.i];
    if (t === undefined) this.ctx.fail(this.line, `missing ${what}`);
    this.i++;
    return t;
  }

  expect(kw: string): void {
    const t = this.next(`'${kw}'`);
    if (t.toLowerCase() !== kw) this.ctx.fail(this.line, `expected '${kw}', got '${t}'`);
  }

  /** One of `allowed` (lower-cased). */
  keyword<T extends string>(what: string, allowed: readonly T[]): T {
    const t = this.next(what).toLowerCase();
    if (!(allowed as readonly string[]).includes(t)) {
      this.ctx.fail(this.line, `bad ${what} '${t}'; expected one of: ${allowed.join(', ')}`);
    }
    return t as T;
  }

  int(what: string, min: number, max: number): number {
    const t = this.next(what);
    if (!/^\d+$/.test(t)) this.ctx.fail(this.line, `bad ${what} '${t}': not a number`);
    const n = Number(t);
    if (n < min || n > max) this.ctx.fail(this.line, `${what} ${t} out of range ${min}-${max}`);
    return n;
  }

  /** A dotted-quad IPv4 address, returned in canonical form. */
  ipv4(what: string): string {
    const t = this.next(what);
    const n = parseIpv4(t);
    if (n === undefined) this.ctx.fail(this.line, `bad ${what} '${t}': not an IPv4 address`);
    return t.split('.').map(Number).join('.');
  }

  /** All remaining tokens joined by one space (descriptions, subject names). */
  rest(what: string): string {
    if (this.atEnd()) this.ctx.fail(this.line, `missing ${what}`);
    const s = this.node.tokens.slice(this.i).join(' ');
    this.i = this.node.tokens.length;
    return s;
  }

  /** Every token must have been consumed. */
  end(): void {
    const t = this.peek();
    if (t !== undefined) this.ctx.fail(this.line, `unexpected '${t}'`);
  }
}
