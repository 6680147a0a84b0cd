/**
 * CPU per record of each input stage, on the benchmark's records as NDJSON lines: the key-by-key
 * scan for depth and duplicate keys (scanJson, what every record paid before), JSON.parse,
 * validation from the schema alone, and evaluation; then what the CLI does now (parseRaw with the
 * version's validator): the generated check, which accounts for the members of a valid record and
 * measures them as compact JSON, and the text searched for a backslash, so that, for a text
 * without escapes, its length settles depth, duplicate keys and undeclared fields (any of them
 * makes it longer), and the check the types; and the SchemaReader, which parses and validates a
 * record in its plainest form in one go (src/cli/schema-reader.ts), compact or spaced as
 * json.dumps writes it. Interleaved rounds, records per CPU-second, as the evaluator rows.
 */
import { isDeepStrictEqual } from "node:util";
import { DEFAULT_LIMITS, escapeExcess, parseRaw, scanJson, settledValid, type Accounting } from "../src/cli/records.js";
import { performance } from "node:perf_hooks";
import { SchemaReader } from "../src/cli/schema-reader.js";
import { loadVersion } from "../src/index.js";
import { Validator } from "../src/runtime/index.js";
import type { Decision, Installation } from "../generated/tmad-20.v2/model.js";
import type * as rt from "../src/runtime/index.js";
import { settings } from "./evaluators.js";
import { loadLines } from "./records.js";
import type { Measurement } from "./rows.js";
import { consume, measure, median, type Subject } from "./timing.js";

/** Records a block of afterParse: as many as fit in the cache with the values JSON.parse makes of them. */
const BLOCK = 64;

/**
 * µs a record of `settle` on the value JSON.parse has just made of its text, as parseRaw runs it:
 * each block of lines is parsed, then settled under the wall clock. A block takes about 0.1 ms, so
 * the median block is one the scheduler did not interrupt; the median of the rounds is reported,
 * each round passing over every form in turn.
 */
