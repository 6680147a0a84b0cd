/**
 * The explorer's one view of an explanation: one record's outcome → HTML. It reads the structured
 * Explanation that `tmad explain --format json` prints (the summary in plain English, the reasons
 * with the facts and members that made them so, the meters still being retried, what time left
 * out), then the runtime's trace (each rule's evaluated conditions with the facts they read) for
 * those who read rules, and the text of `tmad explain`, so the page and the command say the same
 * thing. Every step links to the clause it belongs to on the version's page. Runs in the browser
 * and in Node alike.
 */
import { buildExplanation, EXPLORED_NOTE, notEvaluatedStatement, renderExplanationText, type Explanation, type Reason } from "../explain.js";
import { firstFailure, type Decision, type Manifest, type RecordOutcome, type TraceNode, type VersionModule } from "../runtime/index.js";
import { clauseId, declarationId, esc, ruleId } from "./html.js";

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? "absent" : s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

/** Links into one version's page. */
class Links {
  private readonly clauses: Set<string>;

  constructor(
    private readonly page: string,
    manifest: Manifest,
  ) {
    this.clauses = new Set(manifest.clauses.map((c) => c.number));
  }

  clause(n: string | null | undefined, text = `clause ${n}`): string {
    if (n === null || n === undefined) return "";
    return this.clauses.has(n) ? `<a href="${esc(`${this.page}#${clauseId(n)}`)}">${esc(text)}</a>` : esc(text);
  }

  rule(r: string): string {
    return `<a href="${esc(`${this.page}#${ruleId(r)}`)}">${esc(r)}</a>`;
  }

  definition(name: string): string {
    return `<a href="${esc(`${this.page}#${declarationId("definition", name)}`)}">${esc(name)}</a>`;
  }
}

/** The label of an enum member, when exactly one enum of the version declares it. */
function labelOf(m: Manifest, value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const found = Object.values(m.labels).filter((members) => Object.hasOwn(members, value));
  return found.length === 1 ? found[0][value] : undefined;
}

function facts(node: TraceNode): string {
  if (node.facts.length === 0) return "";
  return `<span class="facts">${node.facts.map((f) => `<code>${esc(f.path)}</code> = ${esc(show(f.value))}`).join("; ")}</span>`;
}

function mark(value: unknown): string {
  return value === true ? '<span class="yes" aria-label="true">✓</span>' : value === false ? '<span class="no" aria-label="false">✗</span>' : '<span class="val" aria-hidden="true">•</span>';
}

function step(node: TraceNode, links: Links): string {
  const what = node.kind === "definition" && node.name !== undefined ? `definition ${links.definition(node.name)}: <code>${esc(node.text)}</code>` : `<code>${esc(node.text)}</code>`;
  const where = node.clause === undefined ? "" : ` <span class="where">${links.clause(node.clause)}</span>`;
  const skipped = node.notEvaluated === undefined ? [] : [`<li>${mark(null)} ${esc(notEvaluatedStatement(node.notEvaluated, node.quantifier !== undefined))}</li>`];
  const parts = [...node.children.map((c) => step(c, links)), ...skipped];
  const children = parts.length === 0 ? "" : `<ul>${parts.join("")}</ul>`;
  return `<li>${mark(node.value)} ${what} → <span class="value">${esc(show(node.value))}</span>${where} ${facts(node)}${children}</li>`;
}

/** One reason in plain English, with the facts and the members that made it hold or fail. */
function reasonHtml(r: Reason, depth: number): string {
  const facts = r.facts.map((f) => f.summary ?? `${f.path} = ${show(f.value)}${f.label === undefined ? "" : ` (${f.label})`}`);
  const factsHtml = facts.length === 0 ? "" : ` <span class="facts">${facts.map(esc).join("; ")}</span>`;
  const members =
    r.members === undefined || r.members.length === 0
      ? ""
      : `<ul class="members">${r.members.map((m) => `<li>${mark(m.holds)} ${esc(m.name)}${m.facts.length === 0 ? "" : `: ${esc(m.facts.join("; "))}`}</li>`).join("")}</ul>`;
  const deeper = depth <= 1 || r.because.length === 0 ? "" : `<ul>${r.because.map((b) => reasonHtml(b, depth - 1)).join("")}</ul>`;
  return `<li>${mark(r.holds)} ${esc(r.statement)}${factsHtml}${members}${deeper}</li>`;
}

/** The structured explanation for people: summary, reasons, pending meters and time. */
function plainHtml(e: Explanation, links: Links): string {
  const because = e.because.length === 0 ? "" : `<section class="because"><h4>In plain words${e.decidedBy?.clause ? ` (${links.clause(e.decidedBy.clause.number)})` : ""}</h4><ul>${e.because.map((r) => reasonHtml(r, 4)).join("")}</ul></section>`;
  const pending =
    e.pending.length === 0
      ? ""
      : `<section class="pending"><h4>Still being retried</h4><ul>${e.pending
          .map((p) => `<li>${esc(p.name)}${p.reviewOn === undefined ? "" : ` (review on ${esc(p.reviewOn)})`}<ul>${[...p.facts, ...p.checks.map((c) => `needs ${c.left} more: ${c.about === null ? "" : `${c.about}, `}${c.statement} (${c.have} of ${c.need})`)].map((t) => `<li>${esc(t)}</li>`).join("")}</ul></li>`)
          .join("")}</ul></section>`;
  const time = e.time.lines.length === 0 ? "" : `<p class="time">${e.time.lines.map(esc).join("<br>")}</p>`;
  const explored = e.explored === undefined ? "" : `<p class="explored">${esc(EXPLORED_NOTE)}</p>`;
  return `<p class="summary">${esc(e.summary)}</p>${explored}${time}${because}${pending}`;
}

