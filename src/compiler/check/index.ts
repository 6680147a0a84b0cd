/**
 * Stage 3, check: Program (AST) + the version's clauses → CheckedProgram.
 *
 * Resolves every name (types, fields, enum members, parameters, definitions, rules, clause
 * numbers), infers and checks static types, and checks structure: duplicate ids, cycles between
 * definitions and in precedence, decision results that set every required field. Absent optional
 * values must be handled explicitly: a presence check narrows a path for the code it guards.
 * The result carries, per expression node, its type and what each name refers to, which is all the
 * generator needs. Every problem is a diagnostic; the stage never throws on user error.
 */
import type * as A from "../ast/nodes.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { DiagnosticCode } from "../diagnostics/codes.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { Clause } from "../extract/index.js";
import { fileSpan, type Span } from "../source/span.js";
import { isCalendarDate, isDateTime } from "../../runtime/values.js";
import * as Ty from "./types.js";
import type { Type } from "./types.js";

export { typeToString } from "./types.js";
export type { Type } from "./types.js";

/** What a name or member in an expression refers to. */
export type Ref =
  | { readonly kind: "input" }
  | { readonly kind: "variable"; readonly name: string }
  | { readonly kind: "parameter"; readonly name: string }
  | { readonly kind: "definition"; readonly name: string }
  | { readonly kind: "enumMember"; readonly enumName: string; readonly member: string }
  | { readonly kind: "field"; readonly recordName: string; readonly field: string };

export interface CheckedRule {
  readonly decl: A.RuleDecl;
  readonly id: string;
  /** The clause the rule implements (explicit `clause` line, else the heading it sits under). */
  readonly clause: string;
  /** Rules that set this rule aside when they apply, directly or through others (transitive). */
  readonly overriddenBy: readonly string[];
}

export interface CheckedProgram {
  readonly enums: readonly A.EnumDecl[];
  readonly records: readonly A.RecordDecl[];
  readonly identifiers: readonly A.IdentifierDecl[];
  readonly input: A.InputDecl;
  readonly inputRecord: A.RecordDecl;
  readonly decision: A.DecisionDecl;
  /** In dependency order. */
  readonly parameters: readonly A.ParameterDecl[];
  /** In dependency order. */
  readonly definitions: readonly A.DefinitionDecl[];
  readonly definitionTypes: ReadonlyMap<string, Type>;
  readonly rules: readonly CheckedRule[];
  readonly defaultResult?: { readonly decl: A.DefaultDecl; readonly clause?: string };
  /** Direct precedence edges as written: `winner` sets `loser` aside. */
  readonly precedence: readonly { readonly winner: string; readonly loser: string }[];
  readonly types: ReadonlyMap<A.Expr, Type>;
  readonly refs: ReadonlyMap<A.Expr, Ref>;
  /** Paths whose declared type is optional but that a presence check has narrowed here. */
  readonly narrowed: ReadonlySet<A.Expr>;
  readonly fieldTypes: ReadonlyMap<string, ReadonlyMap<string, Type>>;
  readonly clauses: readonly Clause[];
}

export interface CheckResult {
  /** Absent when errors make generation meaningless. */
  readonly program?: CheckedProgram;
  readonly diagnostics: Diagnostic[];
  /**
   * Each expression's type and what each name refers to, as far as checking got: present even when
   * there are errors, for tools that work on rules being edited (the language server).
   */
  readonly resolution: { readonly types: ReadonlyMap<A.Expr, Type>; readonly refs: ReadonlyMap<A.Expr, Ref> };
}

interface Scope {
  readonly vars: ReadonlyMap<string, Type>;
  readonly narrowed: ReadonlySet<string>;
  /** Parameters' values may only use literals and other parameters. */
  readonly constantOnly: boolean;
}

const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

const EMPTY_SCOPE: Scope = { vars: new Map(), narrowed: new Set(), constantOnly: false };

/** `file` is where to report problems that have no better place (e.g. a missing declaration). */
export function checkProgram(program: A.Program, clauses: readonly Clause[], file = "rules"): CheckResult {
  return new Checker(program, clauses, file).run();
}

class Checker {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly types = new Map<A.Expr, Type>();
  private readonly refs = new Map<A.Expr, Ref>();
  private readonly narrowedNodes = new Set<A.Expr>();
  private readonly enums = new Map<string, A.EnumDecl>();
  private readonly records = new Map<string, A.RecordDecl>();
  private readonly identifiers = new Map<string, A.IdentifierDecl>();
  private readonly parameters = new Map<string, A.ParameterDecl>();
  private readonly definitions = new Map<string, A.DefinitionDecl>();
  private readonly rules = new Map<string, A.RuleDecl>();
  private readonly clauseNumbers: Set<string>;
  private readonly fieldTypes = new Map<string, Map<string, Type>>();
  private input: A.InputDecl | undefined;
  private decision: A.DecisionDecl | undefined;
  private defaultDecl: A.DefaultDecl | undefined;
  private decisionFields = new Map<string, { field: A.Field; type: Type }>();
  // Lazily computed, so definitions can be used before they are declared.
  private readonly parameterTypes = new Map<string, Type>();
  private readonly definitionTypes = new Map<string, Type>();
  private readonly visiting: string[] = [];
  private readonly parameterOrder: A.ParameterDecl[] = [];
  private readonly definitionOrder: A.DefinitionDecl[] = [];
  private readonly used = new Set<string>();
  private readonly enumMemberOwners = new Map<string, string[]>();

  constructor(
    private readonly program: A.Program,
    private readonly clauses: readonly Clause[],
    private readonly file: string,
  ) {
    this.clauseNumbers = new Set(clauses.map((c) => c.number));
  }

  private report(code: DiagnosticCode, span: Span, message: string, hint?: string): void {
    this.diagnostics.push(diagnostic(code, span, message, hint));
  }

