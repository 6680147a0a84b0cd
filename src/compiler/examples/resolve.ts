/**
 * Examples beside the clauses: `tmad-example` blocks (YAML) → ResolvedExample[] and the named
 * installations.
 *
 * A block either defines a named installation (`define: name`), replaces one its base chain
 * defines (`replace: name`, in an amending version), or states an example: an installation (a
 * named one or a full record), an optional JSON merge patch and path assignments, the decision
 * fields it expects, and the clauses the decision must and must not cite. Named installations may
 * build on each other; they resolve in any order, and a cycle is an error. A replacement may build
 * on the installation it replaces by naming it. Inherited examples use the replacements. Problems
 * are diagnostics at the block's lines in the Markdown file (TMAD5xxx).
 */
import { parseDocument, type Document } from "yaml";
import { diagnostic, type Accept } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { RuleBlock } from "../extract/index.js";
import type { Span } from "../source/span.js";
import type { Replacement } from "../check/checked-version.js";
import { Memo } from "../memo.js";
import { readSimpleYaml } from "./simple-yaml.js";

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
  /** The version whose file holds the example (of the base chain, for an inherited one). */
  readonly version?: string;
  /** The named installations the record was built from, nearest first. */
  readonly installations: readonly string[];
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
  /** The version whose file holds the block. */
  readonly version?: string;
}

export interface ResolvedExamples {
  readonly examples: ResolvedExample[];
  /** Every named installation, resolved (its latest definition), by name. */
  readonly installations: Map<string, unknown>;
  /** Named installations an amendment replaced. */
  readonly replacements: Replacement[];
}

/** An example block read: YAML's errors, and its value (a new one each call, which callers may change). */
interface ParsedBlock {
  readonly errors: Document.Parsed["errors"];
  value(): unknown;
}

/** Example blocks read, by text, the 5,000 latest. */
const parsedBlocks = new Memo<ParsedBlock>(5_000);

/**
 * An example block's YAML, read once per text: each compile of a version reads the examples of its
 * whole base chain again (every version of `tmad build`, every re-check of the language server
 * after an edit elsewhere), and parsing is most of the time of resolving them. Plain blocks are read
 * by simple-yaml.ts (the same value, several times faster); the others by the yaml package.
 */
function parseBlock(code: string): ParsedBlock {
  return parsedBlocks.get(code, () => {
    const simple = readSimpleYaml(code);
    if (simple !== undefined) return { errors: [], value: () => copyValue(simple) };
    const doc = parseDocument(code, { uniqueKeys: true });
    return { errors: doc.errors, value: () => doc.toJS() };
  });
}

const EXAMPLE_KEYS = ["example", "installation", "patch", "set", "expect", "cites", "not-cites"];
const DEFINE_KEYS = ["define", "installation", "patch", "set"];
const REPLACE_KEYS = ["replace", "installation", "patch", "set"];

/**
 * Resolves the example blocks of a version (its base chain's first: `layers` lists the chain's
 * version ids, oldest first; blocks without a version belong to the last).
 */
