/**
 * The language server's one door into the compiler: every use of src/compiler by src/lsp goes
 * through this module, so a change of the compiler's API touches this file only.
 *
 * Takes a project root, a version directory and a reader that prefers an editor's unsaved buffers
 * to the files on disk. Gives:
 * - the version's source, read the way `tmad check` reads it (its base chain included);
 * - a fast check: the diagnostics of `tmad check --skip-analysis`, with the AST and, for every
 *   expression the checker reached, its type and what its names refer to (also when there are errors);
 * - the analysis warnings that `tmad check` adds (slow: the server runs it in a worker);
 * - an example block run through the generated evaluator, explained as `tmad explain` does.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { analyze } from "../compiler/analyze/index.js";
import type * as A from "../compiler/ast/nodes.js";
import type { Ref, Type } from "../compiler/check/index.js";
import { parameterValues } from "../compiler/search/index.js";
import { formatDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from "../compiler/diagnostics/diagnostic.js";
import { runExamples } from "../compiler/examples/run.js";
import type { Clause, RuleBlock, SourceFile } from "../compiler/extract/index.js";
import { loadChecked, loadVersionFiles, type LoadedVersion } from "../compiler/load.js";
import { Memo } from "../compiler/memo.js";
import { compileToRun, compileVersion, type VersionSource } from "../compiler/pipeline.js";
import { PIN_FILE } from "../compiler/pins/index.js";
import { DEFAULT_RULES_ROOT, findBase } from "../compiler/source/versions.js";
import type { Position as SourcePosition, Span } from "../compiler/source/span.js";
import { renderExplanation } from "../explain.js";
import { evaluateRecord } from "../runtime/index.js";

export type { A as Ast, Clause, Diagnostic, Ref, RuleBlock, SourceFile, SourcePosition, Span, Type, VersionSource };
export { typeToString } from "../compiler/check/index.js";
export { hasErrors };
export { printExpr, printType } from "../compiler/ast/print.js";

/** Where the server reads rule documents from: open buffers first, then the disk. */
export interface SourceReader {
  /** A file's text, or undefined when it neither is open nor exists. */
  read(absPath: string): string | undefined;
  /** Absolute paths of the `.md` files of a directory (on disk, and open buffers not yet saved). */
  markdownFiles(absDir: string): string[];
}

function toPosix(p: string): string {
  return p.split(sep).join("/");
}

