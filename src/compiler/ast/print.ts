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
