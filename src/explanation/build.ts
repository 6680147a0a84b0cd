/**
 * Building an Explanation from a traced evaluation: the trace's nodes become reasons worded from
 * their sites' statements, pruned to the parts that matter (every false part of a false `and`, the
 * true parts of a true `or`, the members that made a quantifier hold or fail), with the facts read
 * in words. Takes a VersionModule and a RecordOutcome (traced); gives an Explanation. A trace as
 * evaluated (Trace.explored) has parts that were not evaluated: a reason stands in for them, saying so.
 */
import { negate, type Decision, type Manifest, type RecordOutcome, type RuleTrace, type TraceNode, type VersionModule } from "../runtime/index.js";
import { notEvaluatedStatement } from "./explored.js";
import { FactWords, pathWords } from "./facts.js";
import { timeLines } from "./time.js";
import type { ClauseQuote, Explanation, FactView, MemberView, NotApplied, OutcomeField, PendingCheck, PendingMeter, Reason } from "./types.js";

export interface ExplainOptions {
  /** The record's position in its input, when read from a file. */
  readonly record?: number | null;
  /** Include the authors' notes with the deciding clause's text. */
  readonly notes?: boolean;
  /**
   * Only what the one-line reason needs (supplier reports ask for it per installation): the rules
   * that did not apply are worked out only for a default decision (the nearest of them is named).
   */
  readonly reasonOnly?: boolean;
}

export function buildExplanation(version: VersionModule<any, any>, outcome: RecordOutcome<any>, options: ExplainOptions = {}): Explanation {
  return new Builder(version, options).explain(outcome);
}

/** The clause text without the authors' notes, and the notes themselves. */
export function quoteClause(m: Manifest, number: string | null, withNotes: boolean): ClauseQuote | null {
  const c = number === null ? undefined : m.clauses.find((x) => x.number === number);
  if (c === undefined) return null;
  const notes = [...(c.notes ?? [])].sort((a, b) => a.start - b.start);
  let text = "";
  let at = 0;
  for (const n of notes) {
    text += c.text.slice(at, n.start);
    at = n.end;
  }
  text += c.text.slice(at);
  const legal = text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .join("\n\n");
  return {
    number: c.number,
    title: c.title,
    at: c.at,
    text: legal,
    ...(withNotes ? { notes: notes.map((n) => ({ kind: n.kind, text: c.text.slice(n.start, n.end) })) } : {}),
  };
}

class Builder {
  private readonly words: FactWords;
  private readonly m: Manifest;

  constructor(
    private readonly version: VersionModule<any, any>,
    private readonly options: ExplainOptions,
  ) {
    this.words = new FactWords(version);
    this.m = version.manifest;
  }

  explain(outcome: RecordOutcome<any>): Explanation {
    const m = this.m;
    const base = { record: this.options.record ?? null };
    if (!outcome.ok) {
      const versionRef = { id: m.id, document: m.document, version: m.version, status: m.status, asOf: null, sourceHash: m.sourceHash, paraphrase: m.paraphrase };
      const problems = outcome.errors.map((e) => `${e.path}: ${e.message}`);
      return {
        ...base,
        installationId: outcome.installationId,
        version: versionRef,
        status: "invalid",
        reason: `invalid record: ${problems.join("; ")}`,
        summary: `Installation ${outcome.installationId ?? "(no id)"} was not evaluated under ${m.document} ${m.version}: the record is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}: ${problems.join("; ")}).`,
        outcome: [],
        decidedBy: null,
        because: [],
        setAside: [],
        notApplied: [],
        pending: [],
        time: { lines: [] },
        errors: outcome.errors,
      };
    }
    const d = outcome.decision;
    const rules = outcome.trace?.rules ?? [];
    const versionRef = { id: m.id, document: m.document, version: m.version, status: m.status, asOf: d.asOf, sourceHash: d.sourceHash, paraphrase: m.paraphrase };
    const winner = rules.find((r) => r.rule === d.rule);
    const because = winner === undefined ? [] : this.collapse(winner.condition);
    const setAside = rules.filter((r) => r.fired && r.setAsideBy.length > 0).map((r) => ({ rule: r.rule, clause: r.clause, title: r.clauseTitle, by: r.setAsideBy }));
    const needNotApplied = this.options.reasonOnly !== true || d.status === "default";
    const notApplied: NotApplied[] = rules.filter((r) => !r.fired && needNotApplied).map((r) => ({ rule: r.rule, clause: r.clause, title: r.clauseTitle, at: r.at, because: this.collapse(r.condition) }));
    const pending = winner === undefined ? [] : this.pending(winner);
    const fields = this.outcomeFields(d);
    const explanation: Explanation = {
      ...base,
      installationId: d.installationId,
      version: versionRef,
      status: d.status,
      summary: "",
      reason: "",
      outcome: fields,
      decidedBy: d.status === "conflict" ? null : { rule: d.rule, clause: quoteClause(m, d.clause, this.options.notes === true) },
      because,
      setAside,
      notApplied,
      pending,
      time: {
        ...(d.factsIgnored === undefined ? {} : { factsIgnored: d.factsIgnored }),
        ...(d.reviewOn === undefined ? {} : { reviewOn: d.reviewOn }),
        lines: timeLines(d, outcome.trace),
      },
      ...(d.conflict === undefined ? {} : { conflict: d.conflict }),
      ...(outcome.trace?.explored === undefined ? {} : { explored: outcome.trace.explored }),
    };
    return { ...explanation, summary: this.summary(explanation, d, rules), reason: this.reasonLine(explanation, d) };
  }

