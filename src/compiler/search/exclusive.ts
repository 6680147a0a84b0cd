/**
 * A sound, incomplete test that two conditions cannot hold together: (canonical a, canonical b) →
 * true only when no installation satisfies both. The analysis of `tmad check` asks whether two
 * rules without precedence can apply together; a pair shown exclusive here needs no witness search,
 * so the search can stop once every other question is answered (the rules of a version are mostly
 * exclusive: another cohort, another supplier status, every meter prepared against some meter not).
 *
 * How: a tableau over the conditions in negation normal form. Atoms are compared by their printed
 * canonical form; what is known of them:
 * - an atom and its negation (`installation.communicating`, `not installation.communicating`);
 * - a term equal to two different constants, or to a constant outside a set it is in, or in two
 *   disjoint sets (`installation.cohort = IOC` against `installation.cohort = MOC_MDS`);
 * - a number bounded from both sides with nothing between (`30 <= n` against `n < 30`), from
 *   comparisons that hold (never from a comparison's negation: an absent value fails both);
 * - a quantifier over a collection: some element with ψ, while every element has φ1 … φn, needs
 *   one element with ψ ∧ φ1 ∧ … ∧ φn, which is tested the same way, one level down (`0 < count x in
 *   C where F` is `some x in C where F`; `every x in (collect x for x in D where G) satisfies P` is
 *   `every x in D where G satisfies P`; bound variables are named by depth, so both sides name the
 *   element alike).
 * Anything else (arithmetic, `days between`, `otherwise`, comparisons of two facts) is an opaque
 * atom, equal only to itself. The search is bounded in steps; when the bound is reached the answer
 * is "not shown exclusive", which is always safe.
 */
import type * as A from "../ast/nodes.js";
import { printExpr } from "../ast/print.js";
import type { CheckedVersion } from "../check/index.js";

type Formula =
  | { readonly kind: "true" }
  | { readonly kind: "false" }
  | { readonly kind: "and"; readonly parts: readonly Formula[] }
  | { readonly kind: "or"; readonly parts: readonly Formula[] }
  | Literal;

type Literal =
  /** An opaque atom (key: its print), true when `positive`. */
  | { readonly kind: "atom"; readonly key: string; readonly positive: boolean }
  /** `term = constant` (or its negation); `key` is the atom's print. */
  | { readonly kind: "eq"; readonly key: string; readonly term: string; readonly value: string; readonly positive: boolean }
  /** `term in {…}` of constants (or its negation). */
  | { readonly kind: "in"; readonly key: string; readonly term: string; readonly values: ReadonlySet<string>; readonly positive: boolean }
  /** `c < term`, `c <= term`, `term < c`, `term <= c` that holds (positive only). */
  | { readonly kind: "bound"; readonly key: string; readonly term: string; readonly lower: boolean; readonly strict: boolean; readonly c: number }
  /** Some element of `collection` satisfies `body` (exists), or every element does (forall). */
  | { readonly kind: "exists" | "forall"; readonly key: string; readonly collection: string; readonly body: Formula };

const TRUE: Formula = { kind: "true" };
const FALSE: Formula = { kind: "false" };

class OutOfSteps extends Error {}

/** Whether an expression is a constant, and which (`enum:Cohort.IOC`, `num:30`, `text:"AA"`). */
export type ConstantOf = (e: A.Expr) => string | undefined;

/** The constants of a program's expressions: literals, and enum members by the checker's references. */
export function constantsOf(program: CheckedVersion): ConstantOf {
  return (e) => {
    switch (e.kind) {
      case "NumberLiteral":
        return `number ${Number(e.text)}`;
      case "TextLiteral":
        return `text ${JSON.stringify(e.value)}`;
      case "BooleanLiteral":
        return `boolean ${e.value}`;
      case "DateLiteral":
      case "DateTimeLiteral":
        return `${e.kind} ${e.text}`;
      case "ClauseLiteral":
        return `clause ${e.number}`;
      case "NameRef":
      case "MemberAccess": {
        const ref = program.refs.get(e);
        return ref?.kind === "enumMember" && ref.member !== "" ? `enum ${ref.enumName}.${ref.member}` : undefined;
      }
      default:
        return undefined;
    }
  };
}

