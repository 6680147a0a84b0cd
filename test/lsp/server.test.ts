/**
 * `tmad lsp` driven over its protocol: a copy of the corpus, a rule file opened in the "editor",
 * errors planted by edits, and every feature asked for as an editor would. Expected positions are
 * computed here from the text (JavaScript string indices are UTF-16, as LSP's characters are).
 * The analysis test starts `tmad lsp --stdio` as a process, as an editor does (stdio, the analysis
 * worker thread, the exit code); the others run the same server in this process (LspClient.inProcess:
 * the same messages, without starting a process).
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tmadIn } from "../helpers/cli.js";
import { corpusCopy, forbidProcessExit, LspClient, repo, uri, type LspDiagnostic } from "./client.js";

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface Location {
  uri: string;
  range: Range;
}
interface CompletionItem {
  label: string;
  kind?: number;
  sortText?: string;
}
interface DocumentSymbol {
  name: string;
  kind: number;
  range: Range;
  children?: DocumentSymbol[];
}

/** The range of the `nth` occurrence of `word` on the first line containing `anchor`. */
function rangeOf(text: string, anchor: string, word: string, nth = 0): Range {
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.includes(anchor));
  if (line < 0) throw new Error(`no line contains ${anchor}`);
  let character = -1;
  for (let i = 0; i <= nth; i++) character = lines[line]!.indexOf(word, character + 1);
  if (character < 0) throw new Error(`${word} not on line ${line}`);
  return { start: { line, character }, end: { line, character: character + word.length } };
}

/** Every word-bounded occurrence of `name` inside ```tmad blocks of the Markdown files under `dir`. */
function occurrencesInRuleBlocks(dir: string, name: string): string[] {
  const out: string[] = [];
  for (const version of readdirSync(dir).sort()) {
    for (const f of readdirSync(join(dir, version)).filter((x) => x.endsWith(".md"))) {
      const path = join(dir, version, f);
      let inBlock = false;
      readFileSync(path, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/^\s*```/.test(line)) inBlock = !inBlock && /^\s*```tmad\s*$/.test(line);
          else if (inBlock) for (const m of line.matchAll(new RegExp(`\\b${name}\\b`, "g"))) out.push(`${uri(path)}:${i}:${m.index}`);
        });
    }
  }
  return out.sort();
}

// A server in this process must not end it: process.exit fails the test instead.
forbidProcessExit();

