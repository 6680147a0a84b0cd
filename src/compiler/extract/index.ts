/**
 * Stage 1, extract: Markdown rule documents → ExtractedVersion.
 *
 * Takes the text of every `*.md` file of one version directory and gives the version's metadata
 * (YAML front matter), its clauses (a heading that starts with a clause number, and the prose under
 * it up to the next heading) and its fenced `tmad` / `tmad-example` blocks, each tied to the clause
 * it sits under and mapped line by line back to the Markdown file. Parsing uses unified +
 * remark-parse + remark-frontmatter. Problems become diagnostics; nothing here throws on bad input.
 */
import { createHash } from "node:crypto";
import type { Code, Heading, Root, RootContent, Yaml } from "mdast";
import remarkFrontmatter from "remark-frontmatter";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { parse as parseYaml } from "yaml";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { fileSpan, type Span } from "../source/span.js";
import { clauseText, type ClauseNote } from "./notes.js";

export interface SourceFile {
  /** Path as it should appear in diagnostics and generated JSDoc (relative, `/`-separated). */
  readonly path: string;
  readonly text: string;
}

export type VersionStatus = "draft" | "designated";

export interface VersionMeta {
  readonly document: string;
  /** Version number as the document states it, e.g. `20.v2`. */
  readonly version: string;
  readonly title?: string;
  readonly status: VersionStatus;
  /** ISO date the version was published (consultation issued, conclusion published…). */
  readonly published: string;
  /** ISO date from which the version is in force; absent for a draft never designated. */
  readonly effectiveFrom?: string;
  /** Version number this one amends (descriptive). */
  readonly amends?: string;
  /**
   * Directory name of the version this one is built from: its files then hold only the clauses it
   * inserts or substitutes, and `repeals` lists the clauses it removes.
   */
  readonly base?: string;
  readonly repeals?: readonly string[];
  /**
   * The dimensions population reports break down by: a name and the input fact path it reads, e.g.
   * `supplier` → `responsibleSupplier.name`. (Front matter: a list of paths, or a name → path map.)
   */
  readonly reportBy?: readonly ReportDimension[];
  /** Outcomes that per-supplier reports count but do not list one by one (e.g. a plain MIGRATE). */
  readonly reportOmit?: readonly string[];
  /**
   * The input facts each listed installation shows in a supplier report besides its key, e.g.
   * `MPAN` → `mpan`, `GroupID` → `groupId` (a list of paths, or a column name → path map).
   */
  readonly reportColumns?: readonly ReportDimension[];
  /** The document the clauses are drawn from. */
  readonly source: string;
  /** The statement that the clause texts are our paraphrase, not the official wording. */
  readonly paraphrase: string;
}

export interface ReportDimension {
  readonly name: string;
  readonly path: string;
}

export interface Clause {
  /** e.g. `4.26A`. */
  readonly number: string;
  readonly title: string;
  /** The prose under the heading, without rule or example blocks, trimmed. */
  readonly text: string;
  /** SHA-256 (hex) of `text`. */
  readonly textHash: string;
  /** Authors' notes within `text` (assumptions, precedence, near misses, example captions): see notes.ts. */
  readonly notes: readonly ClauseNote[];
  /** Span of the heading line. */
  readonly span: Span;
}

export type BlockKind = "rules" | "example";

/** A fenced block's content with the map from block coordinates back to the Markdown file. */
export interface RuleBlock {
  readonly kind: BlockKind;
  readonly file: string;
  /** The clause the block sits under, if its nearest heading is a clause heading. */
  readonly clause?: string;
  readonly code: string;
  /** File line of the block's first content line (1-based). */
  readonly firstLine: number;
  /** For each content line, the 0-based file column where the block's line starts. */
  readonly columnOffsets: readonly number[];
  /** Span of the whole fence. */
  readonly span: Span;
}

export interface ExtractedVersion {
  /** The directory name, e.g. `tmad-20.v2`: the version's id everywhere else. */
  readonly id: string;
  readonly dir: string;
  readonly meta?: VersionMeta;
  /** The version's clauses, whole: inherited from its base chain, then amended. */
  readonly clauses: readonly Clause[];
  readonly blocks: readonly RuleBlock[];
  /** Every file the version is made of, its base chain's included. */
  readonly files: readonly SourceFile[];
  /** For an amending version: what it changed in its base. */
  readonly amendment?: Amendment;
}

