/**
 * What the rules compare facts with: CheckedProgram(s) → Constants, the values worth giving a fact
 * in the witness search (numbers and their neighbours, dates, date-times, texts, list lengths that
 * cross a `count` threshold, spans that cross a `days between` threshold), and the facts a set of
 * rules reads (`Device.firmwareUpgradePossible`), so the search can change those first.
 *
 * Thresholds often reach a comparison through a definition's parameter
 * (`regimeExhausted(xs, firmwareAttemptsRequired, …)` compares `count … >= required`): the values
 * passed to each definition parameter are followed to a fixpoint, parameters folded.
 */
import type * as A from "../ast/nodes.js";
import { forEachExpr } from "../ast/walk.js";
import type { CheckedProgram } from "../check/index.js";
import { parameterValues } from "./parameters.js";

export interface Constants {
  readonly numbers: readonly number[];
  readonly dates: readonly string[];
  readonly datetimes: readonly string[];
  readonly texts: readonly string[];
  /** Integers compared with a `count …` (list lengths worth trying), and their neighbours. */
  readonly counts: readonly number[];
  /** Integers compared with a `days between …` (spans worth spreading a list over), and neighbours. */
  readonly spans: readonly number[];
}

const COMPARISONS = new Set(["<", "<=", ">", ">=", "=", "!="]);

/** A name a NameRef or Call refers to, when it is a definition's. */
function callee(e: A.Expr): string | undefined {
  return e.kind === "NameRef" ? e.name.text : e.kind === "Call" ? e.callee.text : undefined;
}

export function constantsOf(programs: readonly CheckedProgram[]): Constants {
  const numbers = new Set<number>();
  const dates = new Set<string>();
  const datetimes = new Set<string>();
  const texts = new Set<string>();
  const counts = new Set<number>([1]);
  const spans = new Set<number>([0]);
  for (const p of programs) {
    const params = parameterValues(p);
    const defs = new Map(p.definitions.map((d) => [d.name.text, d]));
    const paramNumber = (name: string): number | undefined => {
      const v = params.get(name);
      const n = Number(v);
      return v === undefined || v === "" || !Number.isFinite(n) ? undefined : n;
    };
    const argValues = new Map<string, Set<number>>();
    const valuesOf = (e: A.Expr, owner: A.DefinitionDecl | undefined): number[] => {
      if (e.kind === "NumberLiteral") return [Number(e.text)];
      if (e.kind !== "NameRef") return [];
      if (owner !== undefined && owner.params.some((x) => x.name.text === e.name.text)) return [...(argValues.get(`${owner.name.text}.${e.name.text}`) ?? [])];
      const n = paramNumber(e.name.text);
      return n === undefined ? [] : [n];
    };
    const scopes: { owner?: A.DefinitionDecl; roots: A.Expr[] }[] = [
      { roots: p.rules.flatMap((r) => [r.decl.condition, ...r.decl.result.map((a) => a.value)]) },
      ...p.definitions.map((d) => ({ owner: d, roots: [d.body] })),
    ];
    const each = (visit: (e: A.Expr, owner: A.DefinitionDecl | undefined) => void): void => {
      for (const sc of scopes) for (const r of sc.roots) forEachExpr(r, (e) => visit(e, sc.owner));
    };
    // Values passed to definition parameters, to a fixpoint (a definition passes its own on).
    for (let changed = true, pass = 0; changed && pass < 16; pass++) {
      changed = false;
      each((e, owner) => {
        if (e.kind !== "Call") return;
        const d = defs.get(e.callee.text);
        d?.params.forEach((param, i) => {
          const arg = e.args[i];
          if (arg === undefined) return;
          const key = `${d.name.text}.${param.name.text}`;
          let set = argValues.get(key);
          if (set === undefined) argValues.set(key, (set = new Set()));
          for (const v of valuesOf(arg, owner)) {
            if (!set.has(v)) {
              set.add(v);
              changed = true;
            }
          }
        });
      });
    }
    // A count or a span is often behind a definition (`failureSpanDays(xs) >= 9`): look through.
    const underlying = (e: A.Expr, depth = 0): A.Expr => {
      const name = callee(e);
      const d = name === undefined ? undefined : defs.get(name);
      return d === undefined || depth > 16 ? e : underlying(d.body, depth + 1);
    };
    // A span may be computed from days between other values (`max dayNumber(a.at) … - min …`):
    // any `days between` inside the compared expression, through definitions, makes it a span.
    const measuresDays = (e: A.Expr, depth = 0): boolean => {
      let found = false;
      forEachExpr(e, (x) => {
        if (found) return;
        if (x.kind === "DaysBetween") found = true;
        const name = callee(x);
        const d = name === undefined ? undefined : defs.get(name);
        if (d !== undefined && depth < 16 && measuresDays(d.body, depth + 1)) found = true;
      });
      return found;
    };
    each((e, owner) => {
      if (e.kind === "NumberLiteral") numbers.add(Number(e.text));
      else if (e.kind === "DateLiteral") dates.add(e.text);
      else if (e.kind === "DateTimeLiteral") datetimes.add(e.text);
      else if (e.kind === "TextLiteral") texts.add(e.value);
      else if (e.kind === "Binary" && COMPARISONS.has(e.operator)) {
        for (const [side, other] of [
          [e.left, e.right],
          [e.right, e.left],
        ] as const) {
          const u = underlying(side);
          for (const n of valuesOf(other, owner)) {
            numbers.add(n);
            if (!Number.isInteger(n) || n < 0 || n > 1000) continue;
            if (u.kind === "Quantified" && u.quantifier === "count") for (const x of [n - 1, n, n + 1]) if (x >= 1) counts.add(x);
            if (u.kind === "DaysBetween" || measuresDays(u)) for (const x of [n - 1, n]) if (x >= 0) spans.add(x);
          }
        }
      }
    });
    for (const [name, v] of params) {
      const n = paramNumber(name);
      if (n !== undefined) numbers.add(n);
      else if (v.startsWith('"')) texts.add(JSON.parse(v) as string);
      else if (/^\d{4}-\d{2}-\d{2}$/.test(v)) dates.add(v);
      else if (/^\d{4}-\d{2}-\d{2}T/.test(v)) datetimes.add(v);
    }
  }
  const byValue = (a: number, b: number): number => a - b;
  return { numbers: [...numbers].sort(byValue), dates: [...dates].sort(), datetimes: [...datetimes].sort(), texts: [...texts].sort(), counts: [...counts].sort(byValue), spans: [...spans].sort(byValue) };
}

/**
 * The facts (`Record.field`) that the conditions and results of the given rules read, directly
 * or through the definitions they use. The search changes these first when it combines changes.
 */
export function factsRead(program: CheckedProgram, rules: ReadonlySet<string>): Set<string> {
  const defs = new Map(program.definitions.map((d) => [d.name.text, d]));
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (root: A.Expr): void =>
    forEachExpr(root, (x) => {
      const ref = program.refs.get(x);
      if (ref?.kind === "field") out.add(`${ref.recordName}.${ref.field}`);
      const name = callee(x);
      const d = name === undefined ? undefined : defs.get(name);
      if (d !== undefined && !seen.has(d.name.text)) {
        seen.add(d.name.text);
        walk(d.body);
      }
    });
  for (const r of program.rules) if (rules.has(r.id)) [r.decl.condition, ...r.decl.result.map((a) => a.value)].forEach(walk);
  return out;
}
