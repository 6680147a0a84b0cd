/**
 * The rule language's abstract syntax: what the parse stage gives and the check stage takes.
 * Every node has a `kind` discriminant and a required Span in Markdown-file coordinates.
 * Nodes are plain readonly data; `equalIgnoringSpans` compares them the way the version diff needs.
 */
import type { Span } from "../source/span.js";

export interface Name {
  readonly text: string;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Types as written

export type ScalarTypeName = "boolean" | "integer" | "decimal" | "text" | "date" | "datetime" | "clause";

export type TypeExpr =
  | { readonly kind: "ScalarType"; readonly name: ScalarTypeName; readonly span: Span }
  | { readonly kind: "NamedType"; readonly name: Name; readonly span: Span }
  | { readonly kind: "ListType"; readonly element: TypeExpr; readonly span: Span }
  | { readonly kind: "OptionalType"; readonly inner: TypeExpr; readonly span: Span };

// ---------------------------------------------------------------------------------------------
// Expressions

export type BinaryOperator = "and" | "or" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/";
export type Quantifier = "some" | "every" | "no" | "count";
export type Aggregate = "min" | "max" | "sum";

export type Expr =
  | { readonly kind: "BooleanLiteral"; readonly value: boolean; readonly span: Span }
  | { readonly kind: "NumberLiteral"; readonly text: string; readonly isDecimal: boolean; readonly span: Span }
  | { readonly kind: "TextLiteral"; readonly value: string; readonly span: Span }
  | { readonly kind: "DateLiteral"; readonly text: string; readonly span: Span }
  | { readonly kind: "DateTimeLiteral"; readonly text: string; readonly span: Span }
  | { readonly kind: "ClauseLiteral"; readonly number: string; readonly span: Span }
  | { readonly kind: "NameRef"; readonly name: Name; readonly span: Span }
  /** `Cohort.IOC`, written with the enum's name to avoid ambiguity. */
  | { readonly kind: "MemberAccess"; readonly object: Expr; readonly member: Name; readonly span: Span }
  | { readonly kind: "Call"; readonly callee: Name; readonly args: readonly Expr[]; readonly span: Span }
  | { readonly kind: "Unary"; readonly operator: "not" | "-"; readonly operand: Expr; readonly span: Span }
  | { readonly kind: "Binary"; readonly operator: BinaryOperator; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: "Membership"; readonly negated: boolean; readonly element: Expr; readonly set: readonly Expr[]; readonly span: Span }
  | { readonly kind: "Presence"; readonly negated: boolean; readonly operand: Expr; readonly span: Span }
  | { readonly kind: "Otherwise"; readonly value: Expr; readonly fallback: Expr; readonly span: Span }
  | { readonly kind: "If"; readonly condition: Expr; readonly then: Expr; readonly else: Expr; readonly span: Span }
  | {
      readonly kind: "Quantified";
      readonly quantifier: Quantifier;
      readonly variable: Name;
      readonly collection: Expr;
      readonly filter?: Expr;
      readonly predicate?: Expr;
      readonly span: Span;
    }
  | {
      readonly kind: "Aggregated";
      readonly aggregate: Aggregate;
      readonly value: Expr;
      readonly variable: Name;
      readonly collection: Expr;
      readonly filter?: Expr;
      readonly span: Span;
    }
  | {
      readonly kind: "Collect";
      readonly value: Expr;
      readonly variable: Name;
      readonly collection: Expr;
      readonly filter?: Expr;
      readonly span: Span;
    }
  | { readonly kind: "ListLiteral"; readonly elements: readonly Expr[]; readonly span: Span }
  | { readonly kind: "DaysBetween"; readonly from: Expr; readonly to: Expr; readonly span: Span };

// ---------------------------------------------------------------------------------------------
// Declarations

export interface EnumMember {
  readonly name: Name;
  readonly label?: string;
  readonly span: Span;
}

export interface Field {
  readonly name: Name;
  readonly type: TypeExpr;
  /** Decision fields, and record fields an amendment adds, may have a default value. */
  readonly defaultValue?: Expr;
  /** `dated by f otherwise v` (record fields only): before the date in `f`, the value was `v`. */
  readonly dated?: FieldDating;
  readonly span: Span;
}

/** The field whose date says since when a field's value holds, and the value before it. */
export interface FieldDating {
  readonly by: Name;
  /** A literal, or another field of the same record; absent: the field was absent before. */
  readonly otherwise?: Expr;
  readonly span: Span;
}

export interface Param {
  readonly name: Name;
  readonly type: TypeExpr;
  readonly span: Span;
}

export interface Assignment {
  readonly field: Name;
  readonly value: Expr;
  readonly span: Span;
}

export interface CheckDigit {
  readonly weights: readonly number[];
  readonly moduli: readonly number[];
  readonly span: Span;
}

/** Where a declaration sits in the legal text: the clause heading its block is under. */
export interface ClauseContext {
  /** Clause number of the heading, e.g. `4.26A`; absent for blocks under non-clause headings. */
  readonly clause?: string;
  readonly file: string;
  /**
   * Id of the version (of an amendment's base chain) whose file holds the declaration; absent for
   * a block compiled on its own, which counts as the version being compiled.
   */
  readonly version?: string;
}

/** What the parser knows of how a declaration was written, beyond its syntax tree. */
interface Written {
  readonly span: Span;
  readonly context: ClauseContext;
  /** Comments (`--`) immediately above the declaration, joined: kept for generated JSDoc. */
  readonly doc?: string;
  /**
   * `replace …`: the declaration deliberately replaces the base version's declaration of the same
   * name (the span of the `replace` keyword).
   */
  readonly replaces?: Span;
  /**
   * The parser recovered from a syntax error inside this declaration, so parts of it may be
   * guesses: the checker registers its name but reports nothing about its insides.
   */
  readonly recovered?: boolean;
}

interface DeclBase extends Written {
  readonly name: Name;
}

export interface EnumDecl extends DeclBase {
  readonly kind: "EnumDecl";
  readonly members: readonly EnumMember[];
}

export interface RecordDecl extends DeclBase {
  readonly kind: "RecordDecl";
  /** `record Attempt dated by at`: an element of a list of these is a fact known from that date. */
  readonly datedBy?: Name;
  readonly fields: readonly Field[];
}

export interface IdentifierDecl extends DeclBase {
  readonly kind: "IdentifierDecl";
  readonly pattern: { readonly value: string; readonly span: Span };
  readonly checkDigit?: CheckDigit;
}

/** `input installation: Installation identified by id`: the record every evaluation takes. */
export interface InputDecl extends DeclBase {
  readonly kind: "InputDecl";
  readonly type: Name;
  readonly key: Name;
}

export interface DecisionDecl extends DeclBase {
  readonly kind: "DecisionDecl";
  readonly fields: readonly Field[];
}

export interface ParameterDecl extends DeclBase {
  readonly kind: "ParameterDecl";
  readonly type: TypeExpr;
  readonly value: Expr;
}

export interface DefinitionDecl extends DeclBase {
  readonly kind: "DefinitionDecl";
  readonly params: readonly Param[];
  readonly type?: TypeExpr;
  readonly body: Expr;
}

export interface ClauseRef {
  readonly number: string;
  readonly span: Span;
}

export interface RuleDecl extends DeclBase {
  readonly kind: "RuleDecl";
  /** Explicit `clause` line; when absent the rule implements the clause it sits under. */
  readonly clause?: ClauseRef;
  /** `source "…"`: where in the source document the rule comes from. */
  readonly source?: { readonly value: string; readonly span: Span };
  readonly condition: Expr;
  readonly result: readonly Assignment[];
  /** `unless r1, r2`: rules that, when they apply, set this rule aside. */
  readonly unless: readonly Name[];
  /** `overrides r1, r2`: rules this rule sets aside when it applies. */
  readonly overrides: readonly Name[];
}

/** `default`: the result when no rule applies. At most one per version. */
export interface DefaultDecl extends Written {
  readonly kind: "DefaultDecl";
  readonly clause?: ClauseRef;
  readonly result: readonly Assignment[];
}

/** `extend enum Name  MEMBER …`: an amendment adds members to its base's enum. */
export interface EnumExtension extends DeclBase {
  readonly kind: "EnumExtension";
  readonly members: readonly EnumMember[];
}

/**
 * `extend record Name  field: T …`: an amendment adds fields to its base's record. Each must be
 * optional or have a default, so records written before the amendment stay valid.
 */
export interface RecordExtension extends DeclBase {
  readonly kind: "RecordExtension";
  readonly fields: readonly Field[];
}

export type NamedDecl =
  | EnumDecl
  | RecordDecl
  | IdentifierDecl
  | InputDecl
  | DecisionDecl
  | ParameterDecl
  | DefinitionDecl
  | RuleDecl;

export type Extension = EnumExtension | RecordExtension;

export type Declaration = NamedDecl | DefaultDecl | Extension;

/** One version's rule source: all declarations of all its rule blocks, in document order. */
export interface Program {
  readonly declarations: readonly Declaration[];
}

/**
 * The value a scalar literal stands for (numbers as numbers, dates and clause numbers as their
 * text); undefined for any other expression. One reading for every stage that folds or compares.
 */
export function literalValue(e: Expr): number | string | boolean | undefined {
  switch (e.kind) {
    case "BooleanLiteral":
      return e.value;
    case "NumberLiteral":
      return Number(e.text);
    case "TextLiteral":
      return e.value;
    case "DateLiteral":
    case "DateTimeLiteral":
      return e.text;
    case "ClauseLiteral":
      return e.number;
    default:
      return undefined;
  }
}
