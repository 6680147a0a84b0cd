/**
 * Canonical printing of AST nodes: one line, fully parenthesised where precedence matters, no
 * comments or spans. Two nodes print the same exactly when they are equal ignoring layout, comments
 * and source positions, which is what the version diff compares.
 */
import type * as A from "./nodes.js";

export function printType(t: A.TypeExpr): string {
  switch (t.kind) {
    case "ScalarType":
      return t.name;
    case "NamedType":
      return t.name.text;
    case "ListType":
      return `list of ${printType(t.element)}`;
    case "OptionalType":
      return `optional ${printType(t.inner)}`;
  }
}

/**
 * Prints an expression. `expand`, when given, is asked for the body of each definition a name or
 * call refers to, so two conditions can be compared with their definitions inlined.
 */
export function printExpr(e: A.Expr, expand?: (name: string, args: readonly string[]) => string | undefined): string {
  const p = (x: A.Expr): string => printExpr(x, expand);
  switch (e.kind) {
    case "BooleanLiteral":
      return String(e.value);
    case "NumberLiteral":
      return String(Number(e.text));
    case "TextLiteral":
      return JSON.stringify(e.value);
    case "DateLiteral":
    case "DateTimeLiteral":
      return e.text;
    case "ClauseLiteral":
      return `clause ${e.number}`;
    case "NameRef":
      return expand?.(e.name.text, []) ?? e.name.text;
    case "MemberAccess":
      return `${p(e.object)}.${e.member.text}`;
    case "Call": {
      const args = e.args.map(p);
      return expand?.(e.callee.text, args) ?? `${e.callee.text}(${args.join(", ")})`;
    }
    case "Unary":
      return e.operator === "not" ? `(not ${p(e.operand)})` : `(-${p(e.operand)})`;
    case "Binary":
      return `(${p(e.left)} ${e.operator} ${p(e.right)})`;
    case "Membership":
      return `(${p(e.element)} ${e.negated ? "not in" : "in"} {${e.set.map(p).join(", ")}})`;
    case "Presence":
      return `(${p(e.operand)} is ${e.negated ? "absent" : "present"})`;
    case "Otherwise":
      return `(${p(e.value)} otherwise ${p(e.fallback)})`;
    case "If":
      return `(if ${p(e.condition)} then ${p(e.then)} else ${p(e.else)})`;
    case "Quantified":
      return `(${e.quantifier} ${e.variable.text} in ${p(e.collection)}${e.filter === undefined ? "" : ` where ${p(e.filter)}`}${e.predicate === undefined ? "" : ` satisfies ${p(e.predicate)}`})`;
    case "Aggregated":
      return `(${e.aggregate} ${p(e.value)} for ${e.variable.text} in ${p(e.collection)}${e.filter === undefined ? "" : ` where ${p(e.filter)}`})`;
    case "Collect":
      return `(collect ${p(e.value)} for ${e.variable.text} in ${p(e.collection)}${e.filter === undefined ? "" : ` where ${p(e.filter)}`})`;
    case "ListLiteral":
      return `[${e.elements.map(p).join(", ")}]`;
    case "DaysBetween":
      return `(days between ${p(e.from)} and ${p(e.to)})`;
  }
}

export function printAssignments(result: readonly A.Assignment[], expand?: (name: string, args: readonly string[]) => string | undefined): string {
  return [...result]
    .sort((a, b) => (a.field.text < b.field.text ? -1 : 1))
    .map((a) => `${a.field.text} = ${printExpr(a.value, expand)}`)
    .join(", ");
}

