/**
 * Injection-proof code generation (issue 6, part 5): text from a rule document (clause texts and
 * titles, front matter, `source "…"` strings, text literals, enum labels, comments, names) must reach
 * the generated TypeScript as data, never as code. Each hostile document is compiled in memory,
 * loaded with loadGenerated, evaluated, and its generated files are type-checked with the runtime.
 */
import { readdirSync, readFileSync } from "node:fs";
import { Project, ts } from "ts-morph";
import { describe, expect, it } from "vitest";
import type { GeneratedFile } from "../../src/compiler/generate/index.js";
import { loadGenerated } from "../../src/compiler/load.js";
import { compileVersion, type CompiledVersion } from "../../src/compiler/pipeline.js";
import type { VersionModule } from "../../src/runtime/index.js";

/** The hostile value: comment end, backtick, template substitution, quotes, backslash, newline, U+2028/U+2029, a script end tag. */
const HOSTILE = "*/`${globalThis.pwned = 1}`\"\\\n\u2028\u2029</script>'//";
/** The same as a text literal of the rule language (escapes `\"`, `\\`, `\n`; the separators as they are). */
const HOSTILE_LITERAL = `"${HOSTILE.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
/** Hostile text for one Markdown line (no newline). */
const LINE = "*/ `${globalThis.pwned = 2}` \"q\" \\ ' \u2028 \u2029 </script> -- ${x} /* // ";
/** The same without U+2028/U+2029, for clause headings (see the BUG test on headings below). */
const TITLE = LINE.replace(/[\u2028\u2029]/g, "");

function documentText(): string {
  return [
    "---",
    `document: ${JSON.stringify(`DEMO ${LINE}`)}`,
    'version: "1.0"',
    `title: ${JSON.stringify(LINE)}`,
    "status: draft",
    "published: 2022-01-01",
    `source: ${JSON.stringify(LINE)}`,
    `paraphrase: ${JSON.stringify(LINE)}`,
    "---",
    `# Model ${LINE}`,
    "",
    "```tmad",
    `-- Kinds. ${LINE}`,
    "enum Kind",
    `  PLAIN ${HOSTILE_LITERAL}`,
    `  constructor "constructor label ${LINE.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`,
    "",
    `-- A thing. ${LINE}`,
    "record Thing",
    "  id: text",
    "  label: text",
    "  kind: Kind",
    "  tags: list of text",
    "",
    "input thing: Thing identified by id",
    "",
    "enum Outcome YES NO",
    "",
    "decision Result",
    "  outcome: Outcome",
    `  note: text = ${HOSTILE_LITERAL}`,
    "",
    `-- The hostile text. ${LINE}`,
    `parameter hostile: text = ${HOSTILE_LITERAL}`,
    "",
    `default then outcome = NO -- ${LINE}`,
    "```",
    "",
    `## 1.1 Exact text ${TITLE}`,
    "",
    `The clause text ${LINE}`,
    `and a second line */ \${x} \` " \\ \u2028`,
    "",
    "```tmad",
    `-- Fires for exactly the hostile text. ${LINE}`,
    "rule toString",
    `  source ${HOSTILE_LITERAL}`,
    `  when thing.label = ${HOSTILE_LITERAL} -- ${LINE}`,
    `  then outcome = YES, note = thing.label`,
    "",
    `-- A quantifier over the tags: its source text goes into a comment. ${LINE}`,
    "rule constructor",
    `  when some t in thing.tags satisfies t = hostile and t != "*/" and thing.kind in {PLAIN}`,
    "  then outcome = YES",
    "  overrides toString",
    "```",
    "",
  ].join("\n");
}

function compile(text: string, path = "inj/index.md", dir = "inj"): CompiledVersion {
  return compileVersion({ id: "inj", dir, files: [{ path, text }] });
}

