/**
 * Parser unit tests: rule text in, AST and diagnostics out, through parseBlock (grammar/ plus the
 * CST→AST visitor). Covers each construct's AST shape, operator precedence, spans in Markdown
 * coordinates, error recovery and lexer errors.
 */
import { describe, expect, it } from "vitest";
import type * as A from "../../src/compiler/ast/nodes.js";
import type { Diagnostic } from "../../src/compiler/diagnostics/diagnostic.js";
import type { RuleBlock } from "../../src/compiler/extract/index.js";
import { printExpr } from "../../src/compiler/ast/print.js";
import { parseBlock, parseBlocks } from "../../src/compiler/parse/index.js";

const FILE = "t.md";

/** A rule block as the extract stage would give it: by default at line 1, column 1 of the file. */
function block(code: string, options: { firstLine?: number; indent?: number; clause?: string; kind?: "rules" | "example" } = {}): RuleBlock {
  const firstLine = options.firstLine ?? 1;
  const lines = code.split("\n");
  const b = {
    kind: options.kind ?? "rules",
    file: FILE,
    code,
    firstLine,
    columnOffsets: lines.map(() => options.indent ?? 0),
    span: { file: FILE, start: { line: firstLine - 1, column: 1 }, end: { line: firstLine + lines.length, column: 4 } },
  } as const;
  return options.clause === undefined ? b : { ...b, clause: options.clause };
}

function parse(code: string, options?: Parameters<typeof block>[1]): { declarations: A.Declaration[]; diagnostics: Diagnostic[] } {
  return parseBlock(block(code, options));
}

/** Parses code that must be free of errors and returns its declarations. */
function decls(code: string): A.Declaration[] {
  const result = parse(code);
  expect(result.diagnostics).toEqual([]);
  return result.declarations;
}

function only<K extends A.Declaration["kind"]>(code: string, kind: K): Extract<A.Declaration, { kind: K }> {
  const ds = decls(code);
  expect(ds).toHaveLength(1);
  expect(ds[0].kind).toBe(kind);
  return ds[0] as Extract<A.Declaration, { kind: K }>;
}

/** The AST of one expression, read as the body of a definition. */
function expr(source: string): A.Expr {
  return only(`definition x = ${source}`, "DefinitionDecl").body;
}

/**
 * An expression as a fully parenthesised string, so tests state the tree the way a reader
 * would: `(a or (b and c))`. The compiler's canonical printer, which the version diff also uses.
 */
const show = (e: A.Expr): string => printExpr(e);

const at = (line: number, column: number) => ({ line, column });

// ---------------------------------------------------------------------------------------------