describe("tmad lsp on a copy of the corpus", () => {
  let root: string;
  let client: LspClient;
  let file: string;
  let original: string;
  const at = (range: Range) => ({ textDocument: { uri: uri(file) }, position: range.start });

  beforeAll(async () => {
    root = corpusCopy();
    file = join(root, "rules/tmad-20.v2/04-26-partial-migration.md");
    original = readFileSync(file, "utf8");
    client = await LspClient.inProcess(root, { analysis: false });
    client.open(file);
  });

  afterAll(async () => {
    expect(await client.stop()).toBe(0);
    rmSync(root, { recursive: true, force: true });
  });

  it("publishes nothing wrong for the corpus as it is", async () => {
    // A request is answered after the check it waits for, and after what that check published.
    await client.request("textDocument/documentSymbol", { textDocument: { uri: uri(file) } });
    for (const list of client.diagnostics.values()) expect(list).toEqual([]);
  });

  let planted: string;
  let diagnostics: LspDiagnostic[];
  it("publishes the diagnostics of planted errors with their codes, hints and 0-based UTF-16 ranges", async () => {
    // Astral and accented characters before the error on the same line: columns count UTF-16 units.
    planted = original.replace("  when installation.cohort = MOC_MDS", '  when "é𝔸" != "" and installation.cohrt = MOC_MDS');
    client.change(file, planted);
    // And one incremental edit, as editors send them: `gsmeIds` → `gsmeId`.
    const gsme = rangeOf(planted, "deregister = gsmeIds", "gsmeIds");
    client.edit(file, { start: { line: gsme.start.line, character: gsme.end.character - 1 }, end: gsme.end }, "");
    planted = planted.replace("deregister = gsmeIds", "deregister = gsmeId");
    diagnostics = await client.diagnosticsFor(file, (d) => d.length >= 2);
    expect(diagnostics.map((d) => ({ code: d.code, range: d.range, severity: d.severity, source: d.source }))).toEqual([
      { code: "TMAD3002", range: rangeOf(planted, "installation.cohrt", "cohrt"), severity: 1, source: "tmad" },
      { code: "TMAD3001", range: rangeOf(planted, "deregister = gsmeId", "gsmeId"), severity: 1, source: "tmad" },
    ]);
    expect(diagnostics[0]!.message).toBe("record Installation has no field `cohrt`\nhint: did you mean `cohort`?");
    // The character offset really is in UTF-16 units: 𝔸 counts two.
    expect(diagnostics[0]!.range.start.character).toBe(planted.split("\n").find((l) => l.includes("cohrt"))!.indexOf("cohrt"));
    expect([...'  when "é𝔸" != "" and installation.'].length).toBe(diagnostics[0]!.range.start.character - 1);
  });

  it("offers a quick fix that replaces the misspelt name with the suggestion", async () => {
    const actions = await client.request<{ title: string; kind: string; edit: { changes: Record<string, { range: Range; newText: string }[]> } }[]>("textDocument/codeAction", {
      textDocument: { uri: uri(file) },
      range: diagnostics[0]!.range,
      context: { diagnostics: [diagnostics[0]] },
    });
    expect(actions.map((a) => ({ title: a.title, kind: a.kind, edit: a.edit.changes[uri(file)] }))).toEqual([{ title: "Change `cohrt` to `cohort`", kind: "quickfix", edit: [{ range: diagnostics[0]!.range, newText: "cohort" }] }]);
    const second = await client.request<{ edit: { changes: Record<string, { newText: string }[]> } }[]>("textDocument/codeAction", { textDocument: { uri: uri(file) }, range: diagnostics[1]!.range, context: { diagnostics: [] } });
    expect(second.map((a) => a.edit.changes[uri(file)]![0]!.newText)).toEqual(["gsmeIds"]);
  });

  it("gives the same diagnostics as `tmad check` on the same text", async () => {
    writeFileSync(file, planted);
    // The planted file belongs to tmad-20.v2 alone (no version is built on it). The built CLI, run in
    // this process (tmadIn), from the repository: its paths are relative to it, its base found beside.
    const cli = await tmadIn(["check", "--skip-analysis", "--format", "json", join(root, "rules/tmad-20.v2")]);
    expect(cli.status).toBe(1);
    const fromCli = new Set<string>();
    for (const v of JSON.parse(cli.stdout).versions as { diagnostics: { code: string; message: string; hint?: string; span: { file: string; start: { line: number; column: number }; end: { line: number; column: number } } }[] }[]) {
      for (const d of v.diagnostics) {
        fromCli.add(`${uri(resolve(repo, d.span.file))} ${d.span.start.line - 1}:${d.span.start.column - 1}-${d.span.end.line - 1}:${d.span.end.column - 1} ${d.code} ${d.message}${d.hint === undefined ? "" : `\nhint: ${d.hint}`}`);
      }
    }
    const fromServer = new Set<string>();
    for (const [u, list] of client.diagnostics) for (const d of list) fromServer.add(`${u} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.message}`);
    expect(fromCli.size).toBeGreaterThanOrEqual(2);
    expect([...fromServer].sort()).toEqual([...fromCli].sort());
    writeFileSync(file, original);
    client.change(file, original);
    expect(await client.diagnosticsFor(file, (d) => d.length === 0)).toEqual([]);
  });

  const hoverText = async (range: Range): Promise<string> => (await client.request<{ contents: { value: string } } | null>("textDocument/hover", at(range)))?.contents.value ?? "";

  it("hover: a field's type and doc comment", async () => {
    const other = join(root, "rules/tmad-20.v1/18-excluded-categories.md");
    const text = readFileSync(other, "utf8");
    client.open(other);
    const h = await client.request<{ contents: { value: string }; range: Range }>("textDocument/hover", { textDocument: { uri: uri(other) }, position: rangeOf(text, "installation.groupId", "groupId").start });
    expect(h.contents.value).toContain("Installation.groupId: text");
    expect(h.contents.value).toContain('Two letters, e.g. "AA"; compared as text.');
    expect(h.contents.value).toContain("Declared in tmad-19.0 (rules/tmad-19.0/index.md:");
    expect(h.range).toEqual(rangeOf(text, "installation.groupId", "groupId"));
  });

  it("hover: a parameter's value and the version that set it", async () => {
    const prep = join(root, "rules/tmad-19.0/04-26-preparation.md");
    const text = readFileSync(prep, "utf8");
    const h = await client.request<{ contents: { value: string } }>("textDocument/hover", { textDocument: { uri: uri(prep) }, position: rangeOf(text, "firmwareAttemptsRequired,", "firmwareAttemptsRequired").start });
    expect(h.contents.value).toContain("parameter firmwareAttemptsRequired: integer = firmwareAttemptsPerCycle * firmwareCycles");
    expect(h.contents.value).toContain("Value: `108`");
    const line = readFileSync(join(root, "rules/tmad-19.0/index.md"), "utf8").split("\n").findIndex((l) => l.startsWith("parameter firmwareAttemptsRequired")) + 1;
    expect(h.contents.value).toContain(`Set by tmad-19.0 (rules/tmad-19.0/index.md:${line})`);
  });

  it("hover: a rule's clause and its text; an enum member's label", async () => {
    const rule = await hoverText(rangeOf(original, "rule migrate_partial_moc_mds", "migrate_partial_moc_mds"));
    expect(rule).toContain("rule migrate_partial_moc_mds");
    expect(rule).toContain("**Clause 4.26A** Partial migration for MOC (MDS)");
    expect(rule).toContain("Six respondents");
    const member = await hoverText(rangeOf(original, "installation.cohort = MOC_MDS", "MOC_MDS"));
    expect(member).toContain("Cohort.MOC_MDS");
    expect(member).toContain("MOC (MDS)");
  });

  it("goes to a definition declared in the version this one amends", async () => {
    const defs = await client.request<Location[]>("textDocument/definition", at(rangeOf(original, "preparationPersistentlyFailed(g)", "preparationPersistentlyFailed")));
    const target = join(root, "rules/tmad-19.0/04-26-preparation.md");
    expect(defs).toEqual([{ uri: uri(target), range: rangeOf(readFileSync(target, "utf8"), "definition preparationPersistentlyFailed", "preparationPersistentlyFailed") }]);
  });

  it("finds the references in every version built on the declaring file", async () => {
    const target = join(root, "rules/tmad-19.0/04-26-preparation.md");
    const decl = rangeOf(readFileSync(target, "utf8"), "definition preparationPersistentlyFailed", "preparationPersistentlyFailed");
    const refs = await client.request<Location[]>("textDocument/references", { textDocument: { uri: uri(target) }, position: decl.start, context: { includeDeclaration: true } });
    const found = refs.map((r) => `${r.uri}:${r.range.start.line}:${r.range.start.character}`).sort();
    expect(found).toEqual(occurrencesInRuleBlocks(join(root, "rules"), "preparationPersistentlyFailed"));
    expect(new Set(refs.map((r) => r.uri.split("/rules/")[1]!.split("/")[0])).size).toBe(3);
  });

  it("completes fields after `.`, enum members, definitions and rule names", async () => {
    const complete = async (text: string, anchor: string, after: string): Promise<CompletionItem[]> => {
      client.change(file, text);
      const r = rangeOf(text, anchor, after);
      const list = await client.request<CompletionItem[] | { items: CompletionItem[] }>("textDocument/completion", { textDocument: { uri: uri(file) }, position: r.end });
      return Array.isArray(list) ? list : list.items;
    };
    // Fields of the record the checker infers before the dot (a syntax error on the line and all).
    const fields = await complete(original.replace("   and readyForPartialMigration", "   and readyForPartialMigration and installation.responsibleSupplier."), "installation.responsibleSupplier.", "installation.responsibleSupplier.");
    expect(fields.map((i) => i.label).sort()).toEqual(["name", "previousStatus", "status", "statusChangedOn"]);
    const variable = await complete(original.replace("preparationPersistentlyFailed(g))", "preparationPersistentlyFailed(g) and g.fi)"), "g.fi", "g.fi");
    expect(variable.map((i) => i.label)).toContain("firmwareAttempts");
    // Members of the enum on the other side of `=`, ahead of everything else.
    const members = await complete(original.replace("installation.cohort = MOC_MDS", "installation.cohort = MO"), "installation.cohort = MO", "installation.cohort = MO");
    const first = members.filter((i) => i.sortText?.startsWith("0")).map((i) => i.label);
    expect(first).toEqual(expect.arrayContaining(["FOC", "IOC", "MOC_SECURE", "MOC_MDS"]));
    expect(members.map((i) => i.label)).toEqual(expect.arrayContaining(["readyForPartialMigration", "preparationPersistentlyFailed", "installation"]));
    // Rule names after `unless`.
    const rules = await complete(original.replace("       notifySupplier = notifyResponsibleSupplier\n", "       notifySupplier = notifyResponsibleSupplier\n  unless mig\n"), "  unless mig", "  unless mig");
    const names = rules.map((i) => i.label);
    expect(names).toContain("migrate_last_installed_only_communicating");
    expect(names).not.toContain("migrate_partial_moc_mds");
    client.change(file, original);
    await client.diagnosticsFor(file, (d) => d.length === 0);
  });

  it("outlines the clauses with their rules and examples", async () => {
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: uri(file) } });
    const clause = symbols.find((s) => s.name === "4.26A Partial migration for MOC (MDS)");
    expect(clause).toBeDefined();
    const children = clause!.children!.map((c) => c.name);
    expect(children[0]).toBe("migrate_partial_moc_mds");
    expect(children).toContain("example: concluded - MOC (MDS) GSME firmware failure migrates partly");
    expect(clause!.children!.find((c) => c.name === "migrate_partial_moc_mds")!.range.start).toEqual({ line: rangeOf(original, "rule migrate_partial_moc_mds", "rule").start.line, character: 0 });
  });

  it("explains the example under the cursor (tmad/explainExample)", async () => {
    const line = rangeOf(original, "example: concluded - MOC (MDS) GSME firmware failure migrates partly", "example").start;
    const r = await client.request<{ ok: boolean; name: string; passed: boolean; text: string }>("tmad/explainExample", { textDocument: { uri: uri(file) }, position: { line: line.line + 2, character: 2 } });
    expect(r.ok).toBe(true);
    expect(r.name).toBe("concluded - MOC (MDS) GSME firmware failure migrates partly");
    expect(r.passed).toBe(true);
    expect(r.text).toContain("outcome: MIGRATE_PARTIAL (migrate after deregistering the named devices)");
    expect(r.text).toContain('Decided by rule migrate_partial_moc_mds, clause 4.26A "Partial migration for MOC (MDS)"');
    // An example whose expectation no longer holds says so, against the unsaved text.
    client.change(file, original.replace("expect: { outcome: MIGRATE_PARTIAL, excludedCategory: \"18.5\" }", "expect: { outcome: EXCLUDED }"));
    const failing = rangeOf(original, "example: concluded - GSME confirmation requests exhausted migrates partly", "example").start;
    const f = await client.request<{ ok: boolean; passed: boolean; problems: string[] }>("tmad/explainExample", { textDocument: { uri: uri(file) }, position: failing });
    expect(f).toMatchObject({ ok: true, passed: false, problems: ['outcome: expected "EXCLUDED", got "MIGRATE_PARTIAL"'] });
    const outside = await client.request<{ ok: boolean; message: string }>("tmad/explainExample", { textDocument: { uri: uri(file) }, position: { line: 0, character: 0 } });
    expect(outside.ok).toBe(false);
    client.change(file, original);
  });
});

