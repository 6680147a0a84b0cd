/**
 * Generator pass "definition cache": the evaluation's frame, and which definitions it remembers.
 *
 * Every generated function takes the frame `f` of the evaluation under way (`f.input` is the
 * record). A new frame per evaluation replaces module-level memo variables: nothing outlives an
 * evaluation or is shared between two, whatever calls what. The frame remembers
 * - each definition without parameters (a fact of the whole installation), once computed;
 * - each definition with parameters that loops, directly or through the definitions it uses
 *   (`prepared(d)` of a device, `stepSucceeded(attempts, confirmations)` of its lists), by its
 *   arguments: a small array of (arguments, value) searched by identity, not a Map; at most
 *   MEMO_ENTRIES argument lists, beyond which the value is computed each time; unless it is called
 *   from one place only, in code that runs once per argument list anyway (reachedOnceEach).
 * Definitions are pure functions of the record and their arguments (objects of the record, or
 * numbers and text compared by value), so remembering changes no result, only the work.
 */
import type * as A from "../ast/nodes.js";
import { expressionsOf, forEachExpr } from "../ast/walk.js";
import type { CheckedVersion } from "../check/index.js";
import * as N from "./names.js";

export interface DefinitionCache {
  /** The frame's field. */
  readonly field: string;
  /** Its declaration in the Frame class, with its doc comment. */
  readonly declaration: string;
  /** The definition's statements, computing `body` only when the frame does not know it yet. */
  statements(body: string): string[];
}

/** Whether evaluating a definition loops, directly or through the definitions it uses. */
function loops(version: CheckedVersion, d: A.DefinitionDecl, seen: Map<string, boolean>): boolean {
  const known = seen.get(d.name.text);
  if (known !== undefined) return known;
  seen.set(d.name.text, false); // definitions are not recursive (the checker says so); this ends any walk
  let found = false;
  forEachExpr(d.body, (x) => {
    if (found) return false;
    if (x.kind === "Quantified" || x.kind === "Aggregated" || x.kind === "Collect") found = true;
    const r = x.kind === "NameRef" ? version.refs.get(x) : undefined;
    const name = x.kind === "Call" ? x.callee.text : r?.kind === "definition" ? r.name : undefined;
    if (name !== undefined) {
      const used = version.definitions.find((u) => u.name.text === name);
      if (used !== undefined && loops(version, used, seen)) found = true;
    }
    return undefined;
  });
  seen.set(d.name.text, found);
  return found;
}

const loopsMemo = new WeakMap<CheckedVersion, Map<string, boolean>>();

/** A rule's condition or result, or the default result: evaluated once per evaluation. */
const ONCE = "";

/**
 * For each definition, what its calls are in: the calling definition's name (ONCE for a rule or the
 * default result), and whether the call's arguments read every variable bound around the call
 * (inside a loop over `m`, `g(m)` is reached once per m; `g(site.tries)` once per element, each
 * time with the same arguments) and, in a definition with parameters, one of them.
 */
function callers(version: CheckedVersion): Map<string, { caller: string; distinct: boolean }[]> {
  const known = callersMemo.get(version);
  if (known !== undefined) return known;
  const found = new Map<string, { caller: string; distinct: boolean }[]>();
  const readsName = (args: readonly A.Expr[], name: string): boolean => {
    let hit = false;
    for (const arg of args) {
      forEachExpr(arg, (x) => {
        if (x.kind === "NameRef" && x.name.text === name && version.refs.get(x)?.kind === "variable") hit = true;
        return hit ? false : undefined;
      });
    }
    return hit;
  };
  const walk = (root: A.Expr, caller: string, params: readonly string[], bound: readonly string[]): void =>
    forEachExpr(root, (x) => {
      if (x.kind === "Quantified" || x.kind === "Aggregated" || x.kind === "Collect") {
        walk(x.collection, caller, params, bound);
        const inner = [...bound, x.variable.text];
        for (const part of [x.filter, x.kind === "Quantified" ? x.predicate : x.value]) if (part !== undefined) walk(part, caller, params, inner);
        return false;
      }
      if (x.kind === "Call") {
        const distinct = bound.every((v) => readsName(x.args, v)) && (params.length === 0 || params.some((v) => readsName(x.args, v)));
        const list = found.get(x.callee.text);
        if (list === undefined) found.set(x.callee.text, [{ caller, distinct }]);
        else list.push({ caller, distinct });
      }
      return undefined;
    });
  for (const d of version.definitions) walk(d.body, d.name.text, d.params.map((p) => p.name.text), []);
  for (const r of version.rules) for (const e of expressionsOf(r.decl)) walk(e, ONCE, [], []);
  if (version.defaultResult !== undefined) for (const e of expressionsOf(version.defaultResult.decl)) walk(e, ONCE, [], []);
  callersMemo.set(version, found);
  return found;
}

