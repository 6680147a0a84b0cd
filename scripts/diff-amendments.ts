/**
 * The diff's soundness property (issue 11): for random amendments of the corpus, whenever a
 * population shows a difference, `tmad diff` must not exit 0. Both a library (the property test in
 * test/compiler/diff-property.test.ts runs it with a fixed seed) and, through scripts/fuzz.ts
 * (`--diff-amendments N`), a longer run.
 *
 * An amendment edits the rule documents of rules/tmad-20.v2 and its base chain in memory:
 * - `threshold`: a parameter's value moved (`firmwareAttemptsPerCycle = 36` → 35);
 * - `rule`: a rule added for a random member of a random enum, with or without precedence;
 * - `precedence`: `r unless w` flipped into `r overrides w`;
 * - `removed`: one `and` part of a rule's condition deleted;
 * and, so that the property also meets amendments that change nothing, `neutral` rewrites: two
 * `and` parts swapped, a parameter written as a sum, a set's members reordered.
 * The check is cheap where it can be: when the diff's structure already says the versions may
 * differ it cannot exit 0, so only amendments it calls `unchanged` need their code generated and
 * the population evaluated (with `evaluateAll`, every amendment is, to measure the search).
 */
import { createHash } from "node:crypto";
import { chainOf } from "../src/compiler/extract/index.js";
import { readVersion } from "../src/compiler/source/versions.js";
import { diffVersions, mayDecideDifferently, type DiffSide } from "../src/compiler/diff/index.js";
import { sameDecision } from "../src/compiler/diff/population.js";
import { loadChecked, loadVersionFiles } from "../src/compiler/load.js";
import { compileToRun, compileVersion, type VersionSource } from "../src/compiler/pipeline.js";
import { generateInstallations } from "../src/population/generate.js";

export type AmendmentKind = "threshold" | "rule" | "precedence" | "removed" | "neutral";

export interface Amendment {
  readonly kind: AmendmentKind;
  readonly description: string;
  readonly source: VersionSource;
}

/** mulberry32: small, seeded, reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FileRef {
  readonly version: VersionSource;
  readonly index: number;
}

const chainFiles = new WeakMap<VersionSource, readonly FileRef[]>();

/** Every file of the chain, newest version first (once per source: each amendment of the base reads them). */
function filesOf(source: VersionSource): readonly FileRef[] {
  let found = chainFiles.get(source);
  if (found === undefined) {
    found = chainOf(source, () => undefined).flatMap(({ source: version }) => version.files.map((_, index) => ({ version, index })));
    chainFiles.set(source, found);
  }
  return found;
}

/** The chain with one file's text replaced (the version holding it, and every version whose base chain reaches it). */
function withText(source: VersionSource, ref: FileRef, text: string): VersionSource {
  if (source === ref.version) return { ...source, files: source.files.map((f, i) => (i === ref.index ? { ...f, text } : f)) };
  const lookup = source.base;
  if (lookup === undefined) return source;
  return {
    ...source,
    base: (id) => {
      const found = lookup(id);
      return "missing" in found ? found : withText(found, ref, text);
    },
  };
}

/** The chain with a file added to the newest version. */
function withFile(source: VersionSource, name: string, text: string): VersionSource {
  return { ...source, files: [...source.files, { path: `${source.dir}/${name}`, text }] };
}

const ENUM_FACTS: readonly { readonly members: readonly string[]; readonly condition: (m: string) => string }[] = [
  { members: ["FOC", "IOC", "MOC_SECURE", "MOC_MDS"], condition: (m) => `installation.cohort = ${m}` },
  { members: ["LIVE", "CEASED_TRADING", "NOT_LIVE_USER", "UNIDENTIFIABLE"], condition: (m) => `supplierStatus = ${m}` },
  { members: ["ESME", "GSME", "CH", "PPMID", "IHD"], condition: (m) => `(some d in installation.devices satisfies d.type = ${m} and not d.firmwareUpgradePossible)` },
  { members: ["DUPLICATE_DEVICE_ID", "NO_PREPAYMENT_KEY", "SUPPLIER_UNIDENTIFIABLE"], condition: (m) => `(some i in installation.dataIssues satisfies i.kind = ${m} and i.resolved)` },
  { members: ["SMETS1_OTHER_SMSO", "SMETS2_PLUS"], condition: (m) => `(some s in installation.sharedMeterPoints satisfies s.generation = ${m})` },
];
const EXTRA = ["hasDormantMeter", "not installation.communicating", "solelyDormantMeters", "sharesMeterPoint", "true"];

