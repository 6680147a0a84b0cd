/**
 * One rule document through the whole compiler, as the fuzzer checks it, in two steps:
 * `compileDocument` compiles it in memory (extract, parse, check, pins, generate) and checks every
 * diagnostic's span and code; what it generates is type-checked in batches (./typecheck.ts);
 * then `runGenerated` loads it as `tmad check` and `tmad test` do (src/compiler/load.ts: esbuild to
 * CommonJS, run in memory) and runs it on random inputs built from the version's own schema,
 * plainly and traced (which must agree). Generated code is laid out by TypeScript's formatter only
 * when asked (`formatted`; the fuzzer asks for one document in ten): the formatter costs more
 * than the rest of generation and changes no token. Any exception, a bad
 * diagnostic, or a traced evaluation that disagrees is a failure; a hang is caught by the caller's
 * watchdog (the fuzzer runs this in worker threads).
 */
import { isDeepStrictEqual } from "node:util";
import type { GeneratedFile } from "../../src/compiler/generate/index.js";
import { withoutFormatting } from "../../src/compiler/generate/index.js";
import { loadGenerated } from "../../src/compiler/load.js";
import { compileVersion } from "../../src/compiler/pipeline.js";
import { Rng } from "../../src/population/random.js";
import { evaluateRecord, type FieldType, type Schema } from "../../src/runtime/index.js";
import { spanProblem } from "../fuzz.js";

export interface DocFailure {
  /** A short kind: crash, bad-diagnostic, load, evaluation, traced-differs, does-not-compile, hang. */
  readonly kind: string;
  /** The first line of what went wrong, the same for every case of one defect (for grouping). */
  readonly signature: string;
  readonly detail: string;
}

export interface DocOutcome {
  readonly failures: DocFailure[];
  /** Generated files, when the document compiled without errors. */
  readonly files?: readonly GeneratedFile[];
  /** Error codes, when a document meant to be well-formed got errors (the generator's or the checker's fault). */
  readonly unexpectedErrors?: readonly string[];
  readonly evaluations: number;
}

/** A JSON value for a field type, mostly valid, sometimes not (the validator is exercised too). */
function valueFor(t: FieldType, schema: Schema, rng: Rng, depth: number): unknown {
  if (rng.chance(0.02)) return rng.pick([null, "x", 1, [], {}, true, "2022-02-30", "ESME"]);
  switch (t.kind) {
    case "optional":
      return rng.chance(0.3) ? undefined : valueFor(t.inner, schema, rng, depth);
    case "boolean":
      return rng.chance(0.5);
    case "integer":
      return rng.pick([0, 1, 2, 5, 36, 108, -1, 2 ** 31, Number.MAX_SAFE_INTEGER]);
    case "decimal":
      return rng.pick([0, 0.5, 1.5, -2.25, 1e-9, 123456.789]);
    case "text":
      return rng.pick(["", "a", "x y", "ESME", "é😀", "*/", "=cmd|' /C calc'!A0", "a".repeat(rng.int(0, 200))]);
    case "clause":
      return rng.pick(["1.1", "4.26A", "18.13", "2"]);
    case "date":
      return rng.pick(["2022-05-11", "2024-02-29", "0099-12-31", "0100-01-01", "1999-12-31", "2022-06-30"]);
    case "datetime":
      return rng.pick(["2022-05-11T09:30Z", "2022-05-11T09:30:00.250+01:00", "2016-12-31T23:59:60Z", "0050-01-01T00:00:00+00:00", "2030-01-01T00:00:00Z"]);
    case "enum": {
      const members = schema.enums[t.name] ?? [];
      return members.length === 0 ? "NONE" : rng.pick(members);
    }
    case "identifier":
      return rng.pick(["1200023305967", "0000000000000", "AA", "90-B3-D5-1F-30-13-00-01", `${"a".repeat(rng.int(10, 40))}!`, "x", ""]);
    case "list":
      return depth > 4 ? [] : Array.from({ length: rng.int(0, 4) }, () => valueFor(t.element, schema, rng, depth + 1));
    case "record":
      return recordFor(t.name, schema, rng, depth + 1);
  }
}

function recordFor(name: string, schema: Schema, rng: Rng, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, t] of schema.records[name] ?? []) {
    const v = valueFor(t, schema, rng, depth);
    if (v !== undefined) out[field] = v;
  }
  return out;
}

/** Compiles one document; never throws. */
export function compileDocument(id: string, text: string, wellFormed: boolean, formatted = true): DocOutcome {
  const failures: DocFailure[] = [];
  const files = [{ path: `fuzz/${id}/index.md`, text }];
  let compiled;
  try {
    const compile = () => compileVersion({ id, dir: `fuzz/${id}`, files }, "generate");
    compiled = formatted ? compile() : withoutFormatting(compile);
  } catch (e) {
    const err = e as Error;
    return { failures: [{ kind: "crash", signature: `compile throws ${err.name}: ${firstLine(err.message)}`, detail: err.stack ?? String(e) }], evaluations: 0 };
  }
  for (const d of compiled.diagnostics) {
    const problem = spanProblem(d, files);
    if (problem !== undefined) failures.push({ kind: "bad-diagnostic", signature: `${d.code}: ${problem.replace(/\d+/g, "N")}`, detail: `${d.code} at ${d.span.file}:${d.span.start.line}:${d.span.start.column}: ${d.message}\n${problem}` });
  }
  const errors = compiled.diagnostics.filter((d) => d.severity === "error");
  const unexpectedErrors = wellFormed && errors.length > 0 ? [...new Set(errors.map((d) => d.code))] : undefined;
  return { failures, ...(compiled.files === undefined ? {} : { files: compiled.files }), ...(unexpectedErrors === undefined ? {} : { unexpectedErrors }), evaluations: 0 };
}

/** Loads a version's generated files (as src/compiler/load.ts does) and evaluates random inputs with it; never throws. */
export function runGenerated(files: readonly GeneratedFile[], seed: number, inputs: number): { failures: DocFailure[]; evaluations: number } {
  const failures: DocFailure[] = [];
  let evaluations = 0;
  let loaded = false;
  try {
    const version = loadGenerated(files);
    loaded = true;
    const schema = version.validator.schema;
    const rng = new Rng(seed, 0x696e70);
    for (let i = 0; i < inputs; i++) {
      const record = recordFor(schema.root, schema, rng, 0);
      const plain = evaluateRecord(version, record);
      const traced = evaluateRecord(version, record, { trace: true });
      evaluations += 2;
      if (plain.ok !== traced.ok || (plain.ok && traced.ok && !isDeepStrictEqual(plain.decision, traced.decision))) {
        failures.push({ kind: "traced-differs", signature: "a traced evaluation decides differently from the plain one", detail: `input: ${JSON.stringify(record)}\nplain: ${JSON.stringify(plain)}\ntraced: ${JSON.stringify(traced.ok ? traced.decision : traced)}` });
        break;
      }
    }
  } catch (e) {
    const err = e as Error;
    failures.push({ kind: loaded ? "evaluation" : "load", signature: `${loaded ? "evaluating" : "loading"} throws ${err.name}: ${firstLine(err.message)}`, detail: err.stack ?? String(e) });
  }
  return { failures, evaluations };
}

/** The first line of a message, with numbers and quoted names masked, so one defect groups as one. */
export function firstLine(message: string): string {
  return (message.split("\n")[0] ?? "")
    .replace(/`[^`]*`/g, "`…`")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\d+/g, "N")
    .slice(0, 160);
}
