/**
 * The pieces the diff's verdict rests on:
 * - `formatExpr` (the readable printer) parses back to the same tree for every condition and
 *   definition of the corpus, and wraps long ones before `and` / `or`;
 * - canonical forms: reordered conjuncts, flipped comparisons, double negation, reordered sets,
 *   renamed variables and inlined definitions print the same; a changed threshold does not;
 * - `implies`: sound on the shapes amendments take (a disjunct added, a conjunct dropped, a
 *   threshold moved, a set widened, under quantifiers and `not`), and says false when unsure.
 */
import { describe, expect, it } from "vitest";
import type * as A from "../../src/compiler/ast/nodes.js";
import { formatExpr, printExpr } from "../../src/compiler/ast/print.js";
import { checkProgram } from "../../src/compiler/check/index.js";
import { canonical } from "../../src/compiler/search/canonical.js";
import { implies } from "../../src/compiler/search/implies.js";
import { parseBlock } from "../../src/compiler/parse/index.js";
import { diffSide } from "../helpers/diff.js";

/** Parses one expression, as the body of a definition. */
function parseExpr(text: string): A.Expr {
  const code = `definition probe: boolean =\n  ${text.replace(/\n/g, "\n  ")}`;
  const lines = code.split("\n");
  const { declarations, diagnostics } = parseBlock({ kind: "rules", file: "probe.md", code, firstLine: 1, columnOffsets: lines.map(() => 0), span: { file: "probe.md", start: { line: 1, column: 1 }, end: { line: lines.length, column: 1 } } });
  expect(diagnostics).toEqual([]);
  return (declarations[0] as A.DefinitionDecl).body;
}

const MODEL = `
enum Kind A B C
record Item
  kind: Kind
  n: integer
  ok: boolean
record Site
  id: text
  group: text
  items: list of Item
input site: Site identified by id
enum Outcome YES NO
decision Result
  outcome: Outcome
default then outcome = NO
parameter limit: integer = 3
parameter limitAgain: integer = 1 + 2
definition okItems: list of Item = collect i for i in site.items where i.ok
`;

/** The canonical print of `condition` in a tiny program with the model above. */
function canon(condition: string): A.Expr {
  const code = `${MODEL}\nrule r\n  clause 1.1\n  when ${condition}\n  then outcome = YES\n`;
  const lines = code.split("\n");
  const parsed = parseBlock({ kind: "rules", file: "t.md", code, firstLine: 1, columnOffsets: lines.map(() => 0), span: { file: "t.md", start: { line: 1, column: 1 }, end: { line: lines.length, column: 1 } } });
  expect(parsed.diagnostics).toEqual([]);
  const span = { file: "t.md", start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
  const checked = checkProgram({ declarations: parsed.declarations }, [{ number: "1.1", title: "T", text: "", textHash: "", notes: [], span }], "t.md");
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const p = checked.program!;
  return canonical(p, p.rules[0].decl.condition);
}
const print = (c: string): string => printExpr(canon(c));

describe("formatExpr", () => {
  const v2 = diffSide("rules/tmad-20.v2").checked;
  const exprs = [...v2.rules.map((r) => r.decl.condition), ...v2.definitions.map((d) => d.body)];

  it("parses back to the same tree, for every condition and definition of 20.v2, wrapped or not", () => {
    for (const width of [Number.POSITIVE_INFINITY, 60]) for (const e of exprs) expect(printExpr(parseExpr(formatExpr(e, width)))).toBe(printExpr(e));
  });

  it("uses parentheses only where needed and wraps before and / or", () => {
    const rule = v2.rules.find((r) => r.id === "migrate_partial_moc_mds")!;
    expect(formatExpr(rule.decl.condition, Number.POSITIVE_INFINITY)).toBe("installation.cohort = MOC_MDS and readyForPartialMigration and (every g in gsmes satisfies preparationPersistentlyFailed(g))");
    expect(formatExpr(rule.decl.condition, 70, "  ")).toBe("installation.cohort = MOC_MDS\n  and readyForPartialMigration\n  and (every g in gsmes satisfies preparationPersistentlyFailed(g))");
    expect(formatExpr(parseExpr("(1 + 2) * 3 = 9 and not (a or b)"), Number.POSITIVE_INFINITY)).toBe("(1 + 2) * 3 = 9 and not (a or b)");
    expect(formatExpr(parseExpr("a - (b - c) > 0"), Number.POSITIVE_INFINITY)).toBe("a - (b - c) > 0");
  });
});

describe("canonical conditions", () => {
  it("are the same for rewrites that change nothing", () => {
    expect(print('site.group = "X" and (some i in site.items satisfies i.ok)')).toBe(print('(some j in site.items satisfies j.ok) and "X" = site.group'));
    expect(print("(count i in site.items) > limit")).toBe(print("limitAgain < (count i in site.items)"));
    expect(print("not not (some i in okItems satisfies i.kind in {A, B})")).toBe(print("some x in (collect i for i in site.items where i.ok) satisfies x.kind in {B, A}"));
    expect(print("not (some i in site.items satisfies i.ok)")).not.toBe(print("some i in site.items satisfies i.ok"));
  });

  it("differ when a threshold moves", () => {
    expect(print("(count i in site.items) >= limit")).not.toBe(print("(count i in site.items) >= 4"));
  });
});

describe("implies", () => {
  const yes = (a: string, b: string): void => expect(implies(canon(a), canon(b)), `${a} ⇒ ${b}`).toBe(true);
  const no = (a: string, b: string): void => expect(implies(canon(a), canon(b)), `${a} ⇒ ${b}`).toBe(false);

  it("knows a disjunct added and a conjunct dropped", () => {
    yes('site.group = "X" and (some i in site.items satisfies i.ok)', 'site.group = "X"');
    no('site.group = "X"', 'site.group = "X" and (some i in site.items satisfies i.ok)');
    yes('site.group = "X"', 'site.group = "X" or site.group = "Y"');
  });

  it("knows thresholds and sets", () => {
    yes("(count i in site.items) >= 5", "(count i in site.items) >= 3");
    no("(count i in site.items) >= 3", "(count i in site.items) >= 5");
    yes("(count i in site.items) > 3", "(count i in site.items) >= 3");
    // Sound for decimals too, so it does not use that a count is whole: unsure, it says no.
    no("(count i in site.items) > 3", "(count i in site.items) >= 4");
    yes("(count i in site.items) < 2", "(count i in site.items) <= 2");
    yes('site.group in {"X"}', 'site.group in {"X", "Y"}');
    no('site.group in {"X", "Y"}', 'site.group in {"X"}');
    yes('site.group not in {"X", "Y"}', 'site.group not in {"X"}');
  });

  it("looks inside quantifiers and negation", () => {
    yes("some i in site.items satisfies i.ok and i.kind = A", "some i in site.items satisfies i.ok");
    yes("every i in site.items satisfies i.ok and i.kind = A", "every i in site.items satisfies i.ok");
    no("every i in site.items satisfies i.ok", "every i in site.items satisfies i.ok and i.kind = A");
    yes("every i in site.items where i.ok satisfies i.n > 2", "every i in site.items where i.ok and i.kind = A satisfies i.n > 2");
    yes("no i in site.items satisfies i.ok", "no i in site.items satisfies i.ok and i.kind = A");
    yes("not (some i in site.items satisfies i.ok)", "not (some i in site.items satisfies i.ok and i.kind = A)");
    no("some i in site.items satisfies i.ok", "every i in site.items satisfies i.ok");
  });
});