/** A declaration of the data model or a parameter, printed canonically (for "declarations changed"). */
export function printDeclaration(d: A.Declaration): string {
  switch (d.kind) {
    case "EnumDecl":
      return `enum ${d.name.text} ${d.members.map((m) => (m.label === undefined ? m.name.text : `${m.name.text} ${JSON.stringify(m.label)}`)).join(" ")}`;
    case "RecordDecl":
    case "DecisionDecl":
      return `${d.kind === "RecordDecl" ? "record" : "decision"} ${d.name.text}${d.kind === "RecordDecl" && d.datedBy !== undefined ? ` dated by ${d.datedBy.text}` : ""} ${d.fields
        .map((f) => `${f.name.text}: ${printType(f.type)}${f.defaultValue === undefined ? "" : ` = ${printExpr(f.defaultValue)}`}${printDating(f.dated)}`)
        .join("; ")}`;
    case "IdentifierDecl":
      return `identifier ${d.name.text} pattern ${JSON.stringify(d.pattern.value)}${d.checkDigit === undefined ? "" : ` checkdigit weights ${d.checkDigit.weights.join(", ")} ${d.checkDigit.moduli.map((m) => `mod ${m}`).join(" ")}`}`;
    case "InputDecl":
      return `input ${d.name.text}: ${d.type.text} identified by ${d.key.text}`;
    case "ParameterDecl":
      return `parameter ${d.name.text}: ${printType(d.type)} = ${printExpr(d.value)}`;
    case "DefinitionDecl":
      return `definition ${d.name.text}(${d.params.map((p) => `${p.name.text}: ${printType(p.type)}`).join(", ")})${d.type === undefined ? "" : `: ${printType(d.type)}`} = ${printExpr(d.body)}`;
    case "RuleDecl":
      return `rule ${d.name.text} when ${printExpr(d.condition)} then ${printAssignments(d.result)}`;
    case "DefaultDecl":
      return `default then ${printAssignments(d.result)}`;
  }
}

function printDating(d: A.FieldDating | undefined): string {
  if (d === undefined) return "";
  return ` dated by ${d.by.text}${d.otherwise === undefined ? "" : ` otherwise ${printExpr(d.otherwise)}`}`;
}

// ---------------------------------------------------------------------------------------------
// Readable printing: parentheses only where the grammar needs them, long lines wrapped.

/** Binding strength, loosest first, following the grammar (grammar/parser.ts). */
function level(e: A.Expr): number {
  switch (e.kind) {
    case "If":
      return 0;
    case "Binary":
      switch (e.operator) {
        case "or":
          return 1;
        case "and":
          return 2;
        case "+":
        case "-":
          return 6;
        case "*":
        case "/":
          return 7;
        default:
          return 4; // comparisons
      }
    case "Unary":
      return e.operator === "not" ? 3 : 8;
    case "Membership":
    case "Presence":
      return 4;
    case "Otherwise":
      return 5;
    default:
      return 9;
  }
}

/** Forms whose last part takes a whole expression (`… satisfies p and q`): parenthesized inside others. */
function greedy(e: A.Expr): boolean {
  return e.kind === "Quantified" || e.kind === "Aggregated" || e.kind === "Collect" || e.kind === "If";
}

/**
 * Prints an expression for people: like `printExpr`, it parses back to the same tree, but with
 * parentheses only where precedence needs them (and around quantifiers inside other operators), and
 * wrapped before `and` / `or` (and before `where` / `satisfies`) when a line would pass `width`
 * columns. Continuation lines start with `indent`.
 */
