/**
 * CPU per record of each input stage, on the benchmark's records as NDJSON lines: the key-by-key
 * scan for depth and duplicate keys (scanJson, what every record paid before), JSON.parse,
 * validation from the schema alone, and evaluation; then what the CLI does now (parseRaw with the
 * version's validator): the generated check, which accounts for the members of a valid record and
 * measures them as compact JSON, and the text searched for a backslash, so that, for a text
 * without escapes, its length settles depth, duplicate keys and undeclared fields (any of them
 * makes it longer), and the check the types; and the SchemaReader, which parses and validates a
 * record in its plainest form in one go (src/cli/schema-reader.ts). Interleaved rounds, records per
 * CPU-second, as the evaluator rows.
 */
import { countKeysQuickly, DEFAULT_LIMITS, parseRaw, scanJson, type Accounting } from "../src/cli/records.js";
import { SchemaReader } from "../src/cli/schema-reader.js";
import { loadVersion } from "../src/index.js";
import { Validator } from "../src/runtime/index.js";
import type { Decision, Installation } from "../generated/tmad-20.v2/model.js";
import type * as rt from "../src/runtime/index.js";
import { settings } from "./evaluators.js";
import { loadLines } from "./records.js";
import type { Measurement } from "./rows.js";
import { consume, measure, type Subject } from "./timing.js";

export async function inputStageRows(): Promise<Measurement[]> {
  const version = (await loadVersion({ version: "20.v2" })) as rt.VersionModule<Installation, Decision>;
  const lines = await loadLines(settings.records);
  const values = lines.map((l) => JSON.parse(l) as unknown);
  const records = values.filter((v) => version.validator.validate(v).ok) as Installation[];
  const generic = new Validator<Installation>(version.validator.schema);
  const depth = DEFAULT_LIMITS.maxDepth;
  const reader = SchemaReader.for(version.validator.schema)!;
  // The version's validator with its schema hidden: parseRaw as it was before the SchemaReader.
  const v = version.validator;
  const withoutReader: Accounting = { depth: v.depth, accounted: (x) => v.accounted(x), get textLength() { return v.textLength; } };
  const parsed = (accounting: Accounting) => (i: number) => ("problem" in parseRaw({ record: i + 1, text: lines[i] }, DEFAULT_LIMITS, accounting) ? 0 : 1);
  const each = (name: string, n: number, one: (i: number) => number): Subject => ({
    name,
    pass: () => {
      for (let i = 0; i < n; i++) consume(one(i));
      return n;
    },
  });
  const subjects: Subject[] = [
    each("scan key by key (scanJson)", lines.length, (i) => (scanJson(lines[i], depth) === undefined ? 1 : 0)),
    each("no backslash in the text, else its keys counted", lines.length, (i) => (lines[i].indexOf("\\") === -1 ? lines[i].length : countKeysQuickly(lines[i]))),
    each("JSON.parse", lines.length, (i) => (JSON.parse(lines[i]) === null ? 0 : 1)),
    each("validate from the schema", values.length, (i) => (generic.validate(values[i]).ok ? 1 : 0)),
    each("generated check, members accounted", values.length, (i) => version.validator.accounted(values[i])),
    each("evaluate", records.length, (i) => version.evaluate(records[i], null).fired.length),
    each("SchemaReader", lines.length, (i) => (reader.read(lines[i]) === undefined ? 0 : 1)),
    each("parseRaw", lines.length, parsed(v)),
    each("parseRaw without the SchemaReader", lines.length, parsed(withoutReader)),
  ];
  const readCount = lines.filter((l) => reader.read(l) !== undefined).length;
  const readShare = `${readCount.toLocaleString("en-GB")} (${((100 * readCount) / lines.length).toFixed(1)} %)`;
  const rates = await measure(subjects, settings);
  const us = (rate: number): number => 1e6 / rate;
  const [scan, count, parse, schema, check, evaluate, read, whole, wholeBefore] = rates.map((r) => us(r.median));
  const f = (x: number): string => x.toFixed(2);
  const note = `${lines.length.toLocaleString("en-GB")} generated lines; CPU µs per record, median of ${settings.rounds} interleaved rounds`;
  return [
    { benchmark: "input stage: depth and duplicate keys, scanned key by key (before)", value: f(scan), unit: "µs/record", note },
    { benchmark: "input stage: the text searched for a backslash (now)", value: f(count), unit: "µs/record", note: "none in the text: its length is compared with the length of the members the generated check accounts for (else its keys are counted)" },
    { benchmark: "input stage: JSON.parse", value: f(parse), unit: "µs/record" },
    { benchmark: "input stage: validate from the schema (before)", value: f(schema), unit: "µs/record" },
    { benchmark: "input stage: generated check, members accounted and measured (now)", value: f(check), unit: "µs/record", note: "types, required fields, the members it accounts for and their length as compact JSON; replaces the value walk and validation for a valid record" },
    { benchmark: "input stage: evaluate", value: f(evaluate), unit: "µs/record" },
    { benchmark: "scan + validate, before", value: f(scan + schema), unit: "µs/record", note: "target ≤ 3" },
    { benchmark: "scan + validate, after JSON.parse (records the SchemaReader leaves)", value: f(count + check), unit: "µs/record", note: `target ≤ 3: ${count + check <= 3 ? "met" : "not met"}` },
    { benchmark: "input stage: SchemaReader, parse and validate in one (now, for compact records in declared order)", value: f(read), unit: "µs/record", note: `src/cli/schema-reader.ts; JSON.parse + scan + validate ÷ SchemaReader: ${((parse + count + check) / read).toFixed(2)}; it reads ${readShare} of these lines` },
    // What scanning and validating add to JSON.parse where the reader answers: it parses too, so this
    // is its cost less JSON.parse's (below zero: the whole input stage costs less than JSON.parse).
    { benchmark: "input stage, whole: parseRaw, the CLI's (now)", value: f(whole), unit: "µs/record", note: `what a record costs before evaluation: the SchemaReader, else JSON.parse and the checks; ${f(wholeBefore)} without the SchemaReader (${(wholeBefore / whole).toFixed(2)}×)` },
    { benchmark: "scan + validate beyond JSON.parse, records the SchemaReader reads (now)", value: f(read - parse), unit: "µs/record", note: `SchemaReader − JSON.parse; target ≤ 3: ${read - parse <= 3 ? "met" : "not met"}` },
  ];
}
