/**
 * The site's one view of the compiler (the adapter to change when the pipeline's output changes):
 * a version directory → SiteVersion, everything a version page shows, as plain data.
 *
 * Takes the directory; reads it with its base chain, compiles it (extract → … → generate), runs
 * the examples beside its clauses for their results and the coverage `tmad test` reports, and gives
 * the clauses in order with their rule blocks and examples, each rule's place in the precedence
 * order, what an amending version replaced, and the generated evaluator files for the explorer.
 * A version with errors gives its diagnostics and no SiteVersion.
 */
import { readVersion } from "../compiler/source/versions.js";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic.js";
import { hasErrors, sortDiagnostics } from "../compiler/diagnostics/diagnostic.js";
import { runExamples, type PrecedenceCoverage, type RuleCoverage } from "../compiler/examples/run.js";
import { compareClauseNumbers, type ExtractedVersion, type RuleBlock } from "../compiler/extract/index.js";
import { loadVersionFiles, type LoadedVersion } from "../compiler/load.js";
import { compileToRun, type CompiledVersion } from "../compiler/pipeline.js";
import { decisionOutcome } from "../runtime/index.js";
import type { Manifest } from "../runtime/version.js";

/** The version's front matter, as its manifest gives it. */
export type SiteMeta = Pick<
  Manifest,
  "document" | "version" | "title" | "status" | "published" | "effectiveFrom" | "amends" | "source" | "paraphrase"
>;

/** A fenced block as written, and where. */
export interface SiteBlock {
  readonly code: string;
  /** `file:line` of the opening fence. */
  readonly at: string;
}

export interface SiteExample {
  readonly name: string;
  readonly at: string;
  /** The block's YAML as written. */
  readonly source: string;
  /** Decision fields (and `status`, `rule`, `clause`) the example expects. */
  readonly expect: Readonly<Record<string, unknown>>;
  readonly cites: readonly string[];
  readonly notCites: readonly string[];
  readonly passed: boolean;
  readonly problems: readonly string[];
  /** What the rules decided: the outcome and deciding clause, when the record was valid. */
  readonly decided?: { readonly outcome: string; readonly clause: string | null; readonly rule: string | null };
}

export interface SiteClause {
  readonly number: string;
  readonly title: string;
  /** Markdown prose, without the blocks. */
  readonly text: string;
  readonly at: string;
  /** The version whose files hold this text (for an amending version: itself or a base). */
  readonly origin: string;
  /** For an amending version: whether it inserted this clause or substituted the base's text. */
  readonly change?: "inserted" | "substituted";
  readonly ruleBlocks: readonly SiteBlock[];
  readonly examples: readonly SiteExample[];
}

export interface SiteRule extends Omit<RuleCoverage, "rule"> {
  readonly id: string;
  /** The clause it implements. */
  readonly clause: string;
  /** `file:line` of the rule. */
  readonly at: string;
  readonly source?: string;
  /** 1-based place in the precedence order (a rule that sets another aside comes before it). */
  readonly place: number;
  /** Rules that set this one aside directly (its `unless`, and others' `overrides`). */
  readonly givesWayTo: readonly string[];
  /** Rules this one sets aside directly. */
  readonly setsAside: readonly string[];
}

/** A precedence relation and the examples in which it decided the outcome. */
export type SitePrecedence = PrecedenceCoverage;

export interface SiteAmendment {
  /** The version directory this one is built from. */
  readonly base: string;
  readonly inserted: readonly string[];
  readonly substituted: readonly string[];
  readonly repealed: readonly string[];
  /** Declarations (parameters, definitions, …) it replaces in its base chain, with the version that declared them. */
  readonly replacedDeclarations: readonly { readonly kind: string; readonly name: string; readonly from: string }[];
}

export interface SiteVersion {
  readonly id: string;
  readonly meta: SiteMeta;
  readonly sourceHash: string;
  /** In clause order. */
  readonly clauses: readonly SiteClause[];
  /** Rule blocks outside any clause: the data model, the regime's parameters, shared definitions. */
  readonly sharedBlocks: readonly SiteBlock[];
  /** Named example installations (`define:` blocks), by name. */
  readonly installations: readonly { readonly name: string; readonly at: string; readonly source: string }[];
  /** In precedence order. */
  readonly rules: readonly SiteRule[];
  readonly precedence: readonly SitePrecedence[];
  readonly defaultClause?: string;
  /** The decision's fields whose values are clause numbers (e.g. the Excluded Category). */
  readonly clauseFields: readonly string[];
  readonly amendment?: SiteAmendment;
  readonly examples: { readonly passed: number; readonly failed: number };
  /** The clauses with no example, and rules never seen firing or missing (the `tmad test` failures). */
  readonly coverageGaps: readonly string[];
  /** The generated evaluator (TypeScript files, as `tmad build` generates them but not formatted), for the explorer's bundle. */
  readonly evaluator: readonly { readonly path: string; readonly content: string }[];
}