export function formatExpr(e: A.Expr, width = 88, indent = ""): string {
  const flat = (x: A.Expr): string => show(x, Number.POSITIVE_INFINITY, "");
  const operand = (x: A.Expr, min: number, w: number, ind: string): string => {
    const needs = level(x) < min || (greedy(x) && min > 0);
    return needs ? `(${show(x, w, `${ind} `)})` : show(x, w, ind);
  };
  const show = (x: A.Expr, w: number, ind: string): string => {
    const one = (): string => {
      const p = (y: A.Expr, min: number): string => operand(y, min, Number.POSITIVE_INFINITY, "");
      switch (x.kind) {
        case "Binary": {
          const l = level(x);
          if (x.operator === "and" || x.operator === "or") return `${p(x.left, l)} ${x.operator} ${p(x.right, l)}`;
          // Left-associative arithmetic; comparisons do not chain.
          const right = l === 4 ? l + 1 : x.operator === "-" || x.operator === "/" ? l + 1 : l;
          return `${p(x.left, l === 4 ? 5 : l)} ${x.operator} ${p(x.right, right)}`;
        }
        case "Unary":
          return x.operator === "not" ? `not ${level(x.operand) >= 9 && !greedy(x.operand) ? flat(x.operand) : `(${flat(x.operand)})`}` : `-${p(x.operand, 8)}`;
        case "Membership":
          return `${p(x.element, 5)} ${x.negated ? "not in" : "in"} {${x.set.map((m) => p(m, 6)).join(", ")}}`;
        case "Presence":
          return `${p(x.operand, 5)} is ${x.negated ? "absent" : "present"}`;
        case "Otherwise":
          return `${p(x.value, 6)} otherwise ${p(x.fallback, 6)}`;
        case "If":
          return `if ${flat(x.condition)} then ${flat(x.then)} else ${flat(x.else)}`;
        case "Quantified":
          return `${x.quantifier} ${x.variable.text} in ${p(x.collection, 9)}${x.filter === undefined ? "" : ` where ${flat(x.filter)}`}${x.predicate === undefined ? "" : ` satisfies ${flat(x.predicate)}`}`;
        case "Aggregated":
          return `${x.aggregate} ${p(x.value, 6)} for ${x.variable.text} in ${p(x.collection, 9)}${x.filter === undefined ? "" : ` where ${flat(x.filter)}`}`;
        case "Collect":
          return `collect ${p(x.value, 6)} for ${x.variable.text} in ${p(x.collection, 9)}${x.filter === undefined ? "" : ` where ${flat(x.filter)}`}`;
        case "MemberAccess":
          return `${p(x.object, 9)}.${x.member.text}`;
        case "Call":
          return `${x.callee.text}(${x.args.map(flat).join(", ")})`;
        case "ListLiteral":
          return `[${x.elements.map(flat).join(", ")}]`;
        case "DaysBetween":
          return `days between ${p(x.from, 6)} and ${p(x.to, 6)}`;
        default:
          return printExpr(x);
      }
    };
    const line = one();
    if (ind.length + line.length <= w) return line;
    // Too long: break and / or chains one operand per line, and quantifiers before their clauses.
    if (x.kind === "Binary" && (x.operator === "and" || x.operator === "or")) {
      const op = x.operator;
      const parts: A.Expr[] = [];
      const collect = (y: A.Expr): void => {
        if (y.kind === "Binary" && y.operator === op) {
          collect(y.left);
          collect(y.right);
        } else parts.push(y);
      };
      collect(x);
      const inner = `${ind}${" ".repeat(op.length + 1)}`;
      return parts.map((part, i) => `${i === 0 ? "" : `\n${ind}${op} `}${operand(part, level(x) + 1, w, inner)}`).join("");
    }
    if (x.kind === "Quantified" && (x.filter !== undefined || x.predicate !== undefined)) {
      const deeper = `${ind}  `;
      const head = `${x.quantifier} ${x.variable.text} in ${operand(x.collection, 9, w, deeper)}`;
      const where = x.filter === undefined ? "" : `\n${deeper}where ${show(x.filter, w, `${deeper}      `)}`;
      const satisfies = x.predicate === undefined ? "" : `\n${deeper}satisfies ${show(x.predicate, w, `${deeper}          `)}`;
      return `${head}${where}${satisfies}`;
    }
    if (x.kind === "Unary" && x.operator === "not" && !(level(x.operand) >= 9 && !greedy(x.operand))) return `not (${show(x.operand, w, `${ind}     `)})`;
    return line;
  };
  return show(e, width, indent);
}
