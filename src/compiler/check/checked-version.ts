/**
 * CheckedVersion: what the check stage gives, and the only input of every later stage and tool
 * (pins, generate, analyze, the examples runner, show, diff). It holds the version's metadata,
 * clauses and sources, the consolidated declarations of its whole base chain with who replaced or
 * extended what, every resolved name and inferred type, the parameters' folded values, and the
 * examples and named installations beside its clauses. Later stages read it; none re-derive it.
 */
import type * as A from "../ast/nodes.js";
import type { ResolvedExample } from "../examples/resolve.js";
import type { Amendment, Clause, RuleBlock, SourceFile, VersionLayer, VersionMeta } from "../extract/index.js";
import type { Suppression } from "../parse/index.js";
import type { Span } from "../source/span.js";
import type { Type } from "./types.js";

/** What a name or member in an expression refers to. */
export type Ref =
  | { readonly kind: "input" }
  | { readonly kind: "variable"; readonly name: string }
  | { readonly kind: "parameter"; readonly name: string }
  | { readonly kind: "definition"; readonly name: string }
  | { readonly kind: "enumMember"; readonly enumName: string; readonly member: string }
  | { readonly kind: "field"; readonly recordName: string; readonly field: string };

export interface CheckedRule {
  readonly decl: A.RuleDecl;
  readonly id: string;
  /** The clause the rule implements (explicit `clause` line, else the heading it sits under). */
  readonly clause: string;
  /** Rules that set this rule aside when they apply, directly or through others (transitive). */
  readonly overriddenBy: readonly string[];
}

/** What kind of declaration an amendment replaced or extended. */
export type AmendedKind = "parameter" | "definition" | "rule" | "default" | "enum" | "record" | "installation";

/** One declaration of the base chain that a later version replaced or extended. */
export interface Replacement {
  readonly kind: AmendedKind;
  /** The declaration's name (`default` for the default result). */
  readonly name: string;
  readonly how: "replaced" | "extended";
  /** Id of the version that replaced or extended it. */
  readonly by: string;
  /** Where the replacement (or extension) is written. */
  readonly at: Span;
  /** Id of the version whose declaration was replaced, and where that declaration is written. */
  readonly from: string;
  readonly replaced: Span;
}

/** A parameter's value, folded where it is arithmetic on literals and other parameters. */
export type ConstantValue = number | string | boolean | null | readonly ConstantValue[];

/** A key for a declaration in dependency maps: `parameter x`, `definition y`, `rule z`. */
export type DeclarationKey = `${"parameter" | "definition" | "rule"} ${string}`;

export interface CheckedVersion {
  // ---- The version and its sources
  /** The version's id (its directory name), e.g. `tmad-20.v2`. */
  readonly id: string;
  readonly dir: string;
  readonly meta: VersionMeta;
  /** The consolidated clauses, in document order. */
  readonly clauses: readonly Clause[];
  /** Every Markdown file of the version and its base chain: the source map back to the text. */
  readonly files: readonly SourceFile[];
  /** Every fenced block (rules and examples), consolidated, with the version each comes from. */
  readonly blocks: readonly RuleBlock[];
  /** The base chain, oldest first, ending with this version. */
  readonly layers: readonly VersionLayer[];
  /** For an amending version: the clauses it inserted, substituted and repealed. */
  readonly amendment?: Amendment;
  /** Declarations of the base chain replaced or extended by a later version, in source order. */
  readonly replacements: readonly Replacement[];
  /** The review pins beside the version's rules, when the caller gave them. */
  readonly pins?: { readonly path: string; readonly text?: string };
  /** `-- allow CODE SUBJECT: reason` comments of the rule blocks. */
  readonly suppressions: readonly Suppression[];
  /** The `tmad-example` blocks, resolved. */
  readonly examples: readonly ResolvedExample[];
  /** Every named installation (`define:` blocks), resolved, by name. */
  readonly installations: ReadonlyMap<string, unknown>;

  // ---- The consolidated program
  readonly enums: readonly A.EnumDecl[];
  readonly records: readonly A.RecordDecl[];
  readonly identifiers: readonly A.IdentifierDecl[];
  readonly input: A.InputDecl;
  readonly inputRecord: A.RecordDecl;
  readonly decision: A.DecisionDecl;
  /** In dependency order. */
  readonly parameters: readonly A.ParameterDecl[];
  /** In dependency order. */
  readonly definitions: readonly A.DefinitionDecl[];
  readonly rules: readonly CheckedRule[];
  readonly defaultResult?: { readonly decl: A.DefaultDecl; readonly clause?: string };
  /** Direct precedence edges as written: `winner` sets `loser` aside. */
  readonly precedence: readonly { readonly winner: string; readonly loser: string }[];

  // ---- What the checker established
  /** The type of every expression. */
  readonly types: ReadonlyMap<A.Expr, Type>;
  /** What every name, member and call refers to. */
  readonly refs: ReadonlyMap<A.Expr, Ref>;
  /** Paths whose declared type is optional but that a presence check has narrowed here. */
  readonly narrowed: ReadonlySet<A.Expr>;
  /** Record and decision fields' types, by record name then field name. */
  readonly fieldTypes: ReadonlyMap<string, ReadonlyMap<string, Type>>;
  /** Default values of record fields an amendment added (read when a record lacks the field). */
  readonly fieldDefaults: ReadonlyMap<string, ReadonlyMap<string, A.Expr>>;
  readonly parameterTypes: ReadonlyMap<string, Type>;
  /** Each definition's parameters' types, in order. */
  readonly definitionParameterTypes: ReadonlyMap<string, readonly Type[]>;
  /** Each definition's result type (declared, else inferred). */
  readonly definitionTypes: ReadonlyMap<string, Type>;
  /** Each parameter's value, where it folds (arithmetic on literals and other parameters). */
  readonly constants: ReadonlyMap<string, ConstantValue>;
  /** The parameters and definitions each parameter, definition and rule uses directly. */
  readonly dependencies: ReadonlyMap<DeclarationKey, readonly DeclarationKey[]>;
}