describe("declarations", () => {
  it("enum: members in order, display labels where given", () => {
    const e = only('enum Cohort\n  IOC "Initial Operating Capability"\n  MOC_MDS "MOC (MDS)"\n  FOC', "EnumDecl");
    expect(e.name.text).toBe("Cohort");
    expect(e.members.map((m) => [m.name.text, m.label])).toEqual([
      ["IOC", "Initial Operating Capability"],
      ["MOC_MDS", "MOC (MDS)"],
      ["FOC", undefined],
    ]);
    expect(e.members[2]).not.toHaveProperty("label");
  });

  it("enum: members may share a line", () => {
    expect(only("enum DeviceKind ESME GSME CHF", "EnumDecl").members.map((m) => m.name.text)).toEqual(["ESME", "GSME", "CHF"]);
  });

  it("record: fields with their types; soft keywords are field names", () => {
    const r = only("record Device\n  id: DeviceId\n  dormant: boolean\n  source: optional text\n  count: list of Reading\n  clause: clause", "RecordDecl");
    expect(r.fields.map((f) => f.name.text)).toEqual(["id", "dormant", "source", "count", "clause"]);
    expect(r.fields[0]).toMatchObject({ type: { kind: "NamedType", name: { text: "DeviceId" } } });
    expect(r.fields[0]).not.toHaveProperty("defaultValue");
  });

  it("types: every scalar, optional, list of, named and nested", () => {
    const r = only(
      "record T\n a: boolean\n b: integer\n c: decimal\n d: text\n e: date\n f: datetime\n g: clause\n h: optional date\n i: list of Device\n j: optional list of optional integer\n k: Cohort",
      "RecordDecl",
    );
    const types = r.fields.map((f) => f.type);
    expect(types.slice(0, 7).map((t) => t.kind === "ScalarType" && t.name)).toEqual(["boolean", "integer", "decimal", "text", "date", "datetime", "clause"]);
    expect(types[7]).toMatchObject({ kind: "OptionalType", inner: { kind: "ScalarType", name: "date" } });
    expect(types[8]).toMatchObject({ kind: "ListType", element: { kind: "NamedType", name: { text: "Device" } } });
    expect(types[9]).toMatchObject({
      kind: "OptionalType",
      inner: { kind: "ListType", element: { kind: "OptionalType", inner: { kind: "ScalarType", name: "integer" } } },
    });
    expect(types[10]).toMatchObject({ kind: "NamedType", name: { text: "Cohort" } });
  });

  it("identifier type with a weighted check digit", () => {
    const i = only('identifier Mpan pattern "^[0-9]{13}$" checkdigit weights 3, 5, 7, 13 mod 11 mod 10', "IdentifierDecl");
    expect(i.name.text).toBe("Mpan");
    expect(i.pattern.value).toBe("^[0-9]{13}$");
    expect(i.checkDigit).toMatchObject({ weights: [3, 5, 7, 13], moduli: [11, 10] });
  });

  it("identifier type with a single weight and modulus, and without a check digit", () => {
    expect(only('identifier A pattern "^[0-9]{2}$" checkdigit weights 7 mod 10', "IdentifierDecl").checkDigit).toMatchObject({ weights: [7], moduli: [10] });
    expect(only('identifier DeviceId pattern "^[0-9A-F]{16}$"', "IdentifierDecl")).not.toHaveProperty("checkDigit");
  });

  it("input: name, record type and key field", () => {
    const i = only("input installation: Installation identified by id", "InputDecl");
    expect([i.name.text, i.type.text, i.key.text]).toEqual(["installation", "Installation", "id"]);
    expect(only("input i: R identified by source", "InputDecl").key.text).toBe("source");
  });

  it("decision: required, optional and defaulted fields", () => {
    const d = only("decision Migration\n  outcome: Outcome\n  reason: optional text\n  notify: boolean = true\n  retries: integer = 3 * 2", "DecisionDecl");
    expect(d.fields.map((f) => f.name.text)).toEqual(["outcome", "reason", "notify", "retries"]);
    expect(d.fields[0]).not.toHaveProperty("defaultValue");
    expect(d.fields[1].type.kind).toBe("OptionalType");
    expect(show(d.fields[2].defaultValue!)).toBe("true");
    expect(show(d.fields[3].defaultValue!)).toBe("(3 * 2)");
  });

  it("parameter: type and constant value", () => {
    const p = only("parameter maxAttempts: integer = 36 * 3", "ParameterDecl");
    expect(p.name.text).toBe("maxAttempts");
    expect(p.type).toMatchObject({ kind: "ScalarType", name: "integer" });
    expect(show(p.value)).toBe("(36 * 3)");
  });

  it("definition without parameters, with and without a result type", () => {
    const plain = only("definition hasDormant = some d in installation.devices satisfies d.dormant", "DefinitionDecl");
    expect(plain.params).toEqual([]);
    expect(plain).not.toHaveProperty("type");
    const typed = only("definition total: integer = 1 + 2", "DefinitionDecl");
    expect(typed.type).toMatchObject({ kind: "ScalarType", name: "integer" });
  });

  it("definition with parameters", () => {
    const d = only("definition failed(d: Device, limit: optional integer): boolean = d.failures > limit otherwise 3", "DefinitionDecl");
    expect(d.params.map((p) => [p.name.text, p.type.kind])).toEqual([
      ["d", "NamedType"],
      ["limit", "OptionalType"],
    ]);
    expect(d.type).toMatchObject({ kind: "ScalarType", name: "boolean" });
    expect(show(d.body)).toBe("(d.failures > (limit otherwise 3))");
    expect(only("definition none() = 1", "DefinitionDecl").params).toEqual([]);
  });

  it("rule with every part", () => {
    const r = only(
      'rule dormantDeferred\n  clause 4.26A\n  source "TMAD 4.26A(b)"\n  when installation.cohort = IOC\n  then outcome = Defer, notify = false\n  unless excluded, blocked\n  overrides migrate',
      "RuleDecl",
    );
    expect(r.name.text).toBe("dormantDeferred");
    expect(r.clause?.number).toBe("4.26A");
    expect(r.source?.value).toBe("TMAD 4.26A(b)");
    expect(show(r.condition)).toBe("(installation.cohort = IOC)");
    expect(r.result.map((a) => [a.field.text, show(a.value)])).toEqual([
      ["outcome", "Defer"],
      ["notify", "false"],
    ]);
    expect(r.unless.map((n) => n.text)).toEqual(["excluded", "blocked"]);
    expect(r.overrides.map((n) => n.text)).toEqual(["migrate"]);
  });

  it("rule: unless and overrides may repeat in any order", () => {
    const r = only("rule r when a then x = 1 overrides o1 unless u1 overrides o2, o3 unless u2", "RuleDecl");
    expect(r.unless.map((n) => n.text)).toEqual(["u1", "u2"]);
    expect(r.overrides.map((n) => n.text)).toEqual(["o1", "o2", "o3"]);
  });

  it("rule: clause numbers of every shape", () => {
    const numbers = decls("rule a clause 4.26A when t then x = 1\nrule b clause 18.13 when t then x = 1\nrule c clause 5 when t then x = 1\nrule d clause 1.2.3 when t then x = 1");
    expect(numbers.map((r) => (r as A.RuleDecl).clause?.number)).toEqual(["4.26A", "18.13", "5", "1.2.3"]);
  });

  it("rule without clause: no clause of its own, the block's clause as context", () => {
    const { declarations } = parse("rule r when a then x = 1", { clause: "4.26A" });
    const r = declarations[0] as A.RuleDecl;
    expect(r).not.toHaveProperty("clause");
    expect(r).not.toHaveProperty("source");
    expect(r.context).toEqual({ clause: "4.26A", file: FILE });
    expect(parse("rule r when a then x = 1").declarations[0].context).toEqual({ file: FILE });
  });

  it("default, with and without a clause", () => {
    const [withClause, without] = decls("default clause 4.1 then outcome = Migrate, reason = \"none\"\ndefault then outcome = Migrate") as A.DefaultDecl[];
    expect(withClause).toMatchObject({ kind: "DefaultDecl", clause: { number: "4.1" } });
    expect(withClause.result.map((a) => a.field.text)).toEqual(["outcome", "reason"]);
    expect(without.kind).toBe("DefaultDecl");
    expect(without).not.toHaveProperty("clause");
  });

  it("the next declaration keyword ends the previous declaration", () => {
    const ds = decls("enum E A B\nrecord R x: E\ninput i: R identified by x\ndecision D y: E\nparameter p: integer = 1\ndefinition d = p\nrule r when d = 1 then y = A\ndefault then y = B");
    expect(ds.map((d) => d.kind)).toEqual(["EnumDecl", "RecordDecl", "InputDecl", "DecisionDecl", "ParameterDecl", "DefinitionDecl", "RuleDecl", "DefaultDecl"]);
  });

  it("a comment after code on its line documents that code, not the next declaration", () => {
    const [, second] = decls("rule a when t then x = 1 -- only in winter\nrule b when t then x = 2") as A.RuleDecl[];
    expect(second).not.toHaveProperty("doc");
    const [, third] = decls("enum E A -- trailing\n-- Doc of b.\nrule b when t then x = 2") as [A.EnumDecl, A.RuleDecl];
    expect(third.doc).toBe("Doc of b.");
  });

  it("comment lines directly above a declaration are its doc", () => {
    const [first, second, third] = decls("-- Cohorts of SMETS1 installations.\n-- Enrolment order.\nenum Cohort IOC FOC\n\n-- Detached.\n\nenum E A\ndefault then x = 1 -- trailing") as [A.EnumDecl, A.EnumDecl, A.DefaultDecl];
    expect(first.doc).toBe("Cohorts of SMETS1 installations.\nEnrolment order.");
    expect(second).not.toHaveProperty("doc");
    expect(third).not.toHaveProperty("doc");
  });
});

