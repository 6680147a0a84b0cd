/**
 * The language server's project model, in process: an edit re-checks only the versions that use
 * the edited file (the version itself and those built on it by amendment), from the unsaved text;
 * and what it reports for each version is exactly what `tmad check --skip-analysis` reports.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkVersion } from "../../src/cli/build.js";
import { buildIndex } from "../../src/lsp/symbols.js";
import { Workspace } from "../../src/lsp/workspace.js";

const root = resolve(import.meta.dirname, "../..");

describe("Workspace", () => {
  const ws = new Workspace(root);
  ws.scan();
  const first = ws.refresh();

  it("checks every version once at start, with the diagnostics of `tmad check --skip-analysis`", async () => {
    expect(first.map((v) => v.id)).toEqual(["tmad-19.0", "tmad-20.v1", "tmad-20.v2"]);
    for (const v of first) {
      const cli = await checkVersion(join("rules", v.id), false);
      expect(v.model!.diagnostics).toEqual(cli.diagnostics);
    }
  });

  it("knows each version's amendment chain", () => {
    const chain = (id: string): string[] => ws.all().find((v) => v.id === id)!.chain.map((d) => d.split("/").pop()!);
    expect(chain("tmad-20.v2")).toEqual(["tmad-20.v2", "tmad-20.v1", "tmad-19.0"]);
    expect(chain("tmad-19.0")).toEqual(["tmad-19.0"]);
  });

  it("re-checks only the versions that use an edited file, from the unsaved text", () => {
    const own = join(root, "rules/tmad-20.v2/04-26-partial-migration.md");
    const text = readFileSync(own, "utf8");
    expect(ws.setBuffer(own, text.replace("installation.cohort = MOC_MDS", "installation.cohrt = MOC_MDS")).map((v) => v.id)).toEqual(["tmad-20.v2"]);
    const rechecked = ws.refresh();
    expect(rechecked.map((v) => v.id)).toEqual(["tmad-20.v2"]);
    expect(rechecked[0]!.model!.diagnostics.map((d) => d.code)).toEqual(["TMAD3002"]);
    expect(ws.setBuffer(own, undefined).map((v) => v.id)).toEqual(["tmad-20.v2"]);
    expect(ws.refresh().map((v) => v.id)).toEqual(["tmad-20.v2"]);

    const base = join(root, "rules/tmad-19.0/04-26-preparation.md");
    const baseText = readFileSync(base, "utf8");
    expect(ws.setBuffer(base, `${baseText}\nMore prose.\n`).map((v) => v.id)).toEqual(["tmad-19.0", "tmad-20.v1", "tmad-20.v2"]);
    expect(ws.refresh().map((v) => v.id)).toEqual(["tmad-19.0", "tmad-20.v1", "tmad-20.v2"]);
    ws.setBuffer(base, undefined);
    ws.refresh();
  });

  it("re-checks nothing when the text did not change", () => {
    const own = join(root, "rules/tmad-20.v2/index.md");
    ws.setBuffer(own, readFileSync(own, "utf8"));
    expect(ws.refresh()).toEqual([]);
    ws.setBuffer(own, undefined);
  });

  it("indexes declarations and references from the AST and the checker's resolution", () => {
    const v2 = ws.all().find((v) => v.id === "tmad-20.v2")!;
    const index = buildIndex(v2.model!);
    const field = index.symbols.get("field:Installation.cohort");
    expect(field?.kind).toBe("field");
    expect(field?.declaration.file).toBe("rules/tmad-19.0/index.md");
    const uses = [...index.occurrences.values()].flat().filter((o) => o.key === "field:Installation.cohort" && !o.declaration);
    expect(uses.length).toBeGreaterThan(3);
    expect(uses.some((o) => o.span.file === "rules/tmad-20.v2/04-26-partial-migration.md")).toBe(true);
    // Quantifier variables are bound where they are introduced, one symbol per binding.
    const variables = [...index.symbols.values()].filter((s) => s.kind === "variable" && s.name === "g" && s.declaration.file === "rules/tmad-20.v2/04-26-partial-migration.md");
    expect(variables).toHaveLength(1);
    expect(variables[0]).toMatchObject({ binder: "every", type: "Device" });
  });
});
