/**
 * parseRaw with a version's validator validates as it parses: a record is marked `valid`, without
 * its value being walked, when the generated check accounts for as many members as the text has
 * keys. That shortcut must never accept what the full path (the parse guards, then validation from
 * the schema) would reject: a key given twice at any depth, an undeclared key, `__proto__`, a key
 * spelled with escapes, keys and values holding `:` or escaped quotes, blanks before a colon, too
 * deep a record. For every text here, the outcome with the validator is compared with the outcome
 * without it followed by full validation.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, parseRaw } from "../../src/cli/records.js";
import { withoutFormatting } from "../../src/compiler/generate/index.js";
import { loadVersionFiles } from "../../src/compiler/load.js";
import { generateInstallations } from "../../src/population/generate.js";
import { Validator } from "../../src/runtime/index.js";
import v190 from "../../generated/tmad-19.0/index.js";
import v20v2 from "../../generated/tmad-20.v2/index.js";
import { compileFixture } from "../helpers/compile.js";

type Outcome = { problem: string } | { valid: boolean; errors: string[] };

/** What the full path makes of a text: the parse problem, or validation from the schema alone. */
function reference(text: string, generic: Validator<unknown>, maxDepth: number): Outcome {
  const parsed = parseRaw({ record: 1, text }, { ...DEFAULT_LIMITS, maxDepth });
  if ("problem" in parsed) return { problem: parsed.problem.code };
  const v = generic.validate(parsed.value);
  return v.ok ? { valid: true, errors: [] } : { valid: false, errors: v.errors.map((e) => `${e.code} ${e.path}`) };
}

/** What the shortcut makes of it: marked valid, or the same path as without it. */
function fast(text: string, validator: Validator<unknown>, maxDepth: number): Outcome {
  const parsed = parseRaw({ record: 1, text }, { ...DEFAULT_LIMITS, maxDepth }, validator);
  if ("problem" in parsed) return { problem: parsed.problem.code };
  if (parsed.valid === true) return { valid: true, errors: [] };
  const v = validator.validate(parsed.value);
  return v.ok ? { valid: true, errors: [] } : { valid: false, errors: v.errors.map((e) => `${e.code} ${e.path}`) };
}

/**
 * JSON text of `value` in which the `at`-th object (in the order written) holds its first member
 * twice, the first time with `first` as its value (or the same value), optionally with blanks.
 */