  run(): CheckResult {
    this.collect();
    for (const r of this.records.values()) this.checkRecord(r);
    this.checkRecordCycles();
    for (const i of this.identifiers.values()) this.checkIdentifier(i);
    const inputRecord = this.checkInput();
    this.checkDecision();
    for (const p of this.parameters.values()) this.parameterType(p.name.text);
    for (const d of this.definitions.values()) this.definitionType(d.name.text);
    const checkedRules = this.checkRules();
    const defaultResult = this.checkDefault();
    const precedence = this.checkPrecedence();
    this.reportUnused();

    const failed = this.diagnostics.some((d) => d.severity === "error");
    if (failed || this.input === undefined || this.decision === undefined || inputRecord === undefined || precedence === undefined) {
      return { diagnostics: this.diagnostics, resolution: { types: this.types, refs: this.refs } };
    }
    const overriddenBy = transitiveWinners(precedence, [...this.rules.keys()]);
    return {
      diagnostics: this.diagnostics,
      resolution: { types: this.types, refs: this.refs },
      program: {
        enums: [...this.enums.values()],
        records: [...this.records.values()],
        identifiers: [...this.identifiers.values()],
        input: this.input,
        inputRecord,
        decision: this.decision,
        parameters: this.parameterOrder,
        definitions: this.definitionOrder,
        definitionTypes: this.definitionTypes,
        rules: checkedRules.map((r) => ({ ...r, overriddenBy: overriddenBy.get(r.id) ?? [] })),
        ...(defaultResult === undefined ? {} : { defaultResult }),
        precedence,
        types: this.types,
        refs: this.refs,
        narrowed: this.narrowedNodes,
        fieldTypes: this.fieldTypes,
        clauses: this.clauses,
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Declarations

  private collect(): void {
    const typeNames = new Map<string, A.NamedDecl>();
    const valueNames = new Map<string, A.NamedDecl>();
    const duplicate = (decl: A.NamedDecl, prior: A.NamedDecl): void =>
      this.report("TMAD3005", decl.name.span, `\`${decl.name.text}\` is already declared at ${prior.name.span.file}:${prior.name.span.start.line}`, "rename one of them");
    for (const decl of this.program.declarations) {
      if (decl.kind === "DefaultDecl") {
        if (this.defaultDecl !== undefined) {
          this.report("TMAD3005", decl.span, `a default result is already declared at ${this.defaultDecl.span.file}:${this.defaultDecl.span.start.line}`, "keep one `default` per version");
        } else this.defaultDecl = decl;
        continue;
      }
      const name = decl.name.text;
      switch (decl.kind) {
        case "EnumDecl":
        case "RecordDecl":
        case "IdentifierDecl":
        case "DecisionDecl": {
          const prior = typeNames.get(name);
          if (prior !== undefined) {
            duplicate(decl, prior);
            continue;
          }
          typeNames.set(name, decl);
          if (decl.kind === "EnumDecl") this.enums.set(name, decl);
          else if (decl.kind === "RecordDecl") this.records.set(name, decl);
          else if (decl.kind === "IdentifierDecl") this.identifiers.set(name, decl);
          else if (this.decision !== undefined) {
            this.report("TMAD3005", decl.name.span, `a decision type is already declared (\`${this.decision.name.text}\`)`, "declare one decision per version");
          } else this.decision = decl;
          break;
        }
        case "InputDecl":
        case "ParameterDecl":
        case "DefinitionDecl": {
          const prior = valueNames.get(name);
          if (prior !== undefined) {
            duplicate(decl, prior);
            continue;
          }
          valueNames.set(name, decl);
          if (decl.kind === "ParameterDecl") this.parameters.set(name, decl);
          else if (decl.kind === "DefinitionDecl") this.definitions.set(name, decl);
          else if (this.input !== undefined) {
            this.report("TMAD3005", decl.name.span, `an input is already declared (\`${this.input.name.text}\`)`, "declare one input per version");
          } else this.input = decl;
          break;
        }
        case "RuleDecl": {
          const prior = this.rules.get(name);
          if (prior !== undefined) {
            duplicate(decl, prior);
            continue;
          }
          this.rules.set(name, decl);
          break;
        }
      }
    }
    // `__proto__` as a key of an object literal sets a prototype instead of a key, so it names
    // nothing; and input records may not carry `constructor` or `prototype` keys (the validator
    // refuses them), so no record field may be called that.
    const reserved = (n: A.Name, what: string, names: ReadonlySet<string>): void => {
      if (names.has(n.text)) this.report("TMAD3016", n.span, `\`${n.text}\` cannot name ${what}`, `choose another name: ${[...names].map((x) => `\`${x}\``).join(", ")} ${names.size === 1 ? "is" : "are"} reserved here`);
    };
    const proto = new Set(["__proto__"]);
    for (const decl of this.program.declarations) {
      if (decl.kind === "DefaultDecl") continue;
      reserved(decl.name, "a declaration", proto);
      if (decl.kind === "RecordDecl") for (const f of decl.fields) reserved(f.name, "a record field", RESERVED);
      if (decl.kind === "DecisionDecl") for (const f of decl.fields) reserved(f.name, "a decision field", proto);
      if (decl.kind === "EnumDecl") for (const m of decl.members) reserved(m.name, "an enum member", proto);
    }
    for (const e of this.enums.values()) {
      const seen = new Set<string>();
      for (const m of e.members) {
        if (seen.has(m.name.text)) this.report("TMAD3008", m.name.span, `enum ${e.name.text} lists \`${m.name.text}\` twice`, "remove the repeated member");
        seen.add(m.name.text);
        const owners = this.enumMemberOwners.get(m.name.text) ?? [];
        owners.push(e.name.text);
        this.enumMemberOwners.set(m.name.text, owners);
      }
    }
    const first = this.program.declarations[0];
    const where = first === undefined ? fileSpan(this.file) : first.span;
    if (this.input === undefined) this.report("TMAD3009", where, "no `input` is declared", "declare the record each evaluation takes, e.g. `input installation: Installation identified by id`");
    if (this.decision === undefined) this.report("TMAD3009", where, "no `decision` is declared", "declare the result type, e.g. `decision Decision  outcome: Outcome`");
    if (this.defaultDecl === undefined) this.report("TMAD3009", where, "no `default` result is declared", "say what the decision is when no rule applies, e.g. `default then outcome = BLOCKED`");
  }

  private resolveType(t: A.TypeExpr): Type {
    switch (t.kind) {
      case "ScalarType":
        return { kind: t.name };
      case "ListType":
        return { kind: "list", element: this.resolveType(t.element) };
      case "OptionalType": {
        const inner = this.resolveType(t.inner);
        if (inner.kind === "optional") this.report("TMAD4001", t.span, "`optional optional` is the same as `optional`", "write `optional` once");
        return inner.kind === "optional" ? inner : { kind: "optional", inner };
      }
      case "NamedType": {
        const n = t.name.text;
        if (this.enums.has(n)) return { kind: "enum", name: n };
        if (this.records.has(n)) return { kind: "record", name: n };
        if (this.identifiers.has(n)) return { kind: "identifier", name: n };
        const candidates = [...this.enums.keys(), ...this.records.keys(), ...this.identifiers.keys(), "boolean", "integer", "decimal", "text", "date", "datetime", "clause"];
        this.report("TMAD3004", t.name.span, `unknown type \`${n}\``, didYouMean(n, candidates) ?? "declare it as an enum, record or identifier type");
        return Ty.ERROR;
      }
    }
  }

