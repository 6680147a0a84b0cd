/**
 * Review pins: each rule records the clause text it was last reviewed against, in a small lock file
 * beside the rules (`pins.json`, written by `tmad pin`). This stage takes the CheckedVersion (its
 * rules, clauses and the pin file's text) and warns where a clause's text changed since its rules
 * were reviewed (TMAD7001, with the word-level change) or a rule was never pinned (TMAD7002).
 */
import type { CheckedVersion } from "../check/index.js";
import { reporter, type Accept } from "../diagnostics/diagnostic.js";
import { inlineWordDiff, wordDiff } from "../diff/document.js";
import { fileSpan } from "../source/span.js";
import { PIN_FILE } from "../source/versions.js";

export { PIN_FILE } from "../source/versions.js";

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
export function pinsFor(program: CheckedVersion): string {
  const byNumber = new Map(program.clauses.map((c) => [c.number, c]));
  const rules: Record<string, Pin> = {};
  for (const r of [...program.rules].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const c = byNumber.get(r.clause)!;
    rules[r.id] = { clause: c.number, sha256: c.textHash, text: c.text };
  }
  return `${JSON.stringify({ rules }, null, 2)}\n`;
}

/** Compares the rules with the pins the version was read with (nothing to do when it has no pin location). */
export function checkPins(program: CheckedVersion, accept: Accept): void {
  const report = reporter(accept);
  if (program.pins === undefined) return;
  const pinPath = program.pins.path;
  const pinText = program.pins.text;
  if (pinText === undefined) {
    report("TMAD7002", fileSpan(pinPath), `no ${PIN_FILE}: no rule of this version records the clause text it was reviewed against`, "review the rules against their clauses, then run `tmad pin`");
    return;
  }
  let pins: PinFile;
  try {
    pins = JSON.parse(pinText) as PinFile;
    if (typeof pins !== "object" || pins === null || typeof pins.rules !== "object" || pins.rules === null) throw new Error("no `rules` object");
  } catch (e) {
    report("TMAD7002", fileSpan(pinPath), `${PIN_FILE} is not a pin file: ${(e as Error).message}`, "run `tmad pin` to write it again");
    return;
  }
  const byNumber = new Map(program.clauses.map((c) => [c.number, c]));
  for (const r of program.rules) {
    const pin = pins.rules[r.id] as Pin | undefined;
    const clause = byNumber.get(r.clause);
    if (clause === undefined) continue;
    if (pin === undefined || typeof pin.sha256 !== "string") {
      report("TMAD7002", r.decl.name.span, `rule ${r.id} has no review pin for clause ${r.clause}`, "review it against the clause text, then run `tmad pin`");
      continue;
    }
    if (pin.clause !== clause.number || pin.sha256 !== clause.textHash) {
      const what = pin.clause !== clause.number ? `rule ${r.id} now implements clause ${clause.number}, but was reviewed against clause ${pin.clause}` : `clause ${clause.number} text changed since its rules were reviewed (rule ${r.id})`;
      const change = typeof pin.text === "string" ? `; the change: ${inlineWordDiff(wordDiff(pin.text, clause.text), 6)}` : "";
      report("TMAD7001", r.decl.name.span, `${what}${change}`, "check the rule still does what the clause says, then run `tmad pin`");
    }
  }
}
