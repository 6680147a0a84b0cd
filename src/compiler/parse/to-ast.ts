/**
 * CST → AST: turns the Chevrotain CST of one rule block into AST declarations whose spans are in
 * the Markdown file's coordinates. A declaration the parser could not complete (recovery left a part
 * missing) becomes a placeholder of its kind, with its name and marked `recovered`, so the checker
 * knows the name without judging its guessed insides.
 */
import type { CstNode, IToken } from "chevrotain";
import type * as A from "../ast/nodes.js";
import type { RuleBlock } from "../extract/index.js";
import { joinSpans, type Span } from "../source/span.js";
import type { BlockMap } from "./block-map.js";

// CST access helpers: the CST's children are keyed by rule or token name.

type Child = CstNode | IToken;

export function isToken(c: Child): c is IToken {
  return (c as IToken).image !== undefined;
}

export function children(node: CstNode, key: string): CstNode[] {
  return (node.children[key] ?? []).filter((c): c is CstNode => !isToken(c));
}

function child(node: CstNode, key: string): CstNode | undefined {
  return children(node, key)[0];
}

function tokens(node: CstNode, key: string): IToken[] {
  return (node.children[key] ?? []).filter(isToken).filter((t) => !t.isInsertedInRecovery);
}

function token(node: CstNode, key: string): IToken | undefined {
  return tokens(node, key)[0];
}

/** All tokens under a node, in source order: for spans. */
export function allTokens(node: CstNode): IToken[] {
  const out: IToken[] = [];
  const walk = (n: CstNode): void => {
    for (const list of Object.values(n.children)) {
      for (const c of list) {
        if (isToken(c)) {
          if (!c.isInsertedInRecovery && !Number.isNaN(c.startOffset)) out.push(c);
        } else walk(c);
      }
    }
  };
  walk(node);
  return out.sort((a, b) => a.startOffset - b.startOffset);
}

const bounds = new WeakMap<CstNode, { readonly first?: IToken; readonly last?: IToken }>();

/**
 * The first and the last token of a node that the parser did not insert in recovery: what
 * `allTokens(node)` begins and ends with, found once per node (a span is asked of every node of
 * an expression; collecting and sorting its tokens each time was quadratic in a long condition).
 */
export function tokenBounds(node: CstNode): { readonly first?: IToken; readonly last?: IToken } {
  const known = bounds.get(node);
  if (known !== undefined) return known;
  let first: IToken | undefined;
  let last: IToken | undefined;
  // Indexed loops over `for … in`: this visits every node of every block, and Object.values and
  // iterators allocated per node cost more than the comparisons.
  const children = node.children;
  for (const key in children) {
    const list = children[key]!;
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      let f: IToken | undefined;
      let l: IToken | undefined;
      if (isToken(c)) {
        if (c.isInsertedInRecovery || Number.isNaN(c.startOffset)) continue;
        f = l = c;
      } else {
        const b = tokenBounds(c);
        f = b.first;
        l = b.last;
      }
      if (f !== undefined && (first === undefined || f.startOffset < first.startOffset)) first = f;
      if (l !== undefined && (last === undefined || l.startOffset > last.startOffset)) last = l;
    }
  }
  const b = first === undefined ? NO_TOKENS : last === undefined ? { first } : { first, last };
  bounds.set(node, b);
  return b;
}

const NO_TOKENS: { readonly first?: IToken; readonly last?: IToken } = {};

/** Thrown only inside the builder when recovery left a node incomplete; caught per declaration. */
class Incomplete extends Error {}

/** The grammar rule each declaration keyword starts. */
const DECLARATION_RULES: Readonly<Record<string, string>> = {
  Enum: "enumDecl",
  Record: "recordDecl",
  IdentifierKw: "identifierDecl",
  Input: "inputDecl",
  Decision: "decisionDecl",
  Parameter: "parameterDecl",
  Definition: "definitionDecl",
  Rule: "ruleDecl",
  Default: "defaultDecl",
};

function need<T>(value: T | undefined): T {
  if (value === undefined) throw new Incomplete();
  return value;
}

