/**
 * Plain-English statements of conditions, for explanations: CheckedProgram expression → a short
 * sentence fragment an analyst can read, generated from the rule's own words (definition and field
 * names split into words) and the enum labels the data model declares. Not hand-written per clause.
 *
 *     installation.cohort = MOC_MDS                         → the cohort is MOC (MDS)
 *     not hasUnresolvedDataIssue                            → has no unresolved data issue
 *     every g in gsmes satisfies preparationPersistentlyFailed(g)
 *                                                           → for each of the GSMEs, preparation persistently failed
 *     (count a in attempts where unsuccessful(a)) >= required
 *                                                           → the number of attempts that are unsuccessful is at least required
 *
 * Statements are given in their positive form; `negate` turns one into its negation for a
 * condition that was false. Takes an expression and the checked program; gives text.
 */
import type * as A from "../ast/nodes.js";
import type { CheckedProgram } from "../check/index.js";
import { negate } from "../../runtime/phrase.js";

const ORDER_WORDS: Record<string, readonly [string, string]> = {
  // [for numbers, for dates]
  "<": ["is less than", "is before"],
  "<=": ["is at most", "is on or before"],
  ">": ["is more than", "is after"],
  ">=": ["is at least", "is on or after"],
};

export class Phrases {
  /** Upper-case words a reader knows as such: enum member names (GSME, IOC) and acronyms in labels. */
  private readonly acronyms = new Map<string, string>();
  private readonly labels = new Map<string, string>();

  constructor(private readonly program: CheckedProgram) {
    for (const e of program.enums) {
      for (const m of e.members) {
        const label = m.label ?? m.name.text;
        // A label that is more than the member's name reads as a quotation: the status is "ceased trading".
        this.labels.set(`${e.name.text}.${m.name.text}`, label === m.name.text ? label : `"${label}"`);
        // GSME, IOC: short upper-case names whose label does not spell them out in lower case ("FAILED" → "failed" does).
        const lower = m.name.text.toLowerCase();
        if (/^[A-Z0-9]+$/.test(m.name.text) && m.name.text.length <= 6 && !label.split(/\W+/).includes(lower)) this.acronyms.set(lower, m.name.text);
      }
    }
    for (const i of program.identifiers) if (/^[A-Z]+$/.test(i.name.text)) this.acronyms.set(i.name.text.toLowerCase(), i.name.text);
  }

  /** `preparationPersistentlyFailed` → "preparation persistently failed"; `gsmes` → "GSMEs". */
  words(name: string): string {
    return name
      .replace(/_/g, " ")
      .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
      .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
      .split(/\s+/)
      .filter((w) => w !== "")
      .map((w) => {
        const lower = w.toLowerCase();
        const known = this.acronyms.get(lower) ?? (lower.endsWith("s") ? this.acronyms.get(lower.slice(0, -1)) : undefined);
        if (known !== undefined) return lower.endsWith("s") && known.toLowerCase() !== lower ? `${known}s` : known;
        return /^[A-Z0-9]{2,}$/.test(w) ? w : lower;
      })
      .join(" ");
  }

  /** A condition or value in words. */
  of(e: A.Expr): string {
    switch (e.kind) {
      case "BooleanLiteral":
        return e.value ? "true" : "false";
      case "NumberLiteral":
        return e.text;
      case "TextLiteral":
        return e.value;
      case "DateLiteral":
      case "DateTimeLiteral":
        return e.text;
      case "ClauseLiteral":
        return `clause ${e.number}`;
      case "NameRef":
      case "MemberAccess":
        return this.path(e);
      case "Call":
        return this.words(e.callee.text);
      case "Unary":
        return e.operator === "not" ? negate(this.of(e.operand)) : `minus ${this.of(e.operand)}`;
      case "Binary":
        return this.binary(e);
      case "Membership": {
        const set = e.set.map((m) => this.of(m));
        return `${this.subject(e.element)} ${e.negated ? "is none of" : "is one of"} ${set.join(", ")}`;
      }
      case "Presence":
        return `${this.subject(e.operand)} ${e.negated ? "is not given" : "is given"}`;
      case "Otherwise":
        return `${this.of(e.value)} (${this.of(e.fallback)} when there is none)`;
      case "If":
        return `if ${this.of(e.condition)} then ${this.of(e.then)}, otherwise ${this.of(e.else)}`;
      case "Quantified": {
        const coll = this.collection(e.collection, e.filter);
        const pred = e.predicate === undefined ? undefined : this.of(e.predicate);
        switch (e.quantifier) {
          case "some":
            return pred === undefined ? `there are ${coll}` : `for at least one of ${coll}, ${pred}`;
          case "every":
            return pred === undefined ? `all ${coll}` : `for each of ${coll}, ${pred}`;
          case "no":
            return pred === undefined ? `there are no ${coll}` : `for none of ${coll}, ${pred}`;
          case "count":
            return pred === undefined ? `the number of ${coll}` : `the number of ${coll} for which ${pred}`;
        }
        break;
      }
      case "Aggregated": {
        const word = e.aggregate === "sum" ? "the total" : e.aggregate === "min" ? "the earliest or least" : "the latest or greatest";
        return `${word} ${this.of(e.value)} of ${this.collection(e.collection, e.filter)}`;
      }
      case "Collect":
        return `the ${this.of(e.value)} of ${this.collection(e.collection, e.filter)}`;
      case "ListLiteral":
        return e.elements.length === 0 ? "none" : e.elements.map((x) => this.of(x)).join(", ");
      case "DaysBetween":
        return `the days from ${this.of(e.from)} to ${this.of(e.to)}`;
    }
    return "";
  }