// ---------------------------------------------------------------------------------------------

describe("expressions", () => {
  it.each([
    ["true", "true"],
    ["false", "false"],
    ["36", "36"],
    ["18.13", "18.13"],
    ["2022-05-11", "2022-05-11"],
    ["2022-05-11T09:30Z", "2022-05-11T09:30Z"],
    ["2022-05-11T09:30:00+01:00", "2022-05-11T09:30:00+01:00"],
    ["2022-05-11T09:30:00.250-05:30", "2022-05-11T09:30:00.250-05:30"],
    ["clause 4.26A", "clause 4.26A"],
    ["clause 18.13", "clause 18.13"],
    ["clause 5", "clause 5"],
  ])("literal %s", (source, shown) => {
    expect(show(expr(source))).toBe(shown);
  });

  it("literal kinds", () => {
    expect(expr("36")).toMatchObject({ kind: "NumberLiteral", text: "36", isDecimal: false });
    expect(expr("0.5")).toMatchObject({ kind: "NumberLiteral", text: "0.5", isDecimal: true });
    expect(expr("2022-05-11")).toMatchObject({ kind: "DateLiteral", text: "2022-05-11" });
    expect(expr("2022-05-11T09:30Z")).toMatchObject({ kind: "DateTimeLiteral" });
    expect(expr("clause 18.13")).toMatchObject({ kind: "ClauseLiteral", number: "18.13" });
  });

  it("text literals unescape \\\" \\\\ \\n \\t", () => {
    expect(expr('"say \\"hi\\" \\\\ a\\nb\\tc"')).toMatchObject({ kind: "TextLiteral", value: 'say "hi" \\ a\nb\tc' });
    expect(expr('""')).toMatchObject({ kind: "TextLiteral", value: "" });
  });

  it("names, field access, bare and qualified enum members", () => {
    expect(expr("installation")).toMatchObject({ kind: "NameRef", name: { text: "installation" } });
    expect(expr("IOC")).toMatchObject({ kind: "NameRef", name: { text: "IOC" } });
    expect(expr("Cohort.IOC")).toMatchObject({ kind: "MemberAccess", object: { kind: "NameRef", name: { text: "Cohort" } }, member: { text: "IOC" } });
    expect(show(expr("installation.devices.count"))).toBe("installation.devices.count");
    expect(show(expr("r.source = r.min"))).toBe("(r.source = r.min)");
  });

  it("calls, with and without arguments, and field access on their result", () => {
    expect(expr("dormant(d, 3)")).toMatchObject({ kind: "Call", callee: { text: "dormant" }, args: [{ kind: "NameRef" }, { kind: "NumberLiteral" }] });
    expect(expr("now()")).toMatchObject({ kind: "Call", args: [] });
    expect(show(expr("first(xs).id"))).toBe("first(xs).id");
    expect(show(expr("f(if a then 1 else 2)"))).toBe("f((if a then 1 else 2))");
  });

  it("arithmetic and unary minus", () => {
    expect(show(expr("a + b - c"))).toBe("((a + b) - c)");
    expect(show(expr("a * b / c"))).toBe("((a * b) / c)");
    expect(show(expr("-a * b"))).toBe("((-a) * b)");
    expect(show(expr("a - -1"))).toBe("(a - (-1))");
    expect(show(expr("(a + b) * c"))).toBe("((a + b) * c)");
  });

  it.each(["=", "!=", "<", "<=", ">", ">="])("comparison %s", (op) => {
    expect(expr(`a ${op} b`)).toMatchObject({ kind: "Binary", operator: op });
  });

  it("and, or, not", () => {
    expect(show(expr("a and b and c"))).toBe("((a and b) and c)");
    expect(show(expr("a or b or c"))).toBe("((a or b) or c)");
    expect(show(expr("not not a"))).toBe("(not (not a))");
  });

  it("membership: in and not in", () => {
    expect(show(expr("installation.cohort in {IOC, Cohort.MOC_MDS}"))).toBe("(installation.cohort in {IOC, Cohort.MOC_MDS})");
    expect(expr("c not in {FOC}")).toMatchObject({ kind: "Membership", negated: true, set: [{ kind: "NameRef" }] });
    expect(expr("c in {1 + 1, 3}")).toMatchObject({ kind: "Membership", negated: false, set: [{ kind: "Binary" }, { kind: "NumberLiteral" }] });
  });

  it.each([
    ["x is present", false],
    ["x is not absent", false],
    ["x is absent", true],
    ["x is not present", true],
  ])("presence: %s", (source, negated) => {
    expect(expr(source)).toMatchObject({ kind: "Presence", negated, operand: { kind: "NameRef" } });
  });

  it("otherwise, left to right", () => {
    expect(show(expr("a otherwise b otherwise c"))).toBe("((a otherwise b) otherwise c)");
    expect(show(expr("d.lastSeen otherwise cutoff"))).toBe("(d.lastSeen otherwise cutoff)");
  });

  it("if then else, nested in either branch", () => {
    expect(show(expr("if a then b else c"))).toBe("(if a then b else c)");
    expect(show(expr("if a then if b then 1 else 2 else 3"))).toBe("(if a then (if b then 1 else 2) else 3)");
    expect(show(expr("if a then 1 else if b then 2 else 3"))).toBe("(if a then 1 else (if b then 2 else 3))");
    expect(show(expr("if a then b else c or d"))).toBe("(if a then b else (c or d))");
  });

  it.each([
    ["some d in xs where d.kind = ESME satisfies d.dormant", "(some d in xs where (d.kind = ESME) satisfies d.dormant)"],
    ["every d in installation.devices satisfies d.dormant", "(every d in installation.devices satisfies d.dormant)"],
    ["no d in xs where d.dormant", "(no d in xs where d.dormant)"],
    ["count d in xs", "(count d in xs)"],
    ["count d in xs satisfies d.ok", "(count d in xs satisfies d.ok)"],
    ["some c in [A, B] satisfies c = x", "(some c in [A, B] satisfies (c = x))"],
  ])("quantifier: %s", (source, shown) => {
    expect(show(expr(source))).toBe(shown);
  });

  it("quantifier fields: variable, collection, filter, predicate", () => {
    const q = expr("every d in installation.devices where d.seen is present satisfies d.seen >= cutoff");
    expect(q).toMatchObject({
      kind: "Quantified",
      quantifier: "every",
      variable: { text: "d" },
      collection: { kind: "MemberAccess" },
      filter: { kind: "Presence" },
      predicate: { kind: "Binary", operator: ">=" },
    });
    expect(expr("some d in xs satisfies d.ok")).not.toHaveProperty("filter");
    expect(expr("no d in xs where d.ok")).not.toHaveProperty("predicate");
  });

  it("quantifier bodies extend as far right as possible", () => {
    expect(show(expr("some d in xs satisfies d.a and b"))).toBe("(some d in xs satisfies (d.a and b))");
    expect(show(expr("count d in xs where d.dormant > 2"))).toBe("(count d in xs where (d.dormant > 2))");
    expect(show(expr("(count d in xs where d.dormant) > 2"))).toBe("((count d in xs where d.dormant) > 2)");
  });

  it.each([
    ["min d.installedOn for d in xs", "(min d.installedOn for d in xs)"],
    ["max d.at for d in xs where d.kind = ESME", "(max d.at for d in xs where (d.kind = ESME))"],
    ["sum d.n * 2 for d in xs where d.ok", "(sum (d.n * 2) for d in xs where d.ok)"],
    ["collect d.id for d in installation.devices where d.dormant", "(collect d.id for d in installation.devices where d.dormant)"],
    ["collect d for d in xs", "(collect d for d in xs)"],
  ])("aggregate: %s", (source, shown) => {
    expect(show(expr(source))).toBe(shown);
  });

  it("aggregate without where ends at its list, so otherwise applies to it", () => {
    expect(show(expr("min d.at for d in xs otherwise 0"))).toBe("((min d.at for d in xs) otherwise 0)");
    expect(expr("sum d.n for d in xs")).not.toHaveProperty("filter");
  });

  it("list literals", () => {
    expect(show(expr("[1, 2, -3]"))).toBe("[1, 2, (-3)]");
    expect(expr("[]")).toMatchObject({ kind: "ListLiteral", elements: [] });
    expect(show(expr("[a or b, [c]]"))).toBe("[(a or b), [c]]");
  });

  it("days between: operands are additive expressions", () => {
    expect(expr("days between a and b")).toMatchObject({ kind: "DaysBetween", from: { kind: "NameRef", name: { text: "a" } }, to: { kind: "NameRef", name: { text: "b" } } });
    expect(show(expr("days between i.commissioned and i.assessedOn + 1"))).toBe("(days between i.commissioned and (i.assessedOn + 1))");
    expect(show(expr("days between a and b > 30"))).toBe("((days between a and b) > 30)");
    expect(show(expr("days between a and b and c"))).toBe("((days between a and b) and c)");
  });
});

