/**
 * Property-based fuzzing of the compiler front end and the record reader/validator (issue 6, part 3).
 *
 * This module is both the home of the properties and a command:
 * - `test/property/*.test.ts` import `compilerProperties` and `recordProperties` and run each with a
 *   small, bounded number of runs inside `npm test`;
 * - `npx tsx scripts/fuzz.ts --cases 1000000 [--seed N] [--only NAME] [--verbose]` runs the same
 *   properties with many more runs, split across them by weight, and prints per property the
 *   cases run, the failures (with fast-check's shrunk counterexample), the slowest case and the time.
 *   Exit status 1 when any property failed.
 * - `npx tsx scripts/fuzz.ts --diff-amendments N [--seed N]` instead checks the diff's soundness on
 *   N random amendments of the corpus (scripts/diff-amendments.ts).
 *
 * Properties of the compiler (stop after `check`, and the whole pipeline now and then):
 *   never throws, never takes more than SLOW_MS on one case, and every diagnostic has a valid span
 *   (its file is one of the input files, 1 ≤ line ≤ lines of that file, 1 ≤ column ≤ line length + 1,
 *   start ≤ end) and a code of the registry.
 * Properties of the records:
 *   `Validator.validate` never throws and says ok exactly when an independent oracle (written here
 *   from the schema) says the record is valid; `scanJson`/`parseRaw` never throw and agree with
 *   JSON.parse on JSON without duplicate keys within the depth limit.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";
import fc from "fast-check";
import { DIAGNOSTIC_CODES } from "../src/compiler/diagnostics/codes.js";
import type { Diagnostic } from "../src/compiler/diagnostics/diagnostic.js";
import { chainOf, type SourceFile } from "../src/compiler/extract/index.js";
import { compileVersion, type StageName, type VersionSource } from "../src/compiler/pipeline.js";
import { parseRaw, scanJson, type Limits } from "../src/cli/records.js";
import { checkDigitValid, isCalendarDate, isDateTime, type FieldType, type Schema, type Validator } from "../src/runtime/index.js";
import { version as v20v2 } from "../generated/tmad-20.v2/index.js";

/** A single case slower than this counts as a hang (the timed run sets its own, for a loaded machine). */
export let SLOW_MS = 5_000;

export function setSlowMs(ms: number): void {
  SLOW_MS = ms;
}

// ---------------------------------------------------------------------------------------------
// Span checking

/** Lines of a Markdown file as the compiler counts them (CRLF and CR are line breaks too). */
function linesOf(text: string): string[] {
  return text.replace(/\r\n?/g, "\n").split("\n");
}

/** What is wrong with a diagnostic's span (or code), or undefined when it is valid. */
export function spanProblem(d: Diagnostic, files: readonly SourceFile[]): string | undefined {
  if (!(d.code in DIAGNOSTIC_CODES)) return `unknown code ${d.code}`;
  if (d.severity !== DIAGNOSTIC_CODES[d.code].severity) return `${d.code} has severity ${d.severity}, registry says ${DIAGNOSTIC_CODES[d.code].severity}`;
  const file = files.find((f) => f.path === d.span.file);
  if (file === undefined) return `span file ${JSON.stringify(d.span.file)} is not an input file`;
  const lines = linesOf(file.text);
  for (const [name, p] of [["start", d.span.start], ["end", d.span.end]] as const) {
    if (!Number.isInteger(p.line) || p.line < 1 || p.line > lines.length) return `${name} line ${p.line} outside 1..${lines.length}`;
    const max = lines[p.line - 1].length + 1;
    if (!Number.isInteger(p.column) || p.column < 1 || p.column > max) return `${name} column ${p.column} outside 1..${max} on line ${p.line}`;
  }
  if (d.span.start.line > d.span.end.line || (d.span.start.line === d.span.end.line && d.span.start.column > d.span.end.column)) return "start after end";
  if (typeof d.message !== "string" || d.message === "") return "empty message";
  return undefined;
}

