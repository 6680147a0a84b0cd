/**
 * parseRaw reads a record in its plainest form straight from the text (src/cli/schema-reader.ts)
 * and takes JSON.parse and the generated check for anything else. The reader must never change an
 * outcome: for every text here, valid, broken or mutated, parseRaw with the version's validator
 * gives exactly what it gives with the same validator hidden from the reader (the path every
 * record took before): the same problem, or the same value with its members in the same order and
 * the same `valid` mark. The reader must also really answer (else this proves nothing): for every
 * generated valid record.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, parseRaw, type Accounting, type Limits } from "../../src/cli/records.js";
import { SchemaReader } from "../../src/cli/schema-reader.js";
import { withoutFormatting } from "../../src/compiler/generate/index.js";
import { loadVersionFiles } from "../../src/compiler/load.js";
import { generateInstallations } from "../../src/population/generate.js";
import type { Schema, Validator } from "../../src/runtime/index.js";
import v190 from "../../generated/tmad-19.0/index.js";
import v20v1 from "../../generated/tmad-20.v1/index.js";
import v20v2 from "../../generated/tmad-20.v2/index.js";
import { compileFixture } from "../helpers/compile.js";

function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((x / 2 ** 31) * n);
  };
}

/** The validator as the previous path saw it: no schema, so no reader. */
function withoutReader(v: Validator<unknown>): Accounting {
  return {
    depth: v.depth,
    accounted: (value) => v.accounted(value),
    get textLength() {
      return v.textLength;
    },
  };
}

/** parseRaw's outcome written out whole: the problem, or the value (members in order) and its mark. */
function outcome(text: string, validator: Accounting, limits: Limits): string {
  const parsed = parseRaw({ record: 7, text }, limits, validator);
  if ("problem" in parsed) return `problem ${parsed.problem.code} ${parsed.problem.message}`;
  return `${parsed.valid === true ? "valid" : "unchecked"} ${JSON.stringify(parsed.value)}`;
}

const PIECES = ['"', "\\", "\\u0041", "\\n", " ", "\t", "\u0001", "é", "\u2028", ",", ":", "{", "}", "[", "]", "0", "1", "9", "-", "T", "Z", "null", "true", "false", "x", "A", "F", "_", "e", "1e3", '"id":"x",', "__proto__"];

/** Texts near `line`: characters replaced, inserted and removed, members moved, given twice or dropped, values made null. */
function mutants(line: string, rnd: (n: number) => number, n: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const at = rnd(line.length + 1);
    const piece = PIECES[rnd(PIECES.length)];
    switch (rnd(8)) {
      case 0:
        out.push(line.slice(0, at) + piece + line.slice(at + 1));
        break;
      case 1:
        out.push(line.slice(0, at) + piece + line.slice(at));
        break;
      case 2:
        out.push(line.slice(0, at) + line.slice(at + 1 + rnd(3)));
        break;
      case 3: {
        // A character inside a string changed to a neighbour (a digit of a date, a letter of an enum member).
        const q = line.indexOf('"', at);
        const i = q < 0 ? at : q + 1 + rnd(4);
        const c = line.charCodeAt(i);
        out.push(line.slice(0, i) + String.fromCharCode(c + (rnd(2) === 0 ? 1 : -1)) + line.slice(i + 1));
        break;
      }
      case 4: {
        // A member given twice, or its value null, or the member dropped.
        const start = line.indexOf(',"', at);
        if (start < 0) break;
        const colon = line.indexOf('":', start);
        const end = line.indexOf(',"', colon);
        if (colon < 0 || end < 0) break;
        const member = line.slice(start, end);
        const choice = rnd(3);
        if (choice === 0) out.push(line.slice(0, end) + member + line.slice(end));
        else if (choice === 1) out.push(`${line.slice(0, colon + 2)}null${line.slice(end)}`);
        else out.push(line.slice(0, start) + line.slice(end));
        break;
      }
      case 5: {
        // Two neighbouring members swapped.
        const a = line.indexOf(',"', at);
        const b = a < 0 ? -1 : line.indexOf(',"', a + 2);
        const c = b < 0 ? -1 : line.indexOf(',"', b + 2);
        if (c < 0) break;
        out.push(line.slice(0, a) + line.slice(b, c) + line.slice(a, b) + line.slice(c));
        break;
      }
      case 6:
        out.push(rnd(2) === 0 ? `${line} ` : ` ${line}`);
        break;
      default:
        out.push(`${line.slice(0, -1)}${PIECES[rnd(PIECES.length)]}}`);
    }
  }
  return out;
}

