import { DecodeError } from '../errors.ts';

/**
 * Bounds-checked big-endian cursor over a byte range. Every read checks what remains
 * and throws DecodeError with the absolute offset; `end` is a hard roof (a payload's
 * own length), never the buffer's end unless the caller says so.
 */
export class Reader {
  pos: number;
  constructor(readonly buf: Buffer, start = 0, readonly end = buf.length) {
    if (end > buf.length || start > end) throw new DecodeError('TRUNCATED', start, 'range beyond buffer');
    this.pos = start;
  }
  get remaining(): number { return this.end - this.pos; }

  need(n: number, field?: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new DecodeError('TRUNCATED', this.pos, `need ${n} byte(s), ${this.remaining} left`, field);
    }
  }
  u8(field?: string): number { this.need(1, field); return this.buf[this.pos++]!; }
  u16(field?: string): number { this.need(2, field); const v = this.buf.readUInt16BE(this.pos); this.pos += 2; return v; }
  u32(field?: string): number { this.need(4, field); const v = this.buf.readUInt32BE(this.pos); this.pos += 4; return v; }
  /** A view (no copy) of the next n bytes. */
  bytes(n: number, field?: string): Buffer { this.need(n, field); const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return b; }
  rest(): Buffer { return this.bytes(this.remaining); }
  /** A sub-reader over the next n bytes; this cursor skips past them. */
  sub(n: number, field?: string): Reader { this.need(n, field); const r = new Reader(this.buf, this.pos, this.pos + n); this.pos += n; return r; }
  /** Reserved fields must be zero on receipt (RFC 2408 §3.2). */
  zero(n: number, field: string): void {
    const at = this.pos;
    const b = this.bytes(n, field);
    for (const x of b) if (x !== 0) throw new DecodeError('BAD_VALUE', at, 'reserved field not zero', field);
  }
  done(field?: string): void {
    if (this.pos !== this.end) throw new DecodeError('TRAILING_DATA', this.pos, `${this.end - this.pos} unexpected trailing byte(s)`, field);
  }
}
