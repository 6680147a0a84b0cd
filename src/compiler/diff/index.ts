/**
 * The version diff: two compiled versions (+ optionally a population, streamed) → DiffReport.
 * Answers the three questions a reader of a new TMAD version asks: which clauses changed
 * (document.ts), do the rules do what the new words say (rules.ts: rule changes and drift), and
 * whose installations are affected (witnesses from the search in ../search, and the effect on a
 * population).
 *
 * The verdict is sound: `unchanged` (exit 0) only when every rule's canonical condition, result,
 * precedence and clause, the default result and the data model are the same in both versions (or
 * a condition is shown equivalent by implication), so no installation can be decided differently;
 * `changed` when an installation is shown whose decision differs (a witness, or a population record
 * that flipped); `changed-no-witness` when something changed but the bounded search found no such
 * installation. The report's JSON form is versioned (`schema`, docs/diff.md).
 */
import { evaluateRecord, type Decision, type VersionModule } from "../../runtime/index.js";
import type { CheckedVersion } from "../check/index.js";
import type { VersionMeta } from "../extract/index.js";
import type { LoadedVersion } from "../load.js";
import { factChanges, factsRead, SearchSpace, searchModel, type Baseline, type Candidate, type FactChange, type SearchBounds } from "../search/index.js";
import { documentChanges, type DocumentChanges } from "./document.js";
import { PopulationTally, sameDecision, type PopulationAnswer, type PopulationImpact, type PopulationInput, type TallyPart, type TallySetup } from "./population.js";
import { DEFAULT_RULE, drift, isBehaviourChange, ruleChanges, type Drift, type RuleChange } from "./rules.js";

export const DIFF_SCHEMA = "tmad-diff/2";

/**
 * One side of a diff: the checked version (its named installations, `define:` blocks, and its
 * examples are where the search starts) and its loaded evaluator.
 */
export interface DiffSide {
  readonly checked: CheckedVersion;
  readonly loaded: LoadedVersion;
}

export type Verdict = "unchanged" | "changed" | "changed-no-witness";

export interface Witness {
  /** Where the search started: a named installation, an example, or a population record. */
  readonly baseline: string;
  /** The changes the search made to it, for people (empty when the baseline itself disagrees). */
  readonly changes: readonly string[];
  /** The facts in which the witness differs from `factsFrom`: the few a reader needs. */
  readonly facts: readonly FactChange[];
  /** What `facts` compares with: the baseline, or for an unchanged baseline the nearest named installation. */
  readonly factsFrom: string;
  /** The whole installation; it passes both versions' validators. */
  readonly record: unknown;
  readonly a: Decision;
  readonly b: Decision;
}

export interface BehaviourChange {
  /** The changed rule (`default` for the default result), or "" for a change of the data model. */
  readonly rule: string;
  readonly clause: string;
  readonly verdict: "witness" | "no-witness" | "no-change";
  readonly witness?: Witness;
  /** When there is no witness: what was established, and how. */
  readonly statement?: string;
}

export interface DiffReport {
  readonly schema: typeof DIFF_SCHEMA;
  readonly from: VersionSummary;
  readonly to: VersionSummary;
  readonly verdict: Verdict;
  readonly document: DocumentChanges;
  readonly rules: readonly RuleChange[];
  readonly drift: readonly Drift[];
  readonly behaviour: readonly BehaviourChange[];
  /** The witness search's size; absent when nothing changed (no search was needed). */
  readonly search?: SearchBounds & { readonly populationRecords: number };
  readonly population?: PopulationImpact;
  /** True when some installation is shown to get a different decision (verdict `changed`). */
  readonly behaviourChanged: boolean;
}

export interface VersionSummary {
  readonly id: string;
  readonly document?: string;
  readonly version?: string;
  readonly status?: string;
  readonly published?: string;
  readonly effectiveFrom?: string;
}

export interface DiffOptions {
  /** Keep the installation ids of each population transition (`--ids`). */
  readonly ids?: boolean;
  /** Called now and then while searching and while reading a population, for a progress line. */
  readonly progress?: (message: string) => void;
}

function summary(v: CheckedVersion): VersionSummary {
  const m: VersionMeta | undefined = v.meta;
  return {
    id: v.id,
    ...(m === undefined ? {} : { document: m.document, version: m.version, status: m.status, published: m.published }),
    ...(m?.effectiveFrom === undefined ? {} : { effectiveFrom: m.effectiveFrom }),
  };
}