/** Compiles, timing it; throws (failing the property) on an exception, a hang or a bad span. */
export function compileAndCheck(source: VersionSource, stopAfter: StageName): void {
  const started = performance.now();
  const compiled = compileVersion(source, stopAfter);
  const ms = performance.now() - started;
  if (ms > SLOW_MS) throw new Error(`compiling took ${Math.round(ms)} ms`);
  const all: SourceFile[] = chainOf(source, () => undefined).flatMap((c) => c.source.files);
  for (const d of compiled.diagnostics) {
    const problem = spanProblem(d, all);
    if (problem !== undefined) throw new Error(`${d.code} at ${d.span.file}:${d.span.start.line}:${d.span.start.column}-${d.span.end.line}:${d.span.end.column} (${d.message}): ${problem}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Rule documents

export const FRONT_MATTER = [
  "---",
  "document: TMAD",
  'version: "99.0"',
  "status: draft",
  "published: 2022-01-01",
  'source: "fuzz"',
  'paraphrase: "fuzz"',
  "---",
  "",
].join("\n");

/** A one-file version whose clause 1.1 holds `body` in a `tmad` fence. */
export function fencedDocument(body: string): VersionSource {
  return { id: "fuzz", dir: "fuzz", files: [{ path: "fuzz/index.md", text: `${FRONT_MATTER}\n## 1.1 Fuzz\n\nSome text.\n\n\`\`\`tmad\n${body}\n\`\`\`\n` }] };
}

/** The rule versions of rules/, read once (without their pins), bases found by id among them. */
export function ruleVersions(root = "rules"): VersionSource[] {
  const byId = new Map<string, VersionSource>();
  const lookup = (id: string): VersionSource | { missing: string } => byId.get(id) ?? { missing: `base ${id} not found` };
  for (const id of readdirSync(root).sort()) {
    const dir = `${root}/${id}`;
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".md"))
      .sort()
      .map((f) => ({ path: `${dir}/${f}`, text: readFileSync(join(dir, f), "utf8") }));
    byId.set(id, { id, dir, files, base: lookup });
  }
  return [...byId.values()];
}

/** Replaces one file of a version (of its own files, not of its base chain). */
function withFile(source: VersionSource, index: number, text: string): VersionSource {
  return { ...source, files: source.files.map((f, i) => (i === index ? { path: f.path, text } : f)) };
}

const KEYWORDS = [
  "enum", "record", "identifier", "input", "decision", "parameter", "definition", "rule", "default",
  "pattern", "checkdigit", "weights", "mod", "identified", "by", "clause", "source", "when", "then", "unless",
  "overrides", "optional", "list", "of", "and", "or", "not", "in", "is", "present", "absent", "otherwise", "if",
  "else", "some", "every", "no", "count", "where", "satisfies", "min", "max", "sum", "collect", "for", "days",
  "between", "true", "false",
];
const PUNCTUATION = ["(", ")", "{", "}", "[", "]", ",", ":", ".", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "--"];
const LITERALS = [
  "0", "36", "0.5", "18.13", "4.26A", "1.2.3", "4A", '"text"', '"a \\"q\\" \\\\ \\n"', '"unterminated', "2022-05-11", "2022-02-30",
  "2022-05-11T09:30Z", "2022-05-11T09:30:00.250+01:00", "9999999999999999999999", "x", "installation", "outcome", "Device", "IOC",
  "@", ";", "#", "`", "\u2028", "\u00a0", "é", "😀", "```", "~~~",
];
const SEPARATORS = [" ", " ", " ", "\n", "\n  ", "\t", "\r\n", ""];

/** (c) Random token sequences from the grammar's keywords, punctuation and literals. */
export const tokenSequence: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.constantFrom(...KEYWORDS, ...PUNCTUATION, ...LITERALS), fc.constantFrom(...SEPARATORS)), { maxLength: 80 })
  .map((parts) => parts.map(([t, s]) => t + s).join(""));

/** Text to insert by a mutation: a token, a Markdown or fence marker, or random characters. */
const insertion: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...KEYWORDS, ...PUNCTUATION, ...LITERALS, "\n", "\n\n", "## 9.9 New\n", "---\n", "```tmad\n", "```\n", "\r", "    ", "\u0000"),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: "binary", maxLength: 4 }),
);

export type Mutation =
  | { readonly kind: "delete" | "duplicate"; readonly at: number; readonly length: number }
  | { readonly kind: "insert"; readonly at: number; readonly text: string }
  | { readonly kind: "swap"; readonly at: number; readonly other: number }
  | { readonly kind: "truncate"; readonly at: number }
  | { readonly kind: "deleteToken" | "duplicateToken"; readonly at: number }
  | { readonly kind: "swapTokens"; readonly at: number; readonly other: number };