const versions: [string, Validator<unknown>][] = [
  ["tmad-19.0", v190.validator as Validator<unknown>],
  ["tmad-20.v1", v20v1.validator as Validator<unknown>],
  ["tmad-20.v2", v20v2.validator as Validator<unknown>],
];

describe("parseRaw with the schema reader gives every text the outcome it had without it", () => {
  for (const [name, validator] of versions) {
    it(`${name}: generated records (20 % broken) and their mutants`, () => {
      const hidden = withoutReader(validator);
      const reader = SchemaReader.for(validator.schema)!;
      const rnd = random(name.length * 7919);
      let texts = 0;
      let answered = 0;
      let originals = 0;
      let validOriginals = 0;
      const differ: string[] = [];
      for (const seed of [3, 11]) {
        for (const line of generateInstallations({ count: 200, seed, invalidRate: 0.2 })) {
          const before = outcome(line, hidden, DEFAULT_LIMITS);
          if (before.startsWith("valid ")) validOriginals++;
          if (reader.read(line) !== undefined) originals++;
          for (const text of [line, ...mutants(line, rnd, 20)]) {
            texts++;
            const now = outcome(text, validator, DEFAULT_LIMITS);
            if (now !== (text === line ? before : outcome(text, hidden, DEFAULT_LIMITS))) differ.push(text);
            if (reader.read(text) !== undefined) answered++;
          }
        }
      }
      // The reader answered for every valid generated line, and for mutants that kept the shape
      // (a digit or letter changed inside a string), whose values it had to check.
      expect(differ).toEqual([]);
      expect(texts).toBeGreaterThan(8_000);
      expect(originals).toBe(validOriginals);
      expect(answered).toBeGreaterThan(originals + 100);
    });

    it(`${name}: every generated valid record is read by the reader`, () => {
      const reader = SchemaReader.for(validator.schema)!;
      for (const line of generateInstallations({ count: 300, seed: 5 })) {
        const read = reader.read(line);
        expect(read, line).toBeDefined();
        expect(JSON.stringify(read)).toBe(JSON.stringify(JSON.parse(line)));
      }
    });
  }

  it("the example records and the fuzz fixtures, under each version and with a depth limit below a record's", () => {
    const texts = [...readFileSync("examples/installations.ndjson", "utf8").split("\n"), ...readFileSync("test/fixtures/fuzz/first-line-array-duplicate-key.ndjson", "utf8").split("\n")];
    for (const [, validator] of versions) {
      for (const limits of [DEFAULT_LIMITS, { ...DEFAULT_LIMITS, maxDepth: 3 }]) {
        for (const text of texts) expect(outcome(text, validator, limits), text).toBe(outcome(text, withoutReader(validator), limits));
      }
    }
  });

  it("texts with escapes, blanks, non-ASCII and control characters are left to JSON.parse", () => {
    const reader = SchemaReader.for(v20v2.validator.schema)!;
    const line = [...generateInstallations({ count: 1, seed: 1 })][0];
    expect(reader.read(line)).toBeDefined();
    for (const text of [
      line.replace('"GEN-', '"GEN\\u002d'),
      line.replace('"GEN-', '"GEN\\/'),
      line.replace('"GEN-', '"GÉN-'),
      line.replace('"GEN-', '"GEN\u0001'),
      line.replace('"GEN-', '"GEN\u007f'),
      line.replace('"cohort":', '"cohort": '),
      line.replace('{"id"', '{ "id"'),
      `${line}\r`,
      line.replace('"communicating":true', '"communicating":1').replace('"communicating":false', '"communicating":0'),
    ]) {
      expect(reader.read(text), text).toBeUndefined();
      expect(outcome(text, v20v2.validator as Validator<unknown>, DEFAULT_LIMITS)).toBe(outcome(text, withoutReader(v20v2.validator as Validator<unknown>), DEFAULT_LIMITS));
    }
  });
});

