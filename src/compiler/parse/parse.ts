/**
 * Stage 2, parse: ExtractedVersion → ParsedVersion (the AST of every `tmad` block).
 *
 * Lexes and parses every `tmad` block with the syntax-only grammar in grammar/, then builds AST
 * declarations (to-ast.ts) whose spans are in the Markdown file's coordinates. Lexer and parser
 * errors are TMAD2xxx; the parser recovers, so every syntax error of a block is reported in one
 * run, and a declaration it recovered inside is marked `recovered` for the checker to leave alone.
 * A declaration nested deeper than the parser can safely descend is reported (TMAD2005) and stands
 * as a placeholder, so no input can exhaust the stack. The `-- allow …` comments that suppress
 * analysis findings are read here too, since they are comments of the rule blocks.
 */
import type { CstNode, ILexingError, IRecognitionException, IToken } from "chevrotain";
import { ruleParser } from "../../../grammar/parser.js";
import { RuleLexer } from "../../../grammar/tokens.js";
import type * as A from "../ast/nodes.js";
import { DiagnosticList, reporter, type Accept, type Diagnostic, type Report } from "../diagnostics/diagnostic.js";
import type { ExtractedVersion, RuleBlock } from "../extract/index.js";
import { Memo } from "../memo.js";
import type { Span } from "../source/span.js";
import { BlockMap } from "./block-map.js";
import { declarationSegments, expressionDepth, MAX_EXPRESSION_DEPTH, MAX_NESTING, nestingDepth } from "./nesting.js";
import { AstBuilder, allTokens, children, tokenBounds } from "./to-ast.js";

/** A `-- allow CODE SUBJECT: reason` comment: an analysis finding its author has looked at. */
export interface Suppression {
  readonly code: string;
  readonly subject: string;
  readonly reason: string;
  readonly span: Span;
}

export interface ParsedVersion {
  /** The extracted version the AST comes from (clauses, blocks, metadata, files). */
  readonly extracted: ExtractedVersion;
  /** Every declaration of every `tmad` block of the version, its base chain's included, in order. */
  readonly program: A.Program;
  readonly suppressions: readonly Suppression[];
}

export function parseVersion(extracted: ExtractedVersion, accept: Accept): ParsedVersion {
  const declarations: A.Declaration[] = [];
  for (const block of extracted.blocks) if (block.kind === "rules") declarations.push(...parseRuleBlock(block, accept));
  return { extracted, program: { declarations }, suppressions: suppressionsOf(extracted.blocks) };
}

/** Each block's declarations and syntax errors, by what the block is (the 256 latest). */
const parsedBlocks = new Memo<{ declarations: A.Declaration[]; diagnostics: Diagnostic[] }>(256);

/** Everything the parse of a block reads: its text and where it sits (the spans of its AST and errors). */
function blockKey(block: RuleBlock): string {
  return JSON.stringify([block.kind, block.file, block.clause ?? null, block.version ?? null, block.firstLine, block.columnOffsets, block.span, block.code]);
}

/**
 * The declarations of one `tmad` block; its syntax errors go to `accept`. Parsed once per block
 * (by its text and place, not by object): the blocks of a base chain are parsed once however many
 * versions build on them, and a version given again as new objects (the language server's re-check
 * after an edit in another file, an amendment made in memory that shares the rest of its chain, a
 * command run again in the same process) parses only the blocks whose text or place changed. The
 * AST is only read after it is built, so versions may share it.
 */
export function parseRuleBlock(block: RuleBlock, accept: Accept): A.Declaration[] {
  const r = parsedBlocks.get(blockKey(block), () => {
    const diagnostics: Diagnostic[] = [];
    return { declarations: parseBlockNow(block, (d) => diagnostics.push(d)), diagnostics };
  });
  for (const d of r.diagnostics) accept(d);
  return r.declarations;
}

