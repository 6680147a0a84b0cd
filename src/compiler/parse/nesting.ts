/**
 * How deep a declaration nests, read from its tokens before it is parsed. The parser is recursive
 * descent (Chevrotain), so each level of parentheses, each `not` or unary `-` in a row, and each
 * quantifier, aggregate, `if` or `days between` whose operand is not yet closed costs stack. The
 * estimate here never undercounts: brackets and the prefix operators in a row are counted exactly,
 * and a quantifier counts until the bracket around it closes. A declaration deeper than
 * MAX_NESTING (far beyond what an author writes: the corpus nests at most 6) is reported instead
 * of parsed. Everything after parsing walks expressions without recursion (ast/walk.ts).
 */
import type { IToken } from "chevrotain";
import type * as A from "../ast/nodes.js";
import { expressionsOf, foldExpr } from "../ast/walk.js";

/** The deepest nesting parsed; the parser is known to handle it with a fraction of the stack. */
export const MAX_NESTING = 64;

/**
 * The deepest expression tree accepted after parsing. Chains of one operator are left-deep trees
 * (`a + b + c` is `(a + b) + c`): a chain of `and` or `or` counts as one level (it is walked and
 * emitted flat), any other chain as one level per operator. Generated code nests as deep as this,
 * and the TypeScript that type-checks it recurses on nesting too.
 */
export const MAX_EXPRESSION_DEPTH = 128;

const DECLARATION_START = new Set(["Enum", "Record", "IdentifierKw", "Input", "Decision", "Parameter", "Definition", "Rule", "Default", "Replace", "Extend"]);
const OPEN = new Set(["LParen", "LBracket", "LBrace"]);
const CLOSE = new Set(["RParen", "RBracket", "RBrace"]);
/** Words that open an expression with no closing token of its own. */
const OPENERS = new Set(["Some", "Every", "No", "Count", "Min", "Max", "Sum", "Collect", "If", "Days"]);
/** Tokens after which a `-` is binary (they end an operand). */
const OPERAND_END = new Set(["Identifier", "IntegerLiteral", "DecimalLiteral", "TextLiteral", "DateLiteral", "DateTimeLiteral", "ClauseNumber", "RParen", "RBracket", "RBrace", "True", "False", "Present", "Absent"]);

/** The block's tokens cut at each declaration keyword (`replace rule …` stays one piece). */
export function declarationSegments(tokens: readonly IToken[]): IToken[][] {
  const out: IToken[][] = [];
  let current: IToken[] = [];
  tokens.forEach((t, i) => {
    const name = t.tokenType.name;
    const afterPrefix = i > 0 && (tokens[i - 1].tokenType.name === "Replace" || tokens[i - 1].tokenType.name === "Extend");
    if (DECLARATION_START.has(name) && !afterPrefix && current.length > 0) {
      out.push(current);
      current = [];
    }
    current.push(t);
  });
  if (current.length > 0) out.push(current);
  return out;
}

/** The deepest point of a declaration's tokens, and the token where it is reached. */
export function nestingDepth(tokens: readonly IToken[]): { depth: number; at: IToken } {
  const levels: { base: number; openers: number }[] = [{ base: 0, openers: 0 }];
  let run = 0;
  let max = 0;
  let at = tokens[0];
  tokens.forEach((t, i) => {
    const name = t.tokenType.name;
    const prev = tokens[i - 1]?.tokenType.name;
    const next = tokens[i + 1]?.tokenType.name;
    const top = levels[levels.length - 1];
    const now = (): number => top.base + top.openers + run;
    if (OPEN.has(name)) {
      levels.push({ base: now() + 1, openers: 0 });
      run = 0;
    } else if (CLOSE.has(name)) {
      if (levels.length > 1) levels.pop();
      run = 0;
    } else if (name === "Not" || name === "Optional" || name === "List" || (name === "Minus" && (prev === undefined || !OPERAND_END.has(prev)))) {
      run++;
    } else if (OPENERS.has(name) && prev !== "Dot" && next !== "Colon" && next !== "Equals") {
      // A soft keyword used as a field name (`x.count`, `count: integer`, `then count = 1`) opens
      // nothing. A run of `not`s before an opener stays open as long as it does.
      top.openers += run + 1;
      run = 0;
    } else if (name !== "Of") {
      run = 0;
    }
    const depth = levels[levels.length - 1].base + levels[levels.length - 1].openers + run;
    if (depth > max) {
      max = depth;
      at = t;
    }
  });
  return { depth: max, at };
}

/** The deepest expression of a declaration (see MAX_EXPRESSION_DEPTH), and where it is. */
export function expressionDepth(d: A.Declaration): { depth: number; at?: A.Expr } {
  let best: { depth: number; at?: A.Expr } = { depth: 0 };
  for (const root of expressionsOf(d)) {
    const depth = foldExpr<undefined, number>(root, undefined, {
      up(e, _c, r) {
        if (e.kind === "Binary" && (e.operator === "and" || e.operator === "or")) {
          const same = (x: A.Expr): boolean => x.kind === "Binary" && x.operator === e.operator;
          return Math.max(same(e.left) ? r[0] - 1 : r[0], same(e.right) ? r[1] - 1 : r[1]) + 1;
        }
        const depth = r.length === 0 ? 1 : Math.max(...r) + 1;
        if (depth > best.depth) best = { depth, at: e };
        return depth;
      },
    });
    if (depth > best.depth) best = { depth, at: root };
  }
  return best;
}