/** What the comparison adapter needs beyond the page data. Kept out of SiteVersion on purpose. */
export interface VersionInternals {
  readonly compiled: CompiledVersion;
  readonly loaded: LoadedVersion;
  readonly installations: ReadonlyMap<string, unknown>;
  readonly examples: readonly { readonly name: string; readonly record: unknown }[];
}

const internals = new WeakMap<SiteVersion, VersionInternals>();

export function internalsOf(v: SiteVersion): VersionInternals {
  const i = internals.get(v);
  if (i === undefined) throw new Error(`internal: ${v.id} was not loaded by loadSiteVersion`);
  return i;
}

const at = (file: string, line: number): string => `${file}:${line}`;

function block(b: RuleBlock): SiteBlock {
  return { code: b.code, at: at(b.file, b.span.start.line) };
}

/** The version directory a rule document belongs to: the folder that holds it. */
function originOf(file: string): string {
  const parts = file.split("/");
  return parts.length >= 2 ? parts[parts.length - 2] : file;
}

/**
 * A linear order of the rules in which every rule comes before the rules it sets aside; among
 * rules free to go next, document order decides, so the order is stable.
 */
function precedenceOrder(ids: readonly string[], edges: readonly { winner: string; loser: string }[]): string[] {
  const incoming = new Map(ids.map((id) => [id, 0]));
  for (const e of edges) incoming.set(e.loser, (incoming.get(e.loser) ?? 0) + 1);
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < ids.length) {
    const next = ids.find((id) => !done.has(id) && incoming.get(id) === 0);
    // The checker rejects precedence cycles; should one slip through, keep document order.
    const chosen = next ?? ids.find((id) => !done.has(id))!;
    done.add(chosen);
    order.push(chosen);
    for (const e of edges) if (e.winner === chosen) incoming.set(e.loser, (incoming.get(e.loser) ?? 1) - 1);
  }
  return order;
}

