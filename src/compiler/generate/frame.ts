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
 *   MEMO_ENTRIES argument lists, beyond which the value is computed each time.
 * Definitions are pure functions of the record and their arguments (objects of the record, or
 * numbers and text compared by value), so remembering changes no result, only the work.
 */
import type * as A from "../ast/nodes.js";
import { forEachExpr } from "../ast/walk.js";
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