/** Type-checks generated files together with src/runtime, in an in-memory project. */
function typeErrors(files: readonly GeneratedFile[]): string[] {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ["lib.es2022.d.ts"], noEmit: true, exactOptionalPropertyTypes: false },
  });
  for (const f of readdirSync("src/runtime").filter((n) => n.endsWith(".ts"))) project.createSourceFile(`/p/src/runtime/${f}`, readFileSync(`src/runtime/${f}`, "utf8"));
  for (const f of files) project.createSourceFile(`/p/generated/inj/${f.path.split("/").pop()}`, f.content);
  return project.getPreEmitDiagnostics().map((d) => `${d.getSourceFile()?.getFilePath() ?? ""}:${d.getLineNumber() ?? ""}: ${ts.flattenDiagnosticMessageText(d.getMessageText() as string | ts.DiagnosticMessageChain, "\n")}`);
}

function record(label: string, tags: string[] = [], kind = "PLAIN"): Record<string, unknown> {
  return { id: "r1", label, kind, tags };
}

function decide(v: VersionModule<unknown, Record<string, unknown>>, r: Record<string, unknown>): { outcome: unknown; note: unknown; rule: string | null } {
  const checked = v.validator.validate(r);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const d = v.evaluate(checked.value, null);
  const traced = v.evaluateTraced(checked.value, null);
  expect(traced.decision).toEqual(d);
  return { outcome: d.result?.["outcome"], note: d.result?.["note"], rule: d.rule };
}

describe("hostile text in rule documents stays data", () => {
  const text = documentText();
  const compiled = compile(text);

  it("compiles without diagnostics", () => {
    expect(compiled.diagnostics.map((d) => `${d.code} ${d.span.start.line}: ${d.message}`)).toEqual([]);
    expect(compiled.files).toBeDefined();
  });

  it("loads and decides exactly as the rules say", () => {
    delete (globalThis as Record<string, unknown>)["pwned"];
    const v = loadGenerated(compiled.files!);
    expect(decide(v, record(HOSTILE))).toEqual({ outcome: "YES", note: HOSTILE, rule: "toString" });
    // Near misses: one character off, the escapes not decoded, the separators dropped.
    for (const near of [HOSTILE.slice(1), `${HOSTILE} `, HOSTILE.replace("\n", "\\n"), HOSTILE.replace(/[\u2028\u2029]/g, ""), HOSTILE.replace("${globalThis.pwned = 1}", "1"), "*/", ""]) {
      expect(decide(v, record(near))).toEqual({ outcome: "NO", note: HOSTILE, rule: null });
    }
    expect(decide(v, record("x", ["a", HOSTILE]))).toEqual({ outcome: "YES", note: HOSTILE, rule: "constructor" });
    expect(decide(v, record(`${HOSTILE}!`, [HOSTILE]))).toEqual({ outcome: "YES", note: HOSTILE, rule: "constructor" });
    expect(decide(v, record(HOSTILE, [HOSTILE]))).toEqual({ outcome: "YES", note: HOSTILE, rule: "constructor" }); // overrides toString
    expect(decide(v, record("x", [HOSTILE], "constructor"))).toEqual({ outcome: "NO", note: HOSTILE, rule: null });
    expect((globalThis as Record<string, unknown>)["pwned"]).toBeUndefined();
  });

  it("keeps every text exactly in the manifest: titles, clause texts, sources, labels, front matter", () => {
    const v = loadGenerated(compiled.files!);
    const m = v.manifest;
    const clause = compiled.extracted.clauses.find((c) => c.number === "1.1")!;
    expect(clause.title).toContain("</script>");
    expect(m.clauses.find((c) => c.number === "1.1")).toMatchObject({ title: clause.title, text: clause.text });
    expect(m.rules.find((r) => r.id === "toString")?.source).toBe(HOSTILE);
    expect(m.labels["Kind"]?.["PLAIN"]).toBe(HOSTILE);
    expect(m.title).toBe(LINE);
    expect(m.source).toBe(LINE);
    expect(m.paraphrase).toBe(LINE);
    expect(m.document).toBe(`DEMO ${LINE}`);
  });

  it("generates TypeScript that type-checks with the runtime", () => {
    expect(typeErrors(compiled.files!)).toEqual([]);
  }, 60_000);

  it("never writes rule-document text outside string literals and comments", () => {
    // Every occurrence of the payload must be inside a JSON string or an escaped comment.
    for (const f of compiled.files!) {
      const sf = ts.createSourceFile(f.path, f.content, ts.ScriptTarget.ES2022, true);
      const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, f.content);
      for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
        if (k === ts.SyntaxKind.Identifier) expect(scanner.getTokenText()).not.toBe("pwned");
      }
      expect((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
    }
  });
});