type Module = VersionModule<unknown, Record<string, unknown>>;

interface Answer {
  readonly candidate: Candidate;
  readonly a: Decision;
  readonly b: Decision;
}

/** One question the diff asks of the candidates; answered by the first that meets it. */
interface Question {
  readonly rule: string;
  readonly kind: "differs" | "widens" | "narrows";
  answer?: Answer;
}

const POPULATION_PROGRESS_EVERY = 100_000;

/**
 * A diff in progress: the structural comparison is made at once; then the search looks at the
 * baselines as they are, a population (if any) streams through `add`, and `finish` searches
 * further for what is still unanswered and builds the report.
 */
export class VersionDiff {
  private readonly document: DocumentChanges;
  private readonly rules: RuleChange[];
  private readonly drifts: Drift[];
  private readonly questions: Question[] = [];
  private readonly differs = new Map<string, Question>();
  private readonly widens = new Map<string, Question>();
  private readonly narrows = new Map<string, Question>();
  private anyDifference: Question | undefined;
  private open = 0;
  private readonly ma: Module;
  private readonly mb: Module;
  private readonly named: Baseline[] = [];
  private readonly examples: Baseline[] = [];
  private tally: PopulationTally | undefined;
  /** What the first look (baselines as they are) evaluated, added to the final bounds. */
  private looked = 0;
  private readonly declarationsChanged: boolean;
  /** The conditions of the rules open questions ask about, as of `openRulesAt` open questions. */
  private openConditions: ((record: unknown) => boolean)[] | undefined;
  private openRulesAt = -1;
  /** Witnesses taken from the population, whose decisions were made without `reviewOn`. */
  private readonly fromPopulation = new WeakSet<Candidate>();

  constructor(
    private readonly a: DiffSide,
    private readonly b: DiffSide,
    private readonly options: DiffOptions = {},
  ) {
    this.document = documentChanges(a.checked, b.checked);
    this.rules = ruleChanges(a.checked, b.checked);
    this.drifts = drift(this.document.clauses, this.rules, a.checked, b.checked);
    this.declarationsChanged = this.document.declarations.length > 0;
    this.ma = a.loaded.version;
    this.mb = b.loaded.version;
    const ask = (rule: string, kind: Question["kind"], index: Map<string, Question>): void => {
      const q: Question = { rule, kind };
      this.questions.push(q);
      index.set(rule, q);
      this.open++;
    };
    for (const c of this.rules) {
      if (!isBehaviourChange(c)) continue;
      ask(c.rule, "differs", this.differs);
      if (c.kind === "changed" && c.condition === "no-witness") {
        if (c.implication?.newImpliesOld !== true) ask(c.rule, "widens", this.widens);
        if (c.implication?.oldImpliesNew !== true) ask(c.rule, "narrows", this.narrows);
      }
    }
    if (this.declarationsChanged) {
      this.anyDifference = { rule: "", kind: "differs" };
      this.questions.push(this.anyDifference);
      this.open++;
    }
    const seen = new Set<string>();
    const add = (list: Baseline[], name: string, record: unknown, mutate: boolean, pairs: boolean): void => {
      const key = JSON.stringify(record);
      if (seen.has(key)) return;
      seen.add(key);
      list.push({ name, record, mutate, pairs });
    };
    for (const side of [a, b]) for (const [name, record] of side.checked.installations) add(this.named, `${side.checked.id}:${name}`, record, true, true);
    for (const side of [a, b]) for (const e of side.checked.examples) add(this.examples, `${side.checked.id} example "${e.name}"`, e.record, true, false);
  }

  /** Whether anything changed that could change a decision (else the verdict is `unchanged`). */
  get changed(): boolean {
    return this.questions.length > 0;
  }

  private valid(record: unknown): boolean {
    return this.ma.validator.validate(record).ok && this.mb.validator.validate(record).ok;
  }