const RULE_BLOCK = /^rule (\w+)\n(?:.*\n)*?(?=```)/gm;

/** One random amendment of `base`, or undefined when the dice found nothing to edit. */
export function amend(base: VersionSource, rnd: () => number, n: number): Amendment | undefined {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const files = filesOf(base);
  const text = (f: FileRef): string => f.version.files[f.index].text;
  const kind = pick<AmendmentKind>(["threshold", "rule", "precedence", "removed", "threshold", "rule", "precedence", "removed", "neutral"]);
  const ruleNames = [...new Set(files.flatMap((f) => [...text(f).matchAll(RULE_BLOCK)].map((m) => m[1])))];
  // Only the newest text of a rule is live: an amending version substitutes its base's clause whole.
  const live = new Map<string, FileRef>();
  for (const f of files) for (const m of text(f).matchAll(RULE_BLOCK)) if (!live.has(m[1])) live.set(m[1], f);
  /** Matches of `re` inside the live rule blocks only. */
  const inRules = (re: RegExp): { f: FileRef; m: RegExpMatchArray }[] =>
    files.flatMap((f) =>
      [...text(f).matchAll(RULE_BLOCK)]
        .filter((block) => live.get(block[1]) === f)
        .flatMap((block) => [...block[0].matchAll(re)].map((m) => ({ f, m }))),
    );
  switch (kind) {
    case "threshold": {
      const candidates = files.flatMap((f) => [...text(f).matchAll(/^parameter (\w+): integer = (\d+)$/gm)].map((m) => ({ f, m })));
      if (candidates.length === 0) return undefined;
      const { f, m } = pick(candidates);
      const value = Math.max(0, Number(m[2]) + pick([-2, -1, 1, 2, 5]));
      return { kind, description: `${m[1]}: ${m[2]} → ${value}`, source: withText(base, f, text(f).replace(m[0], `parameter ${m[1]}: integer = ${value}`)) };
    }
    case "rule": {
      const e = pick(ENUM_FACTS);
      const member = pick(e.members);
      const condition = `${e.condition(member)}\n   and ${pick(EXTRA)}`;
      const precedence = pick(["", "", `\n  unless ${pick(ruleNames)}`, `\n  overrides ${pick(ruleNames)}`]);
      const name = `amended_rule_${n}`;
      const doc = `# Amendment ${n}\n\n## 90.${n} Amendment ${n}\n\nA hypothetical clause for the diff's property test.\n\n\`\`\`tmad\nrule ${name}\n  when ${condition}\n  then outcome = EXCLUDED, excludedCategory = clause 90.${n}${precedence}\n\`\`\`\n`;
      return { kind, description: `rule for ${member}: ${condition.replace(/\s+/g, " ")}${precedence.replace(/\s+/g, " ")}`, source: withFile(base, `90-amendment-${n}.md`, doc) };
    }
    case "precedence": {
      const candidates = inRules(/^  unless ([\w, \n]+?)(?=\n  overrides|\n$)/gm);
      if (candidates.length === 0) return undefined;
      const { f, m } = pick(candidates);
      const names = m[1].split(/[,\s]+/).filter((x) => x !== "");
      const flipped = pick(names);
      const rest = names.filter((x) => x !== flipped);
      const replacement = `${rest.length > 0 ? `  unless ${rest.join(", ")}\n` : ""}  overrides ${flipped}`;
      return { kind, description: `${flipped} now gives way`, source: withText(base, f, text(f).replace(m[0], replacement)) };
    }
    case "removed": {
      const candidates = inRules(/^   and [^\n]+\n/gm);
      if (candidates.length === 0) return undefined;
      const { f, m } = pick(candidates);
      return { kind, description: `removed "${m[0].trim()}"`, source: withText(base, f, text(f).replace(m[0], "")) };
    }
    case "neutral": {
      const how = pick(["swap", "sum", "set"]);
      if (how === "swap") {
        const candidates = inRules(/^  when ([^\n]+)\n   and ([^\n]+)\n/gm).filter(({ m }) => balanced(m[1]) && balanced(m[2]));
        if (candidates.length === 0) return undefined;
        const { f, m } = pick(candidates);
        return { kind, description: `swapped "${m[1]}" and "${m[2]}"`, source: withText(base, f, text(f).replace(m[0], `  when ${m[2]}\n   and ${m[1]}\n`)) };
      }
      if (how === "sum") {
        const candidates = files.flatMap((f) => [...text(f).matchAll(/^parameter (\w+): integer = (\d+)$/gm)].filter((m) => Number(m[2]) > 1).map((m) => ({ f, m })));
        if (candidates.length === 0) return undefined;
        const { f, m } = pick(candidates);
        const a = Math.floor(Number(m[2]) / 2);
        return { kind, description: `${m[1]} written as ${a} + ${Number(m[2]) - a}`, source: withText(base, f, text(f).replace(m[0], `parameter ${m[1]}: integer = ${a} + ${Number(m[2]) - a}`)) };
      }
      const candidates = files.flatMap((f) => [...text(f).matchAll(/in \{("[A-Z]+"(?:, "[A-Z]+")+)\}/g)].map((m) => ({ f, m })));
      if (candidates.length === 0) return undefined;
      const { f, m } = pick(candidates);
      const members = m[1].split(", ").reverse().join(", ");
      return { kind, description: `set {${m[1]}} reordered`, source: withText(base, f, text(f).replace(m[0], `in {${members}}`)) };
    }
  }
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === "(") depth++;
    if (c === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

function sideOf(source: VersionSource, withCode: boolean): (DiffSide & { ok: true }) | { ok: false; checked?: undefined } | { ok: true; checked: DiffSide["checked"]; loaded?: undefined } {
  // The code is only run, never read: generated unformatted, as tmad diff does (render.ts).
  const compiled = withCode ? compileToRun(source) : compileVersion(source, "check");
  if (compiled.checked === undefined || compiled.diagnostics.some((d) => d.severity === "error")) return { ok: false };
  if (!withCode) return { ok: true, checked: compiled.checked };
  if (compiled.files === undefined) return { ok: false };
  return { ok: true, checked: compiled.checked, loaded: loadVersionFiles(compiled.files) };
}

export interface AmendmentResult {
  readonly amendment: Amendment;
  /** The diff's answer from structure alone: could the versions decide anything differently? */
  readonly mayDiffer: boolean;
  /** Population records decided differently (when evaluated). */
  readonly populationDiffers?: number;
  /** The full diff's verdict without the population (when evaluated). */
  readonly verdict?: string;
  /** The property failed: the diff would exit 0 while the population shows a difference. */
  readonly unsound: boolean;
}

export interface PropertyRun {
  readonly results: readonly AmendmentResult[];
  /** Amendments that did not compile (a precedence cycle, a condition cut in the middle): skipped. */
  readonly skipped: number;
}

/**
 * Runs `count` compiling amendments of rules/tmad-20.v2 from `seed`. Evaluates the population for
 * the amendments the structure calls unchanged, and for `evaluateSome` of the others (all with
 * `evaluateAll`), running the full diff on those to see whether the search found a witness.
 */
export function runAmendments(options: { count: number; seed: number; population: number; evaluateSome?: number; evaluateAll?: boolean; progress?: (r: AmendmentResult) => void }): PropertyRun {
  const base = readVersion("rules/tmad-20.v2");
  const original = sideOf(base, true) as DiffSide;
  const records = [...generateInstallations({ count: options.population, seed: options.seed })].map((l) => JSON.parse(l) as unknown);
  records.push(...original.checked.examples.map((e) => e.record));
  /** The original's decisions, once: every evaluated amendment is compared with them. */
  const originalDecisions = records.map((r) => original.loaded.version.evaluate(r, null));
  const rnd = random(options.seed);
  const results: AmendmentResult[] = [];
  let skipped = 0;
  let evaluatedChanged = 0;
  // The same edit drawn twice is checked once.
  const seen = new Map<string, Omit<AmendmentResult, "amendment">>();
  const keyOf = (source: VersionSource): string => {
    const h = createHash("sha256");
    for (const f of filesOf(source)) h.update(`${f.version.files[f.index].path}\u0000${f.version.files[f.index].text}\u0000`);
    return h.digest("hex");
  };
  for (let n = 1; results.length < options.count && n < options.count * 20; n++) {
    const amendment = amend(base, rnd, n);
    if (amendment === undefined) continue;
    const key = keyOf(amendment.source);
    const known = seen.get(key);
    if (known !== undefined) {
      const r = { amendment, ...known };
      results.push(r);
      options.progress?.(r);
      continue;
    }
    const structure = sideOf(amendment.source, false);
    if (!structure.ok) {
      skipped++;
      continue;
    }
    const mayDiffer = mayDecideDifferently(original, structure as Pick<DiffSide, "checked">);
    const evaluate = !mayDiffer || options.evaluateAll === true || evaluatedChanged < (options.evaluateSome ?? 0);
    if (!evaluate) {
      const r = { amendment, mayDiffer, unsound: false };
      seen.set(key, { mayDiffer, unsound: false });
      results.push(r);
      options.progress?.(r);
      continue;
    }
    if (mayDiffer) evaluatedChanged++;
    // The version checked above, its code generated (unformatted) and loaded: not compiled a second time.
    const amended: DiffSide = { checked: structure.checked, loaded: loadChecked(structure.checked) };
    let differs = 0;
    for (let i = 0; i < records.length; i++) {
      if (!sameDecision(originalDecisions[i], amended.loaded.version.evaluate(records[i], null))) differs++;
    }
    const verdict = diffVersions(original, amended).verdict;
    const r = { amendment, mayDiffer, populationDiffers: differs, verdict, unsound: differs > 0 && (verdict === "unchanged" || !mayDiffer) };
    seen.set(key, { mayDiffer, populationDiffers: differs, verdict, unsound: r.unsound });
    results.push(r);
    options.progress?.(r);
  }
  return { results, skipped };
}

/**
 * For `npm run fuzz -- --diff-amendments N [--seed S]`: N amendments, every one evaluated on a
 * 5,000-record population with the full diff run; prints each and a summary (how often the diff's
 * search found a witness when the population showed a difference). Exit status 1 when unsound.
 */
export function fuzzDiff(count: number, seed: number, write: (s: string) => void = (s) => process.stdout.write(s)): number {
  write(`fuzz diff: ${count} amendments of rules/tmad-20.v2, seed ${seed}\n`);
  const started = performance.now();
  const run = runAmendments({
    count,
    seed,
    population: 5000,
    evaluateAll: true,
    progress: (r) => write(`${r.unsound ? "UNSOUND " : ""}${r.amendment.kind}: ${r.amendment.description} → structure ${r.mayDiffer ? "may differ" : "unchanged"}, population ${r.populationDiffers} differ, verdict ${r.verdict}\n`),
  });
  const differing = run.results.filter((r) => (r.populationDiffers ?? 0) > 0);
  const witnessed = differing.filter((r) => r.verdict === "changed");
  const unsound = run.results.filter((r) => r.unsound);
  write(`fuzz diff: ${run.results.length} amendments (${run.skipped} did not compile), ${differing.length} changed decisions in the population, the diff found a witness for ${witnessed.length} of them; ${unsound.length} unsound; ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return unsound.length === 0 ? 0 : 1;
}