const position = fc.nat({ max: 1_000_000 });
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom("delete" as const, "duplicate" as const), at: position, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: position, text: insertion }),
  fc.record({ kind: fc.constant("swap" as const), at: position, other: position }),
  fc.record({ kind: fc.constant("truncate" as const), at: position }),
  fc.record({ kind: fc.constantFrom("deleteToken" as const, "duplicateToken" as const), at: position }),
  fc.record({ kind: fc.constant("swapTokens" as const), at: position, other: position }),
);

/** Positions inside `tmad` fences, where most mutations should land to reach the parser. */
function fencedRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  const re = /```tmad\n([\s\S]*?)```/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push([m.index + 8, m.index + 8 + m[1].length]);
  return out;
}

export function applyMutation(text: string, m: Mutation, inFence: boolean): string {
  const ranges = fencedRanges(text);
  const pick = (n: number): number => {
    if (inFence && ranges.length > 0) {
      const total = ranges.reduce((s, [a, b]) => s + (b - a), 0);
      let k = n % Math.max(1, total);
      for (const [a, b] of ranges) {
        if (k < b - a) return a + k;
        k -= b - a;
      }
    }
    return text.length === 0 ? 0 : n % (text.length + 1);
  };
  const at = pick(m.at);
  switch (m.kind) {
    case "delete":
      return text.slice(0, at) + text.slice(at + m.length);
    case "duplicate":
      return text.slice(0, at + m.length) + text.slice(at, at + m.length) + text.slice(at + m.length);
    case "insert":
      return text.slice(0, at) + m.text + text.slice(at);
    case "swap": {
      const b = pick(m.other);
      if (at >= text.length || b >= text.length || at === b) return text;
      const chars = text.split("");
      [chars[at], chars[b]] = [chars[b], chars[at]];
      return chars.join("");
    }
    case "truncate":
      return text.slice(0, at);
    default: {
      // Token mutations: tokens are runs of word characters or single other non-blank characters.
      const tokens = [...text.matchAll(/\w+|[^\s\w]/g)].map((t) => [t.index, t.index + t[0].length] as const);
      if (tokens.length === 0) return text;
      const nearest = (p: number): number => {
        const i = tokens.findIndex(([, end]) => end > p);
        return i === -1 ? tokens.length - 1 : i;
      };
      const [s, e] = tokens[nearest(at)];
      if (m.kind === "deleteToken") return text.slice(0, s) + text.slice(e);
      if (m.kind === "duplicateToken") return `${text.slice(0, e)} ${text.slice(s, e)}${text.slice(e)}`;
      if (m.kind !== "swapTokens") return text;
      const [s2, e2] = tokens[nearest(pick(m.other))];
      if (s2 === s) return text;
      const [first, second] = s < s2 ? [[s, e], [s2, e2]] : [[s2, e2], [s, e]];
      return text.slice(0, first[0]) + text.slice(second[0], second[1]) + text.slice(first[1], second[0]) + text.slice(first[0], first[1]) + text.slice(second[1]);
    }
  }
}

export interface NamedProperty {
  readonly name: string;
  /** Share of the fuzz cases this property gets in `scripts/fuzz.ts` (relative; the weights add up to 100, so they are percentages). */
  readonly weight: number;
  /** Runs inside `npm test`. */
  readonly testRuns: number;
  readonly property: fc.IProperty<any>;
}

let versionsCache: VersionSource[] | undefined;
function versions(): VersionSource[] {
  versionsCache ??= ruleVersions();
  return versionsCache;
}

/** (b) A mutated real rule file, as a recipe: which version and file, which mutations, where. */
const mutatedRuleFile = fc.record({
  version: fc.nat(),
  file: fc.nat(),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }),
  inFence: fc.boolean(),
  full: fc.nat({ max: 19 }),
});

