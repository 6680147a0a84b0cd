/**
 * `tmad test`: compile each version, run the `tmad-example` blocks beside its clauses against the
 * freshly compiled evaluator (in memory, so examples always see the rules as they are on disk), and
 * print the coverage report. `tmad show`: a version whole, with its base chain's amendments applied.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { transitiveDependencies, type CheckedVersion, type Replacement } from "../compiler/check/index.js";
import { formatDiagnostic, hasErrors, type Diagnostic } from "../compiler/diagnostics/diagnostic.js";
import { formatReport, runExamples, type TestReport } from "../compiler/examples/index.js";
import { compareClauseNumbers, type ExtractedVersion } from "../compiler/extract/index.js";
import { loadGenerated } from "../compiler/load.js";
import { parameterValues } from "../compiler/search/index.js";
import { compileToRun, compileVersion, stages } from "../compiler/pipeline.js";
import { VersionReader } from "../compiler/source/versions.js";
import { selectVersion, type VersionEntry } from "../runtime/index.js";
import { versionDirs } from "./build.js";
import { UsageError } from "./usage.js";
import { cliIo } from "./io.js";

/** The version directories to test: those named, the one --version names, or the one in force --as-of. */
function chooseDirs(reader: VersionReader, args: readonly string[], values: Record<string, unknown>): string[] {
  const version = values.version as string | undefined;
  const asOf = values["as-of"] as string | undefined;
  if (version === undefined && asOf === undefined) return versionDirs(args);
  if (args.length > 0) throw new UsageError("name rule directories, or choose with --version / --as-of, not both");
  const entries: VersionEntry[] = versionDirs([]).flatMap((dir) => {
    const meta = stages.extract(reader.read(dir), () => undefined).meta;
    if (meta === undefined) return [];
    const id = dir.split(/[\\/]/).pop()!;
    return [{ id, version: meta.version, status: meta.status, published: meta.published, ...(meta.effectiveFrom === undefined ? {} : { effectiveFrom: meta.effectiveFrom }), load: () => Promise.reject(new Error("not loadable here")) }];
  });
  const chosen = selectVersion(entries, version !== undefined ? { version } : { asOf: asOf! });
  return [join("rules", chosen.id)];
}

/**
 * Runs a version's examples against its freshly compiled evaluator. For an amending version, an
 * inherited example that now fails is run against its base too: if the base decides it as
 * expected, the amendment changed it (reported as such, not as a failure).
 */
export function testVersion(reader: VersionReader, dir: string): { id: string; report?: TestReport; diagnostics: readonly Diagnostic[] } {
  const compiled = compileToRun(reader.read(dir));
  const diagnostics = compiled.diagnostics;
  if (hasErrors(diagnostics) || compiled.files === undefined || compiled.checked === undefined) return { id: compiled.id, diagnostics };
  const checked = compiled.checked;
  const baseLayer = checked.layers[checked.layers.length - 2];
  let base: { version: ReturnType<typeof loadGenerated>; examples: NonNullable<typeof compiled.checked>["examples"] } | undefined;
  const baseVersion = (): typeof base => {
    if (base === undefined && baseLayer !== undefined) {
      const b = compileToRun(baseLayer.source);
      if (b.files !== undefined && b.checked !== undefined) base = { version: loadGenerated(b.files), examples: b.checked.examples };
    }
    return base;
  };
  return { id: compiled.id, report: runExamples(checked, loadGenerated(compiled.files), { base: baseVersion }), diagnostics };
}

