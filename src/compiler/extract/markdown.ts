/**
 * Extracting one version directory's Markdown (one layer of a chain): its files' text → the
 * version's metadata (YAML front matter), its clauses (a heading that starts with a clause number,
 * and the prose under it up to the next heading) and its fenced `tmad` / `tmad-example` blocks, each
 * tied to the clause it sits under and mapped line by line back to the Markdown file. Parsing uses
 * unified + remark-parse + remark-frontmatter, once per directory read (fenced blocks' content
 * lines are not run through it: fences.ts): the result is remembered for the VersionSource object it
 * came from. Problems go to the acceptor; nothing here throws.
 */
import type { Code, Heading, Root, RootContent } from "mdast";
import remarkFrontmatter from "remark-frontmatter";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { reporter, type Accept, type Diagnostic } from "../diagnostics/diagnostic.js";
import { fileSpan, type Span } from "../source/span.js";
import type { SourceFile, VersionSource } from "../source/versions.js";
import { sha256 } from "./clauses.js";
import { parseSkippingFences } from "./fences.js";
import { readFrontMatter } from "./front-matter.js";
import { Memo } from "../memo.js";
import { clauseText } from "./notes.js";
import type { BlockKind, Clause, RuleBlock, VersionMeta } from "./version.js";

/** One directory's own clauses and blocks (its base chain not applied). */
export interface ExtractedLayer {
  readonly id: string;
  readonly dir: string;
  readonly meta?: VersionMeta;
  readonly clauses: readonly Clause[];
  readonly blocks: readonly RuleBlock[];
  /** The directory's files, sorted by path. */
  readonly files: readonly SourceFile[];
}

const CLAUSE_HEADING = /^(\d+(?:\.\d+)*[A-Z]{0,2})\s+(\S[\s\S]*)$/;

const markdown = unified().use(remarkParse).use(remarkFrontmatter, ["yaml"]);

/** Syntax trees by file text, the 256 latest. */
const trees = new Memo<Root>(256);

/**
 * A file's Markdown syntax tree, parsed once per text: a version whose files are given again as new
 * objects (the language server's re-check after an edit in another file, an amendment made in
 * memory that shares the rest of its chain) reads the trees of the files it did not change. The
 * tree is only read here.
 */
function markdownTree(text: string): Root {
  return trees.get(text, () => parseSkippingFences(text, (t) => markdown.parse(t) as Root));
}


const remembered = new WeakMap<VersionSource, { layer: ExtractedLayer; diagnostics: readonly Diagnostic[] }>();

/**
 * The layer of `source`, extracted once per source object: a command that compiles every version
 * of a chain parses each directory's Markdown once. Its diagnostics are given to `accept` each time.
 */
export function extractLayer(source: VersionSource, accept: Accept): ExtractedLayer {
  let r = remembered.get(source);
  if (r === undefined) {
    const diagnostics: Diagnostic[] = [];
    const layer = extractDocument(source.id, source.dir, source.files, (d) => diagnostics.push(d));
    r = { layer, diagnostics };
    remembered.set(source, r);
  }
  for (const d of r.diagnostics) accept(d);
  return r.layer;
}

/** Extracts one directory from its files (sorted by path here, for determinism). */
export function extractDocument(id: string, dir: string, files: readonly SourceFile[], accept: Accept): ExtractedLayer {
  const report = reporter(accept);
  const clauses: Clause[] = [];
  const blocks: RuleBlock[] = [];
  let meta: VersionMeta | undefined;
  let metaFile: string | undefined;
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  for (const file of sorted) {
    const text = file.text.replace(/\r\n?/g, "\n");
    const lines = text.split("\n");
    const tree = markdownTree(text);
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
        const parsed = readFrontMatter(node, spanOf(node, file.path), report);
        if (parsed !== undefined) {
          if (meta !== undefined) {
            report("TMAD1002", spanOf(node, file.path), `version metadata is given twice (also in ${metaFile})`, "keep the front matter in one file of the version, e.g. index.md");
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
        blocks.push(toBlock(node, file.path, lines, currentClause, id));
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
    report("TMAD1001", fileSpan(sorted[0]?.path ?? dir), `version ${id} has no front matter`, "start index.md with a YAML block between --- lines giving document, version, status, published, source and paraphrase");
  }

  const seen = new Map<string, Clause>();
  for (const c of clauses) {
    const prior = seen.get(c.number);
    if (prior !== undefined) {
      report("TMAD1004", c.span, `clause ${c.number} is defined twice (first at ${prior.span.file}:${prior.span.start.line})`, "give each clause heading a unique number");
    } else seen.set(c.number, c);
  }

  return { id, dir, ...(meta === undefined ? {} : { meta }), clauses, blocks, files: sorted };
}

function toBlock(node: Code, file: string, lines: readonly string[], clause: string | undefined, version: string): RuleBlock {
  const fenceLine = node.position!.start.line;
  const contentLines = node.value === "" ? [] : node.value.split("\n");
  const columnOffsets = contentLines.map((content, i) => {
    const raw = lines[fenceLine + i] ?? "";
    // remark strips the fence's indentation (and any container prefix); what is left ends the raw line.
    return raw.endsWith(content) ? raw.length - content.length : 0;
  });
  const kind: BlockKind = node.lang === "tmad-example" ? "example" : "rules";
  const block = { kind, file, version, code: node.value, firstLine: fenceLine + 1, columnOffsets, span: spanOf(node, file) };
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

