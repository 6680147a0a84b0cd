/**
 * Where a command's output goes: standard output, or a file. A regular file (or a new one) is
 * written to a temporary name beside it, `.NAME.tmad-tmp-PID`, and renamed into place only when the
 * command completes, so an interrupted run never leaves a file that looks complete; temporary files
 * of the same target left by runs that were killed (their process is gone) are removed first. A
 * target that is not a regular file (a device such as /dev/null, a named pipe) is written in place,
 * never renamed over: a command never replaces what it did not create. A symbolic link is followed,
 * and the file it names is replaced, not the link. Writes respect backpressure; failures name the
 * target and say what went wrong (src/cli/io-error.ts).
 */
import { createWriteStream, lstatSync, readdirSync, realpathSync, renameSync, rmSync, statSync, type WriteStream } from "node:fs";
import { basename, dirname, join } from "node:path";
import { IoError, ioError } from "./io-error.js";
import { cliIo } from "./io.js";

const TMP_MARK = ".tmad-tmp-";

/** The temporary file of `target` for process `pid`. */
export function temporaryName(target: string, pid: number = process.pid): string {
  return join(dirname(target), `.${basename(target)}${TMP_MARK}${pid}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes temporary files of `target` whose process has ended (a run killed before it could clean up). */
function removeStale(target: string): void {
  const prefix = `.${basename(target)}${TMP_MARK}`;
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return; // the folder is missing: opening the file will say so
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = name.slice(prefix.length);
    if (!/^[1-9]\d*$/.test(pid) || Number(pid) === process.pid || alive(Number(pid))) continue;
    rmSync(join(dirname(target), name), { force: true });
  }
}

/** How a target is written: through a temporary file and a rename, or in place. */
function planFor(out: string): { target: string; inPlace: boolean } {
  let target = out;
  try {
    if (lstatSync(out).isSymbolicLink()) target = realpathSync(out);
  } catch {
    // Missing (or a dangling link): written as a new file; errors surface when it is opened.
  }
  let st;
  try {
    st = statSync(target);
  } catch {
    return { target, inPlace: false };
  }
  if (st.isDirectory()) throw new IoError(`cannot write ${out}: it is a folder; name a file`, "EISDIR");
  return { target, inPlace: !st.isFile() };
}

export class Sink {
  private readonly stream: NodeJS.WritableStream | WriteStream;
  private readonly tmp: string | undefined;
  private readonly target: string | undefined;
  private failure: Error | undefined;
  private closed = false;
  private readonly onSignal = (): void => {
    this.abort();
    process.exit(130);
  };

  constructor(private readonly out: string | undefined) {
    if (out === undefined) {
      this.stream = cliIo().stdout;
      this.tmp = undefined;
      this.target = undefined;
      return;
    }
    const plan = planFor(out);
    this.target = plan.target;
    if (plan.inPlace) {
      this.tmp = undefined;
      this.stream = createWriteStream(plan.target, { flags: "w" });
    } else {
      removeStale(plan.target);
      this.tmp = temporaryName(plan.target);
      this.stream = createWriteStream(this.tmp, { flags: "w" });
    }
    // An error (e.g. no such folder, a full disk) is kept and thrown by the next write or close.
    (this.stream as NodeJS.WritableStream).on("error", (e: Error) => (this.failure ??= ioError(`write ${out}`, e)));
    process.once("SIGINT", this.onSignal);
    process.once("SIGTERM", this.onSignal);
  }

  async write(text: string | Uint8Array): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (!this.stream.write(text)) await this.drained();
    if (this.failure !== undefined) throw this.failure;
  }

  /** Waits until the stream can take more, or has failed; removes its listeners either way. */
  private drained(): Promise<void> {
    const s = this.stream as NodeJS.WritableStream;
    return new Promise((resolve) => {
      const done = (): void => {
        s.off("drain", done);
        s.off("close", done);
        s.off("error", done);
        resolve();
      };
      s.on("drain", done);
      s.on("close", done);
      s.on("error", done);
    });
  }

  /** Completes the output: for a file, closes it and (unless written in place) renames it into place. */
  async close(): Promise<void> {
    if (this.out === undefined || this.closed) return;
    this.closed = true;
    const s = this.stream as WriteStream;
    try {
      if (!s.destroyed) await new Promise<void>((resolve, reject) => s.end((e?: Error | null) => (e ? reject(e) : resolve())));
      if (this.failure !== undefined) throw this.failure;
      if (this.tmp !== undefined) renameSync(this.tmp, this.target!);
    } catch (e) {
      this.removeTemporary();
      throw ioError(`write ${this.out}`, e);
    } finally {
      this.release();
    }
  }

  /** Abandons the output: removes the temporary file (a target written in place is left as it is). */
  abort(): void {
    if (this.out === undefined) return;
    this.closed = true;
    (this.stream as WriteStream).destroy();
    this.removeTemporary();
    this.release();
  }

  private removeTemporary(): void {
    if (this.tmp !== undefined) rmSync(this.tmp, { force: true });
  }

  private release(): void {
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
  }
}