describe("tmad lsp --stdio, a process: analysis once a version settles", () => {
  it("adds the warnings of `tmad check` after the quiet period, like the CLI", async () => {
    const root = corpusCopy();
    rmSync(join(root, "rules"), { recursive: true });
    const doc = readFileSync(join(repo, "docs/diagnostics.md"), "utf8");
    const body = /<!-- diagnostic: TMAD6001 -->\n````markdown\n([\s\S]*?)^````$/m.exec(doc)![1]!;
    const file = join(root, "rules/demo/index.md");
    mkdirSync(join(root, "rules/demo"), { recursive: true });
    writeFileSync(file, body);
    const client = await LspClient.start(root, { analysis: true, analysisDelayMs: 50 });
    let exitCode: number | null;
    try {
      client.open(file);
      await client.diagnosticsFor(file, (list) => list.some((x) => x.code === "TMAD6001"), 60_000);
      // The built CLI in this process (tmadIn), on the version by its path: spans relative to the repository.
      const cli = await tmadIn(["check", "--format", "json", join(root, "rules/demo")]);
      const expected = (JSON.parse(cli.stdout).versions[0].diagnostics as { code: string; span: { file: string; start: { line: number; column: number } } }[]).map(
        (x) => `${uri(resolve(repo, x.span.file))} ${x.code} ${x.span.start.line - 1}:${x.span.start.column - 1}`,
      );
      expect(expected.some((x) => x.includes("TMAD6001"))).toBe(true);
      const published = [...client.diagnostics].flatMap(([u, list]) => list.map((x) => `${u} ${x.code} ${x.range.start.line}:${x.range.start.character}`));
      expect(published.sort()).toEqual(expected.sort());
      // An edit drops the analysis of the version until it settles again.
      client.change(file, body.replace("rule migrate_listed", "rule migrate_listed_again"));
      await client.diagnosticsFor(file, (list) => list.every((x) => x.code !== "TMAD6001") || list.some((x) => x.message.includes("migrate_listed_again")), 60_000);
    } finally {
      exitCode = await client.stop();
      rmSync(root, { recursive: true, force: true });
    }
    // After shutdown and exit, the process ends, with 0.
    expect(exitCode).toBe(0);
  });
});