export const compilerProperties: readonly NamedProperty[] = [
  {
    name: "compiler: arbitrary text in a tmad fence",
    weight: 30,
    testRuns: 150,
    property: fc.property(
      fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: "grapheme", maxLength: 120 }), fc.string({ unit: "binary", maxLength: 120 })),
      (body) => compileAndCheck(fencedDocument(body), "check"),
    ),
  },
  {
    name: "compiler: random token sequences",
    weight: 30,
    testRuns: 150,
    property: fc.property(tokenSequence, (body) => compileAndCheck(fencedDocument(body), "check")),
  },
  {
    name: "compiler: arbitrary whole Markdown files",
    weight: 8,
    testRuns: 60,
    property: fc.property(
      fc.oneof(fc.string({ maxLength: 300 }), fc.array(fc.constantFrom("---\n", "document: TMAD\n", "## 4.1 A\n", "# Title\n", "```tmad\n", "```\n", "rule r when true then x = 1\n", "> ", "- ", "\n", "    "), { maxLength: 30 }).map((a) => a.join(""))),
      (text) => compileAndCheck({ id: "any", dir: "any", files: [{ path: "any/index.md", text }] }, "check"),
    ),
  },
  {
    name: "compiler: mutated rule files from rules/",
    weight: 2.5,
    testRuns: 30,
    property: fc.property(mutatedRuleFile, ({ version, file, mutations, inFence, full }) => {
      const all = versions();
      const source = all[version % all.length];
      const index = file % source.files.length;
      const text = mutations.reduce((t, m) => applyMutation(t, m, inFence), source.files[index].text);
      // The whole pipeline (generate included) one case in twenty.
      compileAndCheck(withFile(source, index, text), full === 0 ? "generate" : "check");
    }),
  },
];

// ---------------------------------------------------------------------------------------------
// Records

/** An independent statement of validity, from the schema alone (dates and check digits via the runtime's value helpers). */
export function validByOracle(schema: Schema, value: unknown): boolean {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const valueOk = (v: unknown, t: FieldType): boolean => {
    switch (t.kind) {
      case "optional":
        return v === null || valueOk(v, t.inner);
      case "boolean":
        return typeof v === "boolean";
      case "integer":
        return typeof v === "number" && Number.isSafeInteger(v);
      case "decimal":
        return typeof v === "number" && Number.isFinite(v);
      case "text":
      case "clause":
        return typeof v === "string";
      case "date":
        return typeof v === "string" && isCalendarDate(v);
      case "datetime":
        return typeof v === "string" && isDateTime(v);
      case "enum":
        return typeof v === "string" && schema.enums[t.name].includes(v);
      case "identifier": {
        const id = schema.identifiers[t.name];
        return typeof v === "string" && new RegExp(id.pattern, "u").test(v) && (id.checkDigit === undefined || checkDigitValid(v, id.checkDigit.weights, id.checkDigit.moduli));
      }
      case "list":
        return Array.isArray(v) && v.every((x) => valueOk(x, t.element));
      case "record":
        return recordOk(v, t.name);
    }
  };
  const recordOk = (v: unknown, name: string): boolean => {
    if (!isObject(v)) return false;
    const fields = schema.records[name];
    const names = fields.map(([f]) => f);
    for (const k of Object.getOwnPropertyNames(v)) if (!names.includes(k) || k === "__proto__" || k === "constructor" || k === "prototype") return false;
    return fields.every(([f, t]) => {
      const present = Object.prototype.hasOwnProperty.call(v, f) && v[f] !== undefined;
      if (!present) return t.kind === "optional";
      return valueOk(v[f], t);
    });
  };
  return recordOk(value, schema.root);
}

/** The valid records of examples/installations.ndjson. */
export function validExamples(validator: Validator<unknown> = v20v2.validator as Validator<unknown>): unknown[] {
  return readFileSync("examples/installations.ndjson", "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .flatMap((l) => {
      try {
        const v: unknown = JSON.parse(l);
        return validator.validate(v).ok ? [v] : [];
      } catch {
        return [];
      }
    });
}

/** Sets an own property, even `__proto__`, the way JSON.parse would. */
function defineOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Every path to a value inside `v` (objects and lists), root first. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (typeof v === "object" && v !== null) for (const k of Object.keys(v)) out.push(...paths((v as Record<string, unknown>)[k], [...at, k]));
  return out;
}

export type RecordMutation =
  | { readonly kind: "replace"; readonly at: number; readonly value: unknown }
  | { readonly kind: "drop"; readonly at: number }
  | { readonly kind: "addKey"; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly kind: "nest"; readonly at: number; readonly depth: number; readonly asList: boolean };

