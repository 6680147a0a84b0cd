/**
 * The site's one view of the version diff (the adapter to change when the diff report changes):
 * two SiteVersions → SiteComparison, read from the diff's JSON form (schema `tmad-diff/2`,
 * docs/diff.md) rather than its TypeScript types, so the page shows what the published report
 * says. Fields the page does not know are ignored; fields it expects and does not find are shown
 * as absent, never invented.
 */
import { diffVersions } from "../compiler/diff/index.js";
import { renderDiff } from "../compiler/diff/render.js";
import { decisionOutcome, type Decision } from "../runtime/index.js";
import { internalsOf, type SiteVersion } from "./versions.js";

export interface WordRun {
  readonly op: "=" | "-" | "+";
  readonly text: string;
}

export interface ClauseChangeView {
  readonly kind: string;
  readonly number: string;
  readonly title: string;
  readonly from?: string;
  readonly oldTitle?: string;
  readonly words?: readonly WordRun[];
}

export interface ValueChangeView {
  readonly name: string;
  readonly kind: string;
  readonly old?: string;
  readonly new?: string;
}

export interface RuleChangeView {
  readonly rule: string;
  readonly clause: string;
  readonly kind: string;
  /** How the set of installations the condition applies to moved: widened, narrowed, … */
  readonly condition?: string;
  readonly resultChanged: boolean;
  readonly precedenceChanged: boolean;
  /** The rule's own `when`, or failing that its condition with definitions inlined. */
  readonly oldWhen?: string;
  readonly newWhen?: string;
  readonly oldResult?: string;
  readonly newResult?: string;
  readonly oldPrecedence?: readonly string[];
  readonly newPrecedence?: readonly string[];
  readonly changedDefinitions: readonly { readonly name: string; readonly old?: string; readonly new?: string }[];
}

export interface DecisionView {
  readonly outcome: string;
  readonly clause: string | null;
  readonly rule: string | null;
  /** The decision's fields (empty for a conflict). */
  readonly result: Readonly<Record<string, unknown>>;
}

export interface BehaviourView {
  readonly rule: string;
  readonly clause: string;
  /** A witness: the named installation it starts from, and the few facts changed from it. */
  readonly witness?: { readonly baseline: string; readonly facts: readonly string[]; readonly from: DecisionView; readonly to: DecisionView };
  /** Otherwise: what was established. */
  readonly statement?: string;
}

export interface SiteComparison {
  readonly from: string;
  readonly to: string;
  readonly clauses: readonly ClauseChangeView[];
  readonly parameters: readonly ValueChangeView[];
  readonly declarations: readonly ValueChangeView[];
  readonly unchangedClauses: number;
  readonly rules: readonly RuleChangeView[];
  readonly drift: readonly { readonly clause: string; readonly kind: string; readonly rules: readonly string[] }[];
  readonly behaviour: readonly BehaviourView[];
  readonly behaviourChanged: boolean;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const strs = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined);

function opt<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

function decisionView(v: unknown): DecisionView {
  const d = obj(v);
  const outcome = typeof d["status"] === "string" ? decisionOutcome(d as unknown as Decision) : "?";
  return { outcome, clause: str(d["clause"]) ?? null, rule: str(d["rule"]) ?? null, result: obj(d["result"]) };
}

/** Reads a diff report's JSON (schema `tmad-diff/2`) into what the comparison page shows. */
export function comparisonFromJson(json: unknown): SiteComparison {
  const r = obj(json);
  const doc = obj(r["document"]);
  const values = (v: unknown): ValueChangeView[] =>
    arr(v).map((x) => {
      const c = obj(x);
      return { name: str(c["name"]) ?? "?", kind: str(c["kind"]) ?? "changed", ...opt("old", str(c["old"])), ...opt("new", str(c["new"])) };
    });
  return {
    from: str(obj(r["from"])["id"]) ?? "?",
    to: str(obj(r["to"])["id"]) ?? "?",
    clauses: arr(doc["clauses"]).map((x) => {
      const c = obj(x);
      const words = Array.isArray(c["words"]) ? c["words"].map((w) => ({ op: (["=", "-", "+"].includes(str(obj(w)["op"]) ?? "") ? obj(w)["op"] : "=") as WordRun["op"], text: str(obj(w)["text"]) ?? "" })) : undefined;
      return { kind: str(c["kind"]) ?? "changed", number: str(c["number"]) ?? "?", title: str(c["title"]) ?? "", ...opt("from", str(c["from"])), ...opt("oldTitle", str(c["oldTitle"])), ...opt("words", words) };
    }),
    parameters: values(doc["parameters"]),
    declarations: values(doc["declarations"]),
    unchangedClauses: typeof doc["unchangedClauses"] === "number" ? doc["unchangedClauses"] : 0,
    rules: arr(r["rules"]).map((x) => {
      const c = obj(x);
      return {
        rule: str(c["rule"]) ?? "?",
        clause: str(c["clause"]) ?? "",
        kind: str(c["kind"]) ?? "changed",
        ...opt("condition", str(c["condition"])),
        resultChanged: c["resultChanged"] === true,
        precedenceChanged: c["precedenceChanged"] === true,
        ...opt("oldWhen", str(c["oldWhen"]) ?? str(c["oldCondition"])),
        ...opt("newWhen", str(c["newWhen"]) ?? str(c["newCondition"])),
        ...opt("oldResult", str(c["oldResult"])),
        ...opt("newResult", str(c["newResult"])),
        ...opt("oldPrecedence", strs(c["oldPrecedence"])),
        ...opt("newPrecedence", strs(c["newPrecedence"])),
        changedDefinitions: arr(c["changedDefinitions"]).map((d) => ({ name: str(obj(d)["name"]) ?? "?", ...opt("old", str(obj(d)["old"])), ...opt("new", str(obj(d)["new"])) })),
      };
    }),
    drift: arr(r["drift"]).map((x) => ({ clause: str(obj(x)["clause"]) ?? "?", kind: str(obj(x)["kind"]) ?? "", rules: strs(obj(x)["rules"]) ?? [] })),
    behaviour: arr(r["behaviour"]).map((x) => {
      const b = obj(x);
      const w = b["witness"] === undefined ? undefined : obj(b["witness"]);
      return {
        rule: str(b["rule"]) ?? "",
        clause: str(b["clause"]) ?? "",
        ...(w === undefined ? {} : { witness: { baseline: str(w["baseline"]) ?? "?", facts: arr(w["facts"]).length > 0 ? arr(w["facts"]).map((f) => `${str(obj(f)["path"]) ?? "?"}: ${str(obj(f)["old"]) ?? "?"} → ${str(obj(f)["new"]) ?? "?"}`) : (strs(w["changes"]) ?? []), from: decisionView(w["a"]), to: decisionView(w["b"]) } }),
        ...opt("statement", str(b["statement"])),
      };
    }),
    behaviourChanged: r["behaviourChanged"] === true,
  };
}

/** Diffs two versions of the site (their rules, examples and evaluators) and reads the report. */
export function compareSiteVersions(a: SiteVersion, b: SiteVersion): SiteComparison {
  const side = (v: SiteVersion) => {
    const i = internalsOf(v);
    return { extracted: i.compiled.extracted, checked: i.compiled.checked!, loaded: i.loaded, installations: i.installations, examples: i.examples };
  };
  const report = diffVersions(side(a), side(b));
  // The report's JSON form, as `tmad diff --format json` writes it (conditions printed, not trees).
  return comparisonFromJson(JSON.parse(renderDiff(report, "json", { ids: false })));
}