function parseBlockNow(block: RuleBlock, accept: Accept): A.Declaration[] {
  const report = reporter(accept);
  const map = new BlockMap(block);
  const lexed = RuleLexer.tokenize(block.code);
  for (const e of lexed.errors) lexingError(e, block, map, report);

  // Declarations too deeply nested to parse safely are cut out before parsing (and stand as
  // placeholders below); the rest of the block parses as usual.
  let tokens = lexed.tokens;
  const tooDeep: IToken[][] = [];
  for (const segment of declarationSegments(lexed.tokens)) {
    const depth = nestingDepth(segment);
    if (depth.depth <= MAX_NESTING) continue;
    report("TMAD2005", map.token(depth.at), `this declaration nests expressions ${depth.depth} deep at this point; at most ${MAX_NESTING} levels of parentheses, \`not\`s, quantifiers and \`if\`s are read`, "split the condition into definitions, and `and` conditions side by side rather than nesting them");
    tooDeep.push(segment);
  }
  if (tooDeep.length > 0) {
    const cut = new Set(tooDeep.flat());
    tokens = tokens.filter((t) => !cut.has(t));
  }

  ruleParser.input = tokens;
  const cst = ruleParser.document();
  const errors = ruleParser.errors;
  for (const e of errors) {
    const t = e.token;
    const span = Number.isNaN(t.startLine ?? Number.NaN) || t.startLine === undefined ? map.endOfBlock() : map.token(t);
    report("TMAD2003", span, e.message, syntaxHint(e));
  }
  const builder = new AstBuilder(map, block, lexed.groups["comments"] ?? []);
  const nodes = children(cst, "declaration");
  const starts = nodes.map((n) => tokenBounds(n).first?.startOffset ?? Number.POSITIVE_INFINITY);
  const problemOffsets = [...errors.map(errorOffset), ...lexed.errors.map((e) => e.offset)];
  const declarations: A.Declaration[] = [];
  nodes.forEach((node, i) => {
    const from = starts[i];
    const to = starts[i + 1] ?? Number.POSITIVE_INFINITY;
    const last = i === nodes.length - 1;
    const recovered = problemOffsets.some((o) => (o >= from && o < to) || (last && o === Number.POSITIVE_INFINITY)) || insertedInRecovery(node);
    const decl = builder.declaration(node, recovered);
    if (decl === undefined) return;
    const deepest = expressionDepth(decl);
    if (deepest.depth > MAX_EXPRESSION_DEPTH && deepest.at !== undefined) {
      report("TMAD2005", deepest.at.span, `this expression is ${deepest.depth} levels deep; at most ${MAX_EXPRESSION_DEPTH} are compiled (a chain of \`and\` or \`or\` counts as one level, other operators one level each)`, "split the computation into definitions");
      const placeholder = builder.placeholderOf(allTokens(node));
      if (placeholder !== undefined) declarations.push(placeholder);
      return;
    }
    declarations.push(decl);
  });
  for (const segment of tooDeep) {
    const placeholder = builder.placeholderOf(segment);
    if (placeholder !== undefined) declarations.push(placeholder);
  }
  return declarations;
}

/** One block's declarations and diagnostics (for tests and tools that parse a block alone). */
export function parseBlock(block: RuleBlock): { declarations: A.Declaration[]; diagnostics: Diagnostic[] } {
  const list = new DiagnosticList();
  return { declarations: parseRuleBlock(block, list.accept), diagnostics: list.all };
}

/** The declarations of several blocks (rule blocks only) and their diagnostics. */
export function parseBlocks(blocks: readonly RuleBlock[]): { program: A.Program; diagnostics: Diagnostic[] } {
  const list = new DiagnosticList();
  const declarations = blocks.filter((b) => b.kind === "rules").flatMap((b) => parseRuleBlock(b, list.accept));
  return { program: { declarations }, diagnostics: list.all };
}

function lexingError(e: ILexingError, block: RuleBlock, map: BlockMap, report: Report): void {
  const span = map.point(e.line ?? 1, e.column ?? 1, e.length);
  const ch = block.code.slice(e.offset, e.offset + 1);
  if (ch === '"') report("TMAD2002", span, "text literal is not closed on its line", 'end the text with `"`; write `\\"` for a quote inside it');
  else report("TMAD2001", span, `unexpected character '${ch}'`, "remove it; comments start with `--`");
}

function errorOffset(e: IRecognitionException): number {
  const o = e.token.startOffset;
  return Number.isNaN(o) ? Number.POSITIVE_INFINITY : o;
}

function insertedInRecovery(node: CstNode): boolean {
  // Indexed loops over `for … in` (no arrays allocated per node): this visits every node of a block.
  const stack: CstNode[] = [node];
  while (stack.length > 0) {
    const children = stack.pop()!.children;
    for (const key in children) {
      const list = children[key]!;
      for (let i = 0; i < list.length; i++) {
        const c = list[i]!;
        if ("image" in c) {
          if (c.isInsertedInRecovery === true) return true;
        } else stack.push(c);
      }
    }
  }
  return false;
}

function syntaxHint(e: IRecognitionException): string {
  const message = e.message;
  if (e.context.ruleStack.includes("replaceDecl") && message.includes("(in replaceDecl)")) {
    return "only a parameter, definition, rule or the default is replaced; a type gets members or fields with `extend enum …` or `extend record …`";
  }
  if (message.includes("'then'")) return "a rule reads `rule name`, optional `clause N`, `when condition`, `then field = value, …`";
  if (message.includes("'='")) return "write `field = value`";
  if (message.includes("a name")) return "names start with a letter; keywords such as `rule` or `when` cannot be names";
  return "see grammar/README.md for the form of each declaration";
}

const ALLOW = /^\s*--\s*allow\s+(TMAD\d{4})\s+([A-Za-z0-9_.,]+)\s*:\s*(\S.*)$/;

/** `-- allow CODE SUBJECT: reason` comments of the version's rule blocks. */
export function suppressionsOf(blocks: readonly RuleBlock[]): Suppression[] {
  const out: Suppression[] = [];
  for (const b of blocks) {
    if (b.kind !== "rules") continue;
    b.code.split("\n").forEach((line, i) => {
      const m = ALLOW.exec(line);
      if (m === null) return;
      const fileLine = b.firstLine + i;
      const column = (b.columnOffsets[i] ?? 0) + 1;
      const subject = m[1] === "TMAD6001" ? m[2].split(",").sort().join(",") : m[2];
      out.push({ code: m[1], subject, reason: m[3].trim(), span: { file: b.file, start: { line: fileLine, column }, end: { line: fileLine, column: column + line.length } } });
    });
  }
  return out;
}
