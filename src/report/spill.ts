/**
 * Rows kept on disk, not in memory: the installations each supplier's list shows are appended to
 * one scratch file per supplier (in the output folder, so they are removed with the run's other
 * temporary files), in input order, through small in-memory buffers flushed when they grow. Memory
 * stays bounded whatever the population: a few megabytes of buffers, plus one count per supplier.
 */
import { appendFileSync, createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** Buffered bytes, over all keys, before everything is written out. */
const FLUSH_BYTES = 4 << 20;

export class Spill {
  private readonly files = new Map<string, string>();
  private readonly buffers = new Map<string, string[]>();
  private buffered = 0;

  /** `scratch` gives a new scratch file path (OutputDir.scratch). */
  constructor(private readonly scratch: () => string) {}

  /** Appends one line (no newline in it) under `key`. */
  append(key: string, line: string): void {
    let buffer = this.buffers.get(key);
    if (buffer === undefined) {
      buffer = [];
      this.buffers.set(key, buffer);
      if (!this.files.has(key)) this.files.set(key, this.scratch());
    }
    buffer.push(line);
    this.buffered += line.length + 1;
    if (this.buffered >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    for (const [key, lines] of this.buffers) if (lines.length > 0) appendFileSync(this.files.get(key)!, `${lines.join("\n")}\n`);
    this.buffers.clear();
    this.buffered = 0;
  }

  /** The lines appended under `key`, in order (call after the last append). */
  async *lines(key: string): AsyncGenerator<string> {
    this.flush();
    const file = this.files.get(key);
    if (file === undefined) return;
    const rl = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
    for await (const line of rl) if (line !== "") yield line;
  }
}