export class Exclusion {
  private readonly prints = new WeakMap<A.Expr, string>();
  private readonly formulas = new WeakMap<A.Expr, Formula>();
  /** Nested questions (one element with ψ ∧ φ1 ∧ …), by their print: shared between pairs. */
  private readonly nested = new Map<string, boolean>();
  /** Pairs of conditions without their shared conjuncts, by their prints: exclusive or not. */
  private readonly pairs = new Map<string, boolean>();
  private steps = 0;
  private limit = 0;

  constructor(
    private readonly constantOf: ConstantOf,
    /** Steps of the tableau allowed per question. */
    private readonly maxSteps = 20_000,
  ) {}

  /**
   * True only when no input satisfies both `a` and `b` (canonical conditions of one program).
   * First without the top-level conjuncts both share (`installation.region = R4` on both sides of
   * a pair of copies): if the rest cannot hold together, neither can the whole, and that question
   * is the same for many pairs (answers are kept by the conditions' prints); then, when that did not
   * settle it, the whole.
   */
  exclusive(a: A.Expr, b: A.Expr): boolean {
    const fa = this.formula(a);
    const fb = this.formula(b);
    const ca = conjuncts(fa);
    const cb = conjuncts(fb);
    const inA = new Set(ca.map(formulaKey));
    const shared = new Set(cb.map(formulaKey).filter((k) => inA.has(k)));
    if (shared.size > 0) {
      const ra = conjunction(ca.filter((f) => !shared.has(formulaKey(f))));
      const rb = conjunction(cb.filter((f) => !shared.has(formulaKey(f))));
      const [x, y] = [formulaKey(ra), formulaKey(rb)].sort();
      const key = `${x} ⊓ ${y}`;
      let reduced = this.pairs.get(key);
      if (reduced === undefined) this.pairs.set(key, (reduced = this.unsatisfiable([ra, rb])));
      if (reduced) return true;
    }
    return this.unsatisfiable([fa, fb]);
  }

  private unsatisfiable(formulas: readonly Formula[]): boolean {
    this.steps = 0;
    this.limit = this.maxSteps;
    try {
      return !this.satisfiable(formulas, []);
    } catch (e) {
      if (e instanceof OutOfSteps) return false;
      throw e;
    }
  }

  /** The top-level `term = constant` facts of a condition (its conjuncts), for a quick first test. */
  units(e: A.Expr): Map<string, ReadonlySet<string>> {
    const out = new Map<string, ReadonlySet<string>>();
    const visit = (f: Formula): void => {
      if (f.kind === "and") f.parts.forEach(visit);
      else if (f.kind === "eq" && f.positive) out.set(f.term, intersect(out.get(f.term), new Set([f.value])));
      else if (f.kind === "in" && f.positive) out.set(f.term, intersect(out.get(f.term), f.values));
    };
    visit(this.formula(e));
    return out;
  }

  private print(e: A.Expr): string {
    let p = this.prints.get(e);
    if (p === undefined) this.prints.set(e, (p = printExpr(e)));
    return p;
  }

  private formula(e: A.Expr): Formula {
    let f = this.formulas.get(e);
    if (f === undefined) this.formulas.set(e, (f = this.toFormula(e, true)));
    return f;
  }