  // -------------------------------------------------------------------------------------------
  // Reasons

  private statement(n: TraceNode): string {
    return this.version.traceSites[n.site]?.phrase ?? n.text;
  }

  /** The children of `n` that made it what it is. */
  private matters(n: TraceNode): TraceNode[] {
    const kids = n.children.filter((c) => c.kind !== "member");
    switch (n.operator) {
      case "and":
        return n.value === true ? kids : kids.filter((c) => c.value === false);
      case "or":
        return n.value === true ? kids.filter((c) => c.value === true) : kids;
      default:
        return kids;
    }
  }

  private mattersMembers(n: TraceNode): TraceNode[] {
    const members = n.children.filter((c) => c.kind === "member");
    switch (n.quantifier?.kind) {
      case "some":
        return n.value === true ? members.filter((c) => c.value === true) : members;
      case "every":
        return n.value === true ? members : members.filter((c) => c.value === false);
      case "no":
        return n.value === true ? members : members.filter((c) => c.value === true);
      default:
        return members;
    }
  }

  /**
   * In a trace as evaluated, for a node whose later parts or members were not evaluated (an
   * earlier one decided it): one reason saying so, to stand where they would be.
   */
  private notEvaluated(n: TraceNode): Reason[] {
    const count = n.notEvaluated;
    if (count === undefined || count === 0) return [];
    return [
      {
        statement: notEvaluatedStatement(count, n.quantifier !== undefined),
        holds: null,
        text: n.text,
        at: n.at,
        facts: [],
        because: [],
        notEvaluated: count,
      },
    ];
  }

  /** A node as the reasons a reader sees: `and`/`or` conditions open into their parts, `not` into its operand. */
  private collapse(n: TraceNode, depth = 0): Reason[] {
    if (n.kind === "condition" && (n.operator === "and" || n.operator === "or")) return [...this.matters(n).flatMap((c) => this.collapse(c, depth)), ...this.notEvaluated(n)];
    if (n.operator === "not" && n.children.length === 1) return this.collapse(n.children[0], depth);
    return [this.reason(n, depth)];
  }

  /** How deep reasons go: all the way for an explanation; for the one-line reason, as deep as it reads. */
  private get maxDepth(): number {
    return this.options.reasonOnly === true ? 3 : Number.POSITIVE_INFINITY;
  }

  private reason(n: TraceNode, depth = 0): Reason {
    const deeper = depth + 1 < this.maxDepth;
    const members = n.quantifier === undefined ? undefined : this.mattersMembers(n).map((x) => this.memberView(x, depth + 1));
    return {
      statement: this.statement(n),
      holds: typeof n.value === "boolean" ? n.value : null,
      text: n.text,
      at: n.at,
      facts: members === undefined ? n.facts.map((f) => this.fact(f.path, f.value)) : [],
      ...(n.operands === undefined || n.operator === undefined ? {} : { comparison: { operator: n.operator, left: n.operands[0], right: n.operands[1] } }),
      ...(members === undefined ? {} : { members }),
      because: deeper ? [...this.matters(n).flatMap((c) => this.collapse(c, depth + 1)), ...this.notEvaluated(n)] : [],
    };
  }

