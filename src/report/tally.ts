/**
 * Counting a population for `tmad report`: per Responsible Supplier (the split dimension) the
 * decisions by outcome × Excluded Category × the other reporting dimensions (cohort), and the
 * installations each supplier's list shows, spilled to disk as they come (in input order). Orders
 * are the reader's: outcomes and cohorts as the data model declares them, categories in clause
 * order (18.9 before 18.13). Takes ReportLines; gives the tables the writers print.
 */
import type { FieldType, Manifest, VersionModule } from "../runtime/index.js";
import type { ReportLine } from "./row.js";
import type { Spill } from "./spill.js";

/** Shown for a supplier (or another dimension) whose value is missing from the record. */
export const ABSENT = "(none given)";

export interface SupplierTally {
  readonly name: string;
  total: number;
  listed: number;
  /** Row key (JSON of outcome, categories, other dimensions) → pivot value (cohort) → count. */
  readonly counts: Map<string, Map<string, number>>;
}

export interface PivotRow {
  readonly outcome: string;
  readonly outcomeLabel: string;
  readonly categories: readonly (string | null)[];
  readonly categoryTitles: readonly (string | null)[];
  readonly dims: readonly (string | null)[];
  readonly counts: readonly number[];
  readonly total: number;
}

export class Tally {
  readonly suppliers = new Map<string, SupplierTally>();
  records = 0;
  decisions = 0;
  invalid = 0;
  /** Index of the split dimension (supplier) in the version's reportBy, of the pivot (cohort), and of the other row dimensions. */
  readonly split: number;
  readonly pivot: number | undefined;
  readonly rowDims: readonly number[];
  private readonly omit: ReadonlySet<string>;

  constructor(
    readonly version: VersionModule<any, any>,
    splitName: string,
    private readonly spill: Spill | undefined,
  ) {
    const dims = version.manifest.reportBy ?? [];
    this.split = dims.findIndex((d) => d.name === splitName);
    const others = dims.map((_, i) => i).filter((i) => i !== this.split);
    this.pivot = others[0];
    this.rowDims = others.slice(1);
    this.omit = new Set(version.manifest.reportOmit ?? []);
  }

  get manifest(): Manifest {
    return this.version.manifest;
  }

  add(line: ReportLine): void {
    this.records++;
    if (line.invalid !== undefined) {
      this.invalid++;
      this.spill?.append("invalid", JSON.stringify([line.record, line.id, line.invalid]));
      return;
    }
    this.decisions++;
    const who = this.split === -1 ? "(all)" : (line.dims[this.split] ?? ABSENT);
    let s = this.suppliers.get(who);
    if (s === undefined) {
      s = { name: who, total: 0, listed: 0, counts: new Map() };
      this.suppliers.set(who, s);
    }
    s.total++;
    const key = JSON.stringify([line.outcome ?? "", ...(line.categories ?? []), ...this.rowDims.map((i) => line.dims[i] ?? ABSENT)]);
    let row = s.counts.get(key);
    if (row === undefined) {
      row = new Map();
      s.counts.set(key, row);
    }
    const p = this.pivot === undefined ? "" : (line.dims[this.pivot] ?? ABSENT);
    row.set(p, (row.get(p) ?? 0) + 1);
    if (!this.omit.has(line.outcome ?? "") && line.columns !== undefined) {
      s.listed++;
      this.spill?.append(`supplier:${who}`, JSON.stringify(line));
    }
  }