const hostileKey = fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "id", "devices", "cohort", "dormant", ""), fc.string({ maxLength: 6 }));
/** Values that are the wrong type for most fields, or near-valid. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom("ESME", "GSME", "IOC", "FOC", "LIVE", "2022-02-29", "2024-02-29", "2022-05-11T09:30:00Z", "2022-05-11T24:00Z", "1040000000009", "1040000000008", "90-B3-D5-1F-30-10-00-01", 1.5, 2 ** 53, -0, true, null, [], {}),
);
export const recordMutation: fc.Arbitrary<RecordMutation> = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), value: fieldValue }),
  fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("addKey" as const), at: fc.nat(), key: hostileKey, value: fieldValue }),
  fc.record({ kind: fc.constant("nest" as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 200 }), asList: fc.boolean() }),
);

/**
 * Applies one mutation to a (JSON-parsed, unshared) value; returns the new root. Values inserted
 * are copies: fc.constantFrom hands out the same `[]` and `{}` objects to every case, and a later
 * mutation inside a shared one would leak into all later cases.
 */
export function mutateRecord(root: unknown, mutation: RecordMutation): unknown {
  const m: RecordMutation = "value" in mutation ? { ...mutation, value: structuredClone(mutation.value) } : mutation;
  const all = paths(root);
  const path = all[m.at % all.length];
  const parentOf = (p: (string | number)[]): unknown => p.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], root);
  const replace = (value: unknown): unknown => {
    if (path.length === 0) return value;
    const parent = parentOf(path) as Record<string | number, unknown>;
    const key = path[path.length - 1];
    if (Array.isArray(parent)) parent[key as number] = value;
    else defineOwn(parent, String(key), value);
    return root;
  };
  switch (m.kind) {
    case "replace":
      return replace(m.value);
    case "drop": {
      if (path.length === 0) return root;
      const parent = parentOf(path) as Record<string | number, unknown>;
      const key = path[path.length - 1];
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return root;
    }
    case "addKey": {
      const target = path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], root);
      if (typeof target !== "object" || target === null || Array.isArray(target)) return root;
      defineOwn(target as Record<string, unknown>, m.key, m.value);
      return root;
    }
    case "nest": {
      let v: unknown = path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], root);
      for (let i = 0; i < m.depth; i++) v = m.asList ? [v] : { a: v };
      return replace(v);
    }
  }
}

export function depthOf(v: unknown): number {
  // Iterative, so very deep values cannot overflow the stack.
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (typeof x === "object" && x !== null) {
      max = Math.max(max, d + 1);
      for (const c of Array.isArray(x) ? x : Object.values(x)) stack.push([c, d + 1]);
    }
  }
  return max;
}

const LIMITS: Limits = { maxRecordBytes: 1 << 20, maxDepth: 32 };

/** JSON text of `v` with random whitespace between tokens (stringify, then pad outside strings). */
function padded(v: unknown, pads: readonly string[]): string {
  const text = JSON.stringify(v);
  let out = "";
  let inString = false;
  let k = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i];
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if ("{}[],:".includes(c)) out += pads[k++ % pads.length] ?? "";
    out += c;
  }
  return out;
}

/** The check shared by the reader properties: parseRaw never throws, and agrees with JSON.parse. */
export function checkReader(text: string, limits: Limits = LIMITS): void {
  scanJson(text, limits.maxDepth);
  const got = parseRaw({ record: 1, text }, limits);
  let expected: { value: unknown } | undefined;
  try {
    expected = { value: JSON.parse(text) };
  } catch {
    expected = undefined;
  }
  if ("value" in got) {
    if (expected === undefined) throw new Error("parseRaw accepted text that JSON.parse rejects");
    if (!sameJson(got.value, expected.value)) throw new Error("parseRaw and JSON.parse disagree");
    if (depthOf(got.value) > limits.maxDepth) throw new Error(`accepted a value nested ${depthOf(got.value)} deep`);
  } else if (expected !== undefined) {
    const p = got.problem;
    if (p.code === "too-deep" && depthOf(expected.value) <= limits.maxDepth) throw new Error(`too-deep on a value nested ${depthOf(expected.value)} deep`);
    if (p.code === "duplicate-key" && !hasDuplicateKey(text)) throw new Error("duplicate-key on JSON without duplicate keys");
    if (p.code === "invalid-json" && !text.startsWith("\u0000")) throw new Error(`invalid-json on valid JSON: ${p.message}`);
    if (p.code === "too-large") throw new Error("too-large on a text record");
  }
}