function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(["\\nt])/g, (_m, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
}

export class AstBuilder {
  private readonly comments: IToken[];
  private readonly lines: string[];

  constructor(
    private readonly map: BlockMap,
    private readonly block: RuleBlock,
    comments: IToken[],
  ) {
    this.comments = [...comments].sort((a, b) => a.startOffset - b.startOffset);
    this.lines = block.code.split("\n");
  }

  /**
   * The AST of one `declaration` CST node; `recovered` when the parser recovered inside it. When
   * recovery left a required part missing, a placeholder with the declaration's name (if it has
   * one) stands in; undefined when not even a name can be read.
   */
  declaration(node: CstNode, recovered: boolean): A.Declaration | undefined {
    const outer = Object.values(node.children)[0]?.[0];
    if (outer === undefined || isToken(outer)) return undefined;
    let inner: CstNode = outer;
    let replaces: Span | undefined;
    let extension = false;
    if (outer.name === "replaceDecl" || outer.name === "extendDecl") {
      const keyword = token(outer, outer.name === "replaceDecl" ? "Replace" : "Extend");
      const nested = Object.entries(outer.children).find(([k]) => k !== "Replace" && k !== "Extend")?.[1][0];
      if (nested === undefined || isToken(nested)) return undefined;
      inner = nested;
      if (outer.name === "replaceDecl" && keyword !== undefined) replaces = this.map.token(keyword);
      extension = outer.name === "extendDecl";
    }
    const marks = { ...(replaces === undefined ? {} : { replaces }), ...(recovered ? { recovered: true } : {}) };
    try {
      const decl = this.build(inner, extension);
      if (decl === undefined) return undefined;
      // A replacement's span starts at `replace`, so the whole declaration reads back.
      const span = replaces === undefined && !extension ? decl.span : this.span(outer);
      return { ...decl, span, ...marks } as A.Declaration;
    } catch (e) {
      if (!(e instanceof Incomplete)) throw e;
      const placeholder = this.placeholder(inner, extension);
      return placeholder === undefined ? undefined : ({ ...placeholder, span: this.span(outer), ...marks, recovered: true } as A.Declaration);
    }
  }

  private build(inner: CstNode, extension: boolean): A.Declaration | undefined {
    switch (inner.name) {
      case "enumDecl": {
        const e = this.enumDecl(inner);
        return extension ? { ...e, kind: "EnumExtension" } : e;
      }
      case "recordDecl": {
        const dated = child(inner, "datedBy");
        const fields = children(inner, "field").map((f) => this.field(f));
        const r = { kind: "RecordDecl" as const, ...this.declBase(inner), ...(dated === undefined ? {} : { datedBy: this.name(need(token(dated, "FieldName"))) }), fields };
        return extension ? { ...r, kind: "RecordExtension" } : r;
      }
      case "identifierDecl":
        return this.identifierDecl(inner);
      case "inputDecl": {
        const names = tokens(inner, "Identifier");
        return { kind: "InputDecl", ...this.declBase(inner), type: this.name(need(names[1])), key: this.name(need(token(inner, "FieldName"))) };
      }
      case "decisionDecl":
        return { kind: "DecisionDecl", ...this.declBase(inner), fields: children(inner, "field").map((f) => this.field(f)) };
      case "parameterDecl":
        return { kind: "ParameterDecl", ...this.declBase(inner), type: this.typeExpr(need(child(inner, "typeExpr"))), value: this.expression(need(child(inner, "expression"))) };
      case "definitionDecl":
        return this.definitionDecl(inner);
      case "ruleDecl":
        return this.ruleDecl(inner);
      case "defaultDecl":
        return this.defaultDecl(inner);
      default:
        return undefined;
    }
  }

  /**
   * A stand-in for a declaration recovery left incomplete: its kind and name, neutral insides. The
   * checker registers the name (so uses of it elsewhere are not reported as unknown) and nothing more.
   */
  private placeholder(inner: CstNode, extension: boolean): A.Declaration | undefined {
    return this.stub(inner.name, token(inner, "Identifier"), this.span(inner), extension);
  }

  /** The placeholder of a declaration whose tokens were not parsed at all (nested too deep). */
  placeholderOf(tokens: readonly IToken[]): A.Declaration | undefined {
    const first = tokens[0];
    if (first === undefined) return undefined;
    const prefix = first.tokenType.name === "Replace" || first.tokenType.name === "Extend" ? 1 : 0;
    const rule = DECLARATION_RULES[tokens[prefix]?.tokenType.name ?? ""];
    if (rule === undefined) return undefined;
    const name = tokens[prefix + 1]?.tokenType.name === "Identifier" ? tokens[prefix + 1] : undefined;
    const decl = this.stub(rule, name, this.map.between(first, tokens[tokens.length - 1]), first.tokenType.name === "Extend");
    if (decl === undefined) return undefined;
    return { ...decl, recovered: true, ...(first.tokenType.name === "Replace" ? { replaces: this.map.token(first) } : {}) } as A.Declaration;
  }

  private stub(rule: string, nameToken: IToken | undefined, span: Span, extension: boolean): A.Declaration | undefined {
    const context = this.context();
    if (rule === "defaultDecl") return { kind: "DefaultDecl", result: [], span, context };
    if (nameToken === undefined) return undefined;
    const base = { name: this.name(nameToken), span, context };
    const none: A.Expr = { kind: "BooleanLiteral", value: false, span };
    const anyType: A.TypeExpr = { kind: "ScalarType", name: "boolean", span };
    switch (rule) {
      case "enumDecl":
        return { kind: extension ? "EnumExtension" : "EnumDecl", ...base, members: [] };
      case "recordDecl":
        return { kind: extension ? "RecordExtension" : "RecordDecl", ...base, fields: [] };
      case "identifierDecl":
        return { kind: "IdentifierDecl", ...base, pattern: { value: "", span } };
      case "inputDecl":
        return { kind: "InputDecl", ...base, type: base.name, key: base.name };
      case "decisionDecl":
        return { kind: "DecisionDecl", ...base, fields: [] };
      case "parameterDecl":
        return { kind: "ParameterDecl", ...base, type: anyType, value: none };
      case "definitionDecl":
        return { kind: "DefinitionDecl", ...base, params: [], body: none };
      case "ruleDecl":
        return { kind: "RuleDecl", ...base, condition: none, result: [], unless: [], overrides: [] };
      default:
        return undefined;
    }
  }

  private span(node: CstNode): Span {
    const { first, last } = tokenBounds(node);
    if (first === undefined || last === undefined) return this.map.endOfBlock();
    return this.map.between(first, last);
  }

  private name(t: IToken): A.Name {
    return { text: t.image, span: this.map.token(t) };
  }

  private context(): A.ClauseContext {
    return {
      ...(this.block.clause === undefined ? {} : { clause: this.block.clause }),
      file: this.block.file,
      ...(this.block.version === undefined ? {} : { version: this.block.version }),
    };
  }

  /** Comment lines that end right above the declaration's first line form its doc. */
  private doc(node: CstNode): string | undefined {
    const first = tokenBounds(node).first;
    if (first === undefined) return undefined;
    const lines: string[] = [];
    let expected = (first.startLine ?? 0) - 1;
    for (let i = this.comments.length - 1; i >= 0; i--) {
      const c = this.comments[i];
      if (c.startOffset >= first.startOffset) continue;
      if (c.startLine !== expected || this.lines[expected - 1]?.trimStart() !== c.image) break; // a comment after code documents that code
      lines.unshift(c.image.replace(/^--\s?/, "").trimEnd());
      expected--;
    }
    return lines.length > 0 ? lines.join("\n") : undefined;
  }

  private declBase(node: CstNode): { name: A.Name; span: Span; context: A.ClauseContext; doc?: string } {
    const nameToken = need(token(node, "Identifier"));
    const doc = this.doc(node);
    const base = { name: this.name(nameToken), span: this.span(node), context: this.context() };
    return doc === undefined ? base : { ...base, doc };
  }

  private enumDecl(node: CstNode): A.EnumDecl {
    const members = children(node, "enumMember").map((m): A.EnumMember => {
      const id = need(token(m, "Identifier"));
      const label = token(m, "TextLiteral");
      const member = { name: this.name(id), span: this.span(m) };
      return label === undefined ? member : { ...member, label: unquote(label.image) };
    });
    return { kind: "EnumDecl", ...this.declBase(node), members };
  }

  private identifierDecl(node: CstNode): A.IdentifierDecl {
    const pattern = need(token(node, "TextLiteral"));
    const base = { kind: "IdentifierDecl" as const, ...this.declBase(node), pattern: { value: unquote(pattern.image), span: this.map.token(pattern) } };
    const check = token(node, "Checkdigit");
    if (check === undefined) return base;
    const ints = tokens(node, "IntegerLiteral").sort((a, b) => a.startOffset - b.startOffset);
    const mods = tokens(node, "Mod");
    const firstMod = mods[0]?.startOffset ?? Number.POSITIVE_INFINITY;
    const weights = ints.filter((t) => t.startOffset < firstMod).map((t) => Number(t.image));
    const moduli = ints.filter((t) => t.startOffset > firstMod).map((t) => Number(t.image));
    const last = ints[ints.length - 1] ?? check;
    return { ...base, checkDigit: { weights, moduli, span: this.map.between(check, last) } };
  }

  private definitionDecl(node: CstNode): A.DefinitionDecl {
    const params = children(node, "param").map((p): A.Param => ({
      name: this.name(need(token(p, "Identifier"))),
      type: this.typeExpr(need(child(p, "typeExpr"))),
      span: this.span(p),
    }));
    const type = child(node, "typeExpr");
    const base = { kind: "DefinitionDecl" as const, ...this.declBase(node), params, body: this.expression(need(child(node, "expression"))) };
    return type === undefined ? base : { ...base, type: this.typeExpr(type) };
  }

  private clauseRef(node: CstNode | undefined): A.ClauseRef | undefined {
    if (node === undefined) return undefined;
    const numberNode = need(child(node, "clauseNumber"));
    const t = need(tokenBounds(numberNode).first);
    return { number: t.image, span: this.map.token(t) };
  }

  private ruleDecl(node: CstNode): A.RuleDecl {
    const unless: A.Name[] = [];
    const overrides: A.Name[] = [];
    // `unless` / `overrides` keywords and their name lists alternate in source order.
    const keywords = [...tokens(node, "Unless"), ...tokens(node, "Overrides")].sort((a, b) => a.startOffset - b.startOffset);
    const lists = children(node, "ruleNames");
    lists.forEach((list, i) => {
      const target = keywords[i]?.tokenType.name === "Overrides" ? overrides : unless;
      for (const t of tokens(list, "Identifier")) target.push(this.name(t));
    });
    const clause = this.clauseRef(child(node, "clauseLine"));
    const source = token(node, "TextLiteral");
    const rule: A.RuleDecl = {
      kind: "RuleDecl",
      ...this.declBase(node),
      condition: this.expression(need(child(node, "expression"))),
      result: this.assignments(need(child(node, "assignments"))),
      unless,
      overrides,
      ...(clause === undefined ? {} : { clause }),
      ...(source === undefined ? {} : { source: { value: unquote(source.image), span: this.map.token(source) } }),
    };
    return rule;
  }

  private defaultDecl(node: CstNode): A.DefaultDecl {
    const clause = this.clauseRef(child(node, "clauseLine"));
    const doc = this.doc(node);
    return {
      kind: "DefaultDecl",
      result: this.assignments(need(child(node, "assignments"))),
      span: this.span(node),
      context: this.context(),
      ...(clause === undefined ? {} : { clause }),
      ...(doc === undefined ? {} : { doc }),
    };
  }

  private assignments(node: CstNode): A.Assignment[] {
    return children(node, "assignment").map((a) => ({
      field: this.name(need(token(a, "FieldName"))),
      value: this.expression(need(child(a, "expression"))),
      span: this.span(a),
    }));
  }

  private field(node: CstNode): A.Field {
    const def = child(node, "expression");
    const field = { name: this.name(need(token(node, "FieldName"))), type: this.typeExpr(need(child(node, "typeExpr"))), span: this.span(node) };
    const withDefault = def === undefined ? field : { ...field, defaultValue: this.expression(def) };
    const dated = child(node, "datedBy");
    if (dated === undefined) return withDefault;
    const otherwise = child(node, "additive");
    const dating: A.FieldDating = {
      by: this.name(need(token(dated, "FieldName"))),
      ...(otherwise === undefined ? {} : { otherwise: this.additive(otherwise) }),
      span: otherwise === undefined ? this.span(dated) : joinSpans(this.span(dated), this.span(otherwise)),
    };
    return { ...withDefault, dated: dating };
  }

  private typeExpr(node: CstNode): A.TypeExpr {
    const span = this.span(node);
    const inner = child(node, "typeExpr");
    if (token(node, "Optional") !== undefined) return { kind: "OptionalType", inner: this.typeExpr(need(inner)), span };
    if (token(node, "List") !== undefined) return { kind: "ListType", element: this.typeExpr(need(inner)), span };
    if (token(node, "Clause") !== undefined) return { kind: "ScalarType", name: "clause", span };
    const id = need(token(node, "Identifier"));
    switch (id.image) {
      case "boolean":
      case "integer":
      case "decimal":
      case "text":
      case "date":
      case "datetime":
        return { kind: "ScalarType", name: id.image, span };
      default:
        return { kind: "NamedType", name: this.name(id), span };
    }
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  expression(node: CstNode): A.Expr {
    const ifNode = child(node, "ifExpr");
    if (ifNode !== undefined) {
      const parts = children(ifNode, "expression");
      return {
        kind: "If",
        condition: this.expression(need(parts[0])),
        then: this.expression(need(parts[1])),
        else: this.expression(need(parts[2])),
        span: this.span(ifNode),
      };
    }
    return this.orExpr(need(child(node, "orExpr")));
  }

  /** Left-associative chains: `a op b op c`, operators and operands interleaved in source order. */
  private chain(node: CstNode, operandKey: string, operatorKeys: string[], operand: (n: CstNode) => A.Expr, toOperator: (image: string) => A.BinaryOperator): A.Expr {
    const operands = children(node, operandKey);
    const ops = operatorKeys.flatMap((k) => tokens(node, k)).sort((a, b) => a.startOffset - b.startOffset);
    let result = operand(need(operands[0]));
    for (let i = 1; i < operands.length; i++) {
      const right = operand(operands[i]);
      result = { kind: "Binary", operator: toOperator(need(ops[i - 1]).image), left: result, right, span: { file: result.span.file, start: result.span.start, end: right.span.end } };
    }
    return result;
  }

  private orExpr(node: CstNode): A.Expr {
    return this.chain(node, "andExpr", ["Or"], (n) => this.andExpr(n), () => "or");
  }

  private andExpr(node: CstNode): A.Expr {
    return this.chain(node, "notExpr", ["And"], (n) => this.notExpr(n), () => "and");
  }

  private notExpr(node: CstNode): A.Expr {
    const inner = child(node, "notExpr");
    if (inner !== undefined) return { kind: "Unary", operator: "not", operand: this.notExpr(inner), span: this.span(node) };
    return this.comparison(need(child(node, "comparison")));
  }

  private comparison(node: CstNode): A.Expr {
    const sides = children(node, "otherwiseExpr");
    const left = this.otherwiseExpr(need(sides[0]));
    const span = this.span(node);
    const op = child(node, "comparisonOperator");
    if (op !== undefined) {
      const image = need(tokenBounds(op).first).image as A.BinaryOperator;
      return { kind: "Binary", operator: image, left, right: this.otherwiseExpr(need(sides[1])), span };
    }
    const set = child(node, "setLiteral");
    if (set !== undefined) {
      return { kind: "Membership", negated: token(node, "Not") !== undefined, element: left, set: children(set, "additive").map((a) => this.additive(a)), span };
    }
    if (token(node, "Is") !== undefined) {
      const absent = token(node, "Absent") !== undefined;
      if (token(node, "Present") === undefined && !absent) throw new Incomplete();
      const not = token(node, "Not") !== undefined;
      return { kind: "Presence", negated: absent !== not, operand: left, span };
    }
    return left;
  }

  private otherwiseExpr(node: CstNode): A.Expr {
    const parts = children(node, "additive").map((a) => this.additive(a));
    let result = need(parts[0]);
    for (let i = 1; i < parts.length; i++) {
      result = { kind: "Otherwise", value: result, fallback: parts[i], span: { file: result.span.file, start: result.span.start, end: parts[i].span.end } };
    }
    return result;
  }

  private additive(node: CstNode): A.Expr {
    return this.chain(node, "multiplicative", ["Plus", "Minus"], (n) => this.multiplicative(n), (i) => i as A.BinaryOperator);
  }

  private multiplicative(node: CstNode): A.Expr {
    return this.chain(node, "unary", ["Star", "Slash"], (n) => this.unary(n), (i) => i as A.BinaryOperator);
  }

  private unary(node: CstNode): A.Expr {
    const inner = child(node, "unary");
    if (inner !== undefined) return { kind: "Unary", operator: "-", operand: this.unary(inner), span: this.span(node) };
    return this.postfix(need(child(node, "postfix")));
  }

  private postfix(node: CstNode): A.Expr {
    let result = this.primary(need(child(node, "primary")));
    for (const t of tokens(node, "FieldName")) {
      const member = this.name(t);
      result = { kind: "MemberAccess", object: result, member, span: { file: result.span.file, start: result.span.start, end: member.span.end } };
    }
    return result;
  }

  private binding(node: CstNode): { variable: A.Name; collection: A.Expr } {
    return { variable: this.name(need(token(node, "Identifier"))), collection: this.postfix(need(child(node, "postfix"))) };
  }

  private optionalExpr(node: CstNode | undefined): A.Expr | undefined {
    return node === undefined ? undefined : this.expression(node);
  }

  private primary(node: CstNode): A.Expr {
    const span = this.span(node);
    const first = Object.entries(node.children)[0];
    const [key, list] = need(first);
    const c = need(list[0]);
    if (isToken(c)) {
      switch (key) {
        case "True":
          return { kind: "BooleanLiteral", value: true, span };
        case "False":
          return { kind: "BooleanLiteral", value: false, span };
        case "IntegerLiteral":
          return { kind: "NumberLiteral", text: c.image, isDecimal: false, span };
        case "DecimalLiteral":
          return { kind: "NumberLiteral", text: c.image, isDecimal: true, span };
        case "TextLiteral":
          return { kind: "TextLiteral", value: unquote(c.image), span };
        case "DateLiteral":
          return { kind: "DateLiteral", text: c.image, span };
        case "DateTimeLiteral":
          return { kind: "DateTimeLiteral", text: c.image, span };
        case "Clause": {
          const n = need(allTokens(need(child(node, "clauseNumber")))[0]);
          return { kind: "ClauseLiteral", number: n.image, span };
        }
      }
      throw new Incomplete();
    }
    const clauseNumber = child(node, "clauseNumber");
    if (clauseNumber !== undefined) return { kind: "ClauseLiteral", number: need(tokenBounds(clauseNumber).first).image, span };
    switch (c.name) {
      case "nameOrCall": {
        const id = this.name(need(token(c, "Identifier")));
        if (token(c, "LParen") === undefined) return { kind: "NameRef", name: id, span };
        return { kind: "Call", callee: id, args: children(c, "expression").map((e) => this.expression(e)), span };
      }
      case "parenthesized":
        // Keep the inner node, but let its span cover the parentheses, so source text reads back whole.
        return { ...this.expression(need(child(c, "expression"))), span };
      case "listLiteral":
        return { kind: "ListLiteral", elements: children(c, "expression").map((e) => this.expression(e)), span };
      case "quantified": {
        const quantifier = need(["Some", "Every", "No", "Count"].find((k) => token(c, k) !== undefined)).toLowerCase() as A.Quantifier;
        const exprs = children(c, "expression");
        const where = token(c, "Where");
        const satisfies = token(c, "Satisfies");
        const filter = where !== undefined ? exprs[0] : undefined;
        const predicate = satisfies !== undefined ? exprs[where !== undefined ? 1 : 0] : undefined;
        const f = this.optionalExpr(filter);
        const p = this.optionalExpr(predicate);
        return { kind: "Quantified", quantifier, ...this.binding(need(child(c, "binding"))), ...(f === undefined ? {} : { filter: f }), ...(p === undefined ? {} : { predicate: p }), span };
      }
      case "aggregated": {
        const aggregate = need(["Min", "Max", "Sum"].find((k) => token(c, k) !== undefined)).toLowerCase() as A.Aggregate;
        const f = this.optionalExpr(child(c, "expression"));
        return { kind: "Aggregated", aggregate, value: this.additive(need(child(c, "additive"))), ...this.binding(need(child(c, "binding"))), ...(f === undefined ? {} : { filter: f }), span };
      }
      case "collect": {
        const f = this.optionalExpr(child(c, "expression"));
        return { kind: "Collect", value: this.additive(need(child(c, "additive"))), ...this.binding(need(child(c, "binding"))), ...(f === undefined ? {} : { filter: f }), span };
      }
      case "daysBetween": {
        const parts = children(c, "additive");
        return { kind: "DaysBetween", from: this.additive(need(parts[0])), to: this.additive(need(parts[1])), span };
      }
    }
    throw new Incomplete();
  }
}
