/**
 * `manifest.ts` of a generated version: its metadata, each clause's text and SHA-256, each rule's
 * clause, place and precedence, and the trace sites the traced evaluator refers to by index.
 */
import { StructureKind, VariableDeclarationKind, type StatementStructures } from "ts-morph";
import type { TraceSite } from "../../runtime/trace.js";
import type { Manifest } from "../../runtime/version.js";
import type { CheckedVersion } from "../check/index.js";
import { compareClauseNumbers, sha256 } from "../extract/index.js";
import { timelineOf } from "../timeline/index.js";
import { banner, doc, literal, render, RUNTIME, type GeneratedFile } from "./render.js";

/** Dated facts and waiting rules (src/compiler/timeline), when the data model dates any fact. */
function timelineEntry(version: CheckedVersion): { timeline?: ReturnType<typeof timelineOf> } {
  const timeline = timelineOf(version);
  return timeline === undefined ? {} : { timeline };
}

/** Hash of the whole source: every file's path and text, in path order. */
export function sourceHash(version: { readonly files: readonly { readonly path: string; readonly text: string }[] }): string {
  return sha256(version.files.map((f) => `${f.path}\n${f.text.replace(/\r\n?/g, "\n")}`).join("\n\0\n"));
}

export function manifestFile(version: CheckedVersion, sites: readonly TraceSite[]): GeneratedFile {
  const program = version;
  const meta = version.meta;
  const clauses = [...version.clauses]
    .sort((a, b) => compareClauseNumbers(a.number, b.number))
    .map((c) => ({ number: c.number, title: c.title, text: c.text, sha256: c.textHash, at: `${c.span.file}:${c.span.start.line}`, ...(c.notes.length === 0 ? {} : { notes: c.notes }) }));
  const rules = program.rules.map((r) => ({
    id: r.id,
    clause: r.clause,
    at: `${r.decl.span.file}:${r.decl.span.start.line}`,
    ...(r.decl.source === undefined ? {} : { source: r.decl.source.value }),
    overriddenBy: r.overriddenBy,
  }));
  const labels: Record<string, Record<string, string>> = {};
  for (const e of program.enums) labels[e.name.text] = Object.fromEntries(e.members.map((m) => [m.name.text, m.label ?? m.name.text]));
  const manifest = {
    id: version.id,
    document: meta.document,
    version: meta.version,
    ...(meta.title === undefined ? {} : { title: meta.title }),
    status: meta.status,
    published: meta.published,
    ...(meta.effectiveFrom === undefined ? {} : { effectiveFrom: meta.effectiveFrom }),
    ...(meta.amends === undefined ? {} : { amends: meta.amends }),
    source: meta.source,
    paraphrase: meta.paraphrase,
    sourceHash: sourceHash(version),
    clauses,
    rules,
    ...(program.defaultResult?.clause === undefined ? {} : { defaultClause: program.defaultResult.clause }),
    ...(meta.reportBy === undefined ? {} : { reportBy: meta.reportBy }),
    ...(meta.reportOmit === undefined ? {} : { reportOmit: meta.reportOmit }),
    ...(meta.reportColumns === undefined ? {} : { reportColumns: meta.reportColumns }),
    decisionFields: program.decision.fields.map((f) => f.name.text),
    clauseFields: program.decision.fields
      .map((f) => f.name.text)
      .filter((n) => {
        const t = program.fieldTypes.get(program.decision.name.text)!.get(n)!;
        return t.kind === "clause" || (t.kind === "optional" && t.inner.kind === "clause");
      }),
    labels,
    ...timelineEntry(version),
  } satisfies Manifest;
  const statements: (string | StatementStructures)[] = [
    `import type * as rt from ${literal(RUNTIME)};`,
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [doc(`${meta.document} ${meta.version} (${meta.status}). ${meta.paraphrase}`)],
      declarations: [{ name: "manifest", type: "rt.Manifest", initializer: literal(manifest, 2) }],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ["Where each traced condition sits in the rule documents; traces refer to these by index."],
      declarations: [{ name: "traceSites", type: "readonly rt.TraceSite[]", initializer: sitesInitializer(sites) }],
    },
  ];
  return render(`${version.id}/manifest.ts`, banner(version.dir), statements);
}


/** Sites per array literal: TypeScript reduces an array literal's element types pairwise, and gives up (TS2590) on a few thousand. */
const SITES_PER_LITERAL = 400;

/** The trace sites as one array literal, or, for a large version, as literals of at most SITES_PER_LITERAL joined. */
function sitesInitializer(sites: readonly unknown[]): string {
  if (sites.length <= SITES_PER_LITERAL) return literal(sites, 2);
  const chunks: string[] = [];
  for (let i = 0; i < sites.length; i += SITES_PER_LITERAL) chunks.push(literal(sites.slice(i, i + SITES_PER_LITERAL), 2));
  return `([] as rt.TraceSite[]).concat(\n${chunks.join(",\n")}\n)`;
}