  /** `e` (or its negation) in negation normal form. */
  private toFormula(e: A.Expr, positive: boolean): Formula {
    switch (e.kind) {
      case "BooleanLiteral":
        return e.value === positive ? TRUE : FALSE;
      case "Unary":
        if (e.operator === "not") return this.toFormula(e.operand, !positive);
        break;
      case "Binary": {
        if (e.operator === "and" || e.operator === "or") {
          const kind = (e.operator === "and") === positive ? "and" : "or";
          const parts = [this.toFormula(e.left, positive), this.toFormula(e.right, positive)].flatMap((p) => (p.kind === kind ? p.parts : [p]));
          return { kind, parts };
        }
        if (e.operator === "=" || e.operator === "!=") {
          const pos = e.operator === "=" ? positive : !positive;
          const l = this.constantOf(e.left);
          const r = this.constantOf(e.right);
          if (l !== undefined && r !== undefined) return (l === r) === pos ? TRUE : FALSE;
          const key = this.print(e.operator === "=" ? e : { ...e, operator: "=" });
          if (l !== undefined || r !== undefined) return { kind: "eq", key, term: this.print(l !== undefined ? e.right : e.left), value: (l ?? r)!, positive: pos };
          return { kind: "atom", key, positive: pos };
        }
        if (e.operator === "<" || e.operator === "<=") return this.comparison(e, positive);
        break;
      }
      case "Membership": {
        const pos = e.negated ? !positive : positive;
        const values = e.set.map((m) => this.constantOf(m));
        const key = this.print(e.negated ? { ...e, negated: false } : e);
        if (values.every((v) => v !== undefined)) return { kind: "in", key, term: this.print(e.element), values: new Set(values as string[]), positive: pos };
        return { kind: "atom", key, positive: pos };
      }
      case "Presence": {
        const pos = e.negated ? !positive : positive;
        return { kind: "atom", key: this.print(e.negated ? { ...e, negated: false } : e), positive: pos };
      }
      case "Quantified":
        if (e.quantifier !== "count") return this.quantified(e, positive);
        break;
      default:
        break;
    }
    return { kind: "atom", key: this.print(e), positive };
  }

  private comparison(e: A.Expr & { kind: "Binary" }, positive: boolean): Formula {
    const strict = e.operator === "<";
    const l = numberOf(e.left);
    const r = numberOf(e.right);
    const key = this.print(e);
    let literal: Formula = { kind: "atom", key, positive };
    if (positive && r !== undefined && l === undefined) literal = { kind: "bound", key, term: this.print(e.left), lower: false, strict, c: r };
    else if (positive && l !== undefined && r === undefined) literal = { kind: "bound", key, term: this.print(e.right), lower: true, strict, c: l };
    // `k <= count x in C where F` (k ≥ 1) or `k < count …` (k ≥ 0) also says some element has F;
    // its negation says that no element has F only when the threshold is exactly 1.
    const counted = l !== undefined && e.right.kind === "Quantified" && e.right.quantifier === "count" ? e.right : undefined;
    if (counted !== undefined) {
      const some = { ...counted, quantifier: "some" as const };
      if (positive && (strict ? l! >= 0 : l! >= 1)) return { kind: "and", parts: [literal, this.quantified(some, true)] };
      if (!positive && (strict ? l === 0 : l === 1)) return { kind: "and", parts: [literal, this.quantified(some, false)] };
    }
    return literal;
  }

  /** `some`/`every`/`no` (and a count read as `some`), with `positive` folded in: exists or forall. */
  private quantified(e: A.Expr & { kind: "Quantified" }, positive: boolean): Formula {
    // A quantifier over `collect x for x in D where G` ranges over D's elements with G.
    let collection = e.collection;
    let filter = e.filter;
    if (collection.kind === "Collect" && collection.variable.text === e.variable.text && collection.value.kind === "NameRef" && collection.value.name.text === e.variable.text) {
      const g = collection.filter;
      filter = g === undefined ? filter : filter === undefined ? g : { kind: "Binary", operator: "and", left: g, right: filter, span: e.span };
      collection = collection.collection;
    }
    const coll = `${e.variable.text} in ${this.print(collection)}`;
    const has = (x: A.Expr | undefined, pos: boolean): Formula => (x === undefined ? (pos ? TRUE : FALSE) : this.toFormula(x, pos));
    const and = (x: Formula, y: Formula): Formula => ({ kind: "and", parts: [x, y] });
    const or = (x: Formula, y: Formula): Formula => ({ kind: "or", parts: [x, y] });
    // some: ∃ F ∧ P; every: ∀ ¬F ∨ P; no: ∀ ¬F ∨ ¬P. Negated: the dual.
    let exists: boolean;
    let body: Formula;
    switch (e.quantifier) {
      case "some":
        exists = positive;
        body = positive ? and(has(filter, true), has(e.predicate, true)) : or(has(filter, false), has(e.predicate, false));
        break;
      case "every":
        exists = !positive;
        body = positive ? or(has(filter, false), has(e.predicate, true)) : and(has(filter, true), has(e.predicate, false));
        break;
      default: // no
        exists = !positive;
        body = positive ? or(has(filter, false), has(e.predicate, false)) : and(has(filter, true), has(e.predicate, true));
        break;
    }
    return { kind: exists ? "exists" : "forall", key: `${exists ? "∃" : "∀"} ${coll}: ${formulaKey(body)}`, collection: coll, body };
  }