function resultFields(d: Decision, m: Manifest, links: Links): string {
  const result = (d.result ?? {}) as Record<string, unknown>;
  const rows = m.decisionFields.map((f) => {
    const v = result[f];
    const label = labelOf(m, v);
    const value = m.clauseFields.includes(f) && typeof v === "string" ? links.clause(v, v) : esc(typeof v === "string" ? v : show(v));
    return `<div><dt>${esc(f)}</dt><dd>${value}${label === undefined ? "" : ` <span class="label">(${esc(label)})</span>`}</dd></div>`;
  });
  return `<dl class="result">${rows.join("")}</dl>`;
}

/** One record's decision and its explanation, or its input errors, as an `<article>`. */
export function explanationHtml(version: VersionModule<any, any>, outcome: RecordOutcome, record: number, page: string): string {
  const m = version.manifest;
  const links = new Links(page, m);
  if (!outcome.ok) {
    const id = outcome.installationId ?? "(no id)";
    const errors = outcome.errors.map((e) => `<li><code>${esc(e.path)}</code>: ${esc(e.message)} <span class="code">[${esc(e.code)}]</span></li>`).join("");
    return `<article class="decision invalid" data-installation="${esc(id)}" data-outcome="invalid">
<h3>Record ${record} · ${esc(id)}</h3>
<p class="verdict"><strong class="outcome">Invalid input</strong>, not evaluated (${esc(m.document)} ${esc(m.version)})</p>
<ul class="errors">${errors}</ul>
</article>`;
  }
  const d = outcome.decision;
  const clause = m.clauses.find((c) => c.number === d.clause);
  let verdict: string;
  if (d.status === "conflict") {
    verdict = `<strong class="outcome">CONFLICT</strong>: rules ${(d.conflict ?? []).map((r) => links.rule(r)).join(", ")} all apply and no precedence is declared between them`;
  } else {
    const outcomeText = String(Object.values(d.result ?? {})[0] ?? d.status);
    const by = d.status === "decided" && d.rule !== null ? `by rule ${links.rule(d.rule)}` : "by the default (no rule applied)";
    verdict = `<strong class="outcome">${esc(outcomeText)}</strong> under ${d.clause === null ? "no clause" : links.clause(d.clause)}${clause === undefined ? "" : ` <span class="title">${esc(clause.title)}</span>`}, ${by}`;
  }
  const explanation = buildExplanation(version, outcome, { record });
  const trace = outcome.trace?.rules ?? [];
  const winners = trace.filter((r) => r.fired && (r.rule === d.rule || (d.conflict ?? []).includes(r.rule)));
  const why = winners
    .map((r) => `<section class="why"><h4>Why rule ${links.rule(r.rule)} applies (${links.clause(r.clause)})</h4><ul class="trace">${step(r.condition, links)}</ul></section>`)
    .join("");
  const setAside = trace.filter((r) => r.fired && r.setAsideBy.length > 0);
  const asideHtml =
    setAside.length === 0
      ? ""
      : `<section class="aside-rules"><h4>Applied but set aside by precedence</h4><ul>${setAside.map((r) => `<li>${links.rule(r.rule)} (${links.clause(r.clause)}) set aside by ${r.setAsideBy.map((w) => links.rule(w)).join(", ")}</li>`).join("")}</ul></section>`;
  const notApplied = trace.filter((r) => !r.fired);
  const notHtml =
    notApplied.length === 0
      ? ""
      : `<details class="not-applied"><summary>Rules that did not apply (${notApplied.length})</summary><ul>${notApplied
          .map((r) => {
            const failed = firstFailure(r.condition);
            return `<li>${links.rule(r.rule)} (${links.clause(r.clause)} ${esc(r.clauseTitle)}): <code>${esc(failed.text)}</code> is ${esc(show(failed.value))} ${facts(failed)}</li>`;
          })
          .join("")}</ul></details>`;
  return `<article class="decision" data-installation="${esc(d.installationId)}" data-outcome="${esc(d.status === "conflict" ? "conflict" : String(Object.values(d.result ?? {})[0] ?? d.status))}" data-clause="${esc(d.clause ?? "")}">
<h3>Record ${record} · ${esc(d.installationId)}</h3>
<p class="verdict">${verdict}</p>
${d.status === "conflict" ? "" : resultFields(d, m, links)}
${plainHtml(explanation, links)}
${why}${asideHtml}${notHtml}
<details class="as-text"><summary>As text (<code>tmad explain</code>)</summary><pre>${esc(renderExplanationText(explanation))}</pre></details>
</article>`;
}