/** Whether some object in the (valid) JSON text has a key twice: a tokenising pass of our own. */
export function hasDuplicateKey(text: string): boolean {
  let dup = false;
  const stack: (string[] | null)[] = [];
  const re = /"(?:[^"\\]|\\.)*"|[{}[\],:]|[^\s{}[\],:"]+/g;
  let expectKey = false;
  for (const m of text.matchAll(re)) {
    const t = m[0];
    if (t === "{") {
      stack.push([]);
      expectKey = true;
    } else if (t === "[") {
      stack.push(null);
      expectKey = false;
    } else if (t === "}" || t === "]") {
      stack.pop();
      expectKey = false;
    } else if (t === ",") expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
    else if (t === ":") expectKey = false;
    else if (t.startsWith('"') && expectKey) {
      const key = JSON.parse(t) as string;
      const top = stack[stack.length - 1];
      if (top !== null && top !== undefined) {
        if (top.includes(key)) dup = true;
        top.push(key);
      }
      expectKey = false;
    }
  }
  return dup;
}

/** Deep equality of JSON values (own enumerable keys, `__proto__` included). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return !(a === 0 && b === 0) || Object.is(a, b);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k, i) => k === kb[i] && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Any JSON value from fc.anything: JSON round-tripped, so only JSON-representable values remain. */
const anythingAsJson: fc.Arbitrary<unknown> = fc
  .anything({ maxDepth: 3, withNullPrototype: true, withObjectString: false })
  .map((v) => {
    try {
      const s = JSON.stringify(v);
      return s === undefined ? undefined : (JSON.parse(s) as unknown);
    } catch {
      return undefined;
    }
  })
  .filter((v) => v !== undefined);

let examplesCache: unknown[] | undefined;
function examples(): unknown[] {
  examplesCache ??= validExamples();
  return examplesCache;
}

function checkValidator(value: unknown): void {
  const validator = v20v2.validator as Validator<unknown>;
  const r = validator.validate(value);
  const oracle = validByOracle(validator.schema, value);
  if (r.ok !== oracle) throw new Error(`validate says ok=${r.ok}, the oracle says ${oracle}${r.ok ? "" : `: ${JSON.stringify(r.errors.slice(0, 3))}`}`);
  if (!r.ok && r.errors.length === 0) throw new Error("invalid without errors");
  if (r.ok && r.value !== value) throw new Error("a valid value was copied");
}

export const recordProperties: readonly NamedProperty[] = [
  {
    name: "validator: random JSON values",
    weight: 7,
    testRuns: 300,
    property: fc.property(fc.oneof(fc.jsonValue(), anythingAsJson), (v) => checkValidator(v)),
  },
  {
    name: "validator: mutated valid records",
    weight: 8,
    testRuns: 300,
    property: fc.property(fc.nat(), fc.array(recordMutation, { minLength: 0, maxLength: 4 }), (which, mutations) => {
      const all = examples();
      let v: unknown = JSON.parse(JSON.stringify(all[which % all.length]));
      for (const m of mutations) v = mutateRecord(v, m);
      checkValidator(v);
      // The same record read back from its JSON text (which keeps `__proto__` an own key) agrees too.
      checkValidator(JSON.parse(JSON.stringify(v)));
    }),
  },
  {
    name: "reader: arbitrary strings",
    weight: 6,
    testRuns: 400,
    property: fc.property(
      fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.array(fc.constantFrom("{", "}", "[", "]", '"a"', '"\\u0061"', '"\\"', ":", ",", "1", "null", " ", '"__proto__"'), { maxLength: 40 }).map((a) => a.join(""))),
      (text) => checkReader(text),
    ),
  },
  {
    name: "reader: valid JSON agrees with JSON.parse",
    weight: 6,
    testRuns: 300,
    property: fc.property(fc.jsonValue({ maxDepth: 6 }), fc.array(fc.constantFrom("", " ", "\t", "  "), { maxLength: 8 }), fc.integer({ min: 1, max: 8 }), (v, pads, maxDepth) => {
      const text = padded(v, pads);
      checkReader(text, { maxRecordBytes: 1 << 20, maxDepth });
      const got = parseRaw({ record: 1, text }, { maxRecordBytes: 1 << 20, maxDepth });
      const depth = depthOf(v);
      if (depth <= maxDepth && !("value" in got)) throw new Error(`rejected valid JSON nested ${depth} deep (limit ${maxDepth}): ${got.problem.code}`);
      if (depth > maxDepth && !("problem" in got && got.problem.code === "too-deep")) throw new Error(`accepted JSON nested ${depth} deep (limit ${maxDepth})`);
    }),
  },
  {
    name: "reader: mutated valid records as text",
    weight: 2.5,
    testRuns: 150,
    property: fc.property(fc.nat(), fc.array(recordMutation, { maxLength: 3 }), fc.array(mutation, { maxLength: 3 }), (which, rm, tm) => {
      const all = examples();
      let v: unknown = JSON.parse(JSON.stringify(all[which % all.length]));
      for (const m of rm) v = mutateRecord(v, m);
      const text = tm.reduce((t, m) => applyMutation(t, m, false), JSON.stringify(v));
      checkReader(text);
    }),
  },
];

