/**
 * Examples beside the clauses: `tmad-example` blocks (YAML) → ResolvedExample[].
 *
 * A block either defines a named installation (`define: name`) or states an example: an
 * installation (a named one or a full record), an optional JSON merge patch and path assignments,
 * the decision fields it expects, and the clauses the decision must and must not cite. Named
 * installations may build on each other; they resolve in any order, and a cycle is an error.
 * Problems are diagnostics at the block's lines in the Markdown file.
 */
import { parseDocument } from "yaml";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { RuleBlock } from "../extract/index.js";
import type { Span } from "../source/span.js";

export interface Expectation {
  /** Decision result fields by name, plus `status` and `rule`. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly cites: readonly string[];
  readonly notCites: readonly string[];
}

export interface ResolvedExample {
  readonly name: string;
  /** The clause heading the example sits under. */
  readonly clause?: string;
  readonly span: Span;
  /** The installation record, with patch and assignments applied. */
  readonly record: unknown;
  readonly expect: Expectation;
}

interface InstallationSpec {
  readonly installation: unknown;
  readonly patch?: unknown;
  readonly set?: Readonly<Record<string, unknown>>;
  readonly span: Span;
}

const EXAMPLE_KEYS = ["example", "installation", "patch", "set", "expect", "cites", "not-cites"];
const DEFINE_KEYS = ["define", "installation", "patch", "set"];

export function resolveExamples(blocks: readonly RuleBlock[]): { examples: ResolvedExample[]; installations: Map<string, unknown>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const defines = new Map<string, InstallationSpec>();
  const pending: { name: string; clause?: string; spec: InstallationSpec; expect: Expectation; span: Span }[] = [];
  const names = new Set<string>();

  for (const block of blocks) {
    if (block.kind !== "example") continue;
    const span = block.span;
    const doc = parseDocument(block.code, { uniqueKeys: true });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const line = block.firstLine + (e.linePos?.[0]?.line ?? 1) - 1;
        const column = (block.columnOffsets[(e.linePos?.[0]?.line ?? 1) - 1] ?? 0) + (e.linePos?.[0]?.col ?? 1);
        diagnostics.push(diagnostic("TMAD5001", { file: block.file, start: { line, column }, end: { line, column: column + 1 } }, `example is not valid YAML: ${e.message.split("\n")[0]}`, "an example block holds YAML: `example: name`, `installation: …`, `expect: { outcome: … }`"));
      }
      continue;
    }
    const data: unknown = doc.toJS();
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      diagnostics.push(diagnostic("TMAD5002", span, "an example block must hold a YAML mapping", "start it with `example: name` or `define: name`"));
      continue;
    }
    const o = data as Record<string, unknown>;
    const isDefine = "define" in o;
    const allowed = isDefine ? DEFINE_KEYS : EXAMPLE_KEYS;
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) diagnostics.push(diagnostic("TMAD5002", span, `unknown key \`${k}\` in ${isDefine ? "a define" : "an example"} block`, didYouMean(k, allowed) ?? `keys: ${allowed.join(", ")}`));
    }
    const name = isDefine ? o["define"] : o["example"];
    if (typeof name !== "string" || name.trim() === "") {
      diagnostics.push(diagnostic("TMAD5002", span, `${isDefine ? "`define`" : "`example`"} must give a name`, isDefine ? "write `define: clean-dormant-ioc`" : "write `example: what it shows`"));
      continue;
    }
    if (!("installation" in o)) {
      diagnostics.push(diagnostic("TMAD5002", span, `\`${name}\` has no \`installation\``, "name a defined installation, or give a full record"));
      continue;
    }
    const set = o["set"];
    if (set !== undefined && (typeof set !== "object" || set === null || Array.isArray(set))) {
      diagnostics.push(diagnostic("TMAD5002", span, "`set` must map paths to values", 'write set: { "devices[0].dormant": true }'));
      continue;
    }
    const spec: InstallationSpec = { installation: o["installation"], span, ...(o["patch"] === undefined ? {} : { patch: o["patch"] }), ...(set === undefined ? {} : { set: set as Record<string, unknown> }) };
    if (isDefine) {
      if (defines.has(name)) diagnostics.push(diagnostic("TMAD5004", span, `installation \`${name}\` is defined twice`, "give each defined installation a unique name"));
      defines.set(name, spec);
      continue;
    }
    if (names.has(name)) diagnostics.push(diagnostic("TMAD5004", span, `example \`${name}\` is given twice in this version`, "give each example a unique name"));
    names.add(name);
    const expect = readExpectation(o, span, diagnostics);
    if (expect === undefined) continue;
    pending.push({ name, ...(block.clause === undefined ? {} : { clause: block.clause }), spec, expect, span });
  }

  const resolved = new Map<string, unknown>();
  const resolve = (spec: InstallationSpec, trail: readonly string[]): unknown => {
    let record: unknown;
    if (typeof spec.installation === "string") {
      const name = spec.installation;
      if (trail.includes(name)) {
        diagnostics.push(diagnostic("TMAD5003", spec.span, `defined installations refer to each other in a circle: ${[...trail, name].join(" → ")}`, "one of them must give a full record"));
        return undefined;
      }
      if (!resolved.has(name)) {
        const base = defines.get(name);
        if (base === undefined) {
          diagnostics.push(diagnostic("TMAD5003", spec.span, `no installation is defined as \`${name}\``, didYouMean(name, defines.keys()) ?? "define it with a `define:` example block"));
          return undefined;
        }
        resolved.set(name, resolve(base, [...trail, name]));
      }
      record = structuredClone(resolved.get(name));
      if (record === undefined) return undefined;
    } else {
      record = structuredClone(spec.installation);
    }
    if (spec.patch !== undefined) record = mergePatch(record, spec.patch);
    for (const [path, value] of Object.entries(spec.set ?? {})) {
      const problem = setPath(record, path, value);
      if (problem !== undefined) diagnostics.push(diagnostic("TMAD5005", spec.span, `cannot set \`${path}\`: ${problem}`, "paths look like `devices[1].firmwareAttempts` and must exist up to their last step"));
    }
    return record;
  };

  const examples: ResolvedExample[] = [];
  for (const p of pending) {
    const record = resolve(p.spec, []);
    if (record === undefined) continue;
    examples.push({ name: p.name, ...(p.clause === undefined ? {} : { clause: p.clause }), span: p.span, record, expect: p.expect });
  }
  // Every named installation, resolved, for tools that start from them (the diff's witness search).
  const installations = new Map<string, unknown>();
  for (const [name, spec] of [...defines.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!resolved.has(name)) resolved.set(name, resolve(spec, [name]));
    const r = resolved.get(name);
    if (r !== undefined) installations.set(name, r);
  }
  return { examples, installations, diagnostics };
}