  /** Answers every open question that this candidate (made only when it answers one), decided `da` and `db`, meets. */
  private answer(make: Candidate | (() => Candidate), da: Decision, db: Decision, alreadyValid: boolean): void {
    if (this.open === 0) return;
    let made: Candidate | undefined;
    const candidate = (): Candidate => (made ??= typeof make === "function" ? make() : make);
    let ok: boolean | undefined = alreadyValid ? true : undefined;
    const isValid = (): boolean => (ok ??= this.valid(candidate().record));
    const settle = (q: Question | undefined): void => {
      if (q === undefined || q.answer !== undefined || !isValid()) return;
      q.answer = { candidate: candidate(), a: da, b: db };
      this.open--;
    };
    const firedA = new Set(da.fired);
    const firedB = new Set(db.fired);
    const onlyA = da.fired.filter((r) => !firedB.has(r));
    const onlyB = db.fired.filter((r) => !firedA.has(r));
    for (const r of onlyB) settle(this.widens.get(r));
    for (const r of onlyA) settle(this.narrows.get(r));
    if (sameDecision(da, db)) return;
    settle(this.anyDifference);
    // The rules a difference involves: those deciding or in conflict on either side, those that
    // applied on one side only, and the default when either side fell back to it.
    const involved = new Set<string>([...onlyA, ...onlyB, ...(da.conflict ?? []), ...(db.conflict ?? [])]);
    if (da.rule !== null) involved.add(da.rule);
    if (db.rule !== null) involved.add(db.rule);
    if (da.status === "default" || db.status === "default") involved.add(DEFAULT_RULE);
    for (const r of involved) settle(this.differs.get(r));
  }

  /**
   * Whether a candidate may answer an open question, from the conditions of the rules asked about
   * alone (a few conditions instead of two whole evaluations): a question about rule r is answered
   * only by an installation r applies to in one version or the other (it applied on one side only,
   * or decided, or was in a conflict). Questions about the default result or the data model need
   * the whole decision: then every candidate may.
   */
  private mayAnswer(record: unknown): boolean {
    if (this.anyDifference?.answer === undefined && this.anyDifference !== undefined) return true;
    if (this.openRulesAt !== this.open) {
      this.openRulesAt = this.open;
      const rules = new Set(this.questions.filter((q) => q.answer === undefined).map((q) => q.rule));
      this.openConditions = rules.has(DEFAULT_RULE) || rules.has("") ? undefined : [...rules].flatMap((r) => [this.a.loaded.conditions.get(r), this.b.loaded.conditions.get(r)].filter((f) => f !== undefined));
    }
    if (this.openConditions === undefined) return true;
    try {
      for (const applies of this.openConditions) if (applies(record)) return true;
      return false;
    } catch {
      return true;
    }
  }

  private decide(record: unknown): { da: Decision; db: Decision } | undefined {
    try {
      return { da: this.ma.evaluate(record, null), db: this.mb.evaluate(record, null) };
    } catch {
      return undefined;
    }
  }

  private search(baselines: readonly Baseline[]): SearchBounds {
    const focusOf = new Map<string, Set<string>>();
    const factsOf = (rule: string): Set<string> => {
      let f = focusOf.get(rule);
      if (f === undefined) {
        const ids = new Set([rule]);
        f = new Set([...factsRead(this.a.checked, ids), ...factsRead(this.b.checked, ids)]);
        focusOf.set(rule, f);
      }
      return f;
    };
    const progress = this.options.progress;
    const space = new SearchSpace(searchModel([this.a.checked, this.b.checked]), baselines, progress === undefined ? {} : { progress: (n) => progress(`searching for witnesses: ${n.toLocaleString("en-GB")} installations evaluated`) });
    return space.search({
      visit: (c) => {
        if (!c.keyed && !this.mayAnswer(c.record)) return undefined;
        const d = this.decide(c.record);
        if (d === undefined) return undefined;
        this.answer(c, d.da, d.db, false);
        return `${d.da.fired.join(",")}|${d.db.fired.join(",")}`;
      },
      done: () => this.open === 0,
      focus: () => new Set(this.questions.filter((q) => q.answer === undefined && q.rule !== "").flatMap((q) => [...factsOf(q.rule)])),
    });
  }

  /** Looks at the named installations and examples as they are: the witnesses nearest to hand. */
  start(): void {
    if (this.changed) this.looked = this.search([...this.named, ...this.examples].map((b) => ({ ...b, mutate: false }))).evaluated;
  }

  /** What counting the population takes besides the two versions (a worker thread gets it as data). */
  tallySetup(): TallySetup {
    return {
      reportBy: this.b.checked.meta.reportBy ?? this.a.checked.meta.reportBy ?? [],
      changedClauses: [...new Set<string>([...this.document.clauses.map((c) => c.number), ...this.document.clauses.flatMap((c) => (c.from === undefined ? [] : [c.from])), ...this.rules.filter(isBehaviourChange).map((r) => r.clause)])],
      ruleClauseA: this.a.checked.rules.map((r) => [r.id, r.clause] as const),
      ruleClauseB: this.b.checked.rules.map((r) => [r.id, r.clause] as const),
      ids: this.options.ids === true,
    };
  }