  private fact(path: string, value: unknown): FactView {
    if (Array.isArray(value)) {
      const summary = this.words.summary(path, value);
      if (summary !== undefined) return { path, summary };
    }
    const label = this.words.label(path, value);
    return { path, value: value ?? null, ...(label === undefined ? {} : { label }) };
  }

  private memberView(n: TraceNode, depth = 0): MemberView {
    const key = n.member ?? {};
    return {
      member: key,
      name: this.words.entityName(key) ?? n.text,
      holds: typeof n.value === "boolean" ? n.value : null,
      facts: this.memberFacts(n),
      because: depth + 1 < this.maxDepth ? [...n.children.flatMap((c) => this.collapse(c, depth + 1)), ...this.notEvaluated(n)] : [],
    };
  }

  /**
   * What was read about a member, in words, once per fact: its own fields (`d.firmwareAttempts`,
   * `m.dormant`) on the parts of its condition that mattered, lists summarised.
   */
  private memberFacts(n: TraceNode): string[] {
    const seen = new Set<unknown>();
    const named = new Map<string, string>();
    const input = this.inputName();
    const visit = (x: TraceNode): void => {
      for (const f of x.facts) {
        if (!/^[a-z]\w*\.\w+$/.test(f.path) || f.path.startsWith(`${input}.`)) continue;
        if (typeof f.value === "object" && f.value !== null) {
          if (seen.has(f.value)) continue;
          seen.add(f.value);
        }
        const words = pathWords(f.path);
        if (!named.has(words)) named.set(words, `${words}: ${this.words.value(f.path, f.value)}`);
      }
      const next = x.kind === "member" ? x.children : x.quantifier !== undefined ? this.mattersMembers(x) : this.matters(x);
      next.forEach(visit);
    };
    visit(n);
    // Lists with something in them first: "firmware attempts: 108 failed …" before "confirmation attempts: none".
    return [...named.values()].sort((a, b) => Number(a.endsWith(": none")) - Number(b.endsWith(": none")));
  }

  private inputName(): string {
    // Facts of the whole record are read through the input's name (e.g. `installation.cohort`).
    const site = this.version.traceSites.find((s) => s.facts.some((f) => f.includes(".")));
    return site?.facts.find((f) => f.includes("."))?.split(".")[0] ?? "";
  }

  // -------------------------------------------------------------------------------------------
  // Pending: thresholds the deciding rule's members have not reached

  private pending(winner: RuleTrace): PendingMeter[] {
    const out: PendingMeter[] = [];
    const visit = (n: TraceNode): void => {
      if (n.quantifier !== undefined) {
        for (const member of this.mattersMembers(n)) {
          if (member.value !== true) continue;
          const checks = this.reachable(member, this.listNames(member));
          if (checks.length > 0) out.push({ member: member.member ?? {}, name: this.words.entityName(member.member ?? {}) ?? member.text, facts: this.memberFacts(member), checks });
        }
        return;
      }
      this.matters(n).forEach(visit);
    };
    visit(winner.condition);
    return out;
  }

  /** Names of the lists read under a member, by value: `attempts` is `d.firmwareAttempts` there. */
  private listNames(n: TraceNode): Map<unknown, string> {
    const names = new Map<unknown, string>();
    const visit = (x: TraceNode): void => {
      for (const f of x.facts) if (Array.isArray(f.value) && f.path.includes(".") && !names.has(f.value)) names.set(f.value, pathWords(f.path));
      x.children.forEach(visit);
    };
    visit(n);
    return names;
  }

  /** In a condition that holds: the thresholds under each `not X` whose X more attempts could still make true. */
  private reachable(n: TraceNode, names: Map<unknown, string>): PendingCheck[] {
    if (n.value !== true) return [];
    if (n.operator === "not") return n.children.length === 1 ? (this.thresholds(n.children[0], names) ?? []) : [];
    return this.dedupe(this.matters(n).flatMap((c) => this.reachable(c, names)));
  }