function exampleName(code: string): { kind: "example" | "define"; name: string } | undefined {
  const m = /^(example|define):\s*(.+?)\s*$/m.exec(code);
  if (m === null) return undefined;
  return { kind: m[1] as "example" | "define", name: m[2].replace(/^(["'])(.*)\1$/, "$2") };
}

export interface LoadResult {
  readonly version?: SiteVersion;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads, compiles and tests one version directory for the site. The generated code is run here and
 * bundled minified for the explorer, never shown: TypeScript's formatter, a third of the work, is
 * left off (as for `tmad test`); the bundles are the same bytes either way.
 */
export function loadSiteVersion(dir: string): LoadResult {
  const compiled = compileToRun(readVersion(dir));
  const diagnostics = sortDiagnostics(compiled.diagnostics);
  const x: ExtractedVersion = compiled.extracted;
  if (hasErrors(diagnostics) || compiled.files === undefined || compiled.checked === undefined || x.meta === undefined) return { diagnostics };
  const checked = compiled.checked;
  const resolved = { examples: checked.examples, installations: checked.installations };
  const loaded = loadVersionFiles(compiled.files);
  const report = runExamples(checked, loaded.version);
  const results = new Map(report.examples.map((e) => [`${e.span.file}:${e.span.start.line}`, e]));
  const resolvedBySpan = new Map(resolved.examples.map((e) => [`${e.span.file}:${e.span.start.line}`, e]));

  const amendment = x.amendment;
  const clauses: SiteClause[] = [...x.clauses]
    .sort((a, b) => compareClauseNumbers(a.number, b.number))
    .map((c) => {
      const under = x.blocks.filter((b) => b.clause === c.number);
      const examples: SiteExample[] = under
        .filter((b) => b.kind === "example")
        .flatMap((b) => {
          const key = `${b.file}:${b.span.start.line}`;
          const r = results.get(key);
          const e = resolvedBySpan.get(key);
          if (r === undefined || e === undefined) return []; // a `define:` block under a clause
          const d = r.decision;
          return [
            {
              name: r.name,
              at: key,
              source: b.code,
              expect: e.expect.fields,
              cites: e.expect.cites,
              notCites: e.expect.notCites,
              passed: r.passed,
              problems: r.problems,
              ...(d === undefined ? {} : { decided: { outcome: decisionOutcome(d), clause: d.clause, rule: d.rule } }),
            },
          ];
        });
      const change = amendment?.inserted.includes(c.number) ? "inserted" : amendment?.substituted.includes(c.number) ? "substituted" : undefined;
      return {
        number: c.number,
        title: c.title,
        text: c.text,
        at: at(c.span.file, c.span.start.line),
        origin: originOf(c.span.file),
        ...(change === undefined ? {} : { change }),
        ruleBlocks: under.filter((b) => b.kind === "rules").map(block),
        examples,
      };
    });

  const ids = checked.rules.map((r) => r.id);
  const order = precedenceOrder(ids, checked.precedence);
  const coverage = new Map(report.clauses.flatMap((c) => c.rules).map((r) => [r.rule, r]));
  const byId = new Map(checked.rules.map((r) => [r.id, r]));
  const rules: SiteRule[] = order.map((id, i) => {
    const r = byId.get(id)!;
    const cov = coverage.get(id);
    return {
      id,
      clause: r.clause,
      at: at(r.decl.span.file, r.decl.span.start.line),
      ...(r.decl.source === undefined ? {} : { source: r.decl.source.value }),
      place: i + 1,
      givesWayTo: checked.precedence.filter((p) => p.loser === id).map((p) => p.winner),
      setsAside: checked.precedence.filter((p) => p.winner === id).map((p) => p.loser),
      firedIn: cov?.firedIn ?? [],
      missedIn: cov?.missedIn ?? [],
    };
  });

  const installations = x.blocks
    .filter((b) => b.kind === "example")
    .flatMap((b) => {
      const n = exampleName(b.code);
      return n?.kind === "define" ? [{ name: n.name, at: at(b.file, b.span.start.line), source: b.code }] : [];
    });

  const version: SiteVersion = {
    id: x.id,
    meta: {
      document: x.meta.document,
      version: x.meta.version,
      ...(x.meta.title === undefined ? {} : { title: x.meta.title }),
      status: x.meta.status,
      published: x.meta.published,
      ...(x.meta.effectiveFrom === undefined ? {} : { effectiveFrom: x.meta.effectiveFrom }),
      ...(x.meta.amends === undefined ? {} : { amends: x.meta.amends }),
      source: x.meta.source,
      paraphrase: x.meta.paraphrase,
    },
    sourceHash: loaded.version.manifest.sourceHash,
    clauses,
    sharedBlocks: x.blocks.filter((b) => b.kind === "rules" && b.clause === undefined).map(block),
    installations,
    rules,
    precedence: report.precedence.map((p) => ({ winner: p.winner, loser: p.loser, exercisedBy: p.exercisedBy })),
    ...(checked.defaultResult?.clause === undefined ? {} : { defaultClause: checked.defaultResult.clause }),
    clauseFields: loaded.version.manifest.clauseFields,
    ...(amendment === undefined
      ? {}
      : { amendment: { base: amendment.base, inserted: amendment.inserted, substituted: amendment.substituted, repealed: amendment.repealed, replacedDeclarations: checked.replacements.filter((r) => r.by === checked.id).map((r) => ({ kind: r.kind, name: r.name, from: r.from })) } }),
    examples: { passed: report.examples.filter((e) => e.passed).length, failed: report.examples.filter((e) => !e.passed).length },
    coverageGaps: report.failures.filter((f) => !f.startsWith("example ")),
    evaluator: compiled.files.map((f) => ({ path: f.path, content: f.content })),
  };
  internals.set(version, { compiled, loaded, installations: resolved.installations, examples: resolved.examples });
  return { version, diagnostics };
}

/** Consecutive pairs for the comparison pages: versions in the order of their numbers. */
export function consecutivePairs(versions: readonly SiteVersion[]): [SiteVersion, SiteVersion][] {
  const sorted = orderVersions(versions);
  return sorted.slice(1).map((v, i) => [sorted[i], v]);
}

/** Versions by their number (`19.0` < `20.v1` < `20.v2`), then id. */
export function orderVersions(versions: readonly SiteVersion[]): SiteVersion[] {
  return [...versions].sort((a, b) => compareClauseNumbers(a.meta.version, b.meta.version) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