export function resolveExamples(blocks: readonly RuleBlock[], accept: Accept, layers: readonly string[] = []): ResolvedExamples {
  const layerOf = (version: string | undefined): number => (version === undefined ? layers.length : Math.max(0, layers.indexOf(version)));
  /** Each name's definitions, oldest first: a replacement stacks on the definition it replaces. */
  const defines = new Map<string, InstallationSpec[]>();
  const replacements: Replacement[] = [];
  const pending: { name: string; clause?: string; version?: string; spec: InstallationSpec; expect: Expectation; span: Span }[] = [];
  const names = new Set<string>();

  for (const block of blocks) {
    if (block.kind !== "example") continue;
    const span = block.span;
    const doc = parseBlock(block.code);
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const lines = block.code.split("\n");
        const index = Math.min(Math.max((e.linePos?.[0]?.line ?? 1) - 1, 0), Math.max(lines.length - 1, 0));
        const line = block.firstLine + index;
        const offset = block.columnOffsets[index] ?? 0;
        // YAML may point just past the end of a line (where it expected more): keep within the line.
        const last = offset + (lines[index]?.length ?? 0) + 1;
        const column = Math.min(offset + (e.linePos?.[0]?.col ?? 1), last);
        accept(diagnostic("TMAD5001", { file: block.file, start: { line, column }, end: { line, column: Math.min(column + 1, last) } }, `example is not valid YAML: ${e.message.split("\n")[0]}`, "an example block holds YAML: `example: name`, `installation: …`, `expect: { outcome: … }`"));
      }
      continue;
    }
    const data: unknown = doc.value();
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      accept(diagnostic("TMAD5002", span, "an example block must hold a YAML mapping", "start it with `example: name` or `define: name`"));
      continue;
    }
    const o = data as Record<string, unknown>;
    const isReplace = "replace" in o;
    const isDefine = "define" in o || isReplace;
    const head = isReplace ? "replace" : isDefine ? "define" : "example";
    const allowed = isReplace ? REPLACE_KEYS : isDefine ? DEFINE_KEYS : EXAMPLE_KEYS;
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) accept(diagnostic("TMAD5002", span, `unknown key \`${k}\` in ${isDefine ? `a ${head}` : "an example"} block`, didYouMean(k, allowed) ?? `keys: ${allowed.join(", ")}`));
    }
    const name = o[head];
    if (typeof name !== "string" || name.trim() === "") {
      accept(diagnostic("TMAD5002", span, `\`${head}\` must give a name`, isReplace ? "write `replace: dormant-mds-prepared`" : isDefine ? "write `define: clean-dormant-ioc`" : "write `example: what it shows`"));
      continue;
    }
    if (!("installation" in o)) {
      accept(diagnostic("TMAD5002", span, `\`${name}\` has no \`installation\``, "name a defined installation, or give a full record"));
      continue;
    }
    const set = o["set"];
    if (set !== undefined && (typeof set !== "object" || set === null || Array.isArray(set))) {
      accept(diagnostic("TMAD5002", span, "`set` must map paths to values", 'write set: { "devices[0].dormant": true }'));
      continue;
    }
    const spec: InstallationSpec = {
      installation: o["installation"],
      span,
      ...(o["patch"] === undefined ? {} : { patch: o["patch"] }),
      ...(set === undefined ? {} : { set: set as Record<string, unknown> }),
      ...(block.version === undefined ? {} : { version: block.version }),
    };
    if (isDefine) {
      const stack = defines.get(name) ?? [];
      const prior = stack[stack.length - 1];
      const layer = layerOf(block.version);
      const earlier = prior !== undefined && layerOf(prior.version) < layer;
      if (isReplace && !earlier) {
        const why = prior !== undefined ? `it is defined in this same version (${prior.span.file}:${prior.span.start.line})` : layer === 0 ? "this version amends no base" : "no earlier version defines it";
        accept(diagnostic("TMAD5006", span, `\`replace: ${name}\` replaces no installation: ${why}`, didYouMean(name, [...defines.keys()]) ?? "write `define:` for a new installation"));
        if (prior !== undefined) continue;
      } else if (!isReplace && prior !== undefined) {
        accept(
          earlier
            ? diagnostic("TMAD5004", span, `installation \`${name}\` is already defined by ${prior.version ?? "the base"} (${prior.span.file}:${prior.span.start.line})`, `to redefine it for this version, write \`replace: ${name}\`; otherwise choose another name`)
            : diagnostic("TMAD5004", span, `installation \`${name}\` is defined twice`, "give each defined installation a unique name"),
        );
        continue;
      } else if (isReplace && prior !== undefined) {
        replacements.push({ kind: "installation", name, how: "replaced", by: block.version ?? layers[layers.length - 1] ?? "", at: span, from: prior.version ?? "", replaced: prior.span });
      }
      stack.push(spec);
      defines.set(name, stack);
      continue;
    }
    if (names.has(name)) accept(diagnostic("TMAD5004", span, `example \`${name}\` is given twice in this version`, "give each example a unique name"));
    names.add(name);
    const expect = readExpectation(o, span, accept);
    if (expect === undefined) continue;
    pending.push({ name, ...(block.clause === undefined ? {} : { clause: block.clause }), ...(block.version === undefined ? {} : { version: block.version }), spec, expect, span });
  }

  // A name resolves to its latest definition, except inside that definition's own chain of
  // replacements, where it means the definition replaced (`replace: x` with `installation: x`).
  const resolved = new Map<string, unknown>();
  const used = new Map<string, string[]>();
  const resolve = (spec: InstallationSpec, trail: readonly string[], self?: { name: string; level: number }, uses: string[] = []): unknown => {
    let record: unknown;
    if (typeof spec.installation === "string") {
      const name = spec.installation;
      const stack = defines.get(name);
      const level = self !== undefined && self.name === name ? self.level - 1 : (stack?.length ?? 0) - 1;
      const key = `${name}#${level}`;
      if (trail.includes(key)) {
        accept(diagnostic("TMAD5003", spec.span, `defined installations refer to each other in a circle: ${[...trail, key].map((k) => k.replace(/#\d+$/, "")).join(" → ")}`, "one of them must give a full record"));
        return undefined;
      }
      if (!resolved.has(key)) {
        const base = stack?.[level];
        if (base === undefined) {
          accept(diagnostic("TMAD5003", spec.span, `no installation is defined as \`${name}\``, didYouMean(name, defines.keys()) ?? "define it with a `define:` example block"));
          return undefined;
        }
        const inner: string[] = [];
        resolved.set(key, resolve(base, [...trail, key], { name, level }, inner));
        used.set(key, inner);
      }
      uses.push(name, ...(used.get(key) ?? []));
      record = copyValue(resolved.get(key));
      if (record === undefined) return undefined;
    } else {
      record = copyValue(spec.installation);
    }
    if (spec.patch !== undefined) record = mergePatch(record, spec.patch);
    for (const [path, value] of Object.entries(spec.set ?? {})) {
      const problem = setPath(record, path, value);
      if (problem !== undefined) accept(diagnostic("TMAD5005", spec.span, `cannot set \`${path}\`: ${problem}`, "paths look like `devices[1].firmwareAttempts` and must exist up to their last step"));
    }
    return record;
  };

  const examples: ResolvedExample[] = [];
  for (const p of pending) {
    const uses: string[] = [];
    const record = resolve(p.spec, [], undefined, uses);
    if (record === undefined) continue;
    examples.push({ name: p.name, ...(p.clause === undefined ? {} : { clause: p.clause }), ...(p.version === undefined ? {} : { version: p.version }), installations: [...new Set(uses)], span: p.span, record, expect: p.expect });
  }
  // Every named installation, resolved, for tools that start from them (the diff's witness search).
  const installations = new Map<string, unknown>();
  for (const [name, stack] of [...defines.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const level = stack.length - 1;
    const key = `${name}#${level}`;
    if (!resolved.has(key)) resolved.set(key, resolve(stack[level], [key], { name, level }));
    const r = resolved.get(key);
    if (r !== undefined) installations.set(name, r);
  }
  return { examples, installations, replacements };
}

