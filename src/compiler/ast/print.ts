/**
 * Canonical printing of AST nodes: one line, fully parenthesised where precedence matters, no
 * comments or spans. Two nodes print the same exactly when they are equal ignoring layout, comments
 * and source positions, which is what the version diff compares.
 */
import type * as A from "./nodes.js";
import { foldExpr } from "./walk.js";

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
export function printExpr(root: A.Expr, expand?: (name: string, args: readonly string[]) => string | undefined): string {
  return foldExpr<undefined, string>(root, undefined, {
    up(e, _c, r) {
      const filter = (i: number): string => (e.kind !== "Binary" && "filter" in e && e.filter !== undefined ? ` where ${r[i]}` : "");
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
          return `${r[0]}.${e.member.text}`;
        case "Call":
          return expand?.(e.callee.text, r) ?? `${e.callee.text}(${r.join(", ")})`;
        case "Unary":
          return e.operator === "not" ? `(not ${r[0]})` : `(-${r[0]})`;
        case "Binary":
          return `(${r[0]} ${e.operator} ${r[1]})`;
        case "Membership":
          return `(${r[0]} ${e.negated ? "not in" : "in"} {${r.slice(1).join(", ")}})`;
        case "Presence":
          return `(${r[0]} is ${e.negated ? "absent" : "present"})`;
        case "Otherwise":
          return `(${r[0]} otherwise ${r[1]})`;
        case "If":
          return `(if ${r[0]} then ${r[1]} else ${r[2]})`;
        case "Quantified":
          return `(${e.quantifier} ${e.variable.text} in ${r[0]}${filter(1)}${e.predicate === undefined ? "" : ` satisfies ${r[r.length - 1]}`})`;
        case "Aggregated":
          return `(${e.aggregate} ${r[r.length - 1]} for ${e.variable.text} in ${r[0]}${filter(1)})`;
        case "Collect":
          return `(collect ${r[r.length - 1]} for ${e.variable.text} in ${r[0]}${filter(1)})`;
        case "ListLiteral":
          return `[${r.join(", ")}]`;
        case "DaysBetween":
          return `(days between ${r[0]} and ${r[1]})`;
      }
    },
  });
}

export function printAssignments(result: readonly A.Assignment[], expand?: (name: string, args: readonly string[]) => string | undefined): string {
  return [...result]
    .sort((a, b) => (a.field.text < b.field.text ? -1 : 1))
    .map((a) => `${a.field.text} = ${printExpr(a.value, expand)}`)
    .join(", ");
}

/**
 * A declaration printed canonically (for "declarations changed"). Whether it was written as a
 * `replace` is provenance, not content, so it is not printed.
 */
export function printDeclaration(d: A.Declaration): string {
  switch (d.kind) {
    case "EnumDecl":
      return `enum ${d.name.text} ${d.members.map((m) => (m.label === undefined ? m.name.text : `${m.name.text} ${JSON.stringify(m.label)}`)).join(" ")}`;
    case "RecordDecl":
    case "DecisionDecl":
      return `${d.kind === "RecordDecl" ? "record" : "decision"} ${d.name.text} ${d.fields
        .map((f) => `${f.name.text}: ${printType(f.type)}${f.defaultValue === undefined ? "" : ` = ${printExpr(f.defaultValue)}`}`)
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
    case "EnumExtension":
      return `extend enum ${d.name.text} ${d.members.map((m) => (m.label === undefined ? m.name.text : `${m.name.text} ${JSON.stringify(m.label)}`)).join(" ")}`;
    case "RecordExtension":
      return `extend record ${d.name.text} ${d.fields.map((f) => `${f.name.text}: ${printType(f.type)}${f.defaultValue === undefined ? "" : ` = ${printExpr(f.defaultValue)}`}`).join("; ")}`;
  }
}