const callersMemo = new WeakMap<CheckedVersion, Map<string, { caller: string; distinct: boolean }[]>>();

/**
 * Whether definition `name` (with parameters) is called from one place only, with arguments that
 * change with every variable around the call (see callers), in code that runs at most once for
 * each of its own arguments: a rule, the default result, a definition without
 * parameters or one that loops (remembered by the frame, or itself reached once each), or a
 * definition that is itself reached once each. Then each of its arguments reaches it about once,
 * and remembering it costs an array per evaluation for nothing (`configurationSucceeded(d)`, called
 * only by the remembered `prepared(d)`). Only the work can change, never a result.
 */
function reachedOnceEach(version: CheckedVersion, name: string, seen: Map<string, boolean>): boolean {
  const sites = callers(version).get(name) ?? [];
  if (sites.length !== 1 || !sites[0].distinct) return false;
  if (sites[0].caller === ONCE) return true;
  const caller = version.definitions.find((d) => d.name.text === sites[0].caller);
  if (caller === undefined) return false;
  return caller.params.length === 0 || loops(version, caller, seen) || reachedOnceEach(version, caller.name.text, seen);
}

/**
 * How many argument lists a definition with parameters remembers per evaluation: its calls are
 * found by a linear search (a record has a few devices, each with a few lists), so a definition
 * called with thousands of different arguments costs at most this many comparisons a call.
 */
const MEMO_ENTRIES = 16;

/** How the frame remembers definition `d` (whose type is `result`), or undefined when it does not. */
export function cacheOf(version: CheckedVersion, d: A.DefinitionDecl, result: string, enabled: boolean): DefinitionCache | undefined {
  if (!enabled) return undefined;
  const field = N.memoValue(d.name.text);
  if (d.params.length === 0) {
    return {
      field,
      declaration: `/** \`${d.name.text}\`, once computed. */\n${field}: ${result} | undefined = undefined;`,
      statements: (body) => [`let value = f.${field};`, `if (value === undefined) f.${field} = value = ${body};`, "return value;"],
    };
  }
  let seen = loopsMemo.get(version);
  if (seen === undefined) loopsMemo.set(version, (seen = new Map()));
  if (!loops(version, d, seen)) return undefined;
  if (reachedOnceEach(version, d.name.text, seen)) return undefined;
  const params = d.params.map((p) => N.variable(p.name.text));
  const stride = params.length + 1;
  const same = params.map((p, i) => `memo[i${i === 0 ? "" : ` + ${i}`}] === ${p}`).join(" && ");
  return {
    field,
    // Created at the first call: most evaluations never call most definitions.
    declaration: `/** \`${d.name.text}(${d.params.map((p) => p.name.text).join(", ")})\` by its arguments (the same objects), once computed: up to ${MEMO_ENTRIES} of them. */\n${field}: unknown[] | undefined = undefined;`,
    statements: (body) => [
      `const memo = f.${field};`,
      `if (memo !== undefined) for (let i = 0; i < memo.length; i += ${stride}) if (${same}) return memo[i + ${params.length}] as ${result};`,
      `const value = ${body};`,
      `if (memo === undefined) f.${field} = [${[...params, "value"].join(", ")}];`,
      `else if (memo.length < ${MEMO_ENTRIES * stride}) memo.push(${[...params, "value"].join(", ")});`,
      "return value;",
    ],
  };
}

/** The Frame class of a version's rules.ts. */
export function frameClass(inputType: string, caches: readonly DefinitionCache[], scans: readonly string[] = []): string {
  return [
    "/**",
    " * One evaluation's frame: the record, and what the evaluation has computed and may need again.",
    " * A new one per evaluation: nothing is shared between records.",
    " */",
    "export class Frame {",
    ...caches.map((c) => c.declaration),
    ...scans,
    `constructor(readonly input: ${inputType}) {}`,
    "}",
  ].join("\n");
}