// ---------------------------------------------------------------------------------------------
// Command

interface Outcome {
  readonly name: string;
  readonly runs: number;
  readonly failed: boolean;
  readonly report?: string;
  readonly ms: number;
}

function runOne(p: NamedProperty, numRuns: number, seed: number): Outcome {
  const started = performance.now();
  const details = fc.check(p.property, { numRuns, seed, endOnFailure: false, markInterruptAsFailure: true });
  const ms = performance.now() - started;
  return details.failed
    ? { name: p.name, runs: details.numRuns, failed: true, report: `${fc.defaultReportMessage(details) ?? "failed"}\nerror: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`, ms }
    : { name: p.name, runs: details.numRuns, failed: false, ms };
}

async function main(argv: readonly string[]): Promise<number> {
  // The timed run (records, generated rule documents, properties, on every core) and the replay of a saved case.
  if (argv.includes("--minutes")) return (await import("./fuzz/run.js")).runTimed(argv);
  if (argv.includes("--replay")) return (await import("./fuzz/run.js")).replay(argv[argv.indexOf("--replay") + 1] ?? ".");
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  const cases = Number(arg("cases") ?? "10000");
  const seed = Number(arg("seed") ?? Date.now() % 2 ** 31);
  // The diff's soundness over random amendments of the corpus (scripts/diff-amendments.ts).
  const amendments = arg("diff-amendments");
  if (amendments !== undefined) return (await import("./diff-amendments.js")).fuzzDiff(Number(amendments), seed);
  const only = arg("only");
  const chunk = Number(arg("chunk") ?? "5000");
  const props = [...compilerProperties, ...recordProperties].filter((p) => only === undefined || p.name.includes(only));
  const total = props.reduce((s, p) => s + p.weight, 0);
  process.stdout.write(`fuzz: ${cases} cases over ${props.length} properties, seed ${seed}\n`);
  const started = performance.now();
  let failures = 0;
  let done = 0;
  for (const p of props) {
    const share = Math.round((cases * p.weight) / total);
    let runs = 0;
    let ms = 0;
    let failedHere = 0;
    // In chunks (each with its own seed), so progress is visible and one failure does not stop the rest.
    for (let c = 0; runs < share; c++) {
      const n = Math.min(chunk, share - runs);
      const o = runOne(p, n, seed + c * 7919 + p.name.length);
      runs += n;
      ms += o.ms;
      if (o.failed) {
        failedHere++;
        process.stdout.write(`FAIL ${p.name} (chunk ${c}, seed ${seed + c * 7919 + p.name.length}):\n${o.report}\n`);
      }
    }
    done += runs;
    failures += failedHere;
    process.stdout.write(`${failedHere === 0 ? "ok  " : "FAIL"} ${p.name}: ${runs} cases, ${failedHere} failing chunk(s), ${(ms / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write(`fuzz: ${done} cases, ${failures} failing chunk(s), ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return failures === 0 ? 0 : 1;
}

if (isMainThread && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`fuzz: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(2);
    },
  );
}