  private checkFields(owner: string, fields: readonly A.Field[], allowDefaults: boolean): Map<string, Type> {
    const types = new Map<string, Type>();
    for (const f of fields) {
      if (types.has(f.name.text)) {
        this.report("TMAD3008", f.name.span, `\`${owner}\` has two fields named \`${f.name.text}\``, "rename or remove one");
        continue;
      }
      const type = this.resolveType(f.type);
      types.set(f.name.text, type);
      if (f.defaultValue !== undefined && !allowDefaults) {
        this.report("TMAD3015", f.defaultValue.span, `record field \`${owner}.${f.name.text}\` cannot have a default value`, "input facts come from the record; only decision fields have defaults");
      }
      if (f.dated !== undefined && allowDefaults) {
        this.report("TMAD3015", f.dated.span, `decision field \`${owner}.${f.name.text}\` cannot be dated`, "`dated by` says when an input fact became known; decisions are not facts");
      }
    }
    this.fieldTypes.set(owner, types);
    return types;
  }

  private checkRecord(r: A.RecordDecl): void {
    const types = this.checkFields(r.name.text, r.fields, false);
    this.checkDating(r, types);
  }

  /**
   * `dated by` (README "Dated facts"): the dating field is a date or date-time of the same record;
   * a dated field's earlier value is a literal or another field of the record, and a required
   * field must give one. The runtime cuts facts by these declarations (`--as-of`).
   */
  private checkDating(r: A.RecordDecl, types: ReadonlyMap<string, Type>): void {
    const datingField = (by: A.Name, what: string): void => {
      const t = types.get(by.text);
      if (t === undefined) {
        this.report("TMAD3002", by.span, `record ${r.name.text} has no field \`${by.text}\``, didYouMean(by.text, types.keys()) ?? `${what} is dated by one of its own fields`);
      } else if (!["date", "datetime"].includes((t.kind === "optional" ? t.inner : t).kind)) {
        this.report("TMAD3017", by.span, `\`${r.name.text}.${by.text}\` is ${Ty.typeToString(t)}: ${what} can only be dated by a date or date-time`, "name a field of type date or datetime (optional if some records lack it)");
      }
    };
    if (r.datedBy !== undefined) datingField(r.datedBy, `a ${r.name.text}`);
    for (const f of r.fields) {
      if (f.dated === undefined) continue;
      const own = types.get(f.name.text) ?? Ty.ERROR;
      if (f.dated.by.text === f.name.text) {
        this.report("TMAD3017", f.dated.by.span, `\`${r.name.text}.${f.name.text}\` cannot be dated by itself`, "name the field that holds the date its value changed");
        continue;
      }
      datingField(f.dated.by, `\`${r.name.text}.${f.name.text}\``);
      const before = f.dated.otherwise;
      if (before === undefined) {
        if (own.kind !== "optional") this.report("TMAD3017", f.dated.span, `\`${r.name.text}.${f.name.text}\` is required, so it needs the value it had before its date`, "add `otherwise` with a literal or another field of the record, e.g. `otherwise false`");
        continue;
      }
      const sibling = before.kind === "NameRef" ? types.get(before.name.text) : undefined;
      const ownEnum = enumNameIn(own);
      if (before.kind === "NameRef" && sibling === undefined && !(ownEnum !== undefined && this.enums.get(ownEnum)?.members.some((m) => m.name.text === before.name.text))) {
        this.report("TMAD3002", before.span, `record ${r.name.text} has no field \`${before.name.text}\``, didYouMean(before.name.text, types.keys()) ?? "write a literal or another field of the record");
      } else if (before.kind === "NameRef" && sibling !== undefined) {
        if (!Ty.assignable(sibling.kind === "optional" ? sibling.inner : sibling, own.kind === "optional" ? own.inner : own)) {
          this.report("TMAD4001", before.span, `the value before \`${r.name.text}.${f.name.text}\`'s date must be ${Ty.typeToString(own)}, not ${Ty.typeToString(sibling)}`);
        }
      } else if (["BooleanLiteral", "NumberLiteral", "TextLiteral", "DateLiteral", "DateTimeLiteral", "ClauseLiteral", "NameRef", "MemberAccess"].includes(before.kind)) {
        this.expectAssignable(before, this.expr(before, EMPTY_SCOPE, own.kind === "optional" ? own.inner : own), own, `the value before \`${r.name.text}.${f.name.text}\`'s date`);
      } else {
        this.report("TMAD3017", before.span, `the value before \`${r.name.text}.${f.name.text}\`'s date must be a literal or another field of ${r.name.text}`, "the runtime substitutes it without evaluating rules; write e.g. `otherwise false` or `otherwise previousStatus`");
      }
    }
  }

  private checkRecordCycles(): void {
    const state = new Map<string, "visiting" | "done">();
    const visit = (name: string, path: string[]): void => {
      if (state.get(name) === "done") return;
      if (state.get(name) === "visiting") {
        const r = this.records.get(name)!;
        this.report("TMAD3012", r.name.span, `record \`${name}\` contains itself (${[...path, name].join(" → ")})`, "records must nest finitely; refer to the other item by its id instead");
        return;
      }
      state.set(name, "visiting");
      for (const t of this.fieldTypes.get(name)?.values() ?? []) {
        const inner = recordNameIn(t);
        if (inner !== undefined) visit(inner, [...path, name]);
      }
      state.set(name, "done");
    };
    for (const name of this.records.keys()) visit(name, []);
  }

  private checkIdentifier(i: A.IdentifierDecl): void {
    try {
      new RegExp(i.pattern.value, "u");
    } catch (e) {
      this.report("TMAD4008", i.pattern.span, `pattern of identifier \`${i.name.text}\` is not a valid regular expression: ${(e as Error).message}`, "write a JavaScript regular expression, e.g. \"^[0-9]{13}$\"");
    }
    const cd = i.checkDigit;
    if (cd !== undefined) {
      if (cd.weights.length === 0 || cd.moduli.length === 0 || cd.moduli.some((m) => m < 2)) {
        this.report("TMAD4008", cd.span, "a check digit needs at least one weight and moduli of 2 or more", "e.g. `checkdigit weights 3, 5, 7 mod 11 mod 10`");
      }
    }
  }

