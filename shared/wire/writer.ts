/** Growable big-endian byte writer; `patch16` fills in lengths once known. */
export class Writer {
  private buf: Buffer;
  pos = 0;
  constructor(size = 256) { this.buf = Buffer.allocUnsafe(size); }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v: number): this { this.ensure(1); this.buf[this.pos++] = v & 0xff; return this; }
  u16(v: number): this { this.ensure(2); this.buf.writeUInt16BE(v & 0xffff, this.pos); this.pos += 2; return this; }
  u32(v: number): this { this.ensure(4); this.buf.writeUInt32BE(v >>> 0, this.pos); this.pos += 4; return this; }
  bytes(b: Uint8Array): this { this.ensure(b.length); this.buf.set(b, this.pos); this.pos += b.length; return this; }
  zeros(n: number): this { this.ensure(n); this.buf.fill(0, this.pos, this.pos + n); this.pos += n; return this; }
  patch16(at: number, v: number): void { this.buf.writeUInt16BE(v, at); }
  patch32(at: number, v: number): void { this.buf.writeUInt32BE(v >>> 0, at); }
  patch8(at: number, v: number): void { this.buf[at] = v; }
  /**
   * What was written, as a view of the writer's own buffer (no copy: encoding is on every
   * datagram's path). A Writer is single-use; nothing writes to it after finish().
   */
  finish(): Buffer { return this.buf.subarray(0, this.pos); }
}
