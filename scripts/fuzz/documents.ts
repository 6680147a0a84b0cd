/**
 * Random rule documents built from the grammar's constructs (grammar/README.md), for the fuzzer.
 *
 * Takes a seed and an index; gives one version's Markdown text, deterministically (the same seed
 * and index always give the same text, so a failure is reproduced from them alone). A document is
 * built as a small model first (enums, identifier types, records, the input and the decision,
 * parameters, definitions with and without parameters, rules with clauses, sources, `unless` and
 * `overrides`, a default), with well-typed expressions of every kind: literals of every type,
 * field paths, narrowing (`is present`, `otherwise`), `in {…}`, arithmetic, comparisons, `if`,
 * calls, quantifiers, aggregates, `collect` and `days between`. Then it is printed, and about half
 * the documents are made ill-formed on purpose: a fault in the model (a wrong type, an unknown
 * name, a cycle, a missing assignment, a bad literal, …) or in the text (tokens deleted,
 * duplicated or swapped). Some documents stress the compiler: names that collide in generated
 * code, hostile text in labels and sources, deep nesting, patterns with nested quantifiers, many
 * rules.
 */
import { Rng } from "../../src/population/random.js";

type Ty =
  | { readonly k: "boolean" | "integer" | "decimal" | "text" | "date" | "datetime" | "clause" }
  | { readonly k: "enum" | "id" | "record"; readonly name: string }
  | { readonly k: "list"; readonly el: Ty }
  | { readonly k: "optional"; readonly inner: Ty };

const T = {
  boolean: { k: "boolean" },
  integer: { k: "integer" },
  decimal: { k: "decimal" },
  text: { k: "text" },
  date: { k: "date" },
  datetime: { k: "datetime" },
  clause: { k: "clause" },
} as const satisfies Record<string, Ty>;

interface EnumDecl {
  readonly name: string;
  readonly members: { readonly name: string; readonly label?: string }[];
}
interface IdDecl {
  readonly name: string;
  readonly pattern: string;
  readonly checkdigit?: string;
}
interface Field {
  name: string;
  ty: Ty;
  def?: string;
}
interface RecordDecl {
  readonly name: string;
  readonly fields: Field[];
}
interface Param {
  readonly name: string;
  readonly ty: Ty;
}
interface Definition {
  name: string;
  readonly params: Param[];
  ty: Ty;
  body: string;
  readonly declareType: boolean;
}
interface Rule {
  name: string;
  readonly clause: number;
  readonly nameClause: boolean;
  readonly source?: string;
  when: string;
  then: [string, string][];
  unless: string[];
  overrides: string[];
}
interface Model {
  enums: EnumDecl[];
  ids: IdDecl[];
  records: RecordDecl[];
  input: { name: string; root: string; key: string };
  decision: { name: string; fields: Field[] };
  params: (Param & { value: string })[];
  defs: Definition[];
  rules: Rule[];
  defaultThen?: [string, string][];
  defaultClause: number;
  clauses: { number: string; title: string; text: string }[];
}

/** Keywords of the rule language: never a declaration's name. */
const RESERVED = ["enum", "record", "identifier", "input", "decision", "parameter", "definition", "rule", "default"];
const SOFT = [
  "pattern", "checkdigit", "weights", "mod", "identified", "by", "clause", "source", "when", "then", "unless", "overrides", "optional", "list", "of", "and", "or", "not",
  "in", "is", "present", "absent", "otherwise", "if", "else", "some", "every", "no", "count", "where", "satisfies", "min", "max", "sum", "collect", "for", "days", "between", "true", "false",
];
const KEYWORDS = new Set([...RESERVED, ...SOFT, "boolean", "integer", "decimal", "text", "date", "datetime"]);

/** Names that collide with what generated TypeScript or JavaScript uses, or with each other once prefixed. */
const HOSTILE_NAMES = [
  "class", "this", "string", "number", "rt", "manifest", "traceSites", "validator", "evaluate", "evaluateTraced", "version", "memo", "best", "n", "x", "t", "loop_0", "loop_1",
  "toString", "valueOf", "hasOwnProperty", "Object", "Array", "undefined", "NaN", "Infinity", "eval", "arguments", "new", "delete", "typeof", "function", "var", "let", "const",
  "await", "yield", "static", "super", "null", "void", "with", "export", "import", "v_a", "d_a", "p_a", "a", "a_ok", "a_traced", "a_t", "_", "__", "$",
];

const HOSTILE_TEXT = ["*/", "/*", "${x}", "`", "</script>", "\\u0000", "'", "\u2028", "\u00e9", "\ud83d\ude00", "\\", "\\n", "-- not a comment", "```", "## 9.9 Not a heading", "<!--"];