  private checkInput(): A.RecordDecl | undefined {
    const input = this.input;
    if (input === undefined) return undefined;
    const record = this.records.get(input.type.text);
    if (record === undefined) {
      this.report("TMAD3004", input.type.span, `input type \`${input.type.text}\` is not a declared record`, didYouMean(input.type.text, this.records.keys()) ?? "declare it with `record`");
      return undefined;
    }
    const keyType = this.fieldTypes.get(record.name.text)?.get(input.key.text);
    if (keyType === undefined) {
      this.report("TMAD3002", input.key.span, `record ${record.name.text} has no field \`${input.key.text}\``, didYouMean(input.key.text, this.fieldTypes.get(record.name.text)?.keys() ?? []) ?? "name the field that identifies each record");
      return undefined;
    }
    if (keyType.kind !== "text" && keyType.kind !== "identifier") {
      this.report("TMAD4001", input.key.span, `the key \`${input.key.text}\` must be text or an identifier type, not ${Ty.typeToString(keyType)}`, "identify records by a text field");
      return undefined;
    }
    return record;
  }

  private checkDecision(): void {
    const d = this.decision;
    if (d === undefined) return;
    const types = this.checkFields(d.name.text, d.fields, true);
    for (const f of d.fields) {
      const type = types.get(f.name.text);
      if (type === undefined) continue;
      this.decisionFields.set(f.name.text, { field: f, type });
      if (f.defaultValue !== undefined) {
        const actual = this.expr(f.defaultValue, { ...EMPTY_SCOPE, constantOnly: true }, type);
        this.expectAssignable(f.defaultValue, actual, type, `default of \`${f.name.text}\``);
      }
    }
  }

  private parameterType(name: string): Type {
    const known = this.parameterTypes.get(name);
    if (known !== undefined) return known;
    const p = this.parameters.get(name)!;
    if (this.visiting.includes(`parameter ${name}`)) {
      this.report("TMAD3010", p.name.span, `parameter \`${name}\` depends on itself (${[...this.visiting.slice(this.visiting.indexOf(`parameter ${name}`)), `parameter ${name}`].join(" → ")})`, "give one of them a literal value");
      return Ty.ERROR;
    }
    this.visiting.push(`parameter ${name}`);
    const declared = this.resolveType(p.type);
    const actual = this.expr(p.value, { ...EMPTY_SCOPE, constantOnly: true }, declared);
    this.expectAssignable(p.value, actual, declared, `value of parameter \`${name}\``);
    this.visiting.pop();
    this.parameterTypes.set(name, declared);
    this.parameterOrder.push(p);
    return declared;
  }

  private definitionType(name: string): Type {
    const known = this.definitionTypes.get(name);
    if (known !== undefined) return known;
    const d = this.definitions.get(name)!;
    const key = `definition ${name}`;
    if (this.visiting.includes(key)) {
      const cycle = [...this.visiting.slice(this.visiting.indexOf(key)), key].map((k) => k.replace(/^definition /, ""));
      this.report("TMAD3010", d.name.span, `definition \`${name}\` depends on itself (${cycle.join(" → ")})`, "the language has no recursion; use a quantifier over the list instead");
      return Ty.ERROR;
    }
    this.visiting.push(key);
    const vars = new Map<string, Type>();
    for (const p of d.params) {
      if (vars.has(p.name.text)) this.report("TMAD3014", p.name.span, `parameter \`${p.name.text}\` is listed twice`, "rename one");
      vars.set(p.name.text, this.resolveType(p.type));
    }
    const declared = d.type === undefined ? undefined : this.resolveType(d.type);
    const actual = this.expr(d.body, { vars, narrowed: new Set(), constantOnly: false }, declared);
    if (declared !== undefined) this.expectAssignable(d.body, actual, declared, `definition \`${name}\``);
    this.visiting.pop();
    const result = declared ?? actual;
    this.definitionTypes.set(name, result);
    this.definitionOrder.push(d);
    return result;
  }

  private ruleClause(decl: { clause?: A.ClauseRef; context: A.ClauseContext; span: Span }, what: string): string | undefined {
    if (decl.clause !== undefined) {
      if (!this.clauseNumbers.has(decl.clause.number)) {
        this.report("TMAD3006", decl.clause.span, `clause ${decl.clause.number} is not a heading of this version`, didYouMean(decl.clause.number, this.clauseNumbers) ?? "add a heading such as `## " + decl.clause.number + " Title`");
        return undefined;
      }
      return decl.clause.number;
    }
    if (decl.context.clause === undefined) {
      this.report("TMAD1003", decl.span, `${what} is not under a clause heading and names no clause`, "move the block under its clause's heading, or add a `clause N` line");
    }
    return decl.context.clause;
  }

  private checkRules(): Omit<CheckedRule, "overriddenBy">[] {
    const out: Omit<CheckedRule, "overriddenBy">[] = [];
    for (const rule of this.rules.values()) {
      const clause = this.ruleClause(rule, `rule \`${rule.name.text}\``);
      const type = this.expr(rule.condition, EMPTY_SCOPE, Ty.BOOLEAN);
      this.expectAssignable(rule.condition, type, Ty.BOOLEAN, `condition of rule \`${rule.name.text}\``);
      const facts = positiveFacts(rule.condition);
      this.checkResult(rule.result, { ...EMPTY_SCOPE, narrowed: facts }, rule.name.span, `rule \`${rule.name.text}\``);
      if (clause !== undefined) out.push({ decl: rule, id: rule.name.text, clause });
    }
    return out;
  }

  private checkDefault(): { decl: A.DefaultDecl; clause?: string } | undefined {
    const d = this.defaultDecl;
    if (d === undefined) return undefined;
    const clause = d.clause === undefined && d.context.clause === undefined ? undefined : this.ruleClause(d, "the default result");
    this.checkResult(d.result, EMPTY_SCOPE, d.span, "the default result");
    return clause === undefined ? { decl: d } : { decl: d, clause };
  }

  private checkResult(result: readonly A.Assignment[], scope: Scope, where: Span, owner: string): void {
    if (this.decision === undefined) return;
    const set = new Set<string>();
    for (const a of result) {
      const field = this.decisionFields.get(a.field.text);
      if (field === undefined) {
        this.report("TMAD3002", a.field.span, `decision ${this.decision.name.text} has no field \`${a.field.text}\``, didYouMean(a.field.text, this.decisionFields.keys()) ?? `fields: ${[...this.decisionFields.keys()].join(", ")}`);
        this.expr(a.value, scope);
        continue;
      }
      if (set.has(a.field.text)) this.report("TMAD4005", a.field.span, `${owner} sets \`${a.field.text}\` twice`, "remove one assignment");
      set.add(a.field.text);
      const actual = this.expr(a.value, scope, field.type);
      this.expectAssignable(a.value, actual, field.type, `\`${a.field.text}\``);
    }
    for (const [name, { field, type }] of this.decisionFields) {
      if (!set.has(name) && field.defaultValue === undefined && type.kind !== "optional" && type.kind !== "list") {
        this.report("TMAD4004", where, `${owner} does not set \`${name}\`, which has no default`, `add \`${name} = …\` to its \`then\`, or give the field a default in the decision`);
      }
    }
  }

