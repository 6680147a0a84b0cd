/**
 * The benchmark's records: parsed and validated once, before any timing.
 *
 * Two sources. SWITCH HERE (one line): "auto" uses the deterministic population generator when
 * src/population/generate.ts exists, else cycles the valid examples; "examples" or "generator"
 * forces one.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Device } from "../generated/tmad-20.v2/model.js";
import type { VersionModule } from "../src/runtime/index.js";

export type RecordSource = "auto" | "examples" | "generator";
export const SOURCE: RecordSource = "auto";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const GENERATOR = join(root, "src", "population", "generate.ts");

/** The valid records of examples/installations.ndjson (ids starting INS-invalid- are the invalid ones). */
export function exampleLines(): string[] {
  return readFileSync(join(root, "examples", "installations.ndjson"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
}

/** `count` NDJSON lines: the examples cycled, each copy with a unique id. */
function cycledExamples(count: number): string[] {
  const base = exampleLines()
    .map((l) => JSON.parse(l) as { id: string })
    .filter((r) => !r.id.startsWith("INS-invalid-"));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = base[i % base.length];
    out.push(JSON.stringify({ ...r, id: `${r.id}#${Math.floor(i / base.length)}` }));
  }
  return out;
}

async function generated(count: number, seed: number): Promise<string[]> {
  // A variable specifier, so this file compiles whether or not the generator exists yet.
  const specifier = "../src/population/generate.js";
  const mod = (await import(specifier)) as { generateInstallations(o: { count: number; seed: number }): Iterable<string> | AsyncIterable<string> };
  const out: string[] = [];
  for await (const line of mod.generateInstallations({ count, seed })) out.push(line);
  return out;
}

export interface Records<I> {
  /** Which source was used ("examples (cycled)" or "generator, seed N"). */
  readonly source: string;
  /** Valid, validated records, in order. */
  readonly records: readonly I[];
  /** Lines that did not validate (left out). */
  readonly rejected: number;
}

/** The benchmark's records as NDJSON lines (unparsed), from the same source as loadRecords. */
export async function loadLines(count: number, seed = 20): Promise<string[]> {
  const useGenerator = SOURCE === "generator" || (SOURCE === "auto" && existsSync(GENERATOR));
  return useGenerator ? await generated(count, seed) : cycledExamples(count);
}

/** Parses and validates `count` records (fewer if some lines do not validate). */
export async function loadRecords<I>(version: VersionModule<I, unknown>, count: number, seed = 20): Promise<Records<I>> {
  const useGenerator = SOURCE === "generator" || (SOURCE === "auto" && existsSync(GENERATOR));
  const lines = await loadLines(count, seed);
  const records: I[] = [];
  let rejected = 0;
  for (const line of lines) {
    const checked = version.validator.validate(JSON.parse(line));
    if (checked.ok) records.push(checked.value);
    else rejected++;
  }
  return { source: useGenerator ? `src/population/generate.ts, seed ${seed}` : "examples/installations.ndjson, valid records cycled with unique ids", records, rejected };
}

/** A 20.v2 device that is a dormant meter: the records with one are most of the evaluators' time. */
export const isDormantMeter = (d: Device): boolean => (d.type === "ESME" || d.type === "GSME") && d.dormant;

/** The records grouped by `classOf`, classes in the order first met. */
export function groupRecords<R>(records: readonly R[], classOf: (r: R) => string): Map<string, R[]> {
  const classes = new Map<string, R[]>();
  for (const r of records) {
    const key = classOf(r);
    const members = classes.get(key);
    if (members === undefined) classes.set(key, [r]);
    else members.push(r);
  }
  return classes;
}