const SAFE_PATTERNS = ["^[0-9]{13}$", "^[0-9]{10}$", "^([0-9A-F]{2}-){7}[0-9A-F]{2}$", "^[A-Z]{2}$", "^.*$", "^x$"];
const HOSTILE_PATTERNS = ["^(a+)+$", "(x+x+)+y", "^(a|a)*$", "^([a-z]+)*[0-9]$", "([", "", "^(?<n>a)\\k<n>$", "\\p{L}+", "(?=a)a", "^[\\s\\S]{0,5000}$"];
/** Values an identifier check is tried on, including the classic inputs of catastrophic backtracking. */
const ID_VALUES = ["1200023305967", "0000000000000", "12", "", "AA", "90-B3-D5-1F-30-13-00-01", "x", "a".repeat(40) + "!", "x".repeat(30) + "z", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0", "é"];

/** An operand that needs no parentheses: a name or path, a literal, a call, or already parenthesised. */
const SIMPLE = /^(?:[A-Za-z_][A-Za-z0-9_.]*(?:\([^()]*\))?|\d[\d.:TZ+-]*|"(?:[^"\\]|\\.)*"|\((?:[^()]|\([^()]*\))*\)|clause [\w.]+)$/;

const DATES = ["2022-05-11", "2024-02-29", "2000-01-01", "1999-12-31", "0099-12-31", "0100-01-01", "9999-12-31", "2022-06-30"];
const DATETIMES = ["2022-05-11T09:30Z", "2022-05-11T09:30:00Z", "2022-05-11T09:30:00.250Z", "2022-05-11T09:30:00+01:00", "0050-01-01T00:00:00+00:00", "2016-12-31T23:59:59-05:00", "2030-01-01T00:00Z"];

function tyText(t: Ty): string {
  switch (t.k) {
    case "enum":
    case "id":
    case "record":
      return t.name;
    case "list":
      return `list of ${tyText(t.el)}`;
    case "optional":
      return `optional ${tyText(t.inner)}`;
    default:
      return t.k;
  }
}

function same(a: Ty, b: Ty): boolean {
  return tyText(a) === tyText(b);
}

function textLiteral(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
}

/** Options of one document, drawn from its seed. */
interface Shape {
  readonly hostileNames: boolean;
  readonly hostileText: boolean;
  readonly stress: "none" | "parens" | "nots" | "ands" | "rules" | "long";
  readonly maxDepth: number;
}

class Builder {
  private readonly used = new Set<string>();
  private counter = 0;
  readonly model: Model;
  /** Clause numbers, for `clause N` literals. */
  private readonly clauseNumbers: string[];

  constructor(
    readonly rng: Rng,
    readonly shape: Shape,
  ) {
    const clauseCount = rng.int(1, 4);
    this.clauseNumbers = Array.from({ length: clauseCount }, (_, i) => rng.pick([`${i + 1}.1`, `${i + 1}.${rng.int(2, 30)}`, `${i + 1}.${rng.int(1, 9)}A`, `${i + 1}`, `${i + 1}.2.3`]));
    this.model = {
      enums: [],
      ids: [],
      records: [],
      input: { name: "", root: "", key: "" },
      decision: { name: "", fields: [] },
      params: [],
      defs: [],
      rules: [],
      defaultClause: 0,
      clauses: this.clauseNumbers.map((number, i) => ({ number, title: this.title(i), text: this.prose() })),
    };
  }

  private title(i: number): string {
    return this.shape.hostileText && this.rng.chance(0.3) ? `Clause ${i} ${this.rng.pick(HOSTILE_TEXT)}` : `Clause ${i}`;
  }

  private prose(): string {
    const words = ["A", "meter", "is", "migrated", "unless", "the", "supplier", "objects", "(our", "paraphrase)."];
    let s = Array.from({ length: this.rng.int(3, 12) }, () => this.rng.pick(words)).join(" ");
    if (this.shape.hostileText && this.rng.chance(0.3)) s += ` ${this.rng.pick(HOSTILE_TEXT.filter((h) => !h.startsWith("```") && !h.startsWith("##")))}`;
    return s;
  }

  /** A fresh declaration-level name: plain, or (for some documents) one that collides in generated code. */
  name(prefix: string): string {
    for (;;) {
      let n: string;
      if (this.shape.hostileNames && this.rng.chance(0.35)) n = this.rng.pick(HOSTILE_NAMES);
      else n = `${prefix}${this.counter++}`;
      if (!KEYWORDS.has(n) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n) && !this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
  }

  /** A field name: sometimes a soft keyword (allowed after `.`), unique within its owner. */
  fieldName(taken: ReadonlySet<string>): string {
    for (;;) {
      const n = this.rng.chance(0.1) ? this.rng.pick(["source", "count", "min", "max", "of", "at", "date", "text", "list"]) : this.shape.hostileNames && this.rng.chance(0.2) ? this.rng.pick(HOSTILE_NAMES) : `f${this.counter++}`;
      if (!taken.has(n) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n) && !RESERVED.includes(n) && !["__proto__", "constructor", "prototype"].includes(n)) return n;
    }
  }

  clauseLiteral(): string {
    return `clause ${this.rng.pick(this.clauseNumbers)}`;
  }

  // ---------------------------------------------------------------------------------------------
  // Declarations

