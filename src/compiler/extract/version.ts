/**
 * What the extract stage gives: a version's metadata, clauses and fenced blocks, consolidated with
 * its base chain, each block tied to the clause it sits under and the version whose file holds it.
 */
import type { Span } from "../source/span.js";
import type { SourceFile, VersionSource } from "../source/versions.js";
import type { ClauseNote } from "./notes.js";

export type { SourceFile } from "../source/versions.js";

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
   * Id (directory name) of the version this one is built from: its files then hold only the
   * clauses it inserts or substitutes and the declarations it replaces or extends, and `repeals`
   * lists the clauses it removes.
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
  /** Id of the version whose file holds the block (absent: the version being compiled). */
  readonly version?: string;
  readonly code: string;
  /** File line of the block's first content line (1-based). */
  readonly firstLine: number;
  /** For each content line, the 0-based file column where the block's line starts. */
  readonly columnOffsets: readonly number[];
  /** Span of the whole fence. */
  readonly span: Span;
}

/** One version directory of a chain, before consolidation. */
export interface VersionLayer {
  readonly id: string;
  readonly dir: string;
  readonly meta?: VersionMeta;
  /** Where its text came from (for tools that compile a base of the chain on its own). */
  readonly source: VersionSource;
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
  /** For an amending version: what it changed in its base, clause by clause. */
  readonly amendment?: Amendment;
  /** The chain, oldest first, ending with this version itself. */
  readonly layers: readonly VersionLayer[];
  /** The review pins beside this version's rules, when the caller gave them. */
  readonly pins?: { readonly path: string; readonly text?: string };
}

export interface Amendment {
  readonly base: string;
  readonly inserted: readonly string[];
  readonly substituted: readonly string[];
  readonly repealed: readonly string[];
}
