/**
 * Failures of the file system or of an output, said in words: which file, what happened, and the
 * system's code, e.g. "cannot write out.ndjson: no space left on the device (ENOSPC)". The CLI
 * prints the message and exits 2, never "internal error".
 */

/** A failure to read or write a named file; its message is complete and meant for the user. */
export class IoError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "IoError";
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "it is a folder",
  EEXIST: "it already exists",
  EFBIG: "the file is too large for the file system",
  EIO: "input/output error on the device",
  EMFILE: "too many open files",
  ENAMETOOLONG: "the name is too long",
  ENXIO: "no process is reading it (a socket or device without a reader)",
  ELOOP: "too many symbolic links",
  EPIPE: "the reader closed the pipe",
};

/** Whether `e` is an error from the operating system (it has an `E…` code and a system call). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  const err = e as NodeJS.ErrnoException;
  return typeof err === "object" && err !== null && typeof err.code === "string" && /^E[A-Z]+$/.test(err.code) && typeof err.syscall === "string";
}

/** The reason of a system error in words, with its code. */
export function reasonOf(e: unknown): string {
  if (!isSystemError(e)) return e instanceof Error ? e.message : String(e);
  const words = REASONS[e.code!];
  return words === undefined ? `${e.message}` : `${words} (${e.code})`;
}

/** An IoError for doing `what` (e.g. "write out.ndjson") that failed with `e`. */
export function ioError(what: string, e: unknown): IoError {
  if (e instanceof IoError) return e;
  return new IoError(`cannot ${what}: ${reasonOf(e)}`, isSystemError(e) ? e.code : undefined);
}