// ---------------------------------------------------------------------------------------------

describe("operator precedence", () => {
  it.each([
    ["a or b and c", "(a or (b and c))"],
    ["a and b or c", "((a and b) or c)"],
    ["not a = b", "(not (a = b))"],
    ["not a and b", "((not a) and b)"],
    ["a + b * c", "(a + (b * c))"],
    ["a * b + c", "((a * b) + c)"],
    ["a - b - c", "((a - b) - c)"],
    ["a = b + 1", "(a = (b + 1))"],
    ["x otherwise y + 1", "(x otherwise (y + 1))"],
    ["x otherwise 3 = 7", "((x otherwise 3) = 7)"],
    ["x is present and x > 1", "((x is present) and (x > 1))"],
    ["x is absent or x < 1", "((x is absent) or (x < 1))"],
    ["a and not b in {X}", "(a and (not (b in {X})))"],
    ["-a.b", "(-a.b)"],
    ["(a or b) and c", "((a or b) and c)"],
  ])("%s", (source, shown) => {
    expect(show(expr(source))).toBe(shown);
  });
});

// ---------------------------------------------------------------------------------------------

describe("spans are in Markdown file coordinates", () => {
  // The block's first content line is file line 10, and every line is indented by 2 in the file.
  const options = { firstLine: 10, indent: 2 };

  it("declarations, names and expressions", () => {
    const { declarations, diagnostics } = parse("rule dormant\n  when a and b\n  then x = 1", options);
    expect(diagnostics).toEqual([]);
    const r = declarations[0] as A.RuleDecl;
    expect(r.span).toEqual({ file: FILE, start: at(10, 3), end: at(12, 15) });
    expect(r.name.span).toEqual({ file: FILE, start: at(10, 8), end: at(10, 15) });
    // `a and b` on block line 2, columns 8–14.
    expect(r.condition.span).toEqual({ file: FILE, start: at(11, 10), end: at(11, 17) });
    expect(r.result[0].span).toEqual({ file: FILE, start: at(12, 10), end: at(12, 15) });
  });

  it("an expression in parentheses spans its parentheses", () => {
    const d = parse("definition a = (x + y) * z", options).declarations[0] as A.DefinitionDecl;
    expect(d.body.span).toEqual({ file: FILE, start: at(10, 18), end: at(10, 29) });
    expect((d.body as Extract<A.Expr, { kind: "Binary" }>).left.span).toEqual({ file: FILE, start: at(10, 18), end: at(10, 25) });
  });

  it("each line uses its own column offset", () => {
    const code = "definition a =\n  x";
    const b = { ...block(code, { firstLine: 20 }), columnOffsets: [0, 4] };
    const d = parseBlock(b).declarations[0] as A.DefinitionDecl;
    expect(d.body.span).toEqual({ file: FILE, start: at(21, 7), end: at(21, 8) });
  });

  it("a syntax error points at the offending token", () => {
    const { diagnostics } = parse("rule r\n  when a\n  then x 1", options);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: "TMAD2003", span: { file: FILE, start: at(12, 12), end: at(12, 13) } });
    expect(diagnostics[0].message).toContain("'='");
  });

  it("a block given again as a new object is parsed once; the same text elsewhere is parsed for its place", () => {
    const code = "rule r\n  when a and b\n  then x = 1";
    const first = parse(code, options);
    // The same declarations, parsed once.
    expect(parse(code, options).declarations).toBe(first.declarations);
    expect((first.declarations[0] as A.RuleDecl).condition.span.start).toEqual(at(11, 10));
    for (const [moved, line, column] of [
      [parse(code, { ...options, firstLine: 30 }), 31, 10],
      [parse(code, { ...options, indent: 4 }), 11, 12],
      [parseBlock({ ...block(code, options), columnOffsets: [2, 6, 2] }), 11, 14],
    ] as const) {
      expect(moved.declarations).not.toBe(first.declarations);
      expect((moved.declarations[0] as A.RuleDecl).condition.span.start).toEqual(at(line, column));
    }
    expect(parseBlock({ ...block(code, options), file: "u.md" }).declarations[0].span.file).toBe("u.md");
    expect(parseBlock({ ...block(code, options), clause: "4.2", version: "v1" }).declarations[0].context).toEqual({ clause: "4.2", file: FILE, version: "v1" });
    expect(first.declarations[0].context).toEqual({ file: FILE });
    // A syntax error is reported again each time the block is given, at its place.
    const broken = "rule r\n  when a\n  then x 1";
    const errors = parse(broken, options).diagnostics;
    expect(errors.map((d) => d.code)).toEqual(["TMAD2003"]);
    expect(parse(broken, options).diagnostics).toEqual(errors);
    expect(parseBlock({ ...block(broken, options), file: "u.md" }).diagnostics.map((d) => d.span.file)).toEqual(["u.md"]);
  });

  it("a syntax error at the end of a block points just past its last character", () => {
    const { diagnostics } = parse("rule r\n  when a\n  then", options);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: "TMAD2003", span: { start: at(12, 9) } });
  });
});

