/**
 * parseRaw reads a record in its plainest form straight from the text (src/cli/schema-reader.ts)
 * and takes JSON.parse and the generated check for anything else. The reader must never change an
 * outcome: for every text here, valid, broken or mutated, parseRaw with the version's validator
 * gives exactly what it gives with the same validator hidden from the reader (the path every
 * record took before): the same problem, or the same value with its members in the same order and
 * the same `valid` mark. The reader must also really answer (else this proves nothing): for every
 * generated valid record, compact or laid out with blanks between its tokens.
 */
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
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

/** JSON's blanks (RFC 8259), the only characters JSON.parse skips between tokens. */
const BLANKS = [" ", "\t", "\n", "\r"];

/** A run of blanks: none, one space (as json.dumps writes after `,` and `:`), or up to four of any. */
function blankRun(rnd: (n: number) => number): string {
  const k = rnd(4);
  if (k === 0) return "";
  if (k === 1) return " ";
  let run = "";
  for (let n = 1 + rnd(4); n > 0; n--) run += BLANKS[rnd(BLANKS.length)];
  return run;
}

/** `value` as JSON with `blank()` between every two tokens and around the whole text (keys in the value's order). */
function laidOut(value: unknown, blank: () => string): string {
  const write = (v: unknown): string => {
    if (Array.isArray(v)) return `[${blank()}${v.map(write).join(`${blank()},${blank()}`)}${v.length === 0 ? "" : blank()}]`;
    if (typeof v === "object" && v !== null) {
      const members = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}${blank()}:${blank()}${write(x)}`);
      return `{${blank()}${members.join(`${blank()},${blank()}`)}${members.length === 0 ? "" : blank()}}`;
    }
    return JSON.stringify(v);
  };
  return `${blank()}${write(value)}${blank()}`;
}

/** json.dumps' default layout: `", "` between members and elements, `": "` after keys. */
function dumps(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/\n */g, (m, at: number, t: string) => (t[at - 1] === "{" || t[at - 1] === "[" || t[at + m.length] === "}" || t[at + m.length] === "]" ? "" : " "));
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

    it(`${name}: generated records (20 % broken) laid out with blanks, and their mutants`, () => {
      // Each record written compact, as json.dumps writes it, indented, and with random runs of
      // blanks between its tokens; every layout of a record the reader reads compact is read, to the
      // value JSON.parse gives (same members in the same order), and parseRaw's outcome is unchanged
      // for every text, its mutants too (a blank moved into a token, a member given twice...).
      const hidden = withoutReader(validator);
      const reader = SchemaReader.for(validator.schema)!;
      const rnd = random(name.length * 104729);
      const differ: string[] = [];
      let read = 0;
      let mutantsRead = 0;
      for (const line of generateInstallations({ count: 100, seed: 13, invalidRate: 0.2 })) {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          continue; // a broken line that is not JSON has no layout of its own
        }
        const compact = reader.read(line) !== undefined;
        const layouts = [dumps(value), JSON.stringify(value, null, 2), JSON.stringify(value, null, "\t"), laidOut(value, () => blankRun(rnd)), laidOut(value, () => blankRun(rnd))];
        for (const text of layouts) {
          const got = reader.read(text);
          if (compact) {
            expect(got, text).toBeDefined();
            expect(JSON.stringify(got)).toBe(line);
            expect(isDeepStrictEqual(got, JSON.parse(text))).toBe(true);
            read++;
          } else expect(got, text).toBeUndefined();
          if (outcome(text, validator, DEFAULT_LIMITS) !== outcome(text, hidden, DEFAULT_LIMITS)) differ.push(text);
        }
        for (const text of mutants(layouts[3], rnd, 8)) {
          if (outcome(text, validator, DEFAULT_LIMITS) !== outcome(text, hidden, DEFAULT_LIMITS)) differ.push(text);
          if (reader.read(text) !== undefined) mutantsRead++;
        }
      }
      expect(differ).toEqual([]);
      expect(read).toBeGreaterThan(300);
      expect(mutantsRead).toBeGreaterThan(50);
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

  it("texts with escapes, non-ASCII and control characters are left to JSON.parse", () => {
    const reader = SchemaReader.for(v20v2.validator.schema)!;
    const line = [...generateInstallations({ count: 1, seed: 1 })][0];
    expect(reader.read(line)).toBeDefined();
    for (const text of [
      line.replace('"GEN-', '"GEN\\u002d'),
      line.replace('"GEN-', '"GEN\\/'),
      line.replace('"GEN-', '"GÉN-'),
      line.replace('"GEN-', '"GEN\u0001'),
      line.replace('"GEN-', '"GEN\u007f'),
      line.replace('"communicating":true', '"communicating":1').replace('"communicating":false', '"communicating":0'),
    ]) {
      expect(reader.read(text), text).toBeUndefined();
      expect(outcome(text, v20v2.validator as Validator<unknown>, DEFAULT_LIMITS)).toBe(outcome(text, withoutReader(v20v2.validator as Validator<unknown>), DEFAULT_LIMITS));
    }
  });

  it("blanks: read where JSON.parse skips them, else left to it, every outcome unchanged", () => {
    const validator = v20v2.validator as Validator<unknown>;
    const reader = SchemaReader.for(validator.schema)!;
    const line = [...generateInstallations({ count: 1, seed: 1 })][0];
    const spaced = dumps(JSON.parse(line));
    expect(spaced).toContain('"cohort": "');
    const same = (text: string): void => expect(outcome(text, validator, DEFAULT_LIMITS), text).toBe(outcome(text, withoutReader(validator), DEFAULT_LIMITS));
    const readAs = (text: string, value: unknown): void => {
      const got = reader.read(text);
      expect(got, text).toBeDefined();
      expect(JSON.stringify(got)).toBe(JSON.stringify(value));
      expect(JSON.stringify(got)).toBe(JSON.stringify(JSON.parse(text)));
      same(text);
    };
    const left = (text: string): void => {
      expect(reader.read(text), text).toBeUndefined();
      same(text);
    };
    const value = JSON.parse(line) as unknown;
    // Blanks between tokens, as JSON allows them: read.
    for (const text of [
      spaced,
      line.replace('"cohort":', '"cohort": '),
      line.replace('"cohort":', '"cohort" :'),
      line.replace('"cohort":', '"cohort"\t:\t'),
      line.replace('{"id"', '{ "id"'),
      line.replace('{"id"', '{\n  "id"'),
      `${line}\r`,
      `${line} \t\r\n`,
      `\n\r\t ${line}`,
      `${spaced}  `,
      line.replace(/,/g, " , "),
      line.replace(/\[\]/g, "[ ]").replace(/\]/g, " ]"),
      line.replace(/}/g, "\n}"),
      line.replace('"cohort":', `"cohort":${" ".repeat(10_000)}`),
    ]) {
      readAs(text, value);
    }
    // Blanks inside a string are its content: read as they are (the key's value changed, so compared with JSON.parse).
    const inName = spaced.replace('"name": "', '"name": "  two  spaces ');
    expect(reader.read(inName)).toBeDefined();
    expect(JSON.stringify(reader.read(inName))).toBe(JSON.stringify(JSON.parse(inName)));
    same(inName);
    // What JSON.parse does not skip, blanks where a token is, and a key twice: left, with the general path's outcome.
    for (const text of [
      `\uFEFF${line}`,
      `\uFEFF${spaced}`,
      spaced.replace('"cohort": ', '"cohort":\u2028'),
      spaced.replace('"cohort": ', '"cohort":\u00a0'),
      spaced.replace('"cohort": ', '"cohort":\f'),
      spaced.replace('"cohort": ', '"cohort":\v'),
      spaced.replace('"cohort": ', '"cohort":\u0000'),
      `${spaced}\u2028`,
      spaced.replace(": true", ": tr ue").replace(": false", ": fal se"),
      spaced.replace('"mpan": ', '"mpan": nu ll,"x": ').replace('"mpan": nu ll,"x": ', '"mpan": nu ll, "mpan": '),
      spaced.replace('"cohort"', '"co hort"'),
      spaced.replace('"cohort"', '" cohort"'),
      spaced.replace('"cohort": "', '"cohort": " '),
      spaced.replace('"name": "', '"name": "\t'),
      spaced.replace('"cohort": ', '"cohort": "FOC", "cohort": '),
      spaced.replace('{"id": ', '{"id": "x" , "id" : '),
      spaced.replace('"groupId": ', '"groupId" : "G",  "groupId"  :  '),
      spaced.replace('"name": "', '"name": "\\u0041'),
      spaced.replace(", ", " ,, "),
      spaced.replace("{", "{ , "),
      spaced.replace(/}$/, ", }"),
      `${spaced} x`,
      `${spaced} ${spaced}`,
      `${spaced}${" ".repeat(20_000)}x`,
      spaced.replace(/}$/, `${" ".repeat(20_000)}x}`),
      spaced.replace("[]", `[${" ".repeat(20_000)}x]`),
      " ",
      "",
    ]) {
      left(text);
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
    const rnd = random(31);
    for (const text of ['{"c":[]}', '{"a":"1","c":[{}]}', '{"b":false,"c":[{"x":null},{"x":"2020-02-29"}]}', '{"a":null,"b":true,"c":[{}, {}]}', '{"a":"1","b":true,"c":[{"x":"2020-02-29"},{}]}']) {
      // Compact, and with blanks between tokens (an optional field first, present or not, after blanks).
      for (const written of [text, dumps(JSON.parse(text)), ...Array.from({ length: 20 }, () => laidOut(JSON.parse(text), () => blankRun(rnd)))]) {
        expect(JSON.stringify(reader.read(written)), written).toBe(JSON.stringify(JSON.parse(written)));
      }
    }
    for (const text of ['{"b":true,"a":"1","c":[]}', '{,"c":[]}', '{"a":"1"}', '{"c":[{"x":"2021-02-29"}]}', '{"c":[{"x":"2021-02-28","x":"2021-02-28"}]}', '{"c":[],}', '{"c":[{}],"c":[]}']) {
      expect(reader.read(text), text).toBeUndefined();
      for (let k = 0; k < 10; k++) {
        const written = text.replace(/[{}[\],:]/g, (t) => `${blankRun(rnd)}${t}${blankRun(rnd)}`);
        expect(reader.read(written), written).toBeUndefined();
      }
    }
    for (const text of ['{ , "c": []}', '{"c": [] , }', '{"c": [{ "x": "2021-02-28" , "x": "2021-02-28"}]}', '{"c": [{ } { }]}', '{"c": [ , ]}', '{"b" : tr ue, "c": []}', '{"a" : "1" "c": []}']) {
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