describe("SchemaReader refuses what it does not read", () => {
  const plain: Schema = { root: "R", key: "id", records: { R: [["id", { kind: "text" }], ["n", { kind: "optional", inner: { kind: "integer" } }]] }, enums: {}, identifiers: {} };

  it("a field of a number is never read (its text can be written in more than one way)", () => {
    const reader = SchemaReader.for(plain)!;
    expect(reader.read('{"id":"a"}')).toEqual({ id: "a" });
    expect(reader.read('{"id":"a","n":null}')).toEqual({ id: "a", n: null });
    expect(reader.read('{"id":"a","n":1}')).toBeUndefined();
  });

  it("no reader for a record holding itself, or a field named as Object.prototype's members or needing an escape", () => {
    expect(SchemaReader.for({ ...plain, records: { R: [["id", { kind: "text" }], ["next", { kind: "optional", inner: { kind: "record", name: "R" } }]] } })).toBeUndefined();
    for (const field of ["__proto__", "constructor", "toString", 'a"b', "a\\b", "é"]) {
      expect(SchemaReader.for({ ...plain, records: { R: [["id", { kind: "text" }], [field, { kind: "text" }]] } }), field).toBeUndefined();
    }
  });

  it("records whose fields are all optional, and optional fields first", () => {
    const schema: Schema = { root: "R", key: "id", records: { R: [["a", { kind: "optional", inner: { kind: "text" } }], ["b", { kind: "optional", inner: { kind: "boolean" } }], ["c", { kind: "list", element: { kind: "record", name: "S" } }]], S: [["x", { kind: "optional", inner: { kind: "date" } }]] }, enums: {}, identifiers: {} };
    const reader = SchemaReader.for(schema)!;
    for (const text of ['{"c":[]}', '{"a":"1","c":[{}]}', '{"b":false,"c":[{"x":null},{"x":"2020-02-29"}]}', '{"a":null,"b":true,"c":[{}, {}]}']) {
      const read = reader.read(text);
      if (text.includes(" ")) expect(read).toBeUndefined();
      else expect(JSON.stringify(read)).toBe(JSON.stringify(JSON.parse(text)));
    }
    for (const text of ['{"b":true,"a":"1","c":[]}', '{,"c":[]}', '{"a":"1"}', '{"c":[{"x":"2021-02-29"}]}', '{"c":[{"x":"2021-02-28","x":"2021-02-28"}]}', '{"c":[],}', '{"c":[{}],"c":[]}']) {
      expect(reader.read(text), text).toBeUndefined();
    }
  });
});

describe("parseRaw with the reader under a version whose records hold numbers (test/fixtures/generate/passes)", () => {
  const { version } = loadVersionFiles(withoutFormatting(() => compileFixture("test/fixtures/generate/passes")).files!);
  const validator = version.validator as Validator<unknown>;

  it("gives the outcome it had without the reader", () => {
    const event = (n: string): string => `{"at":"2022-05-01T10:00:00Z","day":"2022-05-01","kind":"OK","n":${n},"value":2.5}`;
    const rnd = random(17);
    const base = [`{"id":"S-1","tries":[${event("1")},${event("1e3")}],"checks":[],"devices":[]}`, '{"id":"S-1","tries":[],"checks":[],"devices":[]}'];
    for (const line of base) {
      for (const text of [line, ...mutants(line, rnd, 300)]) expect(outcome(text, validator, DEFAULT_LIMITS), text).toBe(outcome(text, withoutReader(validator), DEFAULT_LIMITS));
    }
  });
});