  build(): Model {
    const m = this.model;
    for (let i = this.rng.int(1, 3); i > 0; i--) {
      const members: EnumDecl["members"] = [];
      const names = new Set<string>();
      for (let j = this.rng.int(1, 5); j > 0; j--) {
        let n = this.shape.hostileNames && this.rng.chance(0.2) ? this.rng.pick(HOSTILE_NAMES) : `M${this.counter++}`;
        if (KEYWORDS.has(n) || names.has(n) || ["__proto__", "constructor", "prototype"].includes(n)) n = `M${this.counter++}`;
        names.add(n);
        members.push(this.rng.chance(0.4) ? { name: n, label: this.label() } : { name: n });
      }
      m.enums.push({ name: this.name("E"), members });
    }
    // The decision's first field is an enum, the outcome: the first enum is the outcome's.
    for (let i = this.rng.int(0, 2); i > 0; i--) {
      const hostile = this.rng.chance(this.shape.hostileText ? 0.3 : 0.05);
      const pattern = hostile ? this.rng.pick(HOSTILE_PATTERNS) : this.rng.pick(SAFE_PATTERNS);
      const checkdigit = this.rng.chance(0.3) ? `checkdigit weights ${Array.from({ length: this.rng.int(1, 12) }, () => this.rng.int(0, 50)).join(", ")} mod ${this.rng.int(2, 11)}${this.rng.chance(0.5) ? ` mod ${this.rng.int(2, 10)}` : ""}` : undefined;
      m.ids.push(checkdigit === undefined ? { name: this.name("Id"), pattern } : { name: this.name("Id"), pattern, checkdigit });
    }
    const recordCount = this.rng.int(0, 2);
    for (let i = 0; i <= recordCount; i++) {
      const root = i === recordCount;
      const fields: Field[] = [];
      const taken = new Set<string>();
      if (root) {
        const key = this.fieldName(taken);
        taken.add(key);
        fields.push({ name: key, ty: m.ids.length > 0 && this.rng.chance(0.3) ? { k: "id", name: this.rng.pick(m.ids).name } : T.text });
      }
      for (let j = this.rng.int(root ? 2 : 1, root ? 5 : 3); j > 0; j--) {
        const n = this.fieldName(taken);
        taken.add(n);
        fields.push({ name: n, ty: this.fieldType(m.records, 0) });
      }
      m.records.push({ name: this.name(root ? "Root" : "R"), fields });
    }
    const root = m.records[m.records.length - 1];
    m.input = { name: this.name("in"), root: root.name, key: root.fields[0].name };
    const dfields: Field[] = [{ name: this.fieldName(new Set()), ty: { k: "enum", name: m.enums[0].name } }];
    const dtaken = new Set([dfields[0].name]);
    for (let j = this.rng.int(0, 4); j > 0; j--) {
      const n = this.fieldName(dtaken);
      dtaken.add(n);
      const ty = this.rng.pick<Ty>([T.text, T.boolean, T.integer, T.decimal, T.date, T.datetime, T.clause, { k: "list", el: T.text }, { k: "enum", name: this.rng.pick(m.enums).name }]);
      const optional = this.rng.chance(0.4) && ty.k !== "list";
      const f: Field = { name: n, ty: optional ? { k: "optional", inner: ty } : ty };
      if (!optional && (ty.k === "list" || this.rng.chance(0.3))) f.def = this.expr(ty, this.constEnv(), 1);
      dfields.push(f);
    }
    m.decision = { name: this.name("D"), fields: dfields };
    for (let i = this.rng.int(0, 4); i > 0; i--) {
      const ty = this.rng.pick<Ty>([T.integer, T.decimal, T.date, T.datetime, T.text, T.boolean, { k: "list", el: { k: "enum", name: this.rng.pick(m.enums).name } }]);
      m.params.push({ name: this.name("p"), ty, value: this.expr(ty, this.constEnv(), 2) });
    }
    for (let i = this.rng.int(0, 4); i > 0; i--) {
      const params: Param[] = [];
      const env = this.ruleEnv();
      for (let j = this.rng.int(0, 2); j > 0; j--) {
        const p = { name: this.name("a"), ty: this.rng.chance(0.5) && m.records.length > 1 ? ({ k: "record", name: this.rng.pick(m.records.slice(0, -1)).name } as Ty) : this.rng.pick<Ty>([T.integer, T.text, T.boolean, T.date, { k: "enum", name: this.rng.pick(m.enums).name }]) };
        params.push(p);
        env.vars.set(p.name, p.ty);
      }
      const ty = this.rng.pick<Ty>([T.boolean, T.boolean, T.integer, T.decimal, T.text, T.date, { k: "list", el: T.text }]);
      const def: Definition = { name: this.name("def"), params, ty, body: this.expr(ty, env, 0), declareType: this.rng.chance(0.6) };
      m.defs.push(def);
    }
    const ruleCount = this.shape.stress === "rules" ? this.rng.int(500, 2000) : this.rng.int(1, 5);
    for (let i = 0; i < ruleCount; i++) {
      const clause = this.rng.int(0, this.clauseNumbers.length - 1);
      const rule: Rule = {
        name: this.name("r"),
        clause,
        nameClause: this.rng.chance(0.2),
        ...(this.rng.chance(0.3) ? { source: this.label() } : {}),
        when: this.condition(),
        then: this.assignments(),
        unless: [],
        overrides: [],
      };
      m.rules.push(rule);
    }
    // Precedence in one direction only, so there is never a cycle: a rule overrides earlier rules
    // and is set aside (unless) by later ones.
    m.rules.forEach((r, i) => {
      if (i > 0 && this.rng.chance(0.25)) r.overrides.push(m.rules[this.rng.int(0, i - 1)].name);
      if (i < m.rules.length - 1 && this.rng.chance(0.25)) r.unless.push(m.rules[this.rng.int(i + 1, m.rules.length - 1)].name);
    });
    m.defaultThen = this.assignments();
    m.defaultClause = this.rng.int(0, this.clauseNumbers.length - 1);
    return m;
  }