  /** Resolves `unless` / `overrides` into winner → loser edges; undefined when there is a cycle. */
  private checkPrecedence(): { winner: string; loser: string }[] | undefined {
    const edges: { winner: string; loser: string }[] = [];
    const resolve = (n: A.Name): boolean => {
      if (this.rules.has(n.text)) return true;
      this.report("TMAD3007", n.span, `no rule named \`${n.text}\``, didYouMean(n.text, this.rules.keys()) ?? "name a rule of this version");
      return false;
    };
    for (const rule of this.rules.values()) {
      for (const n of rule.unless) if (resolve(n)) edges.push({ winner: n.text, loser: rule.name.text });
      for (const n of rule.overrides) if (resolve(n)) edges.push({ winner: rule.name.text, loser: n.text });
    }
    const unique = [...new Map(edges.map((e) => [`${e.winner}>${e.loser}`, e])).values()];
    // A cycle would make "which rule wins" undefined.
    const next = new Map<string, string[]>();
    for (const e of unique) next.set(e.winner, [...(next.get(e.winner) ?? []), e.loser]);
    const state = new Map<string, number>();
    let cyclic = false;
    const visit = (r: string, path: string[]): void => {
      if (state.get(r) === 2) return;
      if (state.get(r) === 1) {
        cyclic = true;
        const cycle = [...path.slice(path.indexOf(r)), r];
        this.report("TMAD3011", this.rules.get(r)!.name.span, `precedence is circular: ${cycle.join(" over ")}`, "one of these `unless`/`overrides` relations must go");
        return;
      }
      state.set(r, 1);
      for (const l of next.get(r) ?? []) visit(l, [...path, r]);
      state.set(r, 2);
    };
    for (const r of [...this.rules.keys()].sort()) visit(r, []);
    return cyclic ? undefined : unique.sort((a, b) => (a.winner + ">" + a.loser < b.winner + ">" + b.loser ? -1 : 1));
  }

