/**
 * `tmad build`, `tmad check` and `tmad pin`: read version directories (each once per command, with
 * one VersionReader), run the compiler pipeline, print diagnostics, and (build) type-check and
 * write generated/, or (build --check) compare it. `--timings` prints each stage's time,
 * `--stop-after STAGE` stops there.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ts } from "ts-morph";
import { formatDiagnostic, sortDiagnostics, summarize, type Diagnostic } from "../compiler/diagnostics/diagnostic.js";
import { generateRegistry, type GeneratedFile } from "../compiler/generate/index.js";
import { compileVersion, STAGE_NAMES, stages, type CompiledVersion, type StageName } from "../compiler/pipeline.js";
import { PIN_FILE, pinsFor } from "../compiler/pins/index.js";
import { DEFAULT_RULES_ROOT, VersionReader, versionDirectories } from "../compiler/source/versions.js";
import { typeCheckGenerated } from "../compiler/typecheck.js";
import { diffOutput } from "../compiler/write.js";
import { writeGenerated } from "./build-output.js";
import { UsageError } from "./usage.js";
import { cliIo } from "./io.js";

/** The version directories named, or every directory under rules/. */
export function versionDirs(args: readonly string[]): string[] {
  if (args.length > 0) {
    for (const a of args) if (!existsSync(a) || !isDirectory(a)) throw new UsageError(`"${a}" is not a directory of rule documents`);
    return [...args];
  }
  if (!existsSync(DEFAULT_RULES_ROOT)) throw new UsageError(`no rules/ directory here; name a version directory`);
  return versionDirectories(DEFAULT_RULES_ROOT);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function compileDirs(reader: VersionReader, dirs: readonly string[], stopAfter: StageName): CompiledVersion[] {
  return dirs.map((d) => compileVersion(reader.read(d), stopAfter));
}

function print(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) cliIo().stderr.write(`${formatDiagnostic(d)}\n`);
}

/** Diagnostics of one version for `tmad check`: the pipeline's, then (when it compiled) the analysis'. */
export async function checkDirectory(dir: string, analysis: boolean, reader = new VersionReader()): Promise<{ id: string; diagnostics: Diagnostic[] }> {
  const compiled = compileVersion(reader.read(dir), "pins");
  const diagnostics = [...compiled.diagnostics];
  // The analysis runs the rules: only on a version without errors, generated in memory unformatted.
  if (analysis && compiled.checked !== undefined && !diagnostics.some((d) => d.severity === "error")) {
    const [{ analyze }, { loadChecked }] = await Promise.all([import("../compiler/analyze/index.js"), import("../compiler/load.js")]);
    diagnostics.push(...analyze(compiled.checked, loadChecked(compiled.checked)).diagnostics);
  }
  return { id: compiled.id, diagnostics: sortDiagnostics(diagnostics) };
}

export async function runCheck(args: readonly string[], options: { format: "text" | "json"; analysis: boolean }): Promise<number> {
  if (options.format !== "text" && options.format !== "json") throw new UsageError(`--format must be text or json`);
  const reader = new VersionReader();
  const compiled: { id: string; diagnostics: Diagnostic[] }[] = [];
  for (const d of versionDirs(args)) compiled.push(await checkDirectory(d, options.analysis, reader));
  const all = compiled.flatMap((c) => c.diagnostics);
  if (options.format === "json") {
    cliIo().stdout.write(`${JSON.stringify({ versions: compiled.map((c) => ({ id: c.id, diagnostics: c.diagnostics })) }, null, 2)}\n`);
  } else {
    for (const d of all) cliIo().stdout.write(`${formatDiagnostic(d)}\n`);
    for (const c of compiled) cliIo().stdout.write(`${c.id}: ${summarize(c.diagnostics)}\n`);
  }
  return all.some((d) => d.severity === "error") ? 1 : 0;
}

/** Version metadata of every directory under the rules root already built in `out`, for the registry. */
function registryVersions(reader: VersionReader, compiled: readonly CompiledVersion[], out: string): { id: string; meta?: CompiledVersion["extracted"]["meta"] }[] {
  const byId = new Map<string, { id: string; meta?: CompiledVersion["extracted"]["meta"] }>();
  for (const dir of versionDirectories(DEFAULT_RULES_ROOT)) {
    const id = basename(dir);
    if (!existsSync(join(out, id, "index.ts"))) continue;
    const extracted = stages.extract(reader.read(dir), () => undefined);
    byId.set(id, { id, ...(extracted.meta === undefined ? {} : { meta: extracted.meta }) });
  }
  for (const c of compiled) if (c.files !== undefined) byId.set(c.id, { id: c.id, ...(c.extracted.meta === undefined ? {} : { meta: c.extracted.meta }) });
  return [...byId.values()];
}

/** The stages `--stop-after` accepts: the pipeline's, then the build's own. */
export const BUILD_STAGES = [...STAGE_NAMES, "typecheck", "write"] as const;
export type BuildStage = (typeof BUILD_STAGES)[number];

export interface BuildOptions {
  readonly check: boolean;
  readonly out: string;
  readonly strict: boolean;
  /** Reuse an --out folder an earlier build wrote (implied for the default generated/). */
  readonly force: boolean;
  readonly timings?: boolean;
  readonly stopAfter?: string;
}