  private path(e: A.Expr & { kind: "NameRef" | "MemberAccess" }): string {
    const ref = this.program.refs.get(e);
    if (ref?.kind === "enumMember") return this.labels.get(`${ref.enumName}.${ref.member}`) ?? ref.member;
    if (e.kind === "NameRef") {
      if (ref?.kind === "input") return `the ${this.words(e.name.text)}`;
      // A one-letter variable is a quantifier's element ("it"); a definition's parameter has a name worth reading.
      if (ref?.kind === "variable") return e.name.text.length === 1 ? "it" : this.words(e.name.text);
      return this.words(e.name.text);
    }
    const steps: string[] = [e.member.text];
    let o: A.Expr = e.object;
    while (o.kind === "MemberAccess") {
      steps.unshift(o.member.text);
      o = o.object;
    }
    // The installation's own fields read as plain nouns; a variable's as "its …".
    const rootRef = this.program.refs.get(o);
    const type = this.program.types.get(e);
    const prefix = rootRef?.kind === "variable" && type?.kind !== "boolean" ? "its " : "";
    return prefix + steps.map((s) => this.words(s)).join(" ");
  }

  /** A value as the subject of a sentence: "the cohort", "its firmware attempts". */
  private subject(e: A.Expr): string {
    const text = this.of(e);
    return (e.kind === "MemberAccess" || (e.kind === "NameRef" && this.program.refs.get(e)?.kind === "definition")) && !text.startsWith("its ") && !text.startsWith("the ") ? `the ${text}` : text;
  }

  private collection(c: A.Expr, filter: A.Expr | undefined): string {
    const base = this.subject(c).replace(/^its /, "its ");
    return filter === undefined ? base : `${base} that ${verbal(this.of(filter))}`;
  }

  private binary(e: A.Expr & { kind: "Binary" }): string {
    switch (e.operator) {
      case "and":
        return joinAll(flatten(e, "and").map((x) => this.of(x)), "and");
      case "or":
        return joinAll(flatten(e, "or").map((x) => this.of(x)), "or");
      case "=":
        return `${this.subject(e.left)} is ${this.of(e.right)}`;
      case "!=":
        return `${this.subject(e.left)} is not ${this.of(e.right)}`;
      case "<":
      case "<=":
      case ">":
      case ">=": {
        const t = this.program.types.get(e.left);
        const dates = t !== undefined && (t.kind === "date" || t.kind === "datetime" || (t.kind === "optional" && (t.inner.kind === "date" || t.inner.kind === "datetime")));
        return `${this.subject(e.left)} ${ORDER_WORDS[e.operator][dates ? 1 : 0]} ${this.of(e.right)}`;
      }
      case "+":
        return `${this.of(e.left)} plus ${this.of(e.right)}`;
      case "-":
        return `${this.of(e.left)} minus ${this.of(e.right)}`;
      case "*":
        return `${this.of(e.left)} times ${this.of(e.right)}`;
      case "/":
        return `${this.of(e.left)} divided by ${this.of(e.right)}`;
    }
  }
}

function flatten(e: A.Expr, operator: "and" | "or"): A.Expr[] {
  if (e.kind === "Binary" && e.operator === operator) return [...flatten(e.left, operator), ...flatten(e.right, operator)];
  return [e];
}

function joinAll(parts: readonly string[], word: string): string {
  if (parts.length <= 2) return parts.join(` ${word} `);
  return `${parts.slice(0, -1).join(", ")}, ${word} ${parts[parts.length - 1]}`;
}

/** A filter as a relative clause: "unsuccessful" → "are unsuccessful"; "its type is ESME" stays. */
function verbal(s: string): string {
  if (/\b(is|are|has|have)\b/.test(s.split(" ").slice(0, 4).join(" "))) return s.replace(/^its /, "");
  return `are ${s}`;
}