describe("bugs: names and paths that reach generated code unescaped", () => {
  const header = ["---", "document: DEMO", 'version: "1.0"', "status: draft", "published: 2022-01-01", 'source: "x"', 'paraphrase: "x"', "---", ""].join("\n");
  const model = (extra: string): string =>
    `${header}# Model\n\n\`\`\`tmad\nrecord Thing\n  id: text\n  tags: list of text\n${extra}\ninput thing: Thing identified by id\n\nenum Outcome YES NO\n\ndecision Result\n  outcome: Outcome\n\ndefault then outcome = NO\n\`\`\`\n\n## 1.1 C\n\n\`\`\`tmad\nrule r when some t in thing.tags satisfies t = "x" then outcome = YES\n\`\`\`\n`;

  // Was a bug, fixed: a file path containing `*/` (e.g. a version directory named `v*`) ends the JSDoc comment
  // that generate/expressions.ts writes above each hoisted loop: `/** \`…\` (v*/index.md:30:13) */`
  // (the `at(span)` part is not escaped, only the source text is). Input: the document above at
  // path "v*/index.md". Expected: generated code that loads; actual: SyntaxError "Unexpected token '*'".
  it("a file path with `*/` does not break out of a generated comment", () => {
    const c = compile(model(""), "v*/index.md", "v*");
    expect(c.diagnostics).toEqual([]);
    expect(() => loadGenerated(c.files!)).not.toThrow();
  });

  // Was a bug, fixed: the version directory is written into the `// Generated by tmad from ${dir}` banner line
  // unescaped (generate/index.ts, banner()), so a directory name holding a line break (\n, or the
  // JavaScript line terminators U+2028/U+2029) puts the rest of the name into the code: with dir
  // "v\nglobalThis.pwnedByDir = 1;//" loading the generated version runs that statement.
  // Expected: the name stays in the comment; actual: globalThis.pwnedByDir === 1.
  it("a version directory name with a line break stays inside the banner comment", () => {
    delete (globalThis as Record<string, unknown>)["pwnedByDir"];
    const dir = "v\nglobalThis.pwnedByDir = 1;//";
    const c = compile(model(""), `${dir}/index.md`, dir);
    try {
      loadGenerated(c.files!);
    } catch {
      // a syntax error is also a breakout; what matters is the statement below
    }
    expect((globalThis as Record<string, unknown>)["pwnedByDir"]).toBeUndefined();
    expect(c.files!.filter((f) => f.path.endsWith(".ts")).every((f) => f.content.split("\n")[0].startsWith("// Generated by tmad from ") && !f.content.includes("\nglobalThis.pwnedByDir"))).toBe(true);
    // The JSON Schema carries names as JSON text, escaped.
    for (const f of c.files!.filter((x) => x.path.endsWith(".json"))) {
      expect(() => JSON.parse(f.content)).not.toThrow();
      expect(f.content.includes("\nglobalThis.pwnedByDir")).toBe(false);
    }
  });

  // Was a bug, fixed: a decision field named `__proto__` is accepted by the checker, but the generated result
  // object literal `{ "outcome": "YES", "__proto__": "set" }` sets the prototype instead of a field,
  // so the Decision lacks it. Expected: result {outcome: "YES", __proto__: "set"} as an own field
  // (or a checker error for the name); actual: result {outcome: "YES"}.
  it("a decision field named __proto__ is kept (or rejected by the checker)", () => {
    const text = model("").replace("  outcome: Outcome\n", '  outcome: Outcome\n  __proto__: text = "default"\n').replace("then outcome = YES", 'then outcome = YES, __proto__ = "set"');
    const c = compile(text);
    if (c.files === undefined) return; // rejected by the checker: fine
    const v = loadGenerated(c.files);
    const d = v.evaluate(v.validator.validate({ id: "1", tags: ["x"] }).ok ? { id: "1", tags: ["x"] } : undefined, null);
    expect(Object.prototype.hasOwnProperty.call(d.result, "__proto__")).toBe(true);
  });

  // Was a bug, fixed: a record type named `__proto__` is accepted by the checker, but the generated schema
  // (`records: { "__proto__": [...] }`, an object literal) sets the prototype instead of a key, and
  // Validator.validate then throws TypeError "Cannot read properties of undefined (reading 'has')"
  // (validate.ts: this.fieldSets.get(name)!) for every record that reaches it. Expected: a
  // validation result (or a checker error for the name); actual: an exception.
  it("a record type named __proto__ validates records (or is rejected by the checker)", () => {
    const c = compile(model("  inner: __proto__\n\nrecord __proto__\n  v: text\n"));
    if (c.files === undefined) return;
    const v = loadGenerated(c.files);
    expect(() => v.validator.validate({ id: "1", tags: [], inner: { v: "x" } })).not.toThrow();
  });

  // Was a bug (now TMAD3016): an enum member named `__proto__` with a label lost the label: manifest.labels is written
  // as an object literal (JSON.stringify of the manifest), where "__proto__" sets the prototype.
  // Expected: manifest.labels.Kind.__proto__ === "proto label"; actual: no such own key.
  it("an enum member named __proto__ keeps its label in the manifest (or is rejected by the checker)", () => {
    const c = compile(model('  kind: Kind\n\nenum Kind\n  A "a label"\n  __proto__ "proto label"\n').replace('t = "x"', 't = "x" and thing.kind = A'));
    if (c.diagnostics.some((d) => d.code === "TMAD3016")) return; // rejected: fine
    expect(c.diagnostics).toEqual([]);
    const labels = loadGenerated(c.files!).manifest.labels["Kind"];
    expect(Object.prototype.hasOwnProperty.call(labels, "__proto__") && labels["__proto__"]).toBe("proto label");
  });

  // Was a bug, fixed: a clause heading whose title holds U+2028 or U+2029 is not a clause: extract's
  // CLAUSE_HEADING (/^(\d+(?:\.\d+)*[A-Z]{0,2})\s+(\S.*)$/) uses `.`, which does not match the
  // line separators, so `## 1.1 Title<U+2028>more` is an ordinary heading and the rule under it
  // gets TMAD1003 "not under a clause heading". Expected: clause 1.1 with that title; actual: no clause.
  it("a clause title with U+2028 is still a clause heading", () => {
    const c = compile(model("").replace("## 1.1 C", "## 1.1 C \u2028 D \u2029 E"));
    expect(c.extracted.clauses.map((x) => x.number)).toContain("1.1");
    expect(c.diagnostics).toEqual([]);
  });

  // Was a bug, fixed: a record field named `constructor` or `__proto__` (or `prototype`) is accepted by the
  // checker, but the validator rejects every input key of that name as `forbidden-key`, so no
  // record with the field can ever be valid (and a required one makes every record invalid).
  // Expected: a checker error at the field; actual: the version compiles.
  it("a record field the validator forbids is rejected by the checker", () => {
    const c = compile(model("  constructor: text\n"));
    expect(c.diagnostics.some((d) => d.severity === "error")).toBe(true);
  });
});