function withDuplicate(value: unknown, at: number, first: "same" | "other", blanks: boolean): string {
  let seen = 0;
  const write = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(write).join(",")}]`;
    if (typeof v !== "object" || v === null) return JSON.stringify(v);
    const entries = Object.entries(v);
    const members = entries.map(([k, x]) => `${JSON.stringify(k)}${blanks ? " : " : ":"}${write(x)}`);
    if (seen++ === at && entries.length > 0) {
      const [k, x] = entries[0];
      members.unshift(`${JSON.stringify(k)}:${first === "same" ? write(x) : JSON.stringify(typeof x === "string" ? `${x}x` : x)}`);
    }
    return `{${members.join(",")}}`;
  };
  return write(value);
}

function objectsIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, x) => n + objectsIn(x), 0);
  if (typeof value !== "object" || value === null) return 0;
  return 1 + Object.values(value).reduce((n: number, x) => n + objectsIn(x), 0);
}

describe("parseRaw with the validator accepts only what the full path accepts", () => {
  for (const version of [v190, v20v2]) {
    const validator = version.validator as Validator<unknown>;
    const generic = new Validator<unknown>(validator.schema);
    const same = (text: string, maxDepth = DEFAULT_LIMITS.maxDepth): Outcome => {
      const want = reference(text, generic, maxDepth);
      expect([text, fast(text, validator, maxDepth)]).toEqual([text, want]);
      return want;
    };
    const lines = [...generateInstallations({ count: 60, seed: 5 })].filter((l) => generic.validate(JSON.parse(l)).ok);

    it(`${version.manifest.id}: valid records take the shortcut; a key twice, at every depth, never does`, () => {
      expect(lines.length).toBeGreaterThan(20);
      for (const line of lines) {
        const parsed = parseRaw({ record: 1, text: line }, DEFAULT_LIMITS, validator);
        expect("value" in parsed && parsed.valid).toBe(true);
        const value = JSON.parse(line) as unknown;
        for (let at = 0; at < objectsIn(value); at++) {
          for (const first of ["same", "other"] as const) {
            expect(same(withDuplicate(value, at, first, false))).toEqual({ problem: "duplicate-key" });
            expect(same(withDuplicate(value, at, first, true))).toEqual({ problem: "duplicate-key" });
          }
        }
      }
    });

    it(`${version.manifest.id}: undeclared keys, forbidden and inherited names, escapes, colons and backslashes in strings`, () => {
      const line = lines[0];
      const body = line.slice(1, -1);
      const edits = [
        `{"extra":1,${body}}`,
        `{"__proto__":{"x":1},${body}}`,
        `{"__proto__":null,${body}}`,
        `{"constructor":1,${body}}`,
        `{"toString":"x",${body}}`,
        `{"valueOf":1,${body}}`,
        `{"hasOwnProperty":null,${body}}`,
        `{"\\u0069d":"dup",${body}}`, // "id" spelled with an escape: a duplicate
        `{"a\\":b":1,${body}}`,
        `{"a\\\\":1,${body}}`,
        `{"x":"a\\":1,\\"b\\":2",${body}}`,
        `{"x":"ends with a backslash\\\\",${body}}`,
        `{"x" :1,${body}}`,
        `{"x"\t:1,${body}}`,
        `{"x"\n:1,${body}}`,
        `{"x":{"y":{"z":[[[[1]]]]}},${body}}`,
        ` {${body}} `,
        `{${body.replace(/":/g, '" :')}}`,
        `{${body.replace(/,"/g, ', "')}}`,
        `{${body.replace(/"id":"([^"]*)"/, '"id":"$1\\":\\"x"')}}`,
        `{${body.replace(/"id":"([^"]*)"/, '"id":"$1\\\\"')}}`,
        `{${body.replace(/"id":"([^"]*)"/, '"id":"\\u0041$1"')}}`,
        `{${body.replace(/"id":"[^"]*"/, '"id":"a","id":"b"')}}`,
        `{${body.replace(/"devices":\[/, '"devices":[{"id":"x","id":"y"},')}}`,
        `{${body.replace(/"responsibleSupplier":\{/, '"responsibleSupplier":{"status":"LIVE",')}}`,
        `{${body.replace(/"responsibleSupplier":\{/, '"responsibleSupplier":{"na\\u006de":"Z",')}}`,
        `{${body.replace(/"id":"[^"]*"/, '"id":"a:b:c"')}}`,
        `{${body.replace(/"id":"[^"]*"/, '"id":"a:b","id":":"')}}`,
        `{${body.replace(/"groupId":"[^"]*"/, '"groupId":"x:","extra":"::"')}}`,
        `{${body.replace(/"name":"[^"]*"/, '"name":"A: B","name":"A: B"')}}`,
        `{${body.replace(/"name":"[^"]*"/, '"name":"A:B"')},"x":1}`,
        `{${body.replace(/"installedOn":"([^"]*)"/, '"installedOn":"$1T00:00:00Z"')}}`,
        // The text's length settles a text without backslashes: a key twice with the same value, a
        // number (written shorter than JavaScript writes it), a blank anywhere.
        `{${body.replace(/"communicating":(true|false)/, '"communicating":$1,"communicating":$1')}}`,
        `{${body.replace(/"cohort":"([^"]*)"/, '"cohort":"$1","cohort":"$1"')}}`,
        `{"e":1e3,${body}}`,
        `{${body},"e":1E+2}`,
        `{${body.replace(/"communicating":(true|false)/, '"communicating":$1 ')}}`,
        `{${body.replace(/"communicating":(true|false)/, '"communicating":\r\n$1')}}`,
        // The length less what escapes add settles a text with escapes: a backslash escaped before
        // a `u` adds one, not five (else the five of `,"":1` would hide), an escaped key twice.
        `{${body.replace(/"id":"([^"]*)"/, '"id":"\\\\u0041$1"')},"":1}`,
        `{${body.replace(/"id":"([^"]*)"/, '"id":"\\\\u0041$1"')},"":1,"":2}`,
        `{${body.replace(/"id":"([^"]*)"/, '"id":"\\u0041$1"')},"x":""}`,
        `{${body.replace(/"id":"([^"]*)"/, '"id":"\\"$1"')},"\\u0063ohort":"x"}`,
        `{${body.replace(/"cohort":"([^"]*)"/, '"cohort":"$1","c\\u006fhort":"$1"')}}`,
        `{${body.replace(/"id":"([^"]*)"/, '"id":"\\u00e9\\ud83d\\ude00\\/$1"')}}`,
        `[${line}]`,
        "{}",
        "null",
        '"text"',
      ];
      let accepted = 0;
      for (const text of edits) {
        const o = same(text);
        if ("valid" in o && o.valid) accepted++;
      }
      // A valid record with escapes takes the shortcut (its length, less what they add, settles it).
      const escaped = `{${body.replace(/"id":"([^"]*)"/, '"id":"\\u00e9\\ud83d\\ude00\\/$1"')}}`;
      expect((parseRaw({ record: 1, text: escaped }, DEFAULT_LIMITS, validator) as { valid?: true }).valid).toBe(true);
      // Blanks and escapes that change nothing keep a record valid; everything else is reported.
      expect(accepted).toBeGreaterThanOrEqual(4);
      expect(accepted).toBeLessThan(edits.length - 15);
    });

    it(`${version.manifest.id}: a depth limit below a valid record's depth is enforced, not skipped`, () => {
      const deep = lines.find((l) => l.includes('"at"')) ?? lines[0];
      for (const maxDepth of [1, 2, 3, 4, 5, 6, 32]) same(deep, maxDepth);
      expect(fast(deep, validator, 2)).toEqual({ problem: "too-deep" });
    });
  }
});

