#!/usr/bin/env node
/**
 * The `tmad` program: runs the command line (src/cli/cli.ts) with the process's streams and sets
 * the process's exit code from it.
 */
import { runCli } from "./cli.js";

// A reader that goes away (`tmad eval … | head -1`) ends the run quietly: the output it wanted is written.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
