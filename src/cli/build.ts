/**
 * `tmad build` and `tmad check`: read version directories, run the compiler pipeline, print
 * diagnostics, and (build) write generated/ — or (build --check) compare it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { ts } from "ts-morph";
import { formatDiagnostic, sortDiagnostics, summarize, type Diagnostic } from "../compiler/diagnostics/diagnostic.js";
import { extractVersion, type ExtractedVersion, type SourceFile } from "../compiler/extract/index.js";
import type { GeneratedFile } from "../compiler/generate/index.js";
import { compileVersion, extractWithBase, generateRegistry, type CompiledVersion, type StageName, type VersionSource } from "../compiler/pipeline.js";
import { PIN_FILE, pinsFor } from "../compiler/pins/index.js";
import { diffOutput } from "../compiler/write.js";
import { writeGenerated } from "./build-output.js";
import { UsageError } from "./usage.js";

const DEFAULT_RULES = "rules";

function toPosix(p: string): string {
  return p.split(sep).join("/");
}

/** The version directories named, or every directory under rules/. */
export function versionDirs(args: readonly string[]): string[] {
  if (args.length > 0) {
    for (const a of args) if (!existsSync(a) || !statSync(a).isDirectory()) throw new UsageError(`"${a}" is not a directory of rule documents`);
    return [...args];
  }
  if (!existsSync(DEFAULT_RULES)) throw new UsageError(`no rules/ directory here; name a version directory`);
  return readdirSync(DEFAULT_RULES)
    .filter((d) => statSync(join(DEFAULT_RULES, d)).isDirectory())
    .sort()
    .map((d) => join(DEFAULT_RULES, d));
}

/** Reads a version directory and, when its front matter names a `base`, the base chain beside it. */
export function readVersion(dir: string, seen: readonly string[] = []): VersionSource {
  const files = readVersionFiles(dir);
  const pinPath = join(dir, PIN_FILE);
  const own: VersionSource = { ...files, pins: { path: toPosix(relative(process.cwd(), pinPath)), ...(existsSync(pinPath) ? { text: readFileSync(pinPath, "utf8") } : {}) } };
  const base = extractVersion(own.id, own.dir, own.files).version.meta?.base;
  if (base === undefined) return own;
  const baseDir = join(dirname(resolve(dir)), base);
  if (seen.includes(base) || base === own.id) return { ...own, base: { missing: `base chain is circular: ${[...seen, own.id, base].join(" → ")}` } };
  if (!existsSync(baseDir) || !statSync(baseDir).isDirectory()) return { ...own, base: { missing: `base version ${base} not found (looked in ${toPosix(relative(process.cwd(), baseDir))})` } };
  return { ...own, base: readVersion(baseDir, [...seen, own.id]) };
}

function readVersionFiles(dir: string): { id: string; dir: string; files: SourceFile[] } {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => {
      const full = join(dir, f);
      return { path: toPosix(relative(process.cwd(), full)), text: readFileSync(full, "utf8") };
    });
  return { id: basename(resolve(dir)), dir: toPosix(relative(process.cwd(), resolve(dir)) || "."), files };
}