function afterParse(forms: readonly (readonly string[])[], settle: (text: string, value: unknown) => boolean, rounds: number): number[] {
  const perRound = forms.map(() => [] as number[]);
  for (let r = 0; r <= rounds; r++) {
    forms.forEach((texts, k) => {
      const blocks: number[] = [];
      for (let at = 0; at + BLOCK <= texts.length; at += BLOCK) {
        const values = texts.slice(at, at + BLOCK).map((t) => JSON.parse(t) as unknown);
        const start = performance.now();
        for (let i = 0; i < BLOCK; i++) if (!settle(texts[at + i], values[i])) throw new Error(`bench: line ${at + i + 1} not settled`);
        blocks.push(((performance.now() - start) * 1000) / BLOCK);
      }
      if (r > 0) perRound[k].push(median(blocks)); // round 0 warms up
    });
  }
  return perRound.map(median);
}

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
  // Records the SchemaReader leaves, the same records written two ways it does not read: members
  // in another order (reversed, at every level: as long as compact JSON, so the length test settles
  // it) and with an escape (the first letter of the supplier's name written `\u0043`, as
  // ensure_ascii writes non-ASCII), each timed through parseRaw's path after JSON.parse
  // (settledValid) as the CLI runs it, on the value JSON.parse has just made (afterParse); and the
  // SchemaReader's refusal, which they pay first. And the same records spaced as Python's
  // json.dumps writes them (`{"a": 1, "b": [2, 3]}`), which the SchemaReader reads (its spaced
  // shape, tried after the compact one refuses): parseRaw on them against JSON.parse on them, and
  // what parseRaw's path after JSON.parse costs them (what they paid before the reader read them).
  const reversed = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(reversed) : typeof x === "object" && x !== null ? Object.fromEntries(Object.entries(x).reverse().map(([k, y]) => [k, reversed(y)])) : x;
  const left = {
    reordered: values.map((x) => JSON.stringify(reversed(x))),
    escaped: lines.map((l) => l.replace(/"name":"(.)/, (_m, c: string) => `"name":"\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)),
  };
  for (const [form, texts] of Object.entries(left)) {
    // Each must be left by the reader, and give the value of its line, valid.
    texts.forEach((t, i) => {
      if (reader.read(t) !== undefined || !isDeepStrictEqual(JSON.parse(t), values[i]) || (parseRaw({ record: 1, text: t }, DEFAULT_LIMITS, v) as { valid?: true }).valid !== true) throw new Error(`bench: ${form} line ${i + 1} is not what it should be`);
    });
  }
  const spaced = values.map((x) => JSON.stringify(x, null, 1).replace(/\n */g, (m, at: number, t: string) => (t[at - 1] === "{" || t[at - 1] === "[" || t[at + m.length] === "}" || t[at + m.length] === "]" ? "" : " ")));
  // Each must be read by the reader, to the value of its line (members in the same order), valid.
  spaced.forEach((t, i) => {
    const read = reader.read(t);
    const parsed = parseRaw({ record: 1, text: t }, DEFAULT_LIMITS, v) as { value?: unknown; valid?: true };
    if (!t.includes('": ') || read === undefined || JSON.stringify(read) !== lines[i] || !isDeepStrictEqual(read, JSON.parse(t)) || parsed.valid !== true || JSON.stringify(parsed.value) !== lines[i]) throw new Error(`bench: spaced line ${i + 1} is not what it should be`);
  });
  const each = (name: string, n: number, one: (i: number) => number): Subject => ({
    name,
    pass: () => {
      for (let i = 0; i < n; i++) consume(one(i));
      return n;
    },
  });
  const subjects: Subject[] = [
    each("scan key by key (scanJson)", lines.length, (i) => (scanJson(lines[i], depth) === undefined ? 1 : 0)),
    each("what the text's escapes add (escapeExcess)", lines.length, (i) => lines[i].length - escapeExcess(lines[i])),
    each("JSON.parse", lines.length, (i) => (JSON.parse(lines[i]) === null ? 0 : 1)),
    each("validate from the schema", values.length, (i) => (generic.validate(values[i]).ok ? 1 : 0)),
    each("generated check, members accounted", values.length, (i) => version.validator.accounted(values[i])),
    each("evaluate", records.length, (i) => version.evaluate(records[i], null).fired.length),
    each("SchemaReader", lines.length, (i) => (reader.read(lines[i]) === undefined ? 0 : 1)),
    each("parseRaw", lines.length, parsed(v)),
    each("parseRaw without the SchemaReader", lines.length, parsed(withoutReader)),
    ...Object.entries(left).map(([form, texts]) => each(`SchemaReader refusing, ${form}`, texts.length, (i) => (reader.read(texts[i]) === undefined ? 1 : 0))),
    each("JSON.parse, spaced", spaced.length, (i) => (JSON.parse(spaced[i]) === null ? 0 : 1)),
    each("parseRaw, spaced", spaced.length, (i) => ("problem" in parseRaw({ record: i + 1, text: spaced[i] }, DEFAULT_LIMITS, v) ? 0 : 1)),
  ];
  const readCount = lines.filter((l) => reader.read(l) !== undefined).length;
  const readShare = `${readCount.toLocaleString("en-GB")} (${((100 * readCount) / lines.length).toFixed(1)} %)`;
  const rates = await measure(subjects, settings);
  const us = (rate: number): number => 1e6 / rate;
  const [scan, count, parse, schema, check, evaluate, read, whole, wholeBefore, refusingReordered, refusingEscaped, parseSpaced, wholeSpaced] = rates.map((r) => us(r.median));
  const [reordered, escaped, spacedAfterParse] = afterParse([...Object.values(left), spaced], (text, value) => settledValid(text, value, v), settings.rounds);
  const f = (x: number): string => x.toFixed(2);
  const refused = [refusingReordered, refusingEscaped].map(f).join(" / ");
  const note = `${lines.length.toLocaleString("en-GB")} generated lines; CPU µs per record, median of ${settings.rounds} interleaved rounds`;
  return [
    { benchmark: "input stage: depth and duplicate keys, scanned key by key (before)", value: f(scan), unit: "µs/record", note },
    { benchmark: "input stage: the text searched for a backslash (now)", value: f(count), unit: "µs/record", note: "escapeExcess: its length less what its escapes add is compared with the length of the members the generated check accounts for (if it differs, its keys are counted)" },
    { benchmark: "input stage: JSON.parse", value: f(parse), unit: "µs/record" },
    { benchmark: "input stage: validate from the schema (before)", value: f(schema), unit: "µs/record" },
    { benchmark: "input stage: generated check, members accounted and measured (now)", value: f(check), unit: "µs/record", note: "types, required fields, the members it accounts for and their length as compact JSON; replaces the value walk and validation for a valid record" },
    { benchmark: "input stage: evaluate", value: f(evaluate), unit: "µs/record" },
    { benchmark: "scan + validate, before", value: f(scan + schema), unit: "µs/record", note: "target ≤ 3" },
    { benchmark: "scan + validate, after JSON.parse: the backslash search and the generated check, on values parsed beforehand", value: f(count + check), unit: "µs/record", note: "the two rows above added, on the lines the SchemaReader reads (it reads all of them): the values were all parsed before timing, whereas the CLI checks each just after JSON.parse made it; the next two rows time that, on records it leaves" },
    { benchmark: "scan + validate, after JSON.parse (records the SchemaReader leaves: members in another order)", value: f(reordered), unit: "µs/record", note: `parseRaw's path after JSON.parse (settledValid: the generated check, the length less what escapes add), on the value JSON.parse has just made, the lines with every object's members reversed; median block of 64 by the wall clock, median of ${settings.rounds} rounds; target ≤ 3: ${reordered <= 3 ? "met" : "not met"}` },
    { benchmark: "scan + validate, after JSON.parse (records the SchemaReader leaves: with an escape)", value: f(escaped), unit: "µs/record", note: `as above, the lines with one \\u escape (the length less what it adds settles them); target ≤ 3: ${escaped <= 3 ? "met" : "not met"}. Before JSON.parse, the SchemaReader's refusal: ${refused} µs (reordered / escaped)` },
    { benchmark: "scan + validate beyond JSON.parse, records spaced as json.dumps writes them (now: the SchemaReader reads them)", value: f(wholeSpaced - parseSpaced), unit: "µs/record", note: `parseRaw on the spaced lines (${f(wholeSpaced)}: the compact shape's refusal, then the spaced shape and reader) − JSON.parse on the same lines (${f(parseSpaced)}); target ≤ 3: ${wholeSpaced - parseSpaced <= 3 ? "met" : "not met"}. Before the reader read them, they paid its refusal, then JSON.parse, then parseRaw's path after JSON.parse (their keys counted in the text, countKeysQuickly), which is ${f(spacedAfterParse)} µs on the value JSON.parse has just made, timed as the rows above (the refusal aside)` },
    { benchmark: "input stage: SchemaReader, parse and validate in one (now, for compact records in declared order)", value: f(read), unit: "µs/record", note: `src/cli/schema-reader.ts; JSON.parse + scan + validate ÷ SchemaReader: ${((parse + count + check) / read).toFixed(2)}; it reads ${readShare} of these lines` },
    // What scanning and validating add to JSON.parse where the reader answers: it parses too, so this
    // is its cost less JSON.parse's (below zero: the whole input stage costs less than JSON.parse).
    { benchmark: "input stage, whole: parseRaw, the CLI's (now)", value: f(whole), unit: "µs/record", note: `what a record costs before evaluation: the SchemaReader, else JSON.parse and the checks; ${f(wholeBefore)} without the SchemaReader (${(wholeBefore / whole).toFixed(2)}×)` },
    { benchmark: "scan + validate beyond JSON.parse, records the SchemaReader reads (now)", value: f(read - parse), unit: "µs/record", note: `SchemaReader − JSON.parse; target ≤ 3: ${read - parse <= 3 ? "met" : "not met"}` },
  ];
}