function printTimings(compiled: readonly CompiledVersion[], own: Readonly<Record<string, number>>): void {
  const ms = (x: number | undefined): string => (x === undefined ? "-" : `${Math.round(x)} ms`);
  const width = Math.max(...compiled.map((c) => c.id.length), 7);
  cliIo().stderr.write(`${"stage".padEnd(width)}  ${STAGE_NAMES.map((s) => s.padStart(9)).join(" ")}\n`);
  for (const c of compiled) cliIo().stderr.write(`${c.id.padEnd(width)}  ${STAGE_NAMES.map((s) => ms(c.timings[s]).padStart(9)).join(" ")}\n`);
  for (const [name, value] of Object.entries(own)) cliIo().stderr.write(`${name.padEnd(width)}  ${ms(value).padStart(9)}\n`);
}

export async function runBuild(args: readonly string[], options: BuildOptions): Promise<number> {
  const stopAfter = (options.stopAfter ?? "write") as BuildStage;
  if (!(BUILD_STAGES as readonly string[]).includes(stopAfter)) throw new UsageError(`--stop-after must be one of ${BUILD_STAGES.join(", ")}`);
  const own: Record<string, number> = {};
  const reader = new VersionReader();
  const pipelineStop: StageName = (STAGE_NAMES as readonly string[]).includes(stopAfter) ? (stopAfter as StageName) : "generate";
  const compiled = compileDirs(reader, versionDirs(args), pipelineStop);
  const all = compiled.flatMap((c) => c.diagnostics);
  print(all);
  const report = (code: number): number => {
    if (options.timings === true) printTimings(compiled, own);
    return code;
  };
  const failed = all.some((d) => d.severity === "error" || (options.strict && d.severity === "warning"));
  if (failed) {
    cliIo().stderr.write(`tmad build: ${summarize(all)}; nothing written\n`);
    return report(1);
  }
  if (pipelineStop !== "generate" || stopAfter === "generate") {
    cliIo().stdout.write(`tmad build: stopped after ${stopAfter}: ${compiled.length} version(s), ${summarize(all)}; nothing written\n`);
    return report(0);
  }
  const files: GeneratedFile[] = compiled.flatMap((c) => c.files ?? []);
  const registered = registryVersions(reader, compiled, options.out);
  files.push(generateRegistry(registered));
  const owned = compiled.map((c) => c.id);
  if (options.check) {
    const diffs = diffOutput(options.out, files, owned);
    for (const d of diffs) cliIo().stderr.write(`${options.out}/${d.path}: ${d.kind === "missing" ? "missing" : d.kind === "extra" ? "not produced by the rules" : "differs from what the rules produce"}\n`);
    if (diffs.length > 0) {
      cliIo().stderr.write(`tmad build --check: ${diffs.length} generated file(s) out of date; run \`npx tmad build\` and commit\n`);
      return report(1);
    }
    cliIo().stdout.write(`tmad build --check: ${files.length} generated files up to date\n`);
    return report(0);
  }
  // What is written must compile: a generator bug never reaches generated/ with exit 0. Only the
  // files that will be written are checked (the others are already in generated/ as they are).
  const started = performance.now();
  const changed = new Set(diffOutput(options.out, files, owned).filter((d) => d.kind !== "extra").map((d) => d.path));
  // Versions the registry lists but this build does not produce are checked against as they are in `out`.
  const built = new Set(owned);
  const context: GeneratedFile[] = registered
    .filter((v) => !built.has(v.id))
    .flatMap((v) => readdirSync(join(options.out, v.id)).filter((f) => f.endsWith(".ts")).map((f) => ({ path: `${v.id}/${f}`, content: readFileSync(join(options.out, v.id, f), "utf8") })));
  const errors = changed.size === 0 ? [] : typeCheckGenerated([...files, ...context], changed);
  own["typecheck"] = performance.now() - started;
  if (errors.length > 0) {
    for (const e of errors) cliIo().stderr.write(`${options.out}/${e}\n`);
    cliIo().stderr.write(`tmad build: internal error: the generated code does not compile (${errors.length} error(s) above); nothing written. Please report this with the rule documents that caused it.\n`);
    return report(2);
  }
  if (stopAfter === "typecheck") {
    cliIo().stdout.write(`tmad build: stopped after typecheck: ${files.length} files compile; nothing written\n`);
    return report(0);
  }
  // The output folder is taken through the guard only now: a build with errors touches nothing.
  const writing = performance.now();
  const written = writeGenerated(options.out, files, owned, options.force);
  transpileToDist(options.out, written.filter((d) => d.kind !== "extra").map((d) => files.find((f) => f.path === d.path)!));
  own["write"] = performance.now() - writing;
  cliIo().stdout.write(`tmad build: ${compiled.length} version(s), ${files.length} files, ${written.length} written\n`);
  return report(0);
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
  const reader = new VersionReader();
  for (const dir of versionDirs(args)) {
    const compiled = compileVersion(reader.read(dir), "pins");
    const errors = compiled.diagnostics.filter((d) => d.severity === "error");
    for (const d of errors) cliIo().stderr.write(`${formatDiagnostic(d)}\n`);
    if (errors.length > 0 || compiled.checked === undefined) {
      cliIo().stderr.write(`tmad pin: ${compiled.id} has errors; nothing pinned\n`);
      failed = true;
      continue;
    }
    const target = join(dir, PIN_FILE);
    const text = pinsFor(compiled.checked);
    const before = existsSync(target) ? readFileSync(target, "utf8") : undefined;
    if (before !== text) writeFileSync(target, text);
    const stale = compiled.diagnostics.filter((d) => d.code === "TMAD7001" || d.code === "TMAD7002").length;
    cliIo().stdout.write(`tmad pin: ${compiled.id}: ${compiled.checked.rules.length} rules pinned${before === undefined ? ` (new ${PIN_FILE})` : before === text ? " (unchanged)" : stale > 0 ? ` (${stale} pin(s) renewed)` : ""}\n`);
  }
  return failed ? 1 : 0;
}