describe("parseRaw with a validator whose records hold numbers (test/fixtures/generate/passes)", () => {
  // A number's text can be shorter than JavaScript writes it (`1e3` for 1000), which could make up
  // for a key given twice: a value with a number is never settled by the text's length.
  // Generated only to be run: unformatted, and loaded from the files the compilation gave.
  const { version } = loadVersionFiles(withoutFormatting(() => compileFixture("test/fixtures/generate/passes")).files!);
  const validator = version.validator as Validator<unknown>;
  const generic = new Validator<unknown>(validator.schema);
  const event = (n: string, value: string): string => `{"at":"2022-05-01T10:00:00Z","day":"2022-05-01","kind":"OK","n":${n},"value":${value}}`;
  const site = (tries: string): string => `{"id":"S-1","tries":[${tries}],"checks":[],"devices":[]}`;

  it("takes the shortcut for compact text, and gives the full path's outcome for every number written otherwise", () => {
    const plain = site(event("1000", "2.5"));
    const parsed = parseRaw({ record: 1, text: plain }, DEFAULT_LIMITS, validator);
    expect("value" in parsed && parsed.valid).toBe(true);
    const texts = [
      plain,
      site(event("1e3", "2.5")),
      site(event("1e3", "25e-1")),
      // Two keys twice, each hidden by numbers written shorter than JavaScript writes them.
      site(event("1000", "2.5").replace('"n":1000', '"n":1e3,"n":1e3,"n":1e3')),
      site(event("100000", "2.5").replace('"n":100000', '"n":1e5,"n":1e5')),
      site(`${event("1e3", "2.5")},${event("1e21", "1E+2")}`).replace('"id":"S-1"', '"id":"S-1","id":"S-1"'),
      site(event("10", "0.5").replace('"kind":"OK"', '"kind":"OK","kind":"OK"')),
      // `1e15` is 12 characters shorter than 1000000000000000, as long as the `"kind":"OK",` given twice.
      site(event("10", "1e15").replace('"kind":"OK"', '"kind":"OK","kind":"OK"')),
    ];
    for (const text of texts) {
      const want = reference(text, generic, DEFAULT_LIMITS.maxDepth);
      expect([text, fast(text, validator, DEFAULT_LIMITS.maxDepth)]).toEqual([text, want]);
    }
    expect(reference(texts[3], generic, DEFAULT_LIMITS.maxDepth)).toEqual({ problem: "duplicate-key" });
    const hidden = texts[texts.length - 1];
    expect(hidden.length).toBe(JSON.stringify(JSON.parse(hidden)).length);
    expect(reference(hidden, generic, DEFAULT_LIMITS.maxDepth)).toEqual({ problem: "duplicate-key" });
  });
});

describe("Validator.validate on values not parsed from text", () => {
  it("does not let a prototype lend a declared field to hide an undeclared one", () => {
    const validator = v20v2.validator as Validator<unknown>;
    const record = JSON.parse([...generateInstallations({ count: 1, seed: 5 })][0]) as Record<string, unknown>;
    expect(validator.validate(record).ok).toBe(true);
    const { groupId, ...rest } = record;
    const lent = Object.assign(Object.create({ groupId }) as Record<string, unknown>, rest, { extra: 1 });
    const got = validator.validate(lent);
    expect(got.ok).toBe(false);
    expect(!got.ok && got.errors.map((e) => e.code)).toEqual(["unknown-field", "missing-field"]);
    const hidden = Object.defineProperty({ ...rest, extra: 1 }, "groupId", { value: groupId, enumerable: false });
    expect(validator.validate(hidden).ok).toBe(false);
  });
});