  private step(): void {
    if (++this.steps > this.limit) throw new OutOfSteps();
  }

  /** False only when `todo` (with `known`) cannot hold together; true when it may. */
  private satisfiable(todo: readonly Formula[], known: readonly Literal[]): boolean {
    const lits = [...known];
    const ors: (Formula & { kind: "or" })[] = [];
    const queue = [...todo];
    while (queue.length > 0) {
      this.step();
      const f = queue.pop()!;
      switch (f.kind) {
        case "true":
          break;
        case "false":
          return false;
        case "and":
          queue.push(...f.parts);
          break;
        case "or":
          ors.push(f);
          break;
        default:
          if (!this.add(lits, f)) return false;
      }
    }
    if (ors.length === 0) return true;
    // Branch on the disjunction with the fewest parts that may still hold.
    let best = -1;
    let bestParts: Formula[] = [];
    for (let i = 0; i < ors.length; i++) {
      const viable: Formula[] = [];
      let satisfied = false;
      for (const p of ors[i].parts) {
        const v = this.status(lits, p);
        if (v === true) satisfied = true;
        else if (v === undefined) viable.push(p);
      }
      if (satisfied) continue;
      if (viable.length === 0) return false;
      if (best === -1 || viable.length < bestParts.length) {
        best = i;
        bestParts = viable;
      }
    }
    if (best === -1) return true;
    const rest = ors.filter((_, i) => i !== best);
    for (const p of bestParts) if (this.satisfiable([p, ...rest], lits)) return true;
    return false;
  }

  /** A literal's standing among `lits`: true (already known), false (contradicts), undefined. */
  private status(lits: readonly Literal[], f: Formula): boolean | undefined {
    if (f.kind === "true") return true;
    if (f.kind === "false") return false;
    if (f.kind === "and" || f.kind === "or") return undefined;
    for (const l of lits) {
      if (l.key === f.key && polarity(l) === polarity(f) && l.kind === f.kind) return true;
      if (l.key === f.key && polarity(l) !== polarity(f)) return false;
      if (clash(l, f)) return false;
    }
    return undefined;
  }

  /** Adds a literal; false when it contradicts what is known. */
  private add(lits: Literal[], f: Literal): boolean {
    for (const l of lits) {
      if (l.key === f.key && l.kind === f.kind && polarity(l) === polarity(f)) return true;
      if (l.key === f.key && polarity(l) !== polarity(f)) return false;
      if (clash(l, f)) return false;
    }
    if ((f.kind === "eq" || f.kind === "in") && !domainLeft(lits, f)) return false;
    lits.push(f);
    if (f.kind === "exists" || f.kind === "forall") {
      const alls = lits.filter((l): l is Literal & { kind: "forall" } => l.kind === "forall" && l.collection === f.collection);
      const somes = f.kind === "exists" ? [f] : lits.filter((l): l is Literal & { kind: "exists" } => l.kind === "exists" && l.collection === f.collection);
      for (const s of somes) if (!this.element(s.body, alls.map((a) => a.body))) return false;
    }
    return true;
  }

