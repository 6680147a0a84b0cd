/**
 * Check pass "dependencies": which parameters and definitions each parameter, definition and rule
 * uses (names resolved by scope: a quantifier's variable or a definition's parameter hides a
 * declaration of the same name). Gives the graph, and parameters and definitions in dependency
 * order (each after what it uses, otherwise in declaration order), so inference never recurses
 * from one declaration into another. Reports cycles (TMAD3010): the language has no recursion.
 */
import type * as A from "../ast/nodes.js";
import { bindingPart, expressionsOf, foldExpr } from "../ast/walk.js";
import { type Report } from "../diagnostics/diagnostic.js";
import type { DeclarationKey } from "./checked-version.js";
import type { Symbols } from "./collect.js";

export interface Dependencies {
  readonly direct: Map<DeclarationKey, DeclarationKey[]>;
  readonly parameterOrder: A.ParameterDecl[];
  readonly definitionOrder: A.DefinitionDecl[];
}

/** The declarations `e` uses, in the order inference meets them (operands before the call). */
function uses(e: A.Expr, bound: ReadonlySet<string>, s: Symbols, out: DeclarationKey[]): void {
  foldExpr<ReadonlySet<string>, void>(e, bound, {
    down(parent, index, names) {
      if (bindingPart(parent, index) === "collection" || bindingPart(parent, index) === undefined) return names;
      const variable = (parent as A.Expr & { variable: A.Name }).variable.text;
      return new Set([...names, variable]);
    },
    up(x, names) {
      if (x.kind === "NameRef" && !names.has(x.name.text)) {
        if (s.parameters.has(x.name.text)) out.push(`parameter ${x.name.text}`);
        else if (s.definitions.has(x.name.text)) out.push(`definition ${x.name.text}`);
      } else if (x.kind === "Call" && s.definitions.has(x.callee.text)) out.push(`definition ${x.callee.text}`);
    },
  });
}

export function dependencies(s: Symbols, report: Report): Dependencies {
  const direct = new Map<DeclarationKey, DeclarationKey[]>();
  for (const p of s.parameters.values()) {
    const out: DeclarationKey[] = [];
    if (p.recovered !== true) uses(p.value, new Set(), s, out);
    // A parameter's value may use only other parameters (inference reports anything else).
    direct.set(`parameter ${p.name.text}`, [...new Set(out.filter((k) => k.startsWith("parameter ")))]);
  }
  for (const d of s.definitions.values()) {
    const out: DeclarationKey[] = [];
    if (d.recovered !== true) uses(d.body, new Set(d.params.map((p) => p.name.text)), s, out);
    direct.set(`definition ${d.name.text}`, [...new Set(out)]);
  }
  for (const r of s.rules.values()) {
    const out: DeclarationKey[] = [];
    if (r.recovered !== true) for (const e of expressionsOf(r)) uses(e, new Set(), s, out);
    direct.set(`rule ${r.name.text}`, [...new Set(out)]);
  }
  const parameterOrder = order([...s.parameters.values()], "parameter", direct, report) as A.ParameterDecl[];
  const definitionOrder = order([...s.definitions.values()], "definition", direct, report) as A.DefinitionDecl[];
  return { direct, parameterOrder, definitionOrder };
}

/** Depth-first, in declaration order, with an explicit stack; each declaration after its uses. */
function order(decls: readonly (A.ParameterDecl | A.DefinitionDecl)[], kind: "parameter" | "definition", direct: ReadonlyMap<DeclarationKey, readonly DeclarationKey[]>, report: Report): (A.ParameterDecl | A.DefinitionDecl)[] {
  const byKey = new Map(decls.map((d) => [`${kind} ${d.name.text}` as DeclarationKey, d]));
  const state = new Map<DeclarationKey, "visiting" | "done">();
  const out: (A.ParameterDecl | A.DefinitionDecl)[] = [];
  for (const start of byKey.keys()) {
    if (state.has(start)) continue;
    const stack: { key: DeclarationKey; next: number }[] = [{ key: start, next: 0 }];
    state.set(start, "visiting");
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const deps = (direct.get(top.key) ?? []).filter((k) => byKey.has(k));
      if (top.next < deps.length) {
        const k = deps[top.next++];
        const st = state.get(k);
        if (st === "done") continue;
        if (st === "visiting") {
          const path = stack.map((f) => f.key);
          const cycle = [...path.slice(path.indexOf(k)), k];
          const d = byKey.get(k)!;
          const name = d.name.text;
          if (kind === "definition") {
            report("TMAD3010", d.name.span, `definition \`${name}\` depends on itself (${cycle.map((c) => c.replace(/^definition /, "")).join(" → ")})`, "the language has no recursion; use a quantifier over the list instead");
          } else {
            report("TMAD3010", d.name.span, `parameter \`${name}\` depends on itself (${cycle.join(" → ")})`, "give one of them a literal value");
          }
          continue;
        }
        state.set(k, "visiting");
        stack.push({ key: k, next: 0 });
        continue;
      }
      state.set(top.key, "done");
      out.push(byKey.get(top.key)!);
      stack.pop();
    }
  }
  return out;
}