// ---------------------------------------------------------------------------------------------

describe("error recovery", () => {
  it("reports one TMAD2003 per broken declaration, keeps the valid ones and marks the recovered ones", () => {
    const code = [
      "enum Cohort IOC FOC", // valid
      "rule broken1 when x = then outcome = A", // missing operand
      "record Device id: DeviceId", // valid
      "definition broken2 = (a + b] * 2", // ']' for ')'
      "parameter limit: integer = 3", // valid
      "rule broken3 when a then outcome A", // missing '='
      "default then outcome = B", // valid
    ].join("\n");
    const { declarations, diagnostics } = parse(code);
    expect(diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ["TMAD2003", 2],
      ["TMAD2003", 4],
      ["TMAD2003", 6],
    ]);
    const named = (recovered: boolean): string[] => declarations.filter((d) => (d.recovered === true) === recovered).flatMap((d) => (d.kind === "DefaultDecl" ? ["default"] : [d.name.text]));
    expect(named(false)).toEqual(["Cohort", "Device", "limit", "default"]);
    // The broken ones stand as placeholders with their names, for the checker to know and leave alone.
    expect(named(true)).toEqual(["broken1", "broken2", "broken3"]);
  });

  it("messages use the words an author writes", () => {
    const { diagnostics } = parse("rule r when a x = 1");
    expect(diagnostics[0].message).toMatch(/expected 'then' but found 'x'/);
    expect(diagnostics[0].hint).toBeDefined();
  });

  it("a stray token between declarations is reported and parsing resumes", () => {
    const { declarations, diagnostics } = parse("definition a = 1\n) )\ndefinition b = 2");
    expect(diagnostics.map((d) => d.code)).toEqual(["TMAD2003"]);
    expect(declarations.map((d) => (d as A.DefinitionDecl).name.text)).toEqual(["a", "b"]);
  });

  it("reserved keywords cannot be names; comparisons do not chain", () => {
    // `input` starts the next declaration, so the rest of the line is reported too.
    expect(parse("definition input = 1").diagnostics[0]).toMatchObject({ code: "TMAD2003", message: expect.stringContaining("'input'") });
    expect(parse("definition count = 1").diagnostics.map((d) => d.code)).toEqual(["TMAD2003"]);
    expect(parse("definition x = a = b = c").diagnostics.map((d) => d.code)).toEqual(["TMAD2003"]);
    expect(parse("definition x = 1 + if a then 1 else 2").diagnostics.map((d) => d.code)).toEqual(["TMAD2003"]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("lexer", () => {
  it("TMAD2001 for a character that starts no token, at its position", () => {
    const { diagnostics } = parse("definition x =\n  a @ b", { firstLine: 5, indent: 2 });
    const lexical = diagnostics.filter((d) => d.code === "TMAD2001");
    expect(lexical).toHaveLength(1);
    expect(lexical[0]).toMatchObject({ severity: "error", span: { file: FILE, start: at(6, 7), end: at(6, 8) } });
    expect(lexical[0].message).toContain("'@'");
  });

  it("TMAD2002 for a text literal not closed on its line, at its opening quote", () => {
    const { diagnostics } = parse('definition t = "abc\ndefinition u = 1', { firstLine: 3, indent: 4 });
    const lexical = diagnostics.filter((d) => d.code === "TMAD2002");
    expect(lexical).toHaveLength(1);
    expect(lexical[0].span.start).toEqual(at(3, 20));
  });

  it("comments are skipped, and `--` always starts one", () => {
    expect(show(expr("a -- the rest is a comment\n + b"))).toBe("(a + b)");
    expect(show(expr("a--b"))).toBe("a");
    expect(show(expr("a - -b"))).toBe("(a - (-b))");
  });

  it("a keyword followed by name characters is a name", () => {
    for (const name of ["inputs", "notify", "order", "index", "none", "rules", "identifiers", "defaults", "iff"]) {
      expect(expr(name)).toMatchObject({ kind: "NameRef", name: { text: name } });
    }
  });

  it("dates, date-times, decimals and clause numbers are single tokens", () => {
    expect(expr("2022-05-11 - 1")).toMatchObject({ kind: "Binary", left: { kind: "DateLiteral" } });
    expect(parse("definition t = 2022-05-11T09:30").diagnostics.map((d) => d.code)).toEqual(["TMAD2003"]);
    expect(parse("rule r clause 4A when a then x = 1").diagnostics).toEqual([]);
    expect(expr("clause 4.26A")).toMatchObject({ kind: "ClauseLiteral", number: "4.26A" });
  });

  it("parseBlocks reads only rule blocks", () => {
    const { program, diagnostics } = parseBlocks([block("definition a = 1"), block("this is an example, not rules", { kind: "example" })]);
    expect(diagnostics).toEqual([]);
    expect(program.declarations.map((d) => d.kind)).toEqual(["DefinitionDecl"]);
  });
});
