/**
 * Where a command's output goes: standard output, or a file written to a temporary name beside it
 * and renamed into place only when the command completes, so an interrupted run (an error, Ctrl-C)
 * never leaves a file that looks complete. Writes respect backpressure.
 */
import { once } from "node:events";
import { createWriteStream, renameSync, rmSync, type WriteStream } from "node:fs";

export class Sink {
  private readonly stream: NodeJS.WritableStream | WriteStream;
  private readonly tmp: string | undefined;
  private failure: Error | undefined;
  private readonly onSignal = (): void => {
    this.abort();
    process.exit(130);
  };

  constructor(private readonly out: string | undefined) {
    if (out === undefined) {
      this.stream = process.stdout;
      this.tmp = undefined;
    } else {
      this.tmp = `${out}.tmp-${process.pid}`;
      const file = createWriteStream(this.tmp);
      // An error (e.g. no such directory) is kept and thrown by the next write or close.
      file.on("error", (e: Error) => (this.failure = e));
      this.stream = file;
      process.once("SIGINT", this.onSignal);
      process.once("SIGTERM", this.onSignal);
    }
  }

  async write(text: string): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (!this.stream.write(text)) await Promise.race([once(this.stream, "drain"), once(this.stream, "error")]);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Completes the output: for a file, closes it and renames it into place. */
  async close(): Promise<void> {
    if (this.tmp === undefined) return;
    const s = this.stream as WriteStream;
    await new Promise<void>((resolve, reject) => s.end((e?: Error | null) => (e ? reject(e) : resolve())));
    if (this.failure !== undefined) throw this.failure;
    renameSync(this.tmp, this.out!);
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
  }

  /** Abandons the output: removes the temporary file. */
  abort(): void {
    if (this.tmp === undefined) return;
    (this.stream as WriteStream).destroy();
    rmSync(this.tmp, { force: true });
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
  }
}