  /**
   * What a false condition still needs: the numeric thresholds not reached, or null when something
   * other than a count or a span keeps it false (more attempts cannot change it).
   */
  private thresholds(n: TraceNode, names: Map<unknown, string>): PendingCheck[] | null {
    if (n.value !== false) return [];
    // Parts not evaluated (a trace as evaluated) may hold anything: what it still needs is not known.
    if (n.notEvaluated !== undefined) return null;
    if (n.operands !== undefined && (n.operator === ">=" || n.operator === ">")) {
      const [have, need] = n.operands;
      if (typeof have !== "number" || typeof need !== "number") return null;
      const list = n.facts.find((f) => Array.isArray(f.value));
      const statement = this.statement(n);
      return [{ about: list === undefined ? null : (names.get(list.value) ?? pathWords(list.path)), statement, have, need, left: n.operator === ">=" ? need - have : need - have + 1 }];
    }
    const kids = n.children.filter((c) => c.kind !== "member");
    if (n.operator === "and") {
      const parts = kids.filter((c) => c.value === false).map((c) => this.thresholds(c, names));
      return parts.some((p) => p === null) ? null : parts.flatMap((p) => p ?? []);
    }
    if (n.operator === "or") {
      const parts = kids.map((c) => this.thresholds(c, names)).filter((p): p is PendingCheck[] => p !== null);
      return parts.length === 0 ? null : parts.flat();
    }
    if (n.operator === undefined && kids.length === 1) return this.thresholds(kids[0], names);
    return null;
  }