/** A path as the compiler's spans give it: relative to the project root, `/`-separated. */
export function projectPath(root: string, absPath: string): string {
  return toPosix(relative(root, absPath)) || ".";
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * `base:` of a version's front matter, read without extracting the whole version: a keystroke must
 * not pay for a second Markdown parse. The compiler ignores `base` when the front matter is invalid,
 * so reading it here from a front matter the compiler rejects changes nothing.
 */
function baseOf(files: readonly SourceFile[]): string | undefined {
  for (const f of files) {
    const m = FRONT_MATTER.exec(f.text);
    if (m === null) continue;
    try {
      const data: unknown = parseYaml(m[1]);
      if (typeof data === "object" && data !== null && !Array.isArray(data)) {
        const base = (data as Record<string, unknown>)["base"];
        return typeof base === "string" || typeof base === "number" ? String(base) : undefined;
      }
    } catch {
      return undefined;
    }
    return undefined;
  }
  return undefined;
}

/**
 * Version sources by content, per reader (a server's workspace): the same text gives the same object,
 * whose extraction and parse the compiler remembers. Per reader because an object's base lookup reads
 * through its reader, in its root: servers that share a process (the tests') must not share them.
 */
const sources = new WeakMap<SourceReader, Memo<VersionSource>>();

/**
 * A version directory as `tmad check` run in `root` reads it (src/compiler/source/versions.ts:
 * its base found by id beside it or under the project's rules/), but through `reader`, so unsaved
 * edits count.
 */
export function readVersionSource(root: string, absDir: string, reader: SourceReader): VersionSource {
  const files = reader
    .markdownFiles(absDir)
    .sort()
    .flatMap((full) => {
      const text = reader.read(full);
      return text === undefined ? [] : [{ path: projectPath(root, full), text }];
    });
  const pinPath = join(absDir, PIN_FILE);
  const pinText = reader.read(pinPath);
  const id = basename(absDir);
  const dir = projectPath(root, absDir);
  let memo = sources.get(reader);
  if (memo === undefined) {
    memo = new Memo<VersionSource>(256);
    sources.set(reader, memo);
  }
  return memo.get(JSON.stringify([id, dir, files, pinText ?? null]), () => ({
    id,
    dir,
    files,
    pins: { path: projectPath(root, pinPath), ...(pinText === undefined ? {} : { text: pinText }) },
    base: (base: string) => {
      const found = findBase(absDir, base, join(root, DEFAULT_RULES_ROOT), root, (p) => existsSync(p) && statSync(p).isDirectory());
      return typeof found === "string" ? readVersionSource(root, found, reader) : found;
    },
  }));
}

/** The chain of `source`, newest first, following `base:` as the compiler does; and what is missing. */
function chainSources(source: VersionSource): { chain: VersionSource[]; missing?: string } {
  const chain = [source];
  for (;;) {
    const last = chain[chain.length - 1];
    const base = baseOf(last.files);
    if (base === undefined || chain.some((s) => s.id === base)) return { chain };
    const found = last.base?.(base);
    if (found === undefined || "missing" in found) return { chain, ...(found === undefined ? {} : { missing: found.missing }) };
    chain.push(found);
  }
}

/** A version source as plain data (its chain, newest first; what is missing), for a worker thread: functions do not cross. */
export interface PortableSource {
  readonly chain: readonly { readonly id: string; readonly dir: string; readonly files: readonly SourceFile[]; readonly pins?: { readonly path: string; readonly text?: string } }[];
  readonly missing?: string;
}

export function portableSource(source: VersionSource): PortableSource {
  const { chain, missing } = chainSources(source);
  return { chain: chain.map((s) => ({ id: s.id, dir: s.dir, files: s.files, ...(s.pins === undefined ? {} : { pins: s.pins }) })), ...(missing === undefined ? {} : { missing }) };
}

/** The version source again, its bases found by id in the chain it came with. */
export function fromPortable(p: PortableSource): VersionSource {
  const byId = new Map<string, VersionSource>();
  const lookup = (id: string): VersionSource | { missing: string } => byId.get(id) ?? { missing: p.missing ?? `base version ${id} not found` };
  for (const s of p.chain) byId.set(s.id, { ...s, base: lookup });
  return byId.get(p.chain[0].id)!;
}

/** All a version's source is (every file of its chain, its pins, what is missing), as one string: equal keys, equal results. */
export function sourceKey(source: VersionSource): string {
  const { chain, missing } = chainSources(source);
  const parts = chain.flatMap((s) => [s.id, s.dir, s.pins?.text ?? "\u0000", ...s.files.flatMap((f) => [f.path, f.text])]);
  return JSON.stringify(missing === undefined ? parts : [...parts, missing]);
}

/** Absolute directories a version is made of: its own, then its base chain's. */
export function chainOf(root: string, source: VersionSource): string[] {
  return chainSources(source).chain.map((s) => resolve(root, s.dir));
}

/** Version directories under a rules root, as `tmad check` with no arguments lists them. */
export function versionDirectories(rulesRoot: string): string[] {
  if (!existsSync(rulesRoot) || !statSync(rulesRoot).isDirectory()) return [];
  return readdirSync(rulesRoot)
    .filter((d) => statSync(join(rulesRoot, d)).isDirectory())
    .sort()
    .map((d) => join(rulesRoot, d));
}

/** One version, checked: what every editor feature reads. */
export interface CheckedModel {
  readonly id: string;
  readonly source: VersionSource;
  /** Exactly `tmad check --skip-analysis` for this version. */
  readonly diagnostics: readonly Diagnostic[];
  /** Every declaration that parsed, the base chain's included, in document order. */
  readonly declarations: readonly A.Declaration[];
  /** The version's clauses, whole (inherited ones included). */
  readonly clauses: readonly Clause[];
  readonly blocks: readonly RuleBlock[];
  /** Every file the version is made of (its base chain's included). */
  readonly files: readonly SourceFile[];
  /** Types and references of the expressions the checker reached. */
  readonly types: ReadonlyMap<A.Expr, Type>;
  readonly refs: ReadonlyMap<A.Expr, Ref>;
  /** Each parameter's value, folded where it is arithmetic on literals; only when the version has no errors. */
  readonly parameterValues: ReadonlyMap<string, string>;
}

/** The fast check: parse, names, types, pins: exactly `tmad check --skip-analysis` (the compiler's pipeline up to pins). */
export function checkSource(source: VersionSource): CheckedModel {
  const compiled = compileVersion(source, "pins");
  return {
    id: source.id,
    source,
    diagnostics: compiled.diagnostics,
    declarations: compiled.parsed?.program.declarations ?? [],
    clauses: compiled.extracted.clauses,
    blocks: compiled.extracted.blocks,
    files: compiled.extracted.files,
    types: compiled.resolution?.types ?? new Map(),
    refs: compiled.resolution?.refs ?? new Map(),
    parameterValues: compiled.checked === undefined ? new Map() : parameterValues(compiled.checked),
  };
}

/**
 * The warnings `tmad check` adds to the fast check when a version compiles: the witness search for
 * conflicts, rules that never apply or are always set aside, undistinguished enum members.
 * Empty when the version has errors (as in `tmad check`).
 */
export function analyzeSource(source: VersionSource): Diagnostic[] {
  if (source.files.length === 0) return [];
  const compiled = compileVersion(source, "pins");
  if (compiled.checked === undefined || compiled.diagnostics.some((d) => d.severity === "error")) return [];
  return sortDiagnostics(analyze(compiled.checked, loadChecked(compiled.checked)).diagnostics);
}

/** An example or named installation block of a version, for outlines and code lenses. */
export interface ExampleBlock {
  readonly kind: "example" | "define";
  readonly name: string;
  readonly span: Span;
}

/** The `tmad-example` blocks of `file`, with the name each gives (`example:` or `define:`). */
export function exampleBlocks(blocks: readonly RuleBlock[], file: string): ExampleBlock[] {
  const out: ExampleBlock[] = [];
  for (const b of blocks) {
    if (b.kind !== "example" || b.file !== file) continue;
    let data: unknown;
    try {
      data = parseYaml(b.code);
    } catch {
      data = undefined;
    }
    const o = typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
    const define = o["define"] ?? o["replace"];
    const example = o["example"];
    if (typeof define === "string") out.push({ kind: "define", name: define, span: b.span });
    else out.push({ kind: "example", name: typeof example === "string" ? example : "(unnamed example)", span: b.span });
  }
  return out;
}

export type Explanation =
  | {
      readonly ok: true;
      readonly version: string;
      readonly kind: "example" | "define";
      readonly name: string;
      /** For an example: whether the decision is what it expects, and what differs. */
      readonly passed?: boolean;
      readonly problems: readonly string[];
      /** `tmad explain`'s text for the decision. */
      readonly text: string;
    }
  | { readonly ok: false; readonly message: string };

/** The last version compiled for an explanation: asking again without an edit reuses it. */
let explainCache: { key: string; loaded: LoadedVersion; compiled: ReturnType<typeof compileVersion> } | undefined;

/**
 * Runs the example block of `file` (project path) that contains `line` (1-based) through the
 * version's evaluator, built in memory from the rules as they are (unsaved edits included), and
 * explains the decision. A `define:` block is explained as the installation it names.
 */
export function explainExampleAt(source: VersionSource, file: string, line: number): Explanation {
  const key = sourceKey(source);
  const compiled = explainCache?.key === key ? explainCache.compiled : compileToRun(source);
  const block = compiled.extracted.blocks.find((b) => b.kind === "example" && b.file === file && b.span.start.line <= line && line <= b.span.end.line);
  if (block === undefined) return { ok: false, message: "the cursor is not in a `tmad-example` block of this version" };
  if (hasErrors(compiled.diagnostics) || compiled.files === undefined || compiled.checked === undefined) {
    const first = compiled.diagnostics.find((d) => d.severity === "error");
    return { ok: false, message: `${source.id} does not compile, so its examples cannot run${first === undefined ? "" : `: ${formatDiagnostic(first)}`}` };
  }
  const loaded = explainCache?.key === key ? explainCache.loaded : loadVersionFiles(compiled.files);
  explainCache = { key, loaded, compiled };
  const { examples, installations } = compiled.checked;
  const diagnostics = compiled.diagnostics;
  const inBlock = (s: Span): boolean => s.file === file && s.start.line >= block.span.start.line && s.start.line <= block.span.end.line;
  const own = diagnostics.filter((d) => inBlock(d.span));
  const example = examples.find((e) => inBlock(e.span));
  const described = exampleBlocks([block], file)[0]!;
  let record: unknown;
  let passed: boolean | undefined;
  let problems: readonly string[] = [];
  if (example !== undefined) {
    record = example.record;
    const result = runExamples(compiled.checked, loaded.version, { examples: [example] }).examples[0]!;
    passed = result.passed;
    problems = result.problems;
  } else if (described.kind === "define" && installations.has(described.name)) {
    record = installations.get(described.name);
  } else {
    return { ok: false, message: own.length > 0 ? own.map(formatDiagnostic).join("\n") : `\`${described.name}\` cannot be run` };
  }
  const text = renderExplanation(loaded.version, evaluateRecord(loaded.version, record, { trace: true }));
  return { ok: true, version: source.id, kind: described.kind, name: described.name, ...(passed === undefined ? {} : { passed }), problems, text };
}
