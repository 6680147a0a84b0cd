import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_CODES } from "../../src/compiler/diagnostics/codes.js";
import { formatDiagnostic } from "../../src/compiler/diagnostics/diagnostic.js";
import { compileFixture, expectGolden } from "../helpers/compile.js";

/** Each fixture is a small version with planted errors; its diagnostics are kept as a golden listing. */
const FIXTURES = ["names", "types", "syntax"];

describe("checker diagnostics (golden)", () => {
  for (const name of FIXTURES) {
    it(`${name}: every error reported once, with file:line:col, code and hint`, () => {
      const compiled = compileFixture(`test/fixtures/check/${name}`);
      const listing = compiled.diagnostics.map(formatDiagnostic).join("\n") + "\n";
      expectGolden(`test/fixtures/check/${name}.expected.txt`, listing);
      expect(compiled.files).toBeUndefined();
      for (const d of compiled.diagnostics) {
        expect(d.span.file).toBe(`test/fixtures/check/${name}/index.md`);
        expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
      }
    });
  }

  it("reports every syntax error of a block in one run", () => {
    const compiled = compileFixture("test/fixtures/check/syntax");
    const codes = compiled.diagnostics.map((d) => d.code);
    expect(codes.filter((c) => c === "TMAD2003").length).toBeGreaterThanOrEqual(2);
    expect(codes).toContain("TMAD2001");
    expect(codes).toContain("TMAD2002");
  });

  it("suggests the closest name", () => {
    const compiled = compileFixture("test/fixtures/check/names");
    const hints = compiled.diagnostics.map((d) => d.hint ?? "");
    expect(hints).toContain("did you mean `dormant`?");
    expect(hints).toContain("did you mean `GAS`?");
    expect(hints).toContain("did you mean `attemptsRequired`?");
  });
});