export interface Amendment {
  readonly base: string;
  readonly inserted: readonly string[];
  readonly substituted: readonly string[];
  readonly repealed: readonly string[];
}

const CLAUSE_HEADING = /^(\d+(?:\.\d+)*[A-Z]{0,2})\s+(\S[\s\S]*)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const markdown = unified().use(remarkParse).use(remarkFrontmatter, ["yaml"]);


/** Orders `4.1`, `4.1A`, `4.26`, `18.5`, `18.13` as a reader expects. */
export function compareClauseNumbers(a: string, b: string): number {
  const split = (s: string): (number | string)[] => s.split(/(\d+)/).filter((x) => x !== "" && x !== ".").map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pa = split(a);
  const pb = split(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Extracts one version from its files (already read, sorted by path for determinism). */
export function extractVersion(id: string, dir: string, files: readonly SourceFile[]): { version: ExtractedVersion; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const clauses: Clause[] = [];
  const blocks: RuleBlock[] = [];
  let meta: VersionMeta | undefined;
  let metaFile: string | undefined;
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  for (const file of sorted) {
    const text = file.text.replace(/\r\n?/g, "\n");
    const lines = text.split("\n");
    const tree = markdown.parse(text) as Root;
    const children = tree.children;
    let current: { number: string; title: string; span: Span; parts: { text: string; caption: boolean }[] } | undefined;
    let currentClause: string | undefined;
    // Whether the node just seen was prose of the clause: a `tmad-example` block right after it makes it a caption.
    let afterProse = false;

    const closeClause = (): void => {
      if (current !== undefined) {
        const { text: body, notes } = clauseText(current.parts);
        clauses.push({ number: current.number, title: current.title, text: body, textHash: sha256(body), notes, span: current.span });
      }
      current = undefined;
    };

    for (const node of children) {
      if (node.type === "yaml") {
        const parsed = readFrontMatter(node, file.path, diagnostics);
        if (parsed !== undefined) {
          if (meta !== undefined) {
            diagnostics.push(
              diagnostic("TMAD1002", spanOf(node, file.path), `version metadata is given twice (also in ${metaFile})`, "keep the front matter in one file of the version, e.g. index.md"),
            );
          } else {
            meta = parsed;
            metaFile = file.path;
          }
        }
        continue;
      }
      if (node.type === "heading") {
        afterProse = false;
        closeClause();
        const title = headingText(node).trim();
        const m = CLAUSE_HEADING.exec(title);
        currentClause = undefined;
        if (m !== null) {
          current = { number: m[1], title: m[2].trim(), span: spanOf(node, file.path), parts: [] };
          currentClause = m[1];
        }
        continue;
      }
      if (node.type === "code" && node.lang !== null && node.lang !== undefined && (node.lang === "tmad" || node.lang === "tmad-example")) {
        if (node.lang === "tmad-example" && afterProse && current !== undefined) current.parts[current.parts.length - 1].caption = true;
        afterProse = false;
        blocks.push(toBlock(node, file.path, lines, currentClause));
        continue;
      }
      afterProse = false;
      if (current !== undefined) {
        const slice = sourceSlice(node, text);
        if (slice.trim() !== "") {
          current.parts.push({ text: slice.trim(), caption: false });
          afterProse = true;
        }
      }
    }
    closeClause();
  }

  if (meta === undefined) {
    diagnostics.push(
      diagnostic(
        "TMAD1001",
        fileSpan(sorted[0]?.path ?? dir),
        `version ${id} has no front matter`,
        "start index.md with a YAML block between --- lines giving document, version, status, published, source and paraphrase",
      ),
    );
  }

  const seen = new Map<string, Clause>();
  for (const c of clauses) {
    const prior = seen.get(c.number);
    if (prior !== undefined) {
      diagnostics.push(
        diagnostic("TMAD1004", c.span, `clause ${c.number} is defined twice (first at ${prior.span.file}:${prior.span.start.line})`, "give each clause heading a unique number"),
      );
    } else seen.set(c.number, c);
  }

  return { version: { id, dir, meta, clauses, blocks, files: sorted }, diagnostics };
}

function toBlock(node: Code, file: string, lines: readonly string[], clause: string | undefined): RuleBlock {
  const fenceLine = node.position!.start.line;
  const contentLines = node.value === "" ? [] : node.value.split("\n");
  const columnOffsets = contentLines.map((content, i) => {
    const raw = lines[fenceLine + i] ?? "";
    // remark strips the fence's indentation (and any container prefix); what is left ends the raw line.
    return raw.endsWith(content) ? raw.length - content.length : 0;
  });
  const kind: BlockKind = node.lang === "tmad-example" ? "example" : "rules";
  const block = { kind, file, code: node.value, firstLine: fenceLine + 1, columnOffsets, span: spanOf(node, file) };
  return clause === undefined ? block : { ...block, clause };
}

function headingText(node: Heading): string {
  const parts: string[] = [];
  const walk = (n: { type: string; value?: string; children?: unknown[] }): void => {
    if (typeof n.value === "string") parts.push(n.value);
    if (Array.isArray(n.children)) for (const c of n.children) walk(c as never);
  };
  walk(node as never);
  return parts.join("");
}

function sourceSlice(node: RootContent, text: string): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? "" : text.slice(start, end);
}

function spanOf(node: RootContent, file: string): Span {
  const p = node.position!;
  return { file, start: { line: p.start.line, column: p.start.column }, end: { line: p.end.line, column: p.end.column } };
}

const REQUIRED_META = ["document", "version", "status", "published", "source", "paraphrase"] as const;

function readFrontMatter(node: Yaml, file: string, diagnostics: Diagnostic[]): VersionMeta | undefined {
  const span = spanOf(node, file);
  let data: unknown;
  try {
    // `yaml` keeps dates as strings by default (core schema), which is what we want.
    data = parseYaml(node.value);
  } catch (e) {
    diagnostics.push(diagnostic("TMAD1001", span, `front matter is not valid YAML: ${(e as Error).message.split("\n")[0]}`, "check indentation and quoting of the YAML block"));
    return undefined;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    diagnostics.push(diagnostic("TMAD1001", span, "front matter must be a YAML mapping", "write `key: value` lines between the --- fences"));
    return undefined;
  }
  const record = data as Record<string, unknown>;
  let ok = true;
  const text = (key: string): string | undefined => {
    const v = record[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string" || typeof v === "number") return String(v);
    diagnostics.push(diagnostic("TMAD1002", span, `front matter field \`${key}\` must be text`, `write ${key}: "…"`));
    ok = false;
    return undefined;
  };
  for (const key of REQUIRED_META) {
    if (text(key) === undefined) {
      diagnostics.push(diagnostic("TMAD1002", span, `front matter lacks \`${key}\``, `add a line \`${key}: …\` to the front matter`));
      ok = false;
    }
  }
  const status = text("status");
  if (status !== undefined && status !== "draft" && status !== "designated") {
    diagnostics.push(diagnostic("TMAD1002", span, `front matter \`status\` is "${status}"; expected draft or designated`, "write status: draft or status: designated"));
    ok = false;
  }
  for (const key of ["published", "effectiveFrom"]) {
    const v = text(key);
    if (v !== undefined && (!ISO_DATE.test(v) || Number.isNaN(Date.parse(v)))) {
      diagnostics.push(diagnostic("TMAD1002", span, `front matter \`${key}\` is "${v}"; expected an ISO date`, `write ${key}: YYYY-MM-DD`));
      ok = false;
    }
  }
  if (status === "designated" && text("effectiveFrom") === undefined) {
    diagnostics.push(diagnostic("TMAD1002", span, "a designated version needs `effectiveFrom`", "add effectiveFrom: YYYY-MM-DD, the date it came into force"));
    ok = false;
  }
  let repeals: string[] | undefined;
  const rawRepeals = record["repeals"];
  if (rawRepeals !== undefined && rawRepeals !== null) {
    if (!Array.isArray(rawRepeals) || rawRepeals.some((r) => typeof r !== "string" && typeof r !== "number")) {
      diagnostics.push(diagnostic("TMAD1002", span, "front matter `repeals` must be a list of clause numbers", 'write repeals: ["18.5"]'));
      ok = false;
    } else repeals = rawRepeals.map(String);
  }
  const dimensions = (key: string, example: string): ReportDimension[] | undefined => {
    const raw = record[key];
    if (raw === undefined || raw === null) return undefined;
    const PATH = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;
    if (Array.isArray(raw) && raw.every((r) => typeof r === "string" && PATH.test(r))) return raw.map((path: string) => ({ name: path, path }));
    if (typeof raw === "object" && !Array.isArray(raw) && Object.values(raw).every((r) => typeof r === "string" && PATH.test(r))) {
      return Object.entries(raw as Record<string, string>).map(([name, path]) => ({ name, path }));
    }
    diagnostics.push(diagnostic("TMAD1002", span, `front matter \`${key}\` must list fact paths, or map names to fact paths`, `write ${key}: ${example}`));
    ok = false;
    return undefined;
  };
  const reportBy = dimensions("reportBy", "{ cohort: cohort, supplier: responsibleSupplier.name }");
  const reportColumns = dimensions("reportColumns", "{ MPAN: mpan, GroupID: groupId }");
  let reportOmit: string[] | undefined;
  const rawOmit = record["reportOmit"];
  if (rawOmit !== undefined && rawOmit !== null) {
    if (!Array.isArray(rawOmit) || rawOmit.some((r) => typeof r !== "string")) {
      diagnostics.push(diagnostic("TMAD1002", span, "front matter `reportOmit` must be a list of outcomes", "write reportOmit: [MIGRATE]"));
      ok = false;
    } else reportOmit = rawOmit as string[];
  }
  if (repeals !== undefined && record["base"] === undefined) {
    diagnostics.push(diagnostic("TMAD1002", span, "`repeals` needs `base`: only an amending version can repeal clauses", "add base: <directory of the version amended>"));
    ok = false;
  }
  if (!ok) return undefined;
  const optional = (key: string): Record<string, string> => {
    const v = text(key);
    return v === undefined ? {} : { [key]: v };
  };
  return {
    document: text("document")!,
    version: text("version")!,
    status: status as VersionStatus,
    published: text("published")!,
    source: text("source")!,
    paraphrase: text("paraphrase")!,
    ...optional("title"),
    ...optional("effectiveFrom"),
    ...optional("amends"),
    ...optional("base"),
    ...(repeals === undefined ? {} : { repeals }),
    ...(reportBy === undefined ? {} : { reportBy }),
    ...(reportOmit === undefined ? {} : { reportOmit }),
    ...(reportColumns === undefined ? {} : { reportColumns }),
  };
}

/**
 * Applies an amending version to its (already consolidated) base: a clause of the amendment with a
 * base clause's number substitutes it whole (text, rule and example blocks), a new number inserts
 * one, `repeals` removes one; everything else is inherited. Blocks outside any clause (the data
 * model, named example installations) are inherited and added to.
 */
export function consolidate(amending: ExtractedVersion, base: ExtractedVersion): { version: ExtractedVersion; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const own = amending.meta;
  // Reporting settings are inherited like the data model is.
  const meta =
    own === undefined
      ? own
      : {
          ...own,
          ...(own.reportBy === undefined && base.meta?.reportBy !== undefined ? { reportBy: base.meta.reportBy } : {}),
          ...(own.reportOmit === undefined && base.meta?.reportOmit !== undefined ? { reportOmit: base.meta.reportOmit } : {}),
          ...(own.reportColumns === undefined && base.meta?.reportColumns !== undefined ? { reportColumns: base.meta.reportColumns } : {}),
        };
  const span = amending.clauses[0]?.span ?? fileSpan(amending.files[0]?.path ?? amending.dir);
  const baseNumbers = new Set(base.clauses.map((c) => c.number));
  const repealed = [...(meta?.repeals ?? [])];
  for (const r of repealed) {
    if (!baseNumbers.has(r)) diagnostics.push(diagnostic("TMAD1006", span, `clause ${r} is repealed but ${base.id} has no such clause`, "list only clauses of the base version in `repeals`"));
  }
  const ownNumbers = new Set(amending.clauses.map((c) => c.number));
  for (const c of amending.clauses) {
    if (repealed.includes(c.number)) diagnostics.push(diagnostic("TMAD1006", c.span, `clause ${c.number} is both repealed and given a new text`, "remove it from `repeals`, or remove the heading"));
  }
  const substituted = amending.clauses.filter((c) => baseNumbers.has(c.number)).map((c) => c.number);
  const inserted = amending.clauses.filter((c) => !baseNumbers.has(c.number)).map((c) => c.number);
  const dropped = new Set([...ownNumbers, ...repealed]);
  const version: ExtractedVersion = {
    id: amending.id,
    dir: amending.dir,
    ...(meta === undefined ? {} : { meta }),
    clauses: [...base.clauses.filter((c) => !dropped.has(c.number)), ...amending.clauses],
    blocks: [...base.blocks.filter((b) => b.clause === undefined || !dropped.has(b.clause)), ...amending.blocks],
    files: [...base.files, ...amending.files],
    amendment: { base: base.id, inserted, substituted, repealed },
  };
  return { version, diagnostics };
}