function readExpectation(o: Record<string, unknown>, span: Span, diagnostics: Diagnostic[]): Expectation | undefined {
  const expect = o["expect"] ?? {};
  if (typeof expect !== "object" || expect === null || Array.isArray(expect)) {
    diagnostics.push(diagnostic("TMAD5002", span, "`expect` must map decision fields to values", "write expect: { outcome: EXCLUDED }"));
    return undefined;
  }
  const list = (key: string): string[] | undefined => {
    const v = o[key];
    if (v === undefined) return [];
    if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) return v.map(String);
    diagnostics.push(diagnostic("TMAD5002", span, `\`${key}\` must be a list of clause numbers`, `write ${key}: ["18.13"]`));
    return undefined;
  };
  const cites = list("cites");
  const notCites = list("not-cites");
  if (cites === undefined || notCites === undefined) return undefined;
  if (Object.keys(expect).length === 0 && cites.length === 0 && notCites.length === 0) {
    diagnostics.push(diagnostic("TMAD5002", span, "the example expects nothing", "say what the decision must be: `expect: { outcome: … }`, `cites`, or `not-cites`"));
    return undefined;
  }
  return { fields: expect as Record<string, unknown>, cites, notCites };
}

/** RFC 7396 JSON merge patch: objects merge key by key, `null` removes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const base: Record<string, unknown> = typeof target === "object" && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

/** Sets `a.b[2].c` in place; returns what went wrong, or undefined. */
export function setPath(root: unknown, path: string, value: unknown): string | undefined {
  if (!/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[\d+\])*$/.test(path)) return "not a path";
  const steps = path.match(/[A-Za-z_$][\w$]*|\[\d+\]/g)!;
  let current: unknown = root;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const last = i === steps.length - 1;
    if (step.startsWith("[")) {
      const index = Number(step.slice(1, -1));
      if (!Array.isArray(current)) return `${steps.slice(0, i).join("") || "the record"} is not a list`;
      if (index >= current.length) return `${steps.slice(0, i).join("")} has only ${current.length} element(s)`;
      if (last) current[index] = structuredClone(value);
      else current = current[index];
    } else {
      if (typeof current !== "object" || current === null || Array.isArray(current)) return `${steps.slice(0, i).join("") || "the record"} is not an object`;
      if (step === "__proto__" || step === "constructor" || step === "prototype") return "that key is not allowed";
      const obj = current as Record<string, unknown>;
      if (last) obj[step] = structuredClone(value);
      else current = obj[step];
    }
  }
  return undefined;
}