describe("tmad lsp on amendments that replace and extend", () => {
  let root: string;
  let client: LspClient;
  let firmware: string;
  let administration: string;
  const read = (path: string): string => readFileSync(path, "utf8");
  const request = <T>(method: string, path: string, range: Range, extra: Record<string, unknown> = {}): Promise<T> =>
    client.request<T>(method, { textDocument: { uri: uri(path) }, position: range.start, ...extra });

  beforeAll(async () => {
    root = corpusCopy();
    for (const v of ["tmad-20.v3-firmware", "tmad-20.v3-administration"]) cpSync(join(repo, "test/fixtures/versions", v), join(root, "rules", v), { recursive: true });
    firmware = join(root, "rules/tmad-20.v3-firmware/index.md");
    administration = join(root, "rules/tmad-20.v3-administration/index.md");
    client = await LspClient.inProcess(root, { analysis: false });
    client.open(firmware);
    client.open(administration);
  });

  afterAll(async () => {
    expect(await client.stop()).toBe(0);
    rmSync(root, { recursive: true, force: true });
  });

  it("hover on a replaced parameter shows the replacement, its value, and what it replaced", async () => {
    const name = rangeOf(read(firmware), "replace parameter firmwareAttemptsPerCycle", "firmwareAttemptsPerCycle");
    const h = await request<{ contents: { value: string } }>("textDocument/hover", firmware, name);
    expect(h.contents.value).toContain("parameter firmwareAttemptsPerCycle: integer = 40");
    expect(h.contents.value).toContain("Set by tmad-20.v3-firmware (rules/tmad-20.v3-firmware/index.md:");
    const base = join(root, "rules/tmad-19.0/index.md");
    const line = read(base).split("\n").findIndex((l) => l.startsWith("parameter firmwareAttemptsPerCycle")) + 1;
    expect(h.contents.value).toContain(`Replaces the declaration of tmad-19.0 (rules/tmad-19.0/index.md:${line}):`);
    expect(h.contents.value).toContain("parameter firmwareAttemptsPerCycle: integer = 36");
    expect(h.contents.value).not.toContain("= 36\n```\n\nValue: `40`");
  });

  it("goes to the replacement, then to the declaration it replaced", async () => {
    const name = rangeOf(read(firmware), "replace parameter firmwareAttemptsPerCycle", "firmwareAttemptsPerCycle");
    const base = join(root, "rules/tmad-19.0/index.md");
    const defs = await request<Location[]>("textDocument/definition", firmware, name);
    expect(defs).toEqual([
      { uri: uri(firmware), range: name },
      { uri: uri(base), range: rangeOf(read(base), "parameter firmwareAttemptsPerCycle", "firmwareAttemptsPerCycle") },
    ]);
  });

  it("knows the members and fields an amendment adds: hover, definition and references", async () => {
    const text = read(administration);
    const declared = rangeOf(text, 'IN_ADMINISTRATION "in administration"', "IN_ADMINISTRATION");
    const used = rangeOf(text, "when supplierStatus = IN_ADMINISTRATION", "IN_ADMINISTRATION");
    const h = await request<{ contents: { value: string } }>("textDocument/hover", administration, used);
    expect(h.contents.value).toContain("SupplierStatus.IN_ADMINISTRATION");
    expect(h.contents.value).toContain("in administration");
    expect(h.contents.value).toContain("Added by an amendment: `extend enum SupplierStatus` in tmad-20.v3-administration");
    expect(await request<Location[]>("textDocument/definition", administration, used)).toEqual([{ uri: uri(administration), range: declared }]);
    const refs = await request<Location[]>("textDocument/references", administration, declared, { context: { includeDeclaration: false } });
    expect(refs).toContainEqual({ uri: uri(administration), range: used });
    const field = rangeOf(text, "administrator: optional text", "administrator");
    const f = await request<{ contents: { value: string } }>("textDocument/hover", administration, field);
    expect(f.contents.value).toContain("ResponsibleSupplier.administrator: optional text");
    expect(f.contents.value).toContain("The administrator appointed");
  });
});
