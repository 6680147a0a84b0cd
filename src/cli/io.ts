/**
 * The streams a command reads and writes: the process's own (`tmad` on a command line), or those a
 * caller hands to `runCli` (src/cli/cli.ts), e.g. the tests, which run commands in their own process
 * and read what they printed. Commands ask `cliIo()` for them instead of naming process.stdout; the
 * streams of a run follow its asynchronous work (AsyncLocalStorage), so two runs at once in one
 * process keep their output apart.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Readable, Writable } from "node:stream";

export interface CliIo {
  readonly stdout: Writable & { readonly isTTY?: boolean };
  readonly stderr: Writable & { readonly isTTY?: boolean };
  readonly stdin: Readable;
}

/**
 * Made on first use: src/cli/records.ts asks for standard input through cliIo, and the site's
 * explorer bundles that module for the browser, where `node:` modules are empty (src/site/bundle.ts)
 * and nothing may run at load that needs Node.
 */
let current: AsyncLocalStorage<CliIo> | undefined;

const processIo: CliIo = {
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  get stdin() {
    return process.stdin;
  },
};

/** The streams of the command running now: the process's unless a caller of runCli gave others. */
export function cliIo(): CliIo {
  return current?.getStore() ?? processIo;
}

/** Runs `body` with `io` as the streams its commands use. */
export function withCliIo<T>(io: CliIo, body: () => Promise<T>): Promise<T> {
  current ??= new AsyncLocalStorage<CliIo>();
  return current.run(io, body);
}
