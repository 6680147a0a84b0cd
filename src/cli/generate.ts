/**
 * `tmad generate`: the command-line face of src/population/generate.ts, in the shape of the entries of the
 * `commands` record in src/cli/cli.ts. Streams NDJSON to standard output, or with --out to
 * `${out}.tmp-${pid}` renamed into place once complete, so an interrupted run never leaves a file
 * that looks whole. Writes wait for 'drain', so a million records stream in flat memory.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";
import { Sink } from "./sink.js";
import { UsageError } from "./usage.js";
import { cliIo } from "./io.js";
import { generateInstallations, MAX_COUNT, type GenerateOptions } from "../population/generate.js";

/** Lines are joined into chunks of about this many characters: one write per record is slow. */
const CHUNK_CHARS = 64 * 1024;

function integer(raw: unknown, name: string): number {
  if (typeof raw !== "string" || !/^[+-]?\d+$/.test(raw.trim())) throw new UsageError(`--${name} must be an integer`);
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n)) throw new UsageError(`--${name} is too large`);
  return n;
}

/** The generator's options from parsed command-line values; UsageError when one is wrong. */
export function generateOptionsFrom(positionals: readonly string[], values: Record<string, unknown>): GenerateOptions & { readonly out?: string } {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.count === undefined) throw new UsageError("say how many records: --count N");
  if (values.seed === undefined) throw new UsageError("give a seed, so that the output can be reproduced: --seed S");
  const count = integer(values.count, "count");
  if (count < 0 || count > MAX_COUNT) throw new UsageError(`--count must be from 0 to ${MAX_COUNT}`);
  const seed = integer(values.seed, "seed");
  let invalidRate = 0;
  if (values["invalid-rate"] !== undefined) {
    const raw = String(values["invalid-rate"]).trim();
    invalidRate = /^(\d+(\.\d*)?|\.\d+)$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(invalidRate >= 0 && invalidRate <= 1)) throw new UsageError("--invalid-rate must be a number from 0 to 1");
  }
  const asOf = (values["as-of"] as string | undefined) ?? "2022-06-11";
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? Date.parse(`${asOf}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== asOf) throw new UsageError(`--as-of "${asOf}" is not a date (YYYY-MM-DD)`);
  if (asOf < "2012-01-01" || asOf > "9000-12-31") throw new UsageError("--as-of must be between 2012-01-01 and 9000-12-31");
  const out = values.out as string | undefined;
  if (out !== undefined && out.trim() === "") throw new UsageError("--out needs a file name");
  return { count, seed, asOf, invalidRate, ...(out === undefined ? {} : { out }) };
}

/** Resolves once the stream can take more, or can take nothing more (closed or failed: the caller checks). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off("drain", done);
      stream.off("close", done);
      stream.off("error", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
    stream.on("error", done);
  });
}

/** Writes every line to `stream`, waiting for 'drain' whenever its buffer is full. False if the reader went away. */
async function pump(lines: Iterable<string>, stream: Writable): Promise<boolean> {
  let failure: Error | undefined;
  const onError = (e: Error): void => {
    failure = e;
  };
  stream.on("error", onError);
  try {
    let chunk = "";
    const write = async (s: string): Promise<void> => {
      if (!stream.write(s)) await drained(stream);
    };
    for (const line of lines) {
      chunk += `${line}\n`;
      if (chunk.length >= CHUNK_CHARS) {
        await write(chunk);
        chunk = "";
        if (failure !== undefined || stream.destroyed) break;
      }
    }
    if (chunk !== "" && failure === undefined && !stream.destroyed) await write(chunk);
  } finally {
    stream.off("error", onError);
  }
  // A closed pipe (e.g. `tmad generate … | head`) is the reader's choice, not an error.
  if (failure !== undefined && (failure as NodeJS.ErrnoException).code !== "EPIPE") throw failure;
  return failure === undefined;
}

async function run(positionals: string[], values: Record<string, unknown>): Promise<number> {
  const { out, ...options } = generateOptionsFrom(positionals, values);
  if (out === undefined) {
    await pump(generateInstallations(options), cliIo().stdout);
    return 0;
  }
  const sink = new Sink(out);
  try {
    let chunk = "";
    for (const line of generateInstallations(options)) {
      chunk += `${line}\n`;
      if (chunk.length >= CHUNK_CHARS) {
        await sink.write(chunk);
        chunk = "";
      }
    }
    if (chunk !== "") await sink.write(chunk);
    await sink.close();
  } catch (e) {
    sink.abort();
    throw e;
  }
  return 0;
}

export const generateCommand = {
  summary: "generate a synthetic population of installation records (NDJSON)",
  usage: `tmad generate --count N --seed S [--as-of DATE] [--invalid-rate R] [--out FILE]
  Writes N realistic SMETS1 Installations, one JSON object a line, in the input format of the rules
  (the mix of cohorts, dormant meters, retry histories, duplicates, data issues and suppliers is
  described in docs/population.md). The same options always give the same bytes, and the first
  records of a longer run are those of a shorter one with the same seed.
  --count         number of records (0 to ${MAX_COUNT})
  --seed          an integer; different seeds give different populations
  --as-of         the date the population describes: every date falls before it (default 2022-06-11)
  --invalid-rate  fraction of lines broken on purpose, each in one way, cycling through every input
                  error the validator reports and a line that is not JSON (default 0)
  --out           write to FILE (atomically: complete or not at all) instead of standard output`,
  options: {
    count: { type: "string" },
    seed: { type: "string" },
    "as-of": { type: "string" },
    "invalid-rate": { type: "string" },
    out: { type: "string" },
  },
  run,
} as const;
