/**
 * Review pins: each rule records the clause text it was last reviewed against, in a small lock file
 * beside the rules (`pins.json`, written by `tmad pin`). This stage takes the checked rules, the
 * version's clauses and the lock file's text, and warns where a clause's text changed since its
 * rules were reviewed (TMAD7001, with the word-level change) or a rule was never pinned (TMAD7002).
 */
import type { CheckedProgram } from "../check/index.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { inlineWordDiff, wordDiff } from "../diff/document.js";
import type { Clause } from "../extract/index.js";
import { fileSpan } from "../source/span.js";

export const PIN_FILE = "pins.json";

export interface Pin {
  readonly clause: string;
  readonly sha256: string;
  /** The clause text as reviewed, so a later change can be shown word by word. */
  readonly text: string;
}

export interface PinFile {
  readonly rules: Readonly<Record<string, Pin>>;
}

/** The lock file's content for the rules as they are now: what `tmad pin` writes. */
export function pinsFor(program: CheckedProgram, clauses: readonly Clause[]): string {
  const byNumber = new Map(clauses.map((c) => [c.number, c]));
  const rules: Record<string, Pin> = {};
  for (const r of [...program.rules].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const c = byNumber.get(r.clause)!;
    rules[r.id] = { clause: c.number, sha256: c.textHash, text: c.text };
  }
  return `${JSON.stringify({ rules }, null, 2)}\n`;
}

/** Compares the rules with their pins. `pinText` is the lock file's content, or undefined when there is none. */
export function checkPins(program: CheckedProgram, clauses: readonly Clause[], pinText: string | undefined, pinPath: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (pinText === undefined) {
    out.push(diagnostic("TMAD7002", fileSpan(pinPath), `no ${PIN_FILE}: no rule of this version records the clause text it was reviewed against`, "review the rules against their clauses, then run `tmad pin`"));
    return out;
  }
  let pins: PinFile;
  try {
    pins = JSON.parse(pinText) as PinFile;
    if (typeof pins !== "object" || pins === null || typeof pins.rules !== "object" || pins.rules === null) throw new Error("no `rules` object");
  } catch (e) {
    out.push(diagnostic("TMAD7002", fileSpan(pinPath), `${PIN_FILE} is not a pin file: ${(e as Error).message}`, "run `tmad pin` to write it again"));
    return out;
  }
  const byNumber = new Map(clauses.map((c) => [c.number, c]));
  for (const r of program.rules) {
    const pin = pins.rules[r.id] as Pin | undefined;
    const clause = byNumber.get(r.clause);
    if (clause === undefined) continue;
    if (pin === undefined || typeof pin.sha256 !== "string") {
      out.push(diagnostic("TMAD7002", r.decl.name.span, `rule ${r.id} has no review pin for clause ${r.clause}`, "review it against the clause text, then run `tmad pin`"));
      continue;
    }
    if (pin.clause !== clause.number || pin.sha256 !== clause.textHash) {
      const what = pin.clause !== clause.number ? `rule ${r.id} now implements clause ${clause.number}, but was reviewed against clause ${pin.clause}` : `clause ${clause.number} text changed since its rules were reviewed (rule ${r.id})`;
      const change = typeof pin.text === "string" ? `; the change: ${inlineWordDiff(wordDiff(pin.text, clause.text), 6)}` : "";
      out.push(diagnostic("TMAD7001", r.decl.name.span, `${what}${change}`, "check the rule still does what the clause says, then run `tmad pin`"));
    }
  }
  return out;
}
