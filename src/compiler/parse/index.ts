/**
 * Stage 2, parse: RuleBlock[] → Program (AST).
 *
 * Lexes and parses every `tmad` block of a version with the syntax-only grammar in grammar/, then
 * turns each CST into AST nodes whose spans are in the Markdown file's coordinates. Lexer and
 * parser errors become diagnostics (TMAD2xxx); the parser recovers, so every syntax error of a
 * block is reported in one run, and the declarations that did parse are kept.
 */
import type { CstNode, IToken } from "chevrotain";
import { ruleParser } from "../../../grammar/parser.js";
import { RuleLexer } from "../../../grammar/tokens.js";
import type * as A from "../ast/nodes.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { RuleBlock } from "../extract/index.js";
import { joinSpans, type Span } from "../source/span.js";

export interface ParseResult {
  readonly program: A.Program;
  readonly diagnostics: Diagnostic[];
}

export function parseBlocks(blocks: readonly RuleBlock[]): ParseResult {
  const declarations: A.Declaration[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const block of blocks) {
    if (block.kind !== "rules") continue;
    const result = parseBlock(block);
    declarations.push(...result.declarations);
    diagnostics.push(...result.diagnostics);
  }
  return { program: { declarations }, diagnostics };
}

export function parseBlock(block: RuleBlock): { declarations: A.Declaration[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const map = new BlockMap(block);
  const lexed = RuleLexer.tokenize(block.code);
  for (const e of lexed.errors) {
    const span = map.point(e.line ?? 1, e.column ?? 1, e.length);
    const ch = block.code.slice(e.offset, e.offset + 1);
    if (ch === '"') {
      diagnostics.push(diagnostic("TMAD2002", span, "text literal is not closed on its line", 'end the text with `"`; write `\\"` for a quote inside it'));
    } else {
      diagnostics.push(diagnostic("TMAD2001", span, `unexpected character '${ch}'`, "remove it; comments start with `--`"));
    }
  }
  ruleParser.input = lexed.tokens;
  const cst = ruleParser.document();
  for (const e of ruleParser.errors) {
    const t = e.token;
    const span = Number.isNaN(t.startLine ?? Number.NaN) || t.startLine === undefined ? map.endOfBlock() : map.token(t);
    diagnostics.push(diagnostic("TMAD2003", span, e.message, syntaxHint(e.message)));
  }
  const builder = new AstBuilder(map, block, lexed.groups["comments"] ?? []);
  const declarations: A.Declaration[] = [];
  for (const d of children(cst, "declaration")) {
    const decl = builder.declaration(d);
    if (decl !== undefined) declarations.push(decl);
  }
  return { declarations, diagnostics };
}

function syntaxHint(message: string): string {
  if (message.includes("'then'")) return "a rule reads `rule name`, optional `clause N`, `when condition`, `then field = value, …`";
  if (message.includes("'='")) return "write `field = value`";
  if (message.includes("a name")) return "names start with a letter; keywords such as `rule` or `when` cannot be names";
  return "see grammar/README.md for the form of each declaration";
}

/** Maps positions in a block's code to positions in its Markdown file. */
class BlockMap {
  constructor(private readonly block: RuleBlock) {}

  point(line: number, column: number, length = 1): Span {
    const start = this.position(line, column);
    return { file: this.block.file, start, end: { line: start.line, column: start.column + Math.max(length, 1) } };
  }

  token(t: IToken): Span {
    const start = this.position(t.startLine ?? 1, t.startColumn ?? 1);
    const end = this.position(t.endLine ?? t.startLine ?? 1, (t.endColumn ?? t.startColumn ?? 1) + 1);
    return { file: this.block.file, start, end };
  }

  between(first: IToken, last: IToken): Span {
    const a = this.token(first);
    const b = this.token(last);
    return { file: this.block.file, start: a.start, end: b.end };
  }

  /** An empty span just after the block's last character (where a missing token was expected). */
  endOfBlock(): Span {
    const lines = this.block.code.split("\n");
    const at = this.position(Math.max(lines.length, 1), (lines[lines.length - 1]?.length ?? 0) + 1);
    return { file: this.block.file, start: at, end: at };
  }

  private position(line: number, column: number): { line: number; column: number } {
    const offset = this.block.columnOffsets[line - 1] ?? 0;
    return { line: this.block.firstLine + line - 1, column: column + offset };
  }
}

// ---------------------------------------------------------------------------------------------
// CST access helpers: the CST's children are keyed by rule or token name.

type Child = CstNode | IToken;

function isToken(c: Child): c is IToken {
  return (c as IToken).image !== undefined;
}

function children(node: CstNode, key: string): CstNode[] {
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
function allTokens(node: CstNode): IToken[] {
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

/** Thrown only inside the builder when recovery left a node incomplete; caught per declaration. */
class Incomplete extends Error {}

function need<T>(value: T | undefined): T {
  if (value === undefined) throw new Incomplete();
  return value;
}

function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(["\\nt])/g, (_m, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
}

class AstBuilder {
  private readonly comments: IToken[];

  constructor(
    private readonly map: BlockMap,
    private readonly block: RuleBlock,
    comments: IToken[],
  ) {
    this.comments = [...comments].sort((a, b) => a.startOffset - b.startOffset);
  }

  declaration(node: CstNode): A.Declaration | undefined {
    try {
      const inner = need(Object.values(node.children)[0]?.[0]) as CstNode;
      switch (inner.name) {
        case "enumDecl":
          return this.enumDecl(inner);
        case "recordDecl": {
          const dated = child(inner, "datedBy");
          const fields = children(inner, "field").map((f) => this.field(f));
          return { kind: "RecordDecl", ...this.declBase(inner), ...(dated === undefined ? {} : { datedBy: this.name(need(token(dated, "FieldName"))) }), fields };
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
    } catch (e) {
      if (e instanceof Incomplete) return undefined; // its syntax error is already reported
      throw e;
    }
  }

  private span(node: CstNode): Span {
    const ts = allTokens(node);
    if (ts.length === 0) return this.map.endOfBlock();
    return this.map.between(ts[0], ts[ts.length - 1]);
  }

  private name(t: IToken): A.Name {
    return { text: t.image, span: this.map.token(t) };
  }

  private context(): A.ClauseContext {
    return this.block.clause === undefined ? { file: this.block.file } : { clause: this.block.clause, file: this.block.file };
  }

  /** Comment lines that end right above the declaration's first line form its doc. */
  private doc(node: CstNode): string | undefined {
    const first = allTokens(node)[0];
    if (first === undefined) return undefined;
    const lines: string[] = [];
    let expected = (first.startLine ?? 0) - 1;
    for (let i = this.comments.length - 1; i >= 0; i--) {
      const c = this.comments[i];
      if (c.startOffset >= first.startOffset) continue;
      if (c.startLine !== expected || this.block.code.split("\n")[expected - 1]?.trimStart() !== c.image) break; // a comment after code documents that code
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
    const t = need(allTokens(numberNode)[0]);
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
      const image = need(allTokens(op)[0]).image as A.BinaryOperator;
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
    if (clauseNumber !== undefined) return { kind: "ClauseLiteral", number: need(allTokens(clauseNumber)[0]).image, span };
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