  private dedupe(checks: PendingCheck[]): PendingCheck[] {
    const seen = new Set<string>();
    return checks.filter((c) => {
      const k = `${c.about}\u0000${c.statement}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Outcome and summary

  private outcomeFields(d: Decision): OutcomeField[] {
    if (d.result === null) return [];
    return Object.entries(d.result as Record<string, unknown>).map(([field, value]) => {
      if (typeof value === "string" && this.m.clauseFields.includes(field)) {
        const title = this.m.clauses.find((c) => c.number === value)?.title;
        return { field, value, ...(title === undefined ? {} : { title }) };
      }
      const label = this.words.label(field, value);
      return { field, value, ...(label === undefined ? {} : { label }) };
    });
  }

  private clauseName(number: string | null): string {
    if (number === null) return "no clause";
    const title = this.m.clauses.find((c) => c.number === number)?.title;
    return title === undefined ? `clause ${number}` : `clause ${number} (${title})`;
  }

  /** A reason as a clause of a sentence: the statement as it is (negated when false), with its members. */
  private said(r: Reason, depth = 0): string {
    let s = r.holds === false ? negate(r.statement) : r.statement;
    // What made a false condition false, a level or two down ("not ready to migrate (not communicating)").
    if (r.holds === false && r.members === undefined && r.because.length > 0 && depth < 2) return `${s} (${joinAnd(r.because.map((b) => this.said(b, depth + 1)))})`;
    if (r.comparison !== undefined) s += ` (${this.plain(r.comparison.left)} against ${this.plain(r.comparison.right)})`;
    if (r.members !== undefined && r.members.length > 0) s += ` (${r.members.map((mv) => this.memberLine(mv)).join("; ")})`;
    else if (r.facts.length > 0 && r.because.length === 0) {
      // Lists read, in words; a scalar is already in the statement ("the cohort is IOC").
      const lists = r.facts.filter((f) => f.summary !== undefined && f.summary !== "none");
      if (lists.length > 0) s += ` (${lists.map((f) => `${pathWords(f.path)}: ${f.summary}`).join("; ")})`;
    }
    return s;
  }

  private memberLine(mv: MemberView): string {
    const lists = mv.facts.filter((f) => !/: (yes|no)$/.test(f));
    return lists.length === 0 ? mv.name : `${mv.name}: ${lists.join("; ")}`;
  }

  private plain(v: unknown): string {
    return typeof v === "string" ? this.words.value("", v) : String(v);
  }

  /** The decision's grounds in one line: the clause and what made it apply, or the nearest rule that did not. */
  private reasonLine(e: Explanation, d: Decision): string {
    if (d.status === "conflict") return `conflict: ${joinAnd([...(d.conflict ?? [])])} all apply with no precedence between them`;
    if (d.status === "decided") {
      let line = `${this.clauseName(d.clause)}: ${joinAnd(e.because.map((r) => this.said(r)))}`;
      if (e.pending.length > 0) line += `; still being retried: ${this.pendingWords(e.pending)}`;
      return line;
    }
    const nearest = this.nearest(e);
    return `no rule applies (default, ${this.clauseName(d.clause)})${nearest === undefined ? "" : `; nearest, ${this.clauseName(nearest.clause)}, fails because ${joinAnd(nearest.because.map((r) => this.said(r)))}`}`;
  }

  private nearest(e: Explanation): NotApplied | undefined {
    // Fewest failing parts first; among equals, the first in document order (sort is stable).
    return [...e.notApplied].sort((a, b) => leaves(a.because) - leaves(b.because))[0];
  }

  private pendingWords(pending: readonly PendingMeter[]): string {
    return pending.map((p) => `${p.name} (${p.checks.map((c) => `${c.about === null ? "" : `${c.about}, `}${subjectOf(c.statement)} ${c.have} of ${c.need}`).join("; ")})`).join("; ");
  }

  private summary(e: Explanation, d: Decision, rules: readonly RuleTrace[]): string {
    const m = this.m;
    const under = `${m.document} ${m.version}${d.asOf === null ? "" : ` (facts as of ${d.asOf})`}`;
    if (d.status === "conflict") {
      const names = (d.conflict ?? []).map((r) => {
        const rt = rules.find((x) => x.rule === r);
        return `${r} (${this.clauseName(rt?.clause ?? null)})`;
      });
      return `Under ${under}, installation ${d.installationId} has no decision: ${joinAnd(names)} all apply and no precedence is declared between them.`;
    }
    const [first, ...others] = e.outcome;
    const head = first === undefined ? "" : `${first.label ?? String(first.value)} (${String(first.value)})`;
    const rest = others
      .filter((f) => f.value !== null && !(Array.isArray(f.value) && f.value.length === 0))
      .map((f) => `${pathWords(f.field)}: ${f.title !== undefined ? `${String(f.value)}, ${f.title}` : this.words.value(f.field, f.value)}`);
    let text = `Under ${under}, installation ${d.installationId}: ${head}${rest.length === 0 ? "" : `; ${rest.join("; ")}`}.`;
    if (d.status === "decided") {
      text += ` Decided by ${this.clauseName(d.clause)}, because ${joinAnd(e.because.map((r) => this.said(r)))}.`;
      if (e.pending.length > 0) text += ` Still being retried: ${this.pendingWords(e.pending)}.`;
      if (typeof d.reviewOn === "string") text += ` If every remaining attempt fails, the decision can change from ${d.reviewOn}.`;
      if (e.setAside.length > 0) text += ` It takes precedence over ${joinAnd(e.setAside.map((s) => this.clauseName(s.clause)))}, which also applied.`;
    } else {
      text += ` No rule applies, so ${this.clauseName(d.clause)} decides it by default.`;
      const nearest = this.nearest(e);
      if (nearest !== undefined) text += ` The nearest rule, ${nearest.rule} of ${this.clauseName(nearest.clause)}, does not apply because ${joinAnd(nearest.because.map((r) => this.said(r)))}.`;
    }
    return text;
  }
}

function leaves(rs: readonly Reason[]): number {
  // A reason standing for parts not evaluated is not a part that failed.
  return rs.reduce((n, r) => n + (r.notEvaluated !== undefined ? 0 : r.because.length === 0 ? 1 : leaves(r.because)), 0);
}

function joinAnd(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join("");
  if (parts.length === 2) return `${parts[0]} and ${parts[1]}`;
  return `${parts.slice(0, -1).join(", ")}, and ${parts[parts.length - 1]}`;
}

/** "the number of attempts that are unsuccessful is at least required" → "the number of attempts that are unsuccessful". */
export function subjectOf(statement: string): string {
  return statement.replace(/ is (at least|more than|at most|less than|on or after|after|on or before|before) .*$/, "");
}
