/**
 * The build's type check of a thousand-rule version: a manifest.ts over MANIFEST_CHECKED_BY_TYPE_ABOVE
 * characters is checked by its declared types (its data is typed in the generator), yet a syntax
 * error anywhere in it is still reported, and the other files are still checked in full against it.
 * The corpus's 20.v2 files stand in, the manifest made large by a long comment at its end.
 */
import { describe, expect, it } from "vitest";
import { generateVersion, withoutFormatting } from "../../src/compiler/generate/index.js";
import { MANIFEST_CHECKED_BY_TYPE_ABOVE, typeCheckGenerated } from "../../src/compiler/typecheck.js";
import { checkedDir } from "../helpers/diff.js";

describe("type-checking a large manifest", () => {
  // Generated unformatted (the formatter changes whitespace only, not what TypeScript finds): only type-checked here.
  const files = withoutFormatting(() => generateVersion(checkedDir("rules/tmad-20.v2")));
  const padding = `\n// ${"x".repeat(MANIFEST_CHECKED_BY_TYPE_ABOVE)}\n`;
  const large = files.map((f) => (f.path.endsWith("/manifest.ts") ? { ...f, content: f.content + padding } : f));
  const edit = (file: string, from: string, to: string) =>
    large.map((f) => {
      if (!f.path.endsWith(file)) return f;
      expect(f.content).toContain(from);
      return { ...f, content: f.content.replace(from, to) };
    });

  it("compiles as it is", () => {
    expect(large.find((f) => f.path.endsWith("/manifest.ts"))!.content.length).toBeGreaterThan(MANIFEST_CHECKED_BY_TYPE_ABOVE);
    expect(typeCheckGenerated(large)).toEqual([]);
  });

  it("reports a syntax error in the manifest's data", () => {
    const errors = typeCheckGenerated(edit("/manifest.ts", '"clauses": [', '"clauses": [[,'));
    expect(errors.join("\n")).toMatch(/^tmad-20\.v2\/manifest\.ts:\d+: /);
  });

  it("still checks the other files against the manifest's declared type", () => {
    const errors = typeCheckGenerated(edit("/rules.ts", "manifest.", "manifest.noSuchField."));
    expect(errors.join("\n")).toMatch(/^tmad-20\.v2\/rules\.ts:\d+: .*noSuchField/);
  });
});