  /** Starts counting a population (even an empty one is reported). */
  beginPopulation(): void {
    if (this.tally === undefined) {
      const s = this.tallySetup();
      this.tally = new PopulationTally(this.ma, this.mb, s.reportBy, new Set(s.changedClauses), new Map(s.ruleClauseA), new Map(s.ruleClauseB), {
        ids: s.ids,
        onRecord: (rec, da, db) => this.populationRecord(rec.record, rec.value, da, db),
      });
    }
  }

  /** A population record valid under both versions, decided `da` and `db`: a witness where it answers an open question. */
  private populationRecord(record: number, value: unknown, da: Decision, db: Decision): void {
    if (this.open === 0) return;
    this.answer(
      () => {
        const c: Candidate = { baseline: `population record ${record} (${da.installationId})`, base: value, mutations: [], record: value, keyed: false };
        this.fromPopulation.add(c);
        return c;
      },
      da,
      db,
      true,
    );
  }

  /**
   * Counts records a worker thread counted (those after every record counted so far), and looks at
   * the records it sent as possible witnesses, in input order.
   */
  addPart(part: TallyPart, answers: readonly PopulationAnswer[]): void {
    this.beginPopulation();
    const before = this.tally!.records;
    this.tally!.merge(part);
    for (const x of answers) this.populationRecord(x.record, x.value, x.a, x.b);
    const after = this.tally!.records;
    if (this.options.progress !== undefined && Math.floor(after / POPULATION_PROGRESS_EVERY) > Math.floor(before / POPULATION_PROGRESS_EVERY)) this.options.progress(`population: ${after.toLocaleString("en-GB")} records read`);
  }

  /** Counts one population record, and takes it as a witness where it answers an open question. */
  add(input: PopulationInput): void {
    this.beginPopulation();
    this.tally!.add(input);
    if (this.options.progress !== undefined && this.tally!.records % POPULATION_PROGRESS_EVERY === 0) this.options.progress(`population: ${this.tally!.records.toLocaleString("en-GB")} records read`);
  }

  /** Searches for what is still unanswered, and builds the report. */
  finish(): DiffReport {
    const searched = this.changed ? this.search([...this.named, ...this.examples]) : undefined;
    // The final search looks at the baselines again only when a question is still open.
    const bounds = searched === undefined ? undefined : { ...searched, evaluated: searched.evaluated + this.looked };
    const population = this.tally?.result();
    const witnessOf = (q: Question | undefined): Witness | undefined => (q?.answer === undefined ? undefined : this.witness(q.answer));
    for (const c of this.rules) {
      if (c.kind !== "changed" || c.condition !== "no-witness") continue;
      const widened = this.widens.get(c.rule)?.answer !== undefined;
      const narrowed = this.narrows.get(c.rule)?.answer !== undefined;
      c.condition = widened && narrowed ? "changed" : widened ? "widened" : narrowed ? "narrowed" : "no-witness";
    }
    const searchedText = bounds === undefined ? "" : this.boundsText(bounds, population?.records ?? 0);
    const behaviour: BehaviourChange[] = [];
    for (const c of this.rules) {
      if (!isBehaviourChange(c)) {
        behaviour.push({ rule: c.rule, clause: c.clause, verdict: "no-change", statement: "the condition was rewritten, and each form implies the other (shown from the rules' structure): no installation can be decided differently" });
        continue;
      }
      const w = witnessOf(this.differs.get(c.rule));
      if (w !== undefined) behaviour.push({ rule: c.rule, clause: c.clause, verdict: "witness", witness: w });
      else behaviour.push({ rule: c.rule, clause: c.clause, verdict: "no-witness", statement: `changed; no witness found: no installation was found whose decision differs because of ${c.rule === DEFAULT_RULE ? "the default result" : `rule ${c.rule}`}. ${searchedText}` });
    }
    if (this.anyDifference !== undefined) {
      const w = witnessOf(this.anyDifference);
      const names = this.document.declarations.map((d) => `${d.name} (${d.kind})`).join(", ");
      behaviour.push(
        w !== undefined
          ? { rule: "", clause: "", verdict: "witness", witness: w }
          : { rule: "", clause: "", verdict: "no-witness", statement: `the data model or the decision changed (${names}); no installation valid under both versions was found whose decision differs. ${searchedText}` },
      );
    }
    const witnessed = behaviour.some((x) => x.witness !== undefined) || (population?.changed ?? 0) > 0;
    const verdict: Verdict = witnessed ? "changed" : this.changed ? "changed-no-witness" : "unchanged";
    if (verdict === "unchanged") {
      behaviour.push({
        rule: "",
        clause: "",
        verdict: "no-change",
        statement: "no behaviour changed: every rule's condition (definitions and parameters inlined, normalized), result, precedence and clause, the default result and the data model are the same in both versions, so every installation gets the same decision (shown from the rules' structure, not a bounded search)",
      });
    }
    return {
      schema: DIFF_SCHEMA,
      from: summary(this.a.checked),
      to: summary(this.b.checked),
      verdict,
      document: this.document,
      rules: this.rules,
      drift: this.drifts,
      behaviour,
      ...(bounds === undefined ? {} : { search: { ...bounds, populationRecords: population?.evaluated ?? 0 } }),
      ...(population === undefined ? {} : { population }),
      behaviourChanged: verdict === "changed",
    };
  }