function compileDirs(dirs: readonly string[], stopAfter: StageName): CompiledVersion[] {
  return dirs.map((d) => {
    const source = readVersion(d);
    if (source.files.length === 0) {
      const span = { file: source.dir, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
      const diag: Diagnostic = { code: "TMAD1005", severity: "error", message: `no .md rule documents in ${source.dir}`, span, hint: "a version directory holds index.md and its clause files" };
      return { ...compileVersion(source, "extract"), diagnostics: [diag] };
    }
    return compileVersion(source, stopAfter);
  });
}

function print(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
}

/** Diagnostics of one version for `tmad check`: the pipeline's, then (when it compiled) the analysis'. */
export async function checkVersion(dir: string, analysis: boolean): Promise<{ id: string; diagnostics: Diagnostic[] }> {
  const compiled = compileDirs([dir], analysis ? "generate" : "pins")[0];
  const diagnostics = [...compiled.diagnostics];
  if (analysis && compiled.files !== undefined && compiled.checked !== undefined) {
    const [{ analyze }, { loadGeneratedWithRules }, { resolveExamples }] = await Promise.all([import("../compiler/analyze/index.js"), import("../compiler/load.js"), import("../compiler/examples/index.js")]);
    const { installations, examples } = resolveExamples(compiled.extracted.blocks);
    diagnostics.push(...analyze(compiled.checked, loadGeneratedWithRules(compiled.files), installations, compiled.extracted.blocks, compiled.extracted.dir, examples).diagnostics);
  }
  return { id: compiled.id, diagnostics: sortDiagnostics(diagnostics) };
}

export async function runCheck(args: readonly string[], options: { format: "text" | "json"; analysis: boolean }): Promise<number> {
  if (options.format !== "text" && options.format !== "json") throw new UsageError(`--format must be text or json`);
  const compiled = await Promise.all(versionDirs(args).map((d) => checkVersion(d, options.analysis)));
  const all = compiled.flatMap((c) => c.diagnostics);
  if (options.format === "json") {
    process.stdout.write(`${JSON.stringify({ versions: compiled.map((c) => ({ id: c.id, diagnostics: c.diagnostics })) }, null, 2)}\n`);
  } else {
    for (const d of all) process.stdout.write(`${formatDiagnostic(d)}\n`);
    for (const c of compiled) process.stdout.write(`${c.id}: ${summarize(c.diagnostics)}\n`);
  }
  return all.some((d) => d.severity === "error") ? 1 : 0;
}

/** Version metadata of every directory under the rules root, for the registry. */
function registryVersions(compiled: readonly CompiledVersion[]): ExtractedVersion[] {
  const byId = new Map<string, ExtractedVersion>();
  if (existsSync(DEFAULT_RULES)) {
    for (const d of readdirSync(DEFAULT_RULES).sort()) {
      const dir = join(DEFAULT_RULES, d);
      if (!statSync(dir).isDirectory() || !existsSync(join("generated", d))) continue;
      byId.set(d, extractWithBase(readVersion(dir)).version);
    }
  }
  for (const c of compiled) if (c.files !== undefined) byId.set(c.id, c.extracted);
  return [...byId.values()];
}

export async function runBuild(args: readonly string[], options: { check: boolean; out: string; strict: boolean; force: boolean }): Promise<number> {
  const compiled = compileDirs(versionDirs(args), "generate");
  const all = compiled.flatMap((c) => c.diagnostics);
  print(all);
  const failed = all.some((d) => d.severity === "error" || (options.strict && d.severity === "warning"));
  if (failed) {
    process.stderr.write(`tmad build: ${summarize(all)}; nothing written\n`);
    return 1;
  }
  const files: GeneratedFile[] = compiled.flatMap((c) => c.files ?? []);
  files.push(generateRegistry(registryVersions(compiled)));
  const owned = compiled.map((c) => c.id);
  if (options.check) {
    const diffs = diffOutput(options.out, files, owned);
    for (const d of diffs) process.stderr.write(`${options.out}/${d.path}: ${d.kind === "missing" ? "missing" : d.kind === "extra" ? "not produced by the rules" : "differs from what the rules produce"}\n`);
    if (diffs.length > 0) {
      process.stderr.write(`tmad build --check: ${diffs.length} generated file(s) out of date; run \`npx tmad build\` and commit\n`);
      return 1;
    }
    process.stdout.write(`tmad build --check: ${files.length} generated files up to date\n`);
    return 0;
  }
  // The output folder is taken through the guard only now: a build with errors touches nothing.
  const written = writeGenerated(options.out, files, owned, options.force);
  transpileToDist(options.out, written.filter((d) => d.kind !== "extra").map((d) => files.find((f) => f.path === d.path)!));
  process.stdout.write(`tmad build: ${compiled.length} version(s), ${files.length} files, ${written.length} written\n`);
  return 0;
}

/**
 * The CLI runs compiled JavaScript from dist/: when it builds the repository's own generated/, it
 * also compiles the files it wrote into dist/generated/, so the next `tmad eval` uses them at once.
 */
function transpileToDist(out: string, files: readonly GeneratedFile[]): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const dist = resolve(here, "../..");
  if (basename(dist) !== "dist" || resolve(out) !== resolve(dist, "..", "generated")) return;
  for (const f of files.filter((x) => x.path.endsWith(".ts"))) {
    const js = ts.transpileModule(f.content, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const target = join(dist, "generated", f.path.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
}

/** `tmad pin`: records, for every rule, the clause text it is reviewed against. */
export async function runPin(args: readonly string[]): Promise<number> {
  let failed = false;
  for (const dir of versionDirs(args)) {
    const compiled = compileVersion(readVersion(dir), "pins");
    const errors = compiled.diagnostics.filter((d) => d.severity === "error");
    for (const d of errors) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (errors.length > 0 || compiled.checked === undefined) {
      process.stderr.write(`tmad pin: ${compiled.id} has errors; nothing pinned\n`);
      failed = true;
      continue;
    }
    const target = join(dir, PIN_FILE);
    const text = pinsFor(compiled.checked, compiled.extracted.clauses);
    const before = existsSync(target) ? readFileSync(target, "utf8") : undefined;
    if (before !== text) writeFileSync(target, text);
    const stale = compiled.diagnostics.filter((d) => d.code === "TMAD7001" || d.code === "TMAD7002").length;
    process.stdout.write(`tmad pin: ${compiled.id}: ${compiled.checked.rules.length} rules pinned${before === undefined ? ` (new ${PIN_FILE})` : before === text ? " (unchanged)" : stale > 0 ? ` (${stale} pin(s) renewed)` : ""}\n`);
  }
  return failed ? 1 : 0;
}