export async function runTest(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  const format = (values.format as string | undefined) ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError("--format must be text or json");
  const reader = new VersionReader();
  const reports: TestReport[] = [];
  let failed = 0;
  let total = 0;
  let passed = 0;
  let changed = 0;
  for (const dir of chooseDirs(reader, args, values)) {
    const { id, report, diagnostics } = testVersion(reader, dir);
    for (const d of diagnostics) cliIo().stderr.write(`${formatDiagnostic(d)}\n`);
    if (report === undefined) {
      cliIo().stdout.write(`${id}: not tested: the rules or examples have errors (above)\n`);
      failed++;
      continue;
    }
    reports.push(report);
    total += report.examples.length;
    passed += report.examples.filter((e) => e.passed).length;
    changed += report.examples.filter((e) => e.changed !== undefined).length;
    if (report.failures.length > 0) failed++;
    if (format === "text") cliIo().stdout.write(`${formatReport(report)}\n\n`);
  }
  if (format === "json") cliIo().stdout.write(`${JSON.stringify({ reports }, null, 2)}\n`);
  cliIo().stdout.write(`tmad test: ${reports.length} version(s) tested, ${failed} with failures\n`);
  cliIo().stdout.write(`examples: ${passed} passed, ${changed > 0 ? `${changed} changed by an amendment, ` : ""}${total - passed - changed} failed\n`);
  return failed > 0 ? 1 : 0;
}

/**
 * A version whole as Markdown: front matter, then every clause in order with its blocks. Each
 * declaration of the base chain that an amendment replaced or extended is marked, in its block,
 * with the version that did so, and each replacement with what it replaces.
 */
export function renderVersion(v: ExtractedVersion, checked?: CheckedVersion): string {
  const replacements: readonly Replacement[] = checked?.replacements ?? [];
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
  const at = (span: Replacement["at"]): string => `${span.file}:${span.start.line}`;
  if (replacements.length > 0) {
    out.push("> Declarations replaced or extended by an amendment:", ">");
    for (const r of replacements) out.push(`> - ${r.kind} \`${r.name}\` of ${r.from} (${at(r.replaced)}): ${r.how} by ${r.by} (${at(r.at)})`);
    // The values that follow from a replaced parameter, recomputed.
    const replaced = new Set<string>(replacements.filter((r) => r.kind === "parameter").map((r) => `parameter ${r.name}`));
    const affected = (checked?.parameters ?? []).filter((p) => [...transitiveDependencies(checked!, [`parameter ${p.name.text}`])].some((k) => replaced.has(k)));
    if (affected.length > 0) {
      const values = parameterValues(checked!);
      out.push(">", `> Parameter values in this version: ${affected.map((p) => `\`${p.name.text}\` = ${values.get(p.name.text)}${replaced.has(`parameter ${p.name.text}`) ? " (replaced)" : " (recomputed)"}`).join(", ")}.`);
    }
    out.push("");
  }
  /** Notes to print above a block's line `line` of the file (comment marker `--` or `#`). */
  const notes = (b: ExtractedVersion["blocks"][number], line: number): string[] => {
    const mark = b.kind === "example" ? "#" : "--";
    const inBlock = (s: Replacement["at"]): boolean => s.file === b.file && (b.kind === "example" ? s.start.line === b.span.start.line && line === b.firstLine : s.start.line === line);
    return [
      ...replacements.filter((r) => inBlock(r.replaced)).map((r) => `${mark} ${r.how} by ${r.by}: see ${at(r.at)}`),
      ...replacements.filter((r) => inBlock(r.at)).map((r) => `${mark} ${r.how === "replaced" ? "replaces" : "extends"} the ${r.kind} of ${r.from} at ${at(r.replaced)}`),
    ];
  };
  const fence = (b: ExtractedVersion["blocks"][number]): string[] => {
    const lines = b.code.split("\n").flatMap((text, i) => [...notes(b, b.firstLine + i), text]);
    return ["```" + (b.kind === "example" ? "tmad-example" : "tmad"), ...lines, "```", `<!-- from ${b.file}:${b.span.start.line} -->`, ""];
  };
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
  const compiled = compileVersion(new VersionReader().read(dir), "check");
  for (const d of compiled.diagnostics) cliIo().stderr.write(`${formatDiagnostic(d)}\n`);
  cliIo().stdout.write(`${renderVersion(compiled.extracted, compiled.checked)}\n`);
  return hasErrors(compiled.diagnostics) ? 1 : 0;
}
