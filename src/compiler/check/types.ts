/**
 * Static types of the rule language, as the checker infers them and the generator consumes them.
 */

export type ScalarKind = "boolean" | "integer" | "decimal" | "text" | "date" | "datetime" | "clause";

export type Type =
  | { readonly kind: ScalarKind }
  | { readonly kind: "enum"; readonly name: string }
  | { readonly kind: "record"; readonly name: string }
  | { readonly kind: "identifier"; readonly name: string }
  | { readonly kind: "list"; readonly element: Type }
  | { readonly kind: "optional"; readonly inner: Type }
  /** The enum itself (`Cohort` in `Cohort.IOC`): only usable to name a member. */
  | { readonly kind: "enumType"; readonly name: string }
  /** Element type of the empty list literal `[]`. */
  | { readonly kind: "empty" }
  /** The type of an expression that already has an error: silences follow-on errors. */
  | { readonly kind: "error" };

export const BOOLEAN: Type = { kind: "boolean" };
export const INTEGER: Type = { kind: "integer" };
export const DECIMAL: Type = { kind: "decimal" };
export const TEXT: Type = { kind: "text" };
export const DATE: Type = { kind: "date" };
export const DATETIME: Type = { kind: "datetime" };
export const CLAUSE: Type = { kind: "clause" };
export const ERROR: Type = { kind: "error" };

export function typeToString(t: Type): string {
  switch (t.kind) {
    case "enum":
    case "record":
    case "identifier":
      return t.name;
    case "enumType":
      return `enum ${t.name}`;
    case "list":
      return `list of ${typeToString(t.element)}`;
    case "optional":
      return `optional ${typeToString(t.inner)}`;
    case "empty":
      return "nothing";
    default:
      return t.kind;
  }
}

export function sameType(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "enum":
    case "record":
    case "identifier":
    case "enumType":
      return a.name === (b as typeof a).name;
    case "list":
      return sameType(a.element, (b as typeof a).element);
    case "optional":
      return sameType(a.inner, (b as typeof a).inner);
    default:
      return true;
  }
}

export const isNumeric = (t: Type): boolean => t.kind === "integer" || t.kind === "decimal";
export const isError = (t: Type): boolean => t.kind === "error";

/** Can a value of type `actual` be used where `expected` is wanted? */
export function assignable(actual: Type, expected: Type): boolean {
  if (actual.kind === "error" || expected.kind === "error") return true;
  if (sameType(actual, expected)) return true;
  if (actual.kind === "integer" && expected.kind === "decimal") return true;
  if (expected.kind === "optional") return assignable(actual.kind === "optional" ? actual.inner : actual, expected.inner);
  if (actual.kind === "list" && expected.kind === "list") return actual.element.kind === "empty" || assignable(actual.element, expected.element);
  return false;
}

/** The common type of two branches (`if`, `otherwise`, list elements), or undefined. */
export function unify(a: Type, b: Type): Type | undefined {
  if (a.kind === "error") return b;
  if (b.kind === "error") return a;
  if (assignable(a, b)) return b;
  if (assignable(b, a)) return a;
  if (a.kind === "optional" && assignable(b, a.inner)) return a;
  if (b.kind === "optional" && assignable(a, b.inner)) return b;
  return undefined;
}