  private boundsText(b: SearchBounds, populationRecords: number): string {
    return (
      `Searched ${b.evaluated.toLocaleString("en-GB")} installations: ${this.named.length} named installations and ${this.examples.length} examples as they are` +
      (populationRecords > 0 ? `, ${populationRecords.toLocaleString("en-GB")} population records` : "") +
      `, ${b.singleChanges.toLocaleString("en-GB")} single-fact changes, ${b.pairs.toLocaleString("en-GB")} pairs and ${b.triples.toLocaleString("en-GB")} triples of changes of them; facts changed: ${b.facts.join(", ") || "none"}. ` +
      "The search is bounded: a difference may still exist outside it."
    );
  }

  private witness(answer: Answer): Witness {
    const c = answer.candidate;
    let facts = factChanges(c.base, c.record);
    let factsFrom = c.baseline;
    if (c.mutations.length === 0) {
      // An installation that disagrees as it is: say how it differs from the nearest named one.
      let best: Baseline | undefined;
      for (const n of this.named) {
        if (n.record === c.record) continue;
        const f = factChanges(n.record, c.record);
        if (best === undefined || f.length < facts.length) {
          best = n;
          facts = f;
        }
      }
      if (best !== undefined) factsFrom = best.name;
    }
    // A population record's decisions were made without `reviewOn`: a witness shows them in full.
    const full = (m: Module, d: Decision): Decision => {
      const o = evaluateRecord(m, c.record);
      return o.ok ? o.decision : d;
    };
    const [a, b] = this.fromPopulation.has(c) ? [full(this.ma, answer.a), full(this.mb, answer.b)] : [answer.a, answer.b];
    return { baseline: c.baseline, changes: c.mutations.map((m) => m.label), facts, factsFrom, record: c.record, a, b };
  }
}

/**
 * Whether two versions can decide some installation differently, from their structure alone: the
 * negation of the `unchanged` verdict, without evaluating anything.
 */
export function mayDecideDifferently(a: Pick<DiffSide, "checked">, b: Pick<DiffSide, "checked">): boolean {
  return documentChanges(a.checked, b.checked).declarations.length > 0 || ruleChanges(a.checked, b.checked).some(isBehaviourChange);
}

/** The diff of two versions, with a population given as an iterable of records. */
export function diffVersions(a: DiffSide, b: DiffSide, options: DiffOptions & { readonly population?: Iterable<PopulationInput> } = {}): DiffReport {
  const d = new VersionDiff(a, b, options);
  d.start();
  if (options.population !== undefined) {
    d.beginPopulation();
    for (const r of options.population) d.add(r);
  }
  return d.finish();
}

/** The same, with the population read as it streams (a file of any size, memory flat). */
export async function diffVersionsStreaming(a: DiffSide, b: DiffSide, population: AsyncIterable<PopulationInput>, options: DiffOptions = {}): Promise<DiffReport> {
  const d = new VersionDiff(a, b, options);
  d.start();
  d.beginPopulation();
  for await (const r of population) d.add(r);
  return d.finish();
}