function readExpectation(o: Record<string, unknown>, span: Span, accept: Accept): Expectation | undefined {
  const expect = o["expect"] ?? {};
  if (typeof expect !== "object" || expect === null || Array.isArray(expect)) {
    accept(diagnostic("TMAD5002", span, "`expect` must map decision fields to values", "write expect: { outcome: EXCLUDED }"));
    return undefined;
  }
  const list = (key: string): string[] | undefined => {
    const v = o[key];
    if (v === undefined) return [];
    if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) return v.map(String);
    accept(diagnostic("TMAD5002", span, `\`${key}\` must be a list of clause numbers`, `write ${key}: ["18.13"]`));
    return undefined;
  };
  const cites = list("cites");
  const notCites = list("not-cites");
  if (cites === undefined || notCites === undefined) return undefined;
  if (Object.keys(expect).length === 0 && cites.length === 0 && notCites.length === 0) {
    accept(diagnostic("TMAD5002", span, "the example expects nothing", "say what the decision must be: `expect: { outcome: … }`, `cites`, or `not-cites`"));
    return undefined;
  }
  return { fields: expect as Record<string, unknown>, cites, notCites };
}

/**
 * A deep copy of a value read from YAML, as structuredClone gives it: plain objects and lists
 * copied (a value reached twice, through a YAML alias, copied once and shared as before; keys such
 * as `__proto__` kept as own properties), anything else (a scalar, or a value of another kind)
 * as structuredClone copies it (a function or symbol: its error). Each example copies its installation record, and structuredClone's
 * serialisation was most of the time of resolving examples.
 */
export function copyValue(value: unknown, copies = new Map<object, unknown>()): unknown {
  if (typeof value === "function" || typeof value === "symbol") return structuredClone(value);
  if (typeof value !== "object" || value === null) return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype && Object.keys(value).length === value.length) {
    const list: unknown[] = [];
    copies.set(value, list);
    for (const v of value) list.push(copyValue(v, copies));
    return list;
  }
  if (Object.getPrototypeOf(value) === Object.prototype && Object.getOwnPropertySymbols(value).length === 0) {
    const object: Record<string, unknown> = {};
    copies.set(value, object);
    for (const [k, v] of Object.entries(value)) {
      if (k === "__proto__") Object.defineProperty(object, k, { value: copyValue(v, copies), writable: true, enumerable: true, configurable: true });
      else object[k] = copyValue(v, copies);
    }
    return object;
  }
  return structuredClone(value);
}

/** RFC 7396 JSON merge patch: objects merge key by key, `null` removes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return copyValue(patch);
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
      if (last) current[index] = copyValue(value);
      else current = current[index];
    } else {
      if (typeof current !== "object" || current === null || Array.isArray(current)) return `${steps.slice(0, i).join("") || "the record"} is not an object`;
      if (step === "__proto__" || step === "constructor" || step === "prototype") return "that key is not allowed";
      const obj = current as Record<string, unknown>;
      if (last) obj[step] = copyValue(value);
      else current = obj[step];
    }
  }
  return undefined;
}
