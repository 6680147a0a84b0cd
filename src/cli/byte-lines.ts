/**
 * Output lines written straight into UTF-8 bytes, for a batch's result (src/cli/batch.ts): what a
 * worker would otherwise build as strings, join, and encode again. Text is written as UTF-8 exactly
 * as Buffer.from(text, "utf8") encodes it; plain ASCII a character at a time (short strings: cheaper
 * than a call into Node), anything longer or wider by Node's encoder. `take` hands over the bytes in
 * a buffer of their own (never a slice of Node's shared pool), so they can be transferred.
 */

/** Strings up to this long that are ASCII are copied a character at a time. */
const SHORT = 64;

/** Byte arrays up to this long are copied a byte at a time. */
const SHORT_BYTES = 32;

export class ByteLines {
  private buf: Buffer;
  private pos = 0;

  constructor(private capacity = 1 << 16) {
    this.buf = Buffer.allocUnsafeSlow(capacity);
  }

  get length(): number {
    return this.pos;
  }

  /** Room for `n` more bytes. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** Bytes as they are (text already encoded); a few (a line's fixed pieces) a byte at a time, cheaper than a call to copy them. */
  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    if (n <= SHORT_BYTES) {
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = b[i];
      this.pos = p;
      return;
    }
    this.buf.set(b, this.pos);
    this.pos += n;
  }

  /** A string as UTF-8. */
  text(s: string): void {
    const n = s.length;
    if (n <= SHORT) {
      this.room(n);
      const buf = this.buf;
      let p = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      if (i === n) {
        this.pos = p;
        return;
      }
    }
    // Wider than ASCII, or long: Node's encoder (at most 3 bytes a UTF-16 unit).
    this.room(n * 3);
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  /**
   * A string as JSON.stringify writes it, when it needs no escape (no `"`, `\`, control character
   * or character beyond ASCII): then `"s"`, true. Otherwise nothing is written: false.
   */
  plainJsonString(s: string): boolean {
    const n = s.length;
    this.room(n + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 34 || c === 92 || c >= 0x80) return false;
      buf[p++] = c;
    }
    buf[p++] = 34;
    this.pos = p;
    return true;
  }

  /** A whole number from 0 to 2^53, in decimal as String(n) writes it. */
  wholeNumber(n: number): void {
    if (!(Number.isSafeInteger(n) && n >= 0)) {
      this.text(String(n));
      return;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    this.room(digits);
    let p = this.pos + digits;
    this.pos = p;
    let x = n;
    do {
      const q = Math.floor(x / 10);
      this.buf[--p] = 48 + (x - q * 10);
      x = q;
    } while (x > 0);
  }

  /** The bytes written so far, in a buffer of their own; the writer starts again, empty. */
  take(): Uint8Array {
    const out = new Uint8Array(this.buf.buffer, 0, this.pos);
    // The next batch is about as large as this one.
    this.capacity = Math.max(1 << 12, this.pos + (this.pos >> 3));
    this.buf = Buffer.allocUnsafeSlow(this.capacity);
    this.pos = 0;
    return out;
  }
}