  private label(): string {
    const parts = ["label", "Initial Operating Capability", "a \"quoted\" word", "tab\there", "back\\slash"];
    let s = this.rng.pick(parts);
    if (this.shape.hostileText && this.rng.chance(0.5)) s += this.rng.pick(HOSTILE_TEXT);
    if (this.shape.stress === "long" && this.rng.chance(0.3)) s += "x".repeat(this.rng.int(1000, 20000));
    return textLiteral(s);
  }

  private fieldType(records: readonly RecordDecl[], depth: number): Ty {
    const m = this.model;
    const choices: Ty[] = [T.boolean, T.integer, T.decimal, T.text, T.date, T.datetime, T.clause, { k: "enum", name: this.rng.pick(m.enums).name }];
    if (m.ids.length > 0) choices.push({ k: "id", name: this.rng.pick(m.ids).name });
    if (records.length > 0) choices.push({ k: "record", name: this.rng.pick(records).name }, { k: "list", el: { k: "record", name: this.rng.pick(records).name } });
    let ty = this.rng.pick(choices);
    if (depth < 1 && this.rng.chance(0.15)) ty = { k: "list", el: ty.k === "list" ? ty.el : ty };
    if (this.rng.chance(0.25) && ty.k !== "list") ty = { k: "optional", inner: ty };
    return ty;
  }