  /** Suppliers in a stable order (code-point order of their names, independent of the locale). */
  supplierNames(): string[] {
    return [...this.suppliers.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The values of the pivot dimension to show as columns: its enum's members in declared order, then any others seen. */
  pivotColumns(): { value: string; label: string }[] {
    if (this.pivot === undefined) return [{ value: "", label: "count" }];
    const seen = new Set<string>();
    for (const s of this.suppliers.values()) for (const row of s.counts.values()) for (const v of row.keys()) seen.add(v);
    const members = this.enumOfPath(this.manifest.reportBy![this.pivot].path);
    const labels = members === undefined ? {} : (this.manifest.labels[members.name] ?? {});
    const ordered = [...(members?.values ?? []), ...[...seen].filter((v) => !(members?.values ?? []).includes(v)).sort()];
    return ordered.map((value) => ({ value, label: labels[value] ?? value }));
  }

  /** The enum an input path reads, from the version's schema. */
  enumOfPath(path: string): { name: string; values: readonly string[] } | undefined {
    const schema = this.version.validator.schema;
    let record: string | undefined = schema.root;
    let type: FieldType | undefined;
    for (const step of path.split(".")) {
      if (record === undefined) return undefined;
      const field: readonly [string, FieldType] | undefined = schema.records[record]?.find(([f]) => f === step);
      if (field === undefined) return undefined;
      type = field[1].kind === "optional" ? field[1].inner : field[1];
      record = type.kind === "record" ? type.name : undefined;
    }
    return type?.kind === "enum" ? { name: type.name, values: schema.enums[type.name] ?? [] } : undefined;
  }

  /** One supplier's counts as pivot rows (all suppliers' when `name` is undefined), in the reader's order, and the totals row. */
  pivotRows(name?: string): { rows: PivotRow[]; totals: number[]; total: number } {
    const columns = this.pivotColumns();
    const merged = new Map<string, Map<string, number>>();
    for (const s of name === undefined ? this.suppliers.values() : [this.suppliers.get(name)!]) {
      for (const [key, row] of s.counts) {
        let m = merged.get(key);
        if (m === undefined) {
          m = new Map();
          merged.set(key, m);
        }
        for (const [p, n] of row) m.set(p, (m.get(p) ?? 0) + n);
      }
    }
    const m = this.manifest;
    const outcomeEnum = this.outcomeEnum();
    const clauseIndex = new Map(m.clauses.map((c, i) => [c.number, i]));
    const nCat = m.clauseFields.length;
    const rows = [...merged].map(([key, byPivot]): PivotRow => {
      const parts = JSON.parse(key) as (string | null)[];
      const outcome = parts[0] ?? "";
      const categories = parts.slice(1, 1 + nCat);
      const counts = columns.map((c) => byPivot.get(c.value) ?? 0);
      return {
        outcome,
        outcomeLabel: (outcomeEnum === undefined ? undefined : m.labels[outcomeEnum]?.[outcome]) ?? outcome,
        categories,
        categoryTitles: categories.map((c) => (c === null ? null : (m.clauses.find((x) => x.number === c)?.title ?? null))),
        dims: parts.slice(1 + nCat),
        counts,
        total: counts.reduce((a, b) => a + b, 0),
      };
    });
    const outcomeOrder = outcomeEnum === undefined ? [] : (this.version.validator.schema.enums[outcomeEnum] ?? []);
    const rank = (o: string): number => {
      const i = outcomeOrder.indexOf(o);
      return i === -1 ? outcomeOrder.length : i;
    };
    const clauseRank = (c: string | null): number => (c === null ? -1 : (clauseIndex.get(c) ?? clauseIndex.size));
    rows.sort((a, b) => {
      if (rank(a.outcome) !== rank(b.outcome)) return rank(a.outcome) - rank(b.outcome);
      if (a.outcome !== b.outcome) return a.outcome < b.outcome ? -1 : 1;
      for (let i = 0; i < a.categories.length; i++) {
        const d = clauseRank(a.categories[i]) - clauseRank(b.categories[i]);
        if (d !== 0) return d;
      }
      const ka = JSON.stringify(a.dims);
      const kb = JSON.stringify(b.dims);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const totals = columns.map((_, i) => rows.reduce((n, r) => n + r.counts[i], 0));
    return { rows, totals, total: totals.reduce((a, b) => a + b, 0) };
  }

  /** The enum of the decision's first field (the outcome), found by its values. */
  private outcomeEnum(): string | undefined {
    const seen = new Set<string>();
    for (const s of this.suppliers.values()) for (const key of s.counts.keys()) seen.add(String((JSON.parse(key) as unknown[])[0]));
    const enums = this.version.validator.schema.enums;
    return Object.keys(enums).find((e) => [...seen].every((v) => enums[e].includes(v)) && seen.size > 0);
  }
}
