/**
 * `tmad test`: compile each version, run the `tmad-example` blocks beside its clauses against the
 * freshly compiled evaluator (in memory, so examples always see the rules as they are on disk), and
 * print the coverage report. `tmad show`: a version whole, with its base chain's amendments applied.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { formatDiagnostic, hasErrors } from "../compiler/diagnostics/diagnostic.js";
import { resolveExamples } from "../compiler/examples/index.js";
import { formatReport, runExamples, type TestReport } from "../compiler/examples/run.js";
import { compareClauseNumbers, type ExtractedVersion } from "../compiler/extract/index.js";
import { loadGenerated } from "../compiler/load.js";
import { compileVersion, extractWithBase } from "../compiler/pipeline.js";
import { selectVersion, type VersionEntry } from "../runtime/index.js";
import { readVersion, versionDirs } from "./build.js";
import { UsageError } from "./usage.js";

/** The version directories to test: those named, the one --version names, or the one in force --as-of. */
function chooseDirs(args: readonly string[], values: Record<string, unknown>): string[] {
  const version = values.version as string | undefined;
  const asOf = values["as-of"] as string | undefined;
  if (version === undefined && asOf === undefined) return versionDirs(args);
  if (args.length > 0) throw new UsageError("name rule directories, or choose with --version / --as-of, not both");
  const entries: VersionEntry[] = versionDirs([]).flatMap((dir) => {
    const meta = extractWithBase(readVersion(dir)).version.meta;
    if (meta === undefined) return [];
    const id = dir.split(/[\\/]/).pop()!;
    return [{ id, version: meta.version, status: meta.status, published: meta.published, ...(meta.effectiveFrom === undefined ? {} : { effectiveFrom: meta.effectiveFrom }), load: () => Promise.reject(new Error("not loadable here")) }];
  });
  const chosen = selectVersion(entries, version !== undefined ? { version } : { asOf: asOf! });
  return [join("rules", chosen.id)];
}

export async function runTest(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  const format = (values.format as string | undefined) ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError("--format must be text or json");
  const reports: TestReport[] = [];
  let failed = 0;
  let total = 0;
  let passed = 0;
  for (const dir of chooseDirs(args, values)) {
    const compiled = compileVersion(readVersion(dir));
    const { examples, diagnostics } = resolveExamples(compiled.extracted.blocks);
    const all = [...compiled.diagnostics, ...diagnostics];
    for (const d of all) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (hasErrors(all) || compiled.files === undefined || compiled.checked === undefined) {
      process.stdout.write(`${compiled.id}: not tested: the rules or examples have errors (above)\n`);
      failed++;
      continue;
    }
    const report = runExamples(loadGenerated(compiled.files), compiled.checked, compiled.extracted.clauses, examples);
    reports.push(report);
    total += report.examples.length;
    passed += report.examples.filter((e) => e.passed).length;
    if (report.failures.length > 0) failed++;
    if (format === "text") process.stdout.write(`${formatReport(report)}\n\n`);
  }
  if (format === "json") process.stdout.write(`${JSON.stringify({ reports }, null, 2)}\n`);
  process.stdout.write(`tmad test: ${reports.length} version(s) tested, ${failed} with failures\n`);
  process.stdout.write(`examples: ${passed} passed, ${total - passed} failed\n`);
  return failed > 0 ? 1 : 0;
}

/** A version whole as Markdown: front matter, then every clause in order with its blocks. */
export function renderVersion(v: ExtractedVersion): string {
  const out: string[] = [];
  const m = v.meta;
  if (m !== undefined) {
    out.push("---");
    for (const [k, val] of Object.entries(m)) out.push(`${k}: ${JSON.stringify(val)}`);
    out.push("---", "");
  }
  out.push(`# ${m?.document ?? "?"} ${m?.version ?? v.id}${m?.title === undefined ? "" : `: ${m.title}`}`, "");
  if (v.amendment !== undefined) {
    const a = v.amendment;
    out.push(`> Consolidated: ${v.id} amends ${a.base}. Inserted: ${a.inserted.join(", ") || "none"}. Substituted: ${a.substituted.join(", ") || "none"}. Repealed: ${a.repealed.join(", ") || "none"}.`, "");
  }
  const fence = (b: ExtractedVersion["blocks"][number]): string[] => ["```" + (b.kind === "example" ? "tmad-example" : "tmad"), b.code, "```", `<!-- from ${b.file}:${b.span.start.line} -->`, ""];
  const loose = v.blocks.filter((b) => b.clause === undefined);
  if (loose.length > 0) {
    out.push("## Declarations outside clauses", "");
    for (const b of loose) out.push(...fence(b));
  }
  for (const c of [...v.clauses].sort((a, b) => compareClauseNumbers(a.number, b.number))) {
    out.push(`## ${c.number} ${c.title}`, `<!-- from ${c.span.file}:${c.span.start.line} -->`, "", c.text, "");
    for (const b of v.blocks.filter((x) => x.clause === c.number)) out.push(...fence(b));
  }
  return out.join("\n");
}

export async function runShow(args: readonly string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError("name one version directory, e.g. rules/tmad-20.v2");
  const dir = args[0];
  if (!existsSync(dir) || !statSync(dir).isDirectory() || readdirSync(dir).length === 0) throw new UsageError(`"${dir}" is not a directory of rule documents`);
  const { version, diagnostics } = extractWithBase(readVersion(dir));
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  process.stdout.write(`${renderVersion(version)}\n`);
  return hasErrors(diagnostics) ? 1 : 0;
}