  private assignments(): [string, string][] {
    const out: [string, string][] = [];
    const env = this.ruleEnv();
    for (const f of this.model.decision.fields) {
      const required = f.ty.k !== "optional" && f.ty.k !== "list" && f.def === undefined;
      if (!required && !this.rng.chance(0.4)) continue;
      const ty = f.ty.k === "optional" ? f.ty.inner : f.ty;
      out.push([f.name, this.expr(ty, env, 1)]);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions

  private constEnv(): Env {
    return { vars: new Map(), input: false, defs: false, params: new Set(this.model.params.map((p) => p.name)) };
  }

  private ruleEnv(): Env {
    return { vars: new Map(), input: true, defs: true, params: new Set(this.model.params.map((p) => p.name)) };
  }

  private condition(): string {
    const env = this.ruleEnv();
    const stress = this.shape.stress;
    if (stress === "parens") {
      const n = this.rng.int(100, 300);
      return `${"(".repeat(n)}true${")".repeat(n)}`;
    }
    if (stress === "nots") return `${"not ".repeat(this.rng.int(200, 800))}true`;
    if (stress === "ands") return Array.from({ length: this.rng.int(300, 1500) }, () => this.expr(T.boolean, env, this.shape.maxDepth - 1)).join(" and ");
    return this.expr(T.boolean, env, 0);
  }

  /** A random field path of type `want` (or `optional want` when `optionalOk`) from the input or a variable. */
  private path(want: Ty, env: Env, optionalOk: boolean): { text: string; ty: Ty } | undefined {
    const starts: [string, Ty][] = [...env.vars.entries()];
    if (env.input) starts.push([this.model.input.name, { k: "record", name: this.model.input.root }]);
    const found: { text: string; ty: Ty }[] = [];
    const walk = (text: string, ty: Ty, depth: number): void => {
      if (same(ty, want) || (optionalOk && ty.k === "optional" && same(ty.inner, want))) found.push({ text, ty });
      if (ty.k !== "record" || depth > 3) return;
      const rec = this.model.records.find((r) => r.name === ty.name);
      for (const f of rec?.fields ?? []) walk(`${text}.${f.name}`, f.ty, depth + 1);
    };
    for (const [name, ty] of starts) walk(name, ty, 0);
    return found.length === 0 ? undefined : this.rng.pick(found);
  }

  /** A list to iterate over, and its element type. */
  private listSource(env: Env): { text: string; el: Ty } | undefined {
    const lists: { text: string; el: Ty }[] = [];
    const starts: [string, Ty][] = [...env.vars.entries()];
    if (env.input) starts.push([this.model.input.name, { k: "record", name: this.model.input.root }]);
    const walk = (text: string, ty: Ty, depth: number): void => {
      if (ty.k === "list") lists.push({ text, el: ty.el });
      if (ty.k !== "record" || depth > 3) return;
      for (const f of this.model.records.find((r) => r.name === ty.name)?.fields ?? []) walk(`${text}.${f.name}`, f.ty, depth + 1);
    };
    for (const [name, ty] of starts) walk(name, ty, 0);
    for (const p of this.model.params) if (p.ty.k === "list" && env.params.has(p.name)) lists.push({ text: p.name, el: p.ty.el });
    return lists.length === 0 ? undefined : this.rng.pick(lists);
  }

  private variable(env: Env): string {
    let n = this.name("v");
    while (env.vars.has(n)) n = this.name("v");
    return n;
  }

  private literal(ty: Ty, env: Env, depth: number): string {
    switch (ty.k) {
      case "boolean":
        return this.rng.pick(["true", "false"]);
      case "integer":
        return this.rng.chance(0.05) ? "9007199254740991" : String(this.rng.int(0, 1000));
      case "decimal":
        return this.rng.pick(["0.5", "18.13", "1.0", "0.0", "123456.789"]);
      case "text":
        return this.rng.chance(0.3) ? this.label() : textLiteral(this.rng.pick(["", "a", "dormant meter", "x y", "ESME"]));
      case "date":
        return this.rng.pick(DATES);
      case "datetime":
        return this.rng.pick(DATETIMES);
      case "clause":
        return this.clauseLiteral();
      case "enum": {
        const e = this.model.enums.find((x) => x.name === ty.name)!;
        return `${e.name}.${this.rng.pick(e.members).name}`;
      }
      case "id":
        return textLiteral(this.rng.pick(ID_VALUES));
      case "list":
        return `[${Array.from({ length: this.rng.int(0, 3) }, () => this.expr(ty.el, env, depth + 1)).join(", ")}]`;
      case "optional":
        return this.literal(ty.inner, env, depth);
      case "record":
        return "true"; // no record literals: a deliberate type error, rarely reached
    }
  }

  /** A well-typed expression of type `ty`. */
  expr(ty: Ty, env: Env, depth: number): string {
    const leaf = depth >= this.shape.maxDepth || this.rng.chance(0.25);
    if (leaf) return this.leaf(ty, env, depth);
    const options: (() => string | undefined)[] = [() => this.leaf(ty, env, depth), () => this.conditional(ty, env, depth), () => this.call(ty, env, depth)];
    const sub = (t: Ty): string => this.expr(t, env, depth + 1);
    // Parentheses only around what is not already one unit (a name, a path, a literal, a call, a parenthesised form).
    const paren = (s: string): string => (SIMPLE.test(s) ? s : `(${s})`);
    switch (ty.k) {
      case "boolean":
        options.push(
          () => `${paren(sub(T.boolean))} ${this.rng.pick(["and", "or"])} ${paren(sub(T.boolean))}`,
          () => `not ${paren(sub(T.boolean))}`,
          () => {
            const t = this.rng.pick<Ty>([T.integer, T.decimal, T.date, T.datetime, T.text]);
            return `${paren(sub(t))} ${this.rng.pick(["<", "<=", ">", ">=", "=", "!="])} ${paren(sub(t))}`;
          },
          () => {
            const e = this.rng.pick(this.model.enums);
            const et: Ty = { k: "enum", name: e.name };
            const set = Array.from({ length: this.rng.int(1, 3) }, () => (this.rng.chance(0.5) ? this.rng.pick(e.members).name : `${e.name}.${this.rng.pick(e.members).name}`));
            const bare = set.some((s) => !s.includes(".")) && this.model.enums.some((o) => o !== e && o.members.some((mm) => set.includes(mm.name)));
            return `${paren(sub(et))}${this.rng.chance(0.3) ? " not" : ""} in {${(bare ? set.map((s) => (s.includes(".") ? s : `${e.name}.${s}`)) : set).join(", ")}}`;
          },
          () => {
            const t = this.rng.pick<Ty>([T.integer, T.text, T.date, T.boolean, { k: "enum", name: this.rng.pick(this.model.enums).name }]);
            const p = this.path(t, env, true);
            return p === undefined || p.ty.k !== "optional" ? undefined : `${p.text} is ${this.rng.pick(["present", "absent", "not present", "not absent"])}`;
          },
          () => this.quantifier(env, depth),
          () => {
            const t = this.rng.pick<Ty>([T.integer, T.text, T.date]);
            const p = this.path(t, env, true);
            if (p === undefined || p.ty.k !== "optional") return undefined;
            // Narrowing: the right operand of `and` after `is present` may use the value.
            return `${p.text} is present and ${p.text} ${this.rng.pick(["=", "!="])} ${paren(sub(t))}`;
          },
        );
        break;
      case "integer":
        options.push(
          () => `${paren(sub(T.integer))} ${this.rng.pick(["+", "-", "*"])} ${paren(sub(T.integer))}`,
          () => `-${paren(sub(T.integer))}`,
          () => {
            const l = this.listSource(env);
            if (l === undefined) return undefined;
            const v = this.variable(env);
            const inner: Env = { ...env, vars: new Map([...env.vars, [v, l.el]]) };
            return `(count ${v} in ${l.text}${this.rng.chance(0.5) ? ` where ${this.expr(T.boolean, inner, depth + 1)}` : ""})`;
          },
          () => {
            const t = this.rng.pick<Ty>([T.date, T.datetime]);
            return `(days between ${paren(sub(t))} and ${paren(sub(t))})`;
          },
          () => this.aggregate("sum", T.integer, env, depth),
        );
        break;
      case "decimal":
        options.push(
          () => `${paren(sub(T.integer))} / ${this.divisor(env, depth)}`,
          () => `${paren(sub(T.decimal))} ${this.rng.pick(["+", "-", "*"])} ${paren(sub(this.rng.pick<Ty>([T.integer, T.decimal])))}`,
        );
        break;
      case "date":
      case "datetime":
        options.push(() => {
          const agg = this.aggregate(this.rng.pick(["min", "max"]), ty, env, depth);
          return agg === undefined ? undefined : `${agg} otherwise ${this.literal(ty, env, depth)}`;
        });
        break;
      case "list":
        options.push(() => {
          const l = this.listSource(env);
          if (l === undefined) return undefined;
          const v = this.variable(env);
          const inner: Env = { ...env, vars: new Map([...env.vars, [v, l.el]]) };
          return `(collect (${this.expr(ty.el, inner, depth + 1)}) for ${v} in ${l.text}${this.rng.chance(0.5) ? ` where ${this.expr(T.boolean, inner, depth + 1)}` : ""})`;
        });
        break;
      default:
        break;
    }
    for (let tries = 0; tries < 6; tries++) {
      const r = this.rng.pick(options)();
      if (r !== undefined) return r;
    }
    return this.leaf(ty, env, depth);
  }

  /**
   * The right operand of `/`. A constant (a parameter's value, a default: no input in scope) must
   * divide by what folds to a number other than zero (TMAD4015), so there it is mostly a literal
   * other than zero, and now and then anything (the check is exercised too); in a rule or a
   * definition mostly any expression (dividing by zero there is an evaluation error, per record).
   */
  private divisor(env: Env, depth: number): string {
    if (this.rng.chance(env.input ? 0.3 : 0.95)) return this.rng.pick(["2", "3", "0.5", "18.13", "1.0", String(this.rng.int(1, 1000))]);
    const e = this.expr(this.rng.pick<Ty>([T.integer, T.decimal]), env, depth + 1);
    return SIMPLE.test(e) ? e : `(${e})`;
  }

  private leaf(ty: Ty, env: Env, depth: number): string {
    const options: (() => string | undefined)[] = [() => this.literal(ty, env, depth)];
    if (env.input || env.vars.size > 0)
      options.push(
        () => this.path(ty, env, false)?.text,
        () => {
          // An optional value made plain with `otherwise`.
          const p = this.path(ty, env, true);
          return p === undefined || p.ty.k !== "optional" ? undefined : `(${p.text} otherwise ${this.literal(ty, env, depth)})`;
        },
      );
    const params = this.model.params.filter((p) => env.params.has(p.name) && same(p.ty, ty));
    if (params.length > 0) options.push(() => this.rng.pick(params).name);
    for (let tries = 0; tries < 4; tries++) {
      const r = this.rng.pick(options)();
      if (r !== undefined) return r;
    }
    return this.literal(ty, env, depth);
  }

  private conditional(ty: Ty, env: Env, depth: number): string {
    return `(if ${this.expr(T.boolean, env, depth + 1)} then ${this.expr(ty, env, depth + 1)} else ${this.expr(ty, env, depth + 1)})`;
  }

  private call(ty: Ty, env: Env, depth: number): string | undefined {
    if (!env.defs) return undefined;
    const defs = this.model.defs.filter((d) => same(d.ty, ty));
    if (defs.length === 0) return undefined;
    const d = this.rng.pick(defs);
    if (d.params.length === 0) return d.name;
    if (d.params.some((p) => p.ty.k === "record" && this.path(p.ty, env, false) === undefined)) return undefined;
    return `${d.name}(${d.params.map((p) => this.expr(p.ty, env, depth + 1)).join(", ")})`;
  }

  private quantifier(env: Env, depth: number): string | undefined {
    const l = this.listSource(env);
    if (l === undefined) return undefined;
    const v = this.variable(env);
    const inner: Env = { ...env, vars: new Map([...env.vars, [v, l.el]]) };
    const q = this.rng.pick(["some", "every", "no"]);
    const where = this.rng.chance(0.4) ? ` where ${this.expr(T.boolean, inner, depth + 1)}` : "";
    const satisfies = q === "every" || this.rng.chance(0.7) ? ` satisfies ${this.expr(T.boolean, inner, depth + 1)}` : "";
    return `(${q} ${v} in ${l.text}${where}${satisfies})`;
  }

  private aggregate(kind: "min" | "max" | "sum", ty: Ty, env: Env, depth: number): string | undefined {
    const l = this.listSource(env);
    if (l === undefined) return undefined;
    const v = this.variable(env);
    const inner: Env = { ...env, vars: new Map([...env.vars, [v, l.el]]) };
    return `(${kind} (${this.expr(ty, inner, depth + 1)}) for ${v} in ${l.text}${this.rng.chance(0.4) ? ` where ${this.expr(T.boolean, inner, depth + 1)}` : ""})`;
  }
}

interface Env {
  readonly vars: Map<string, Ty>;
  readonly input: boolean;
  readonly defs: boolean;
  readonly params: ReadonlySet<string>;
}

// ---------------------------------------------------------------------------------------------
// Printing

function printModel(m: Model, rng: Rng): string {
  const out: string[] = [];
  const fence = (lines: string[]): void => {
    out.push("```tmad", ...lines, "```", "");
  };
  const ind = (): string => rng.pick(["  ", "    ", "\t", " "]);
  out.push("---", "document: FUZZ", 'version: "1.0"', "status: draft", "published: 2022-01-01", 'source: "generated by scripts/fuzz"', 'paraphrase: "generated text, not a quotation"', "---", "", "# Data model", "");
  const model: string[] = [];
  for (const e of m.enums) {
    if (rng.chance(0.3)) model.push(`-- The ${e.name} enumeration.`);
    if (rng.chance(0.3)) model.push(`enum ${e.name} ${e.members.map((x) => x.name).join(" ")}`);
    else model.push(`enum ${e.name}`, ...e.members.map((x) => `${ind()}${x.name}${x.label === undefined ? "" : ` ${x.label}`}`));
    model.push("");
  }
  for (const id of m.ids) model.push(`identifier ${id.name} pattern ${textLiteral(id.pattern)}${id.checkdigit === undefined ? "" : `\n${ind()}${id.checkdigit}`}`, "");
  for (const r of m.records) model.push(`record ${r.name}`, ...r.fields.map((f) => `${ind()}${f.name}: ${tyText(f.ty)}`), "");
  model.push(`input ${m.input.name}: ${m.input.root} identified by ${m.input.key}`, "");
  model.push(`decision ${m.decision.name}`, ...m.decision.fields.map((f) => `${ind()}${f.name}: ${tyText(f.ty)}${f.def === undefined ? "" : ` = ${f.def}`}`), "");
  for (const p of m.params) model.push(`parameter ${p.name}: ${tyText(p.ty)} = ${p.value}`);
  fence(model);
  m.clauses.forEach((c, i) => {
    out.push(`## ${c.number} ${c.title}`, "", c.text, "");
    const block: string[] = [];
    if (i === 0) {
      for (const d of m.defs) {
        const params = d.params.length > 0 || rng.chance(0.1) ? `(${d.params.map((p) => `${p.name}: ${tyText(p.ty)}`).join(", ")})` : "";
        block.push(`definition ${d.name}${params}${d.declareType ? `: ${tyText(d.ty)}` : ""} =`, `${ind()}${d.body}`, "");
      }
    }
    for (const r of m.rules.filter((x) => x.clause === i)) {
      block.push(`rule ${r.name}`);
      if (r.nameClause) block.push(`${ind()}clause ${c.number}`);
      if (r.source !== undefined) block.push(`${ind()}source ${r.source}`);
      block.push(`${ind()}when ${r.when}`, `${ind()}then ${r.then.map(([f, e]) => `${f} = ${e}`).join(`,${rng.chance(0.5) ? "\n  " : " "}`)}`);
      if (r.unless.length > 0) block.push(`${ind()}unless ${r.unless.join(", ")}`);
      if (r.overrides.length > 0) block.push(`${ind()}overrides ${r.overrides.join(", ")}`);
      block.push("");
    }
    if (m.defaultThen !== undefined && m.defaultClause === i) block.push(`default${rng.chance(0.5) ? ` clause ${c.number}` : ""} then ${m.defaultThen.map(([f, e]) => `${f} = ${e}`).join(", ")}`, "");
    if (block.length > 0) fence(block);
  });
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Faults: what makes a document ill-formed

/** A fault changes the model and says whether it could (a document without definitions has none to call wrongly). */
type Fault = (m: Model, b: Builder, rng: Rng) => boolean | void;

const MODEL_FAULTS: Record<string, Fault> = {
  "unknown name": (m, _b, rng) => {
    const r = rng.pick(m.rules);
    r.when = `${r.when} and nope_${rng.int(0, 99)}`;
  },
  "unknown field": (m, _b, rng) => {
    const r = rng.pick(m.rules);
    r.when = `${m.input.name}.nofield_${rng.int(0, 9)} = 1`;
  },
  "type mismatch": (m, _b, rng) => {
    const r = rng.pick(m.rules);
    r.when = rng.pick(["1", '"text"', "2022-05-11", `${m.input.name}`]);
  },
  "duplicate declaration": (m) => {
    m.rules.push({ ...m.rules[0], then: [...m.rules[0].then] });
  },
  "precedence cycle": (m) => {
    if (m.rules.length < 2) return false;
    m.rules[0].unless = [m.rules[1].name];
    m.rules[1].unless = [m.rules[0].name];
  },
  "recursive definition": (m, b) => {
    const d = { name: b.name("rec"), params: [], ty: T.boolean, body: "", declareType: true };
    d.body = `not ${d.name}`;
    m.defs.push(d);
  },
  "missing assignment": (m) => {
    for (const r of m.rules) r.then = r.then.slice(1);
  },
  "assigned twice": (m) => {
    const r = m.rules[0];
    if (r.then.length === 0) return false;
    r.then.push(r.then[0]);
  },
  "bad literal": (m, _b, rng) => {
    m.rules[0].when = `${rng.pick(["2022-02-30", "2022-13-01", "2022-05-11T25:00Z", "2023-02-29"])} = ${rng.pick(["2022-02-30", "2022-05-11"])}`;
  },
  "unknown clause": (m) => {
    m.rules[0].then.push(["decidedBy", "clause 99.99"]);
  },
  "record contains itself": (m) => {
    const r = m.records[0];
    r.fields.push({ name: "self", ty: { k: "record", name: r.name } });
  },
  "optional without check": (m) => {
    for (const r of m.records)
      for (const f of r.fields)
        if (f.ty.k === "optional" && (f.ty.inner.k === "integer" || f.ty.inner.k === "text")) {
          if (r !== m.records[m.records.length - 1]) continue;
          m.rules[0].when = `${m.input.name}.${f.name} = ${f.ty.inner.k === "integer" ? "1" : '"x"'}`;
          return true;
        }
    return false;
  },
  "every without satisfies": (m) => {
    m.rules[0].when = `every z9 in [1, 2] where z9 > 0`;
  },
  "wrong argument count": (m, _b, rng) => {
    const d = m.defs.find((x) => x.params.length > 0);
    if (d === undefined) return false;
    m.rules[0].when = `${d.name}(${rng.pick(["", "1, 2, 3, 4"])}) = ${d.name}`;
  },
  "reserved name": (m) => {
    m.enums[0].members.push({ name: "__proto__" });
  },
  "missing input": (m) => {
    m.input = { ...m.input, root: "NoSuchRecord" };
  },
  "default on a record field": (m) => {
    m.records[0].fields[0].def = "1";
  },
};

function printRecordDefaults(text: string, m: Model): string {
  // Record fields with defaults are printed by hand (the printer omits them): a misplaced declaration.
  for (const r of m.records) for (const f of r.fields) if (f.def !== undefined) text = text.replace(`  ${f.name}: ${tyText(f.ty)}\n`, `  ${f.name}: ${tyText(f.ty)} = ${f.def}\n`);
  return text;
}

/** A token-level mutation of the printed text, inside a `tmad` fence. */
function mutateText(text: string, rng: Rng): string {
  const ranges: [number, number][] = [];
  const re = /```tmad\n([\s\S]*?)```/g;
  for (let mm = re.exec(text); mm !== null; mm = re.exec(text)) ranges.push([mm.index + 8, mm.index + 8 + mm[1].length]);
  if (ranges.length === 0) return text;
  const [a, b] = rng.pick(ranges);
  const tokens = [...text.slice(a, b).matchAll(/\w+|[^\s\w]/g)].map((t) => [a + t.index, a + t.index + t[0].length] as const);
  if (tokens.length === 0) return text;
  const [s, e] = rng.pick(tokens);
  switch (rng.int(0, 3)) {
    case 0:
      return text.slice(0, s) + text.slice(e);
    case 1:
      return `${text.slice(0, e)} ${text.slice(s, e)}${text.slice(e)}`;
    case 2: {
      const [s2, e2] = rng.pick(tokens);
      if (s2 <= e) return text;
      return text.slice(0, s) + text.slice(s2, e2) + text.slice(e, s2) + text.slice(s, e) + text.slice(e2);
    }
    default:
      return text.slice(0, s) + rng.pick(["@", ";", '"', "(", ")", "{", "}", ",", ".", "=", "--", "rule", "when", "then", "and", "not", "in", "\u0000", "\r"]) + text.slice(s);
  }
}

export interface GeneratedDocument {
  /** The Markdown of one version, in one file. */
  readonly text: string;
  /** Whether it was meant to be well-formed (it may still have warnings). */
  readonly wellFormed: boolean;
  /** What was done to it, for reports: the faults injected and the stress applied. */
  readonly features: readonly string[];
}

/** Document `index` of the stream `seed`. */
export function generateDocument(seed: number, index: number): GeneratedDocument {
  const rng = new Rng(seed, index, 0x646f63);
  const u = rng.next();
  // The large stress documents (hundreds of rules, terms or nesting levels) cost fifty ordinary ones
  // each: one in 300 of them is a few hundred in a nightly run, enough to keep the limits exercised.
  const stress: Shape["stress"] = u < 0.0005 ? "rules" : u < 0.0015 ? "parens" : u < 0.0025 ? "nots" : u < 0.0035 ? "ands" : u < 0.0195 ? "long" : "none";
  const shape: Shape = { hostileNames: rng.chance(0.2), hostileText: rng.chance(0.2), stress, maxDepth: rng.chance(0.05) ? rng.int(5, 10) : rng.int(1, 3) };
  const b = new Builder(rng, shape);
  const m = b.build();
  const features: string[] = [];
  if (stress !== "none") features.push(`stress: ${stress}`);
  if (shape.hostileNames) features.push("hostile names");
  if (shape.hostileText) features.push("hostile text");
  const wellFormed = rng.chance(0.15);
  if (!wellFormed) {
    const names = Object.keys(MODEL_FAULTS);
    // Zero to two faults that apply (a fault that finds nothing to break is drawn again).
    for (let i = rng.int(0, 2), tries = 0; i > 0 && tries < 20; tries++) {
      const f = rng.pick(names);
      if (MODEL_FAULTS[f](m, b, rng) === false) continue;
      features.push(f);
      i--;
    }
  }
  let text = printRecordDefaults(printModel(m, rng), m);
  if (!wellFormed) {
    const n = features.length === 0 || rng.chance(0.5) ? rng.int(1, 4) : 0;
    for (let i = 0; i < n; i++) text = mutateText(text, rng);
    if (n > 0) features.push(`${n} token mutation(s)`);
  }
  if (rng.chance(0.02)) {
    text = text.replace(/\n/g, "\r\n");
    features.push("CRLF");
  }
  return { text, wellFormed, features };
}
