/**
 * `tmad report`: what DCC sends each Energy Supplier (seed 2.3, 3.2.1). Evaluates a population
 * with one version (streamed, in worker threads) and writes counts per reporting dimension
 * (e.g. Responsible Supplier, cohort) × outcome × Excluded Category, and one file per supplier
 * listing its affected installations with the clause that decided each. Totals reconcile with the
 * population: every record is counted once, as a decision or as invalid.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { VersionModule } from "../runtime/index.js";
import { asOfOf, limitsFrom, selector, workersFrom } from "./eval.js";
import { evaluateStream } from "./stream.js";
import { UsageError } from "./usage.js";

type ReportFormat = "csv" | "markdown" | "json";

interface Line {
  readonly record: number;
  readonly invalid?: true;
  readonly id: string | null;
  readonly error?: string;
  readonly outcome?: string;
  readonly clause?: string | null;
  readonly rule?: string | null;
  readonly category?: string;
  readonly dims?: readonly string[];
}

interface Affected {
  readonly id: string;
  readonly outcome: string;
  readonly category: string;
  readonly clause: string;
  readonly rule: string;
}

function slug(s: string): string {
  const base = s.normalize("NFKD").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "").toLowerCase();
  return base === "" ? "unnamed" : base.slice(0, 80);
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function table(format: ReportFormat, head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  if (format === "csv") return [head, ...rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
  const md = (r: readonly (string | number)[]): string => `| ${r.map((c) => String(c).replace(/\|/g, "\\|")).join(" | ")} |`;
  return [md(head), md(head.map(() => "---")), ...rows.map(md)].join("\n") + "\n";
}

export async function runReport(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0) throw new UsageError("name one population file (NDJSON), or - for standard input");
  const format = ((values.format as string | undefined) ?? "markdown") as ReportFormat;
  if (!["csv", "markdown", "json"].includes(format)) throw new UsageError("--format must be csv, markdown or json");
  const sel = selector(values);
  const asOf = asOfOf(sel);
  const outDir = values.out as string | undefined;

  let version: VersionModule<any, any> | undefined;
  let dims: { name: string; path: string }[] = [];
  let by: string[] = [];
  let split: number | undefined;
  let omit = new Set<string>();
  const cells = new Map<string, number>();
  const perSplit = new Map<string, { counts: Map<string, number>; affected: Affected[] }>();
  const invalid: { record: number; id: string | null; error: string }[] = [];

  const summary = await evaluateStream(
    file,
    sel,
    { asOf, trace: false, format: "report", limits: limitsFrom(values), workers: workersFrom(values), batchBytes: 1 << 18, progress: process.stderr.isTTY === true && values.quiet !== true },
    async (batch) => {
      if (batch.count === 0) return;
      for (const text of batch.body.split("\n")) {
        const l = JSON.parse(text) as Line;
        if (l.invalid) {
          invalid.push({ record: l.record, id: l.id, error: l.error ?? "" });
          continue;
        }
        const dimValues = l.dims ?? [];
        const key = [...by.map((b) => (b === "clause" ? (l.clause ?? "(default)") : b === "outcome" ? "" : dimValues[dims.findIndex((d) => d.name === b)] ?? "")), l.outcome ?? "", l.category ?? ""];
        const k = JSON.stringify(key);
        cells.set(k, (cells.get(k) ?? 0) + 1);
        if (split !== undefined) {
          const who = dimValues[split] ?? "(absent)";
          let entry = perSplit.get(who);
          if (entry === undefined) {
            entry = { counts: new Map(), affected: [] };
            perSplit.set(who, entry);
          }
          const ck = `${l.outcome ?? ""}\u0000${l.category ?? ""}`;
          entry.counts.set(ck, (entry.counts.get(ck) ?? 0) + 1);
          if (!omit.has(l.outcome ?? "")) entry.affected.push({ id: l.id ?? "", outcome: l.outcome ?? "", category: l.category ?? "", clause: l.clause ?? "", rule: l.rule ?? "" });
        }
      }
    },
    async (v) => {
      version = v;
      dims = [...(v.manifest.reportBy ?? [])];
      const names = dims.map((d) => d.name);
      const requested = ((values.by as string | undefined) ?? names.join(","))
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x !== "");
      for (const b of requested) {
        if (b !== "clause" && !names.includes(b)) throw new UsageError(`--by ${b}: this version reports by ${[...names, "clause"].join(", ")} (its front matter's reportBy)`);
      }
      by = requested;
      const s = dims.findIndex((d) => d.name === ((values.split as string | undefined) ?? "supplier"));
      split = s === -1 ? undefined : s;
      omit = new Set(v.manifest.reportOmit ?? []);
    },
  );

  const decisions = summary.total - summary.invalid;
  const rows = [...cells]
    .map(([k, n]) => [...(JSON.parse(k) as string[]), n] as (string | number)[])
    .sort((a, b) => a.slice(0, -1).join("\u0000").localeCompare(b.slice(0, -1).join("\u0000")));
  const head = [...by, "outcome", "category", "count"];
  const total = rows.reduce((n, r) => n + (r[r.length - 1] as number), 0);
  if (total !== decisions || decisions + invalid.length !== summary.total) throw new Error("internal: report totals do not reconcile");
  const id = version?.manifest.id ?? "";
  const title = `${version?.manifest.document ?? ""} ${version?.manifest.version ?? ""}${asOf === null ? "" : "version" in sel ? ` (facts as of ${asOf})` : ` (in force on ${asOf})`}`.trim();

  const summaryText = (): string => {
    if (format === "json") return `${JSON.stringify({ version: id, asOf, records: summary.total, decisions, invalid: invalid.length, by, rows: rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]]))), invalidRecords: invalid }, null, 2)}\n`;
    const body = table(format, head, rows);
    if (format === "csv") return body;
    return `# Population report: ${title}\n\n${summary.total} records = ${decisions} decisions + ${invalid.length} invalid.\n\n${body}`;
  };

  if (outDir === undefined) {
    process.stdout.write(summaryText());
  } else {
    // Built beside the target and renamed into place: an interrupted run leaves no half report.
    const tmp = `${outDir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(join(tmp, "suppliers"), { recursive: true });
    const ext = format === "markdown" ? "md" : format;
    writeFileSync(join(tmp, `summary.${ext}`), summaryText());
    const used = new Set<string>();
    const index: (string | number)[][] = [];
    for (const [who, entry] of [...perSplit].sort(([a], [b]) => a.localeCompare(b))) {
      let name = slug(who);
      for (let i = 2; used.has(name); i++) name = `${slug(who)}-${i}`;
      used.add(name);
      const counts = [...entry.counts].map(([k, n]) => [...k.split("\u0000"), n] as (string | number)[]).sort((a, b) => String(a[0] + "" + a[1]).localeCompare(String(b[0] + "" + b[1])));
      const count = counts.reduce((n, r) => n + (r[2] as number), 0);
      index.push([who, `suppliers/${name}.${ext}`, count, entry.affected.length]);
      const listHead = ["installationId", "outcome", "category", "clause", "rule"];
      const list = entry.affected.map((a) => [a.id, a.outcome, a.category, a.clause, a.rule]);
      let text: string;
      if (format === "json") text = `${JSON.stringify({ supplier: who, version: id, asOf, installations: count, counts: counts.map(([o, c, n]) => ({ outcome: o, category: c, count: n })), affected: entry.affected }, null, 2)}\n`;
      else if (format === "csv") text = table("csv", listHead, list);
      else {
        text = `# ${who}: effect of ${title}\n\n${count} installations. Listed below: those whose outcome is not ${[...omit].join(", ") || "(none omitted)"}; each with the clause that decided it.\n\n`;
        text += `${table("markdown", ["outcome", "category", "count"], counts)}\n${table("markdown", listHead, list)}`;
      }
      writeFileSync(join(tmp, "suppliers", `${name}.${ext}`), text);
    }
    writeFileSync(join(tmp, `suppliers.${ext}`), format === "json" ? `${JSON.stringify(index.map(([s, f, n, a]) => ({ supplier: s, file: f, installations: n, listed: a })), null, 2)}\n` : table(format, ["supplier", "file", "installations", "listed"], index));
    rmSync(outDir, { recursive: true, force: true });
    renameSync(tmp, outDir);
    process.stdout.write(`tmad report: wrote ${outDir}/summary.${ext}, ${outDir}/suppliers.${ext} and ${perSplit.size} supplier file(s)\n`);
  }
  process.stderr.write(`tmad report: ${id}: ${summary.total} records = ${decisions} decisions + ${invalid.length} invalid\n`);
  return invalid.length > 0 ? 1 : 0;
}