  /** Whether one element can have `some` and every one of `all` (a question one level down). */
  private element(some: Formula, all: readonly Formula[]): boolean {
    if (all.length === 0) return true;
    const key = [formulaKey(some), ...all.map(formulaKey).sort()].join(" ∧ ");
    const cached = this.nested.get(key);
    if (cached !== undefined) return cached;
    const result = this.satisfiable([some, ...all], []);
    this.nested.set(key, result);
    return result;
  }
}

function conjuncts(f: Formula): readonly Formula[] {
  return f.kind === "and" ? f.parts.flatMap(conjuncts) : [f];
}

function conjunction(parts: readonly Formula[]): Formula {
  return parts.length === 1 ? parts[0] : { kind: "and", parts };
}

function numberOf(e: A.Expr): number | undefined {
  if (e.kind === "NumberLiteral") return Number(e.text);
  if (e.kind === "Unary" && e.operator === "-" && e.operand.kind === "NumberLiteral") return -Number(e.operand.text);
  return undefined;
}

function intersect(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): ReadonlySet<string> {
  return a === undefined ? b : new Set([...a].filter((x) => b.has(x)));
}

function polarity(l: Literal): boolean {
  return "positive" in l ? l.positive : true;
}

const keys = new WeakMap<Formula, string>();
function formulaKey(f: Formula): string {
  let k = keys.get(f);
  if (k !== undefined) return k;
  switch (f.kind) {
    case "true":
    case "false":
      k = f.kind;
      break;
    case "and":
    case "or":
      k = `(${f.parts.map(formulaKey).join(f.kind === "and" ? " ∧ " : " ∨ ")})`;
      break;
    case "exists":
    case "forall":
      k = f.key;
      break;
    default:
      k = polarity(f) ? f.key : `¬${f.key}`;
  }
  keys.set(f, k);
  return k;
}

/** Whether two literals about the same term cannot both hold (see the header). */
function clash(a: Literal, b: Literal): boolean {
  if (a.kind === "eq" || a.kind === "in") {
    if ((b.kind === "eq" || b.kind === "in") && a.term === b.term) return valuesClash(a, b);
    return false;
  }
  if (a.kind === "bound" && b.kind === "bound" && a.term === b.term && a.lower !== b.lower) {
    const [lo, hi] = a.lower ? [a, b] : [b, a];
    return hi.c < lo.c || (hi.c === lo.c && (lo.strict || hi.strict));
  }
  return false;
}

/**
 * Whether the term of `f` can still take a value: the values every positive `=`/`in` allows, less
 * those the negative ones exclude (`x in {ESME, GSME}`, `x != ESME`, `x != GSME`: none left).
 */
function domainLeft(lits: readonly Literal[], f: Literal & { kind: "eq" | "in" }): boolean {
  let allowed: Set<string> | undefined;
  const excluded = new Set<string>();
  for (const l of [...lits, f]) {
    if ((l.kind !== "eq" && l.kind !== "in") || l.term !== f.term) continue;
    const values = l.kind === "eq" ? [l.value] : [...l.values];
    if (!l.positive) values.forEach((v) => excluded.add(v));
    else allowed = allowed === undefined ? new Set(values) : new Set(values.filter((v) => allowed!.has(v)));
  }
  return allowed === undefined || [...allowed].some((v) => !excluded.has(v));
}

function valuesClash(a: Literal & { kind: "eq" | "in" }, b: Literal & { kind: "eq" | "in" }): boolean {
  const set = (l: Literal & { kind: "eq" | "in" }): ReadonlySet<string> => (l.kind === "eq" ? new Set([l.value]) : l.values);
  const sa = set(a);
  const sb = set(b);
  if (a.positive && b.positive) return ![...sa].some((v) => sb.has(v));
  // The term is in one set and outside another that holds all of the first's values.
  if (a.positive && !b.positive) return [...sa].every((v) => sb.has(v));
  if (!a.positive && b.positive) return [...sb].every((v) => sa.has(v));
  return false;
}