  private reportUnused(): void {
    for (const d of this.definitions.values()) {
      if (!this.used.has(`definition ${d.name.text}`)) this.report("TMAD3013", d.name.span, `definition \`${d.name.text}\` is never used`, "use it in a rule, or remove it");
    }
    for (const p of this.parameters.values()) {
      if (!this.used.has(`parameter ${p.name.text}`)) this.report("TMAD3013", p.name.span, `parameter \`${p.name.text}\` is never used`, "use it in a definition or rule, or remove it");
    }
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private expectAssignable(e: A.Expr, actual: Type, expected: Type, what: string): void {
    if (Ty.assignable(actual, expected)) return;
    if (actual.kind === "optional" && Ty.assignable(actual.inner, expected)) {
      this.report("TMAD4002", e.span, `${what} must be ${Ty.typeToString(expected)}, but this value may be absent`, "check it first with `is present`, or give a fallback with `otherwise`");
      return;
    }
    this.report("TMAD4001", e.span, `${what} must be ${Ty.typeToString(expected)}, not ${Ty.typeToString(actual)}`);
  }

  /** Types `e`, records its type, and returns it. `expected` only guides bare enum members. */
  private expr(e: A.Expr, scope: Scope, expected?: Type): Type {
    const t = this.infer(e, scope, expected);
    this.types.set(e, t);
    return t;
  }

  /** Like `expr`, but an optional result is an error (TMAD4002) and its inner type is returned. */
  private present(e: A.Expr, scope: Scope, what: string, expected?: Type): Type {
    const t = this.expr(e, scope, expected);
    if (t.kind === "optional") {
      this.report("TMAD4002", e.span, `${what} may be absent here`, `check it first (\`${exprHead(e)} is present and …\`), or give a fallback with \`otherwise\``);
      return t.inner;
    }
    return t;
  }

  private infer(e: A.Expr, scope: Scope, expected?: Type): Type {
    switch (e.kind) {
      case "BooleanLiteral":
        return Ty.BOOLEAN;
      case "NumberLiteral":
        return e.isDecimal ? Ty.DECIMAL : Ty.INTEGER;
      case "TextLiteral":
        return Ty.TEXT;
      case "DateLiteral":
        if (!isCalendarDate(e.text)) this.report("TMAD2004", e.span, `${e.text} is not a calendar date`, "write a real date as YYYY-MM-DD");
        return Ty.DATE;
      case "DateTimeLiteral":
        if (!isDateTime(e.text)) this.report("TMAD2004", e.span, `${e.text} is not a valid date-time`, "write YYYY-MM-DDThh:mm[:ss]Z or with an offset such as +01:00");
        return Ty.DATETIME;
      case "ClauseLiteral":
        if (!this.clauseNumbers.has(e.number)) {
          this.report("TMAD3006", e.span, `clause ${e.number} is not a heading of this version`, didYouMean(e.number, this.clauseNumbers) ?? `add a heading \`## ${e.number} …\``);
        }
        return Ty.CLAUSE;
      case "NameRef":
        return this.nameRef(e, scope, expected);
      case "MemberAccess":
        return this.memberAccess(e, scope, expected);
      case "Call":
        return this.call(e, scope);
      case "Unary": {
        if (e.operator === "not") {
          this.expectAssignable(e.operand, this.present(e.operand, scope, "the operand of `not`"), Ty.BOOLEAN, "the operand of `not`");
          return Ty.BOOLEAN;
        }
        const t = this.present(e.operand, scope, "the operand of `-`");
        if (!Ty.isNumeric(t) && !Ty.isError(t)) this.report("TMAD4011", e.span, `cannot negate ${Ty.typeToString(t)}`, "`-` applies to integers and decimals");
        return Ty.isNumeric(t) ? t : Ty.ERROR;
      }
      case "Binary":
        return this.binary(e, scope);
      case "Membership": {
        const el = this.present(e.element, scope, "the value tested with `in`");
        for (const m of e.set) {
          const t = this.present(m, scope, "a member of the set", el);
          if (!Ty.isError(el) && !Ty.isError(t) && Ty.unify(t, el) === undefined) {
            this.report("TMAD4001", m.span, `set member is ${Ty.typeToString(t)} but the value tested is ${Ty.typeToString(el)}`);
          }
        }
        return Ty.BOOLEAN;
      }
      case "Presence": {
        const t = this.expr(e.operand, scope);
        if (t.kind !== "optional" && !Ty.isError(t)) {
          this.report("TMAD4013", e.span, `\`${exprHead(e.operand)}\` is ${Ty.typeToString(t)}, never absent, so this check is always ${e.negated ? "false" : "true"}`, "remove the check, or declare the field `optional`");
        }
        return Ty.BOOLEAN;
      }
      case "Otherwise": {
        const v = this.expr(e.value, scope, expected);
        if (v.kind !== "optional" && !Ty.isError(v)) {
          this.report("TMAD4013", e.value.span, `\`${exprHead(e.value)}\` is never absent, so \`otherwise\` is never used`, "remove the fallback");
          this.expr(e.fallback, scope, v);
          return v;
        }
        const inner = v.kind === "optional" ? v.inner : v;
        const f = this.expr(e.fallback, scope, inner);
        const u = Ty.unify(inner, f);
        if (u === undefined) {
          this.report("TMAD4001", e.fallback.span, `fallback is ${Ty.typeToString(f)} but the value is ${Ty.typeToString(inner)}`);
          return Ty.ERROR;
        }
        return u;
      }
      case "If": {
        this.expectAssignable(e.condition, this.expr(e.condition, scope, Ty.BOOLEAN), Ty.BOOLEAN, "an `if` condition");
        const t = this.expr(e.then, withFacts(scope, positiveFacts(e.condition)), expected);
        const f = this.expr(e.else, withFacts(scope, negativeFacts(e.condition)), expected ?? t);
        const u = Ty.unify(t, f);
        if (u === undefined) {
          this.report("TMAD4001", e.else.span, `\`else\` gives ${Ty.typeToString(f)} but \`then\` gives ${Ty.typeToString(t)}`, "both branches must give the same type");
          return Ty.ERROR;
        }
        return u;
      }
      case "Quantified": {
        const inner = this.bind(e.variable, e.collection, scope);
        if (e.filter !== undefined) this.expectAssignable(e.filter, this.expr(e.filter, inner, Ty.BOOLEAN), Ty.BOOLEAN, "a `where` filter");
        if (e.predicate !== undefined) {
          const s = e.filter === undefined ? inner : withFacts(inner, positiveFacts(e.filter));
          this.expectAssignable(e.predicate, this.expr(e.predicate, s, Ty.BOOLEAN), Ty.BOOLEAN, "a `satisfies` condition");
        }
        if (e.quantifier === "every" && e.predicate === undefined) {
          this.report("TMAD4007", e.span, "`every` needs `satisfies …`: with only a `where` filter it is always true", `write \`every ${e.variable.text} in … satisfies condition\``);
        }
        return e.quantifier === "count" ? Ty.INTEGER : Ty.BOOLEAN;
      }
      case "Aggregated": {
        const inner = this.bind(e.variable, e.collection, scope);
        if (e.filter !== undefined) this.expectAssignable(e.filter, this.expr(e.filter, inner, Ty.BOOLEAN), Ty.BOOLEAN, "a `where` filter");
        const s = e.filter === undefined ? inner : withFacts(inner, positiveFacts(e.filter));
        const v = this.present(e.value, s, `the value to ${e.aggregate}`);
        if (Ty.isError(v)) return Ty.ERROR;
        if (e.aggregate === "sum") {
          if (!Ty.isNumeric(v)) {
            this.report("TMAD4011", e.value.span, `cannot sum ${Ty.typeToString(v)}`, "`sum` adds integers or decimals");
            return Ty.ERROR;
          }
          return v;
        }
        if (!Ty.isNumeric(v) && v.kind !== "date" && v.kind !== "datetime") {
          this.report("TMAD4011", e.value.span, `cannot take the ${e.aggregate} of ${Ty.typeToString(v)}`, `\`${e.aggregate}\` applies to numbers, dates and date-times`);
          return Ty.ERROR;
        }
        return { kind: "optional", inner: v };
      }
      case "Collect": {
        const inner = this.bind(e.variable, e.collection, scope);
        if (e.filter !== undefined) this.expectAssignable(e.filter, this.expr(e.filter, inner, Ty.BOOLEAN), Ty.BOOLEAN, "a `where` filter");
        const s = e.filter === undefined ? inner : withFacts(inner, positiveFacts(e.filter));
        const elementExpected = expected?.kind === "list" ? expected.element : undefined;
        return { kind: "list", element: this.present(e.value, s, "a collected value", elementExpected) };
      }
      case "ListLiteral": {
        const elementExpected = expected?.kind === "list" ? expected.element : undefined;
        let element: Type = { kind: "empty" };
        for (const el of e.elements) {
          const t = this.present(el, scope, "a list element", elementExpected);
          const u: Type | undefined = element.kind === "empty" ? t : Ty.unify(element, t);
          if (u === undefined) {
            this.report("TMAD4001", el.span, `list element is ${Ty.typeToString(t)} but earlier elements are ${Ty.typeToString(element)}`);
            return Ty.ERROR;
          }
          element = u;
        }
        return { kind: "list", element };
      }
      case "DaysBetween": {
        const a = this.present(e.from, scope, "the start date");
        const b = this.present(e.to, scope, "the end date");
        for (const [x, t] of [
          [e.from, a],
          [e.to, b],
        ] as const) {
          if (!Ty.isError(t) && t.kind !== "date" && t.kind !== "datetime") this.report("TMAD4001", x.span, `\`days between\` takes dates or date-times, not ${Ty.typeToString(t)}`);
        }
        if (!Ty.isError(a) && !Ty.isError(b) && a.kind !== b.kind && (a.kind === "date" || a.kind === "datetime") && (b.kind === "date" || b.kind === "datetime")) {
          this.report("TMAD4011", e.span, `\`days between\` a ${a.kind} and a ${b.kind}`, "compare two dates or two date-times");
        }
        return Ty.INTEGER;
      }
    }
  }

  private bind(variable: A.Name, collection: A.Expr, scope: Scope): Scope {
    const c = this.present(collection, scope, "the list");
    let element: Type = Ty.ERROR;
    if (c.kind === "list") element = c.element;
    else if (!Ty.isError(c)) this.report("TMAD4010", collection.span, `\`${exprHead(collection)}\` is ${Ty.typeToString(c)}, not a list`, "quantifiers and aggregates range over a `list of …` field");
    const n = variable.text;
    if (scope.vars.has(n) || n === this.input?.name.text || this.parameters.has(n) || this.definitions.has(n)) {
      this.report("TMAD3014", variable.span, `\`${n}\` is already a name here`, "choose another variable name");
    }
    const vars = new Map(scope.vars);
    vars.set(n, element);
    return { ...scope, vars };
  }

  private narrow(e: A.Expr, t: Type, scope: Scope): Type {
    if (t.kind !== "optional") return t;
    const key = pathKey(e);
    if (key !== undefined && scope.narrowed.has(key)) {
      this.narrowedNodes.add(e);
      return t.inner;
    }
    return t;
  }

  private nameRef(e: A.Expr & { kind: "NameRef" }, scope: Scope, expected?: Type): Type {
    const n = e.name.text;
    const variable = scope.vars.get(n);
    if (variable !== undefined) {
      this.refs.set(e, { kind: "variable", name: n });
      return this.narrow(e, variable, scope);
    }
    if (this.input !== undefined && n === this.input.name.text) {
      if (scope.constantOnly) return this.notConstant(e);
      this.refs.set(e, { kind: "input" });
      return { kind: "record", name: this.input.type.text };
    }
    if (this.parameters.has(n)) {
      this.used.add(`parameter ${n}`);
      this.refs.set(e, { kind: "parameter", name: n });
      return this.parameterType(n);
    }
    const def = this.definitions.get(n);
    if (def !== undefined) {
      if (scope.constantOnly) return this.notConstant(e);
      this.used.add(`definition ${n}`);
      if (def.params.length > 0) {
        this.report("TMAD4003", e.span, `definition \`${n}\` takes ${def.params.length} argument${def.params.length === 1 ? "" : "s"}`, `call it as \`${n}(${def.params.map((p) => p.name.text).join(", ")})\``);
        return Ty.ERROR;
      }
      this.refs.set(e, { kind: "definition", name: n });
      return this.narrow(e, this.definitionType(n), scope);
    }
    // A bare enum member: the expected type decides which enum, else it must be unique.
    const wantedEnum = enumNameIn(expected);
    if (wantedEnum !== undefined) {
      const decl = this.enums.get(wantedEnum)!;
      if (decl.members.some((m) => m.name.text === n)) {
        this.refs.set(e, { kind: "enumMember", enumName: wantedEnum, member: n });
        return { kind: "enum", name: wantedEnum };
      }
      if (!this.enumMemberOwners.has(n) && /^[A-Z]/.test(n)) {
        this.report("TMAD3003", e.span, `\`${n}\` is not a member of enum ${wantedEnum}`, didYouMean(n, decl.members.map((m) => m.name.text)) ?? `members: ${decl.members.map((m) => m.name.text).join(", ")}`);
        return Ty.ERROR;
      }
    }
    const owners = this.enumMemberOwners.get(n);
    if (owners !== undefined && owners.length === 1) {
      this.refs.set(e, { kind: "enumMember", enumName: owners[0], member: n });
      return { kind: "enum", name: owners[0] };
    }
    if (owners !== undefined) {
      this.report("TMAD4009", e.span, `\`${n}\` is a member of ${owners.join(" and ")}`, `write it in full, e.g. \`${owners[0]}.${n}\``);
      return Ty.ERROR;
    }
    if (this.enums.has(n)) {
      this.refs.set(e, { kind: "enumMember", enumName: n, member: "" });
      return { kind: "enumType", name: n };
    }
    const candidates = [...scope.vars.keys(), ...this.parameters.keys(), ...this.definitions.keys(), ...this.enumMemberOwners.keys(), ...(this.input === undefined ? [] : [this.input.name.text])];
    this.report("TMAD3001", e.span, `unknown name \`${n}\``, didYouMean(n, candidates) ?? "declare it as a parameter or definition, or bind it with a quantifier");
    return Ty.ERROR;
  }

  private notConstant(e: A.Expr): Type {
    this.report("TMAD4006", e.span, "a parameter or field default can use only literals and other parameters", "move the computation into a definition");
    return Ty.ERROR;
  }

  private memberAccess(e: A.Expr & { kind: "MemberAccess" }, scope: Scope, _expected?: Type): Type {
    const obj = this.expr(e.object, scope);
    const m = e.member.text;
    if (obj.kind === "enumType") {
      const decl = this.enums.get(obj.name)!;
      if (!decl.members.some((x) => x.name.text === m)) {
        this.report("TMAD3003", e.member.span, `\`${m}\` is not a member of enum ${obj.name}`, didYouMean(m, decl.members.map((x) => x.name.text)) ?? `members: ${decl.members.map((x) => x.name.text).join(", ")}`);
        return Ty.ERROR;
      }
      this.refs.set(e, { kind: "enumMember", enumName: obj.name, member: m });
      return { kind: "enum", name: obj.name };
    }
    if (obj.kind === "optional" && obj.inner.kind === "record") {
      this.report("TMAD4002", e.object.span, `\`${exprHead(e.object)}\` may be absent, so \`.${m}\` cannot be read`, `check first: \`${exprHead(e.object)} is present and ${exprHead(e)} …\``);
      return Ty.ERROR;
    }
    if (obj.kind !== "record") {
      if (!Ty.isError(obj)) this.report("TMAD4012", e.member.span, `\`${exprHead(e.object)}\` is ${Ty.typeToString(obj)}, which has no fields`);
      return Ty.ERROR;
    }
    const fields = this.fieldTypes.get(obj.name);
    const t = fields?.get(m);
    if (t === undefined) {
      this.report("TMAD3002", e.member.span, `record ${obj.name} has no field \`${m}\``, didYouMean(m, fields?.keys() ?? []) ?? `fields: ${[...(fields?.keys() ?? [])].join(", ")}`);
      return Ty.ERROR;
    }
    this.refs.set(e, { kind: "field", recordName: obj.name, field: m });
    return this.narrow(e, t, scope);
  }

  private call(e: A.Expr & { kind: "Call" }, scope: Scope): Type {
    const n = e.callee.text;
    const def = this.definitions.get(n);
    if (def === undefined) {
      for (const a of e.args) this.expr(a, scope);
      this.report("TMAD3001", e.callee.span, `unknown definition \`${n}\``, didYouMean(n, this.definitions.keys()) ?? "declare it with `definition`");
      return Ty.ERROR;
    }
    if (scope.constantOnly) return this.notConstant(e);
    this.used.add(`definition ${n}`);
    if (def.params.length !== e.args.length) {
      this.report("TMAD4003", e.span, `definition \`${n}\` takes ${def.params.length} argument${def.params.length === 1 ? "" : "s"}, not ${e.args.length}`, `call it as \`${n}(${def.params.map((p) => p.name.text).join(", ")})\``);
    }
    def.params.forEach((p, i) => {
      const arg = e.args[i];
      if (arg === undefined) return;
      const want = this.resolveTypeQuiet(p.type);
      this.expectAssignable(arg, this.expr(arg, scope, want), want, `argument \`${p.name.text}\` of \`${n}\``);
    });
    for (const extra of e.args.slice(def.params.length)) this.expr(extra, scope);
    this.refs.set(e, { kind: "definition", name: n });
    return this.definitionType(n);
  }

  /** Resolves a type already reported on elsewhere, without repeating its diagnostics. */
  private resolveTypeQuiet(t: A.TypeExpr): Type {
    const before = this.diagnostics.length;
    const type = this.resolveType(t);
    this.diagnostics.length = before;
    return type;
  }

  private binary(e: A.Expr & { kind: "Binary" }, scope: Scope): Type {
    const op = e.operator;
    if (op === "and" || op === "or") {
      const l = this.present(e.left, scope, `the left side of \`${op}\``, Ty.BOOLEAN);
      const facts = op === "and" ? positiveFacts(e.left) : negativeFacts(e.left);
      const r = this.present(e.right, withFacts(scope, facts), `the right side of \`${op}\``, Ty.BOOLEAN);
      this.expectAssignable(e.left, l, Ty.BOOLEAN, `each side of \`${op}\``);
      this.expectAssignable(e.right, r, Ty.BOOLEAN, `each side of \`${op}\``);
      return Ty.BOOLEAN;
    }
    // The right side is typed with the left's type as the expectation, so `cohort = IOC` resolves.
    const l = this.present(e.left, scope, `the left side of \`${op}\``);
    const r = this.present(e.right, scope, `the right side of \`${op}\``, l);
    const lt = this.types.get(e.left)!;
    if (Ty.isError(l) || Ty.isError(r)) return op === "=" || op === "!=" || op === "<" || op === "<=" || op === ">" || op === ">=" ? Ty.BOOLEAN : Ty.ERROR;
    if (lt.kind === "enum" && r.kind === "enum" && lt.name !== r.name) {
      this.report("TMAD4011", e.span, `cannot compare ${lt.name} with ${r.name}`);
      return Ty.BOOLEAN;
    }
    switch (op) {
      case "=":
      case "!=":
        if (!comparableForEquality(l, r)) this.report("TMAD4011", e.span, `cannot compare ${Ty.typeToString(l)} with ${Ty.typeToString(r)}`, "both sides must have the same type");
        return Ty.BOOLEAN;
      case "<":
      case "<=":
      case ">":
      case ">=":
        if (!orderable(l, r)) this.report("TMAD4011", e.span, `cannot order ${Ty.typeToString(l)} and ${Ty.typeToString(r)} with \`${op}\``, "`<`, `<=`, `>`, `>=` compare two numbers, two dates, two date-times or two texts");
        return Ty.BOOLEAN;
      default:
        if (!Ty.isNumeric(l) || !Ty.isNumeric(r)) {
          const hint = l.kind === "date" || l.kind === "datetime" ? "use `days between a and b` for the number of days between dates" : "arithmetic applies to integers and decimals";
          this.report("TMAD4011", e.span, `cannot apply \`${op}\` to ${Ty.typeToString(l)} and ${Ty.typeToString(r)}`, hint);
          return Ty.ERROR;
        }
        return op === "/" || l.kind === "decimal" || r.kind === "decimal" ? Ty.DECIMAL : Ty.INTEGER;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function recordNameIn(t: Type): string | undefined {
  if (t.kind === "record") return t.name;
  if (t.kind === "optional") return recordNameIn(t.inner);
  if (t.kind === "list") return recordNameIn(t.element);
  return undefined;
}

function enumNameIn(t: Type | undefined): string | undefined {
  if (t === undefined) return undefined;
  if (t.kind === "enum") return t.name;
  if (t.kind === "optional") return enumNameIn(t.inner);
  if (t.kind === "list") return enumNameIn(t.element);
  return undefined;
}

function comparableForEquality(a: Type, b: Type): boolean {
  if (Ty.isNumeric(a) && Ty.isNumeric(b)) return true;
  const textual = (t: Type): boolean => t.kind === "text" || t.kind === "identifier";
  if (textual(a) && textual(b)) return a.kind === "text" || b.kind === "text" || Ty.sameType(a, b);
  if (a.kind === "list" || a.kind === "record") return false;
  return Ty.sameType(a, b);
}

function orderable(a: Type, b: Type): boolean {
  if (Ty.isNumeric(a) && Ty.isNumeric(b)) return true;
  return a.kind === b.kind && (a.kind === "date" || a.kind === "datetime" || a.kind === "text");
}

/** A stable key for a path (`installation.supplier.name`, `d.lastSeen`, `definitionName`). */
export function pathKey(e: A.Expr): string | undefined {
  if (e.kind === "NameRef") return e.name.text;
  if (e.kind === "MemberAccess") {
    const o = pathKey(e.object);
    return o === undefined ? undefined : `${o}.${e.member.text}`;
  }
  return undefined;
}

/** Paths known present when `e` is true. */
function positiveFacts(e: A.Expr): Set<string> {
  const out = new Set<string>();
  const walk = (x: A.Expr, positive: boolean): void => {
    if (x.kind === "Presence") {
      const key = pathKey(x.operand);
      if (key !== undefined && x.negated !== positive) out.add(key);
    } else if (x.kind === "Binary" && x.operator === (positive ? "and" : "or")) {
      walk(x.left, positive);
      walk(x.right, positive);
    } else if (x.kind === "Unary" && x.operator === "not") {
      walk(x.operand, !positive);
    }
  };
  walk(e, true);
  return out;
}

/** Paths known present when `e` is false. */
function negativeFacts(e: A.Expr): Set<string> {
  return positiveFacts({ kind: "Unary", operator: "not", operand: e, span: e.span });
}

function withFacts(scope: Scope, facts: ReadonlySet<string>): Scope {
  if (facts.size === 0) return scope;
  return { ...scope, narrowed: new Set([...scope.narrowed, ...facts]) };
}

function exprHead(e: A.Expr): string {
  return pathKey(e) ?? (e.kind === "Call" ? `${e.callee.text}(…)` : "this value");
}

/** For each rule, every rule that sets it aside: the transitive closure of winner → loser. */
function transitiveWinners(edges: readonly { winner: string; loser: string }[], rules: readonly string[]): Map<string, string[]> {
  const winnersOf = new Map<string, string[]>();
  for (const e of edges) winnersOf.set(e.loser, [...(winnersOf.get(e.loser) ?? []), e.winner]);
  const out = new Map<string, string[]>();
  for (const r of rules) {
    const seen = new Set<string>();
    const stack = [...(winnersOf.get(r) ?? [])];
    while (stack.length > 0) {
      const w = stack.pop()!;
      if (seen.has(w)) continue;
      seen.add(w);
      stack.push(...(winnersOf.get(w) ?? []));
    }
    out.set(r, [...seen].sort());
  }
  return out;
}
