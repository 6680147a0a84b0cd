/**
 * Facts in words, from the version's data model (its schema and enum labels) alone: an enum value
 * with its label, a list of records summarised (counts by enum member, the span of its date-times),
 * an entity named by its identifying fields. Takes a VersionModule; gives text.
 */
import { compareInstants, epochMs, type FieldType, type VersionModule } from "../runtime/index.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `2022-01-03` → "3 Jan 2022"; `2022-01-03T09:00:00Z` → "3 Jan 2022 09:00"; other offsets kept. */
export function formatDate(v: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(v);
  if (m === null) return v;
  const day = `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
  if (m[4] === undefined) return day;
  return `${day} ${m[4]}:${m[5]}${m[6] === "Z" ? "" : ` ${m[6]}`}`;
}

const wordsOf = new Map<string, string>();

/** `firmwareAttempts` → "firmware attempts"; `installation.cohort` → "cohort". */
export function pathWords(path: string): string {
  const last = path.split(".").pop() ?? path;
  let words = wordsOf.get(last);
  if (words === undefined) {
    words = splitWords(last);
    if (wordsOf.size < 10_000) wordsOf.set(last, words);
  }
  return words;
}

function splitWords(last: string): string {
  return last
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(" ")
    .map((w) => (/^[A-Z0-9]{2,}$/.test(w) ? w : w.toLowerCase()))
    .join(" ");
}

export class FactWords {
  private readonly schema;
  private readonly labels;
  /** Enum names by member, for values whose field is unknown (a member in one enum only is unambiguous). */
  private readonly enumsOf = new Map<string, string[]>();

  constructor(version: VersionModule<any, any>) {
    this.schema = version.validator.schema;
    this.labels = version.manifest.labels;
    for (const [name, members] of Object.entries(this.schema.enums)) for (const m of members) this.enumsOf.set(m, [...(this.enumsOf.get(m) ?? []), name]);
  }

  /** The enum an input field's value belongs to, found by the field's name in the data model. */
  private enumOfField(field: string, value: string): string | undefined {
    for (const fields of Object.values(this.schema.records)) {
      for (const [name, type] of fields) {
        const t = type.kind === "optional" ? type.inner : type;
        if (name === field && t.kind === "enum" && this.schema.enums[t.name]?.includes(value)) return t.name;
      }
    }
    const candidates = this.enumsOf.get(value) ?? [];
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  /** The declared label of an enum value read at `path`, if it is one and has a label of its own. */
  label(path: string, value: unknown): string | undefined {
    if (typeof value !== "string") return undefined;
    const e = this.enumOfField(path.split(".").pop() ?? path, value);
    const label = e === undefined ? undefined : this.labels[e]?.[value];
    return label === undefined || label === value ? undefined : label;
  }

  /** A value in words: an enum value with its label, a date formatted, a list joined. */
  value(path: string, value: unknown): string {
    if (value === null || value === undefined) return "none";
    if (typeof value === "string") {
      const label = this.label(path, value);
      if (label !== undefined) return `${value} (${label})`;
      return /^\d{4}-\d{2}-\d{2}/.test(value) ? formatDate(value) : value;
    }
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (Array.isArray(value)) return this.summary(path, value) ?? (value.length === 0 ? "none" : value.map((v) => this.value(path, v)).join(", "));
    if (typeof value === "object") return this.entityName(value as Record<string, unknown>) ?? JSON.stringify(value);
    return String(value);
  }

  /** The record type whose fields an object has (matched by field names). */
  recordOf(o: Readonly<Record<string, unknown>>): string | undefined {
    const keys = Object.keys(o);
    for (const [name, fields] of Object.entries(this.schema.records)) {
      const names = new Set(fields.map(([f]) => f));
      if (keys.length > 0 && keys.every((k) => names.has(k)) && fields.every(([f, t]) => t.kind === "optional" || keys.includes(f))) return name;
    }
    return undefined;
  }

  /** An entity named by its enum fields then its identifiers: "GSME 90-B3-D5-1F-30-20-00-02". */
  entityName(key: Readonly<Record<string, unknown>>): string | undefined {
    const parts = Object.values(key).filter((v) => typeof v === "string" && v !== "") as string[];
    return parts.length === 0 ? undefined : parts.join(" ");
  }

  /**
   * A list of records in words: counts by the member of its first enum field, each with the span
   * of the first date or date-time field; for a time series (one with such a field) the members
   * with no entry are named too ("0 succeeded"). Undefined for a list that is not of records.
   */
  summary(_path: string, list: readonly unknown[]): string | undefined {
    // The same list is read by many conditions: summarise it once.
    if (this.summaries.has(list)) return this.summaries.get(list);
    const text = this.summarise(list);
    this.summaries.set(list, text);
    return text;
  }

  private readonly summaries = new WeakMap<readonly unknown[], string | undefined>();

  private summarise(list: readonly unknown[]): string | undefined {
    if (list.length === 0) return "none";
    const first = list[0];
    if (typeof first !== "object" || first === null || Array.isArray(first)) return undefined;
    const record = this.recordOf(first as Record<string, unknown>);
    if (record === undefined) return undefined;
    const fields = this.schema.records[record];
    const enumField = fields.find(([, t]) => plain(t).kind === "enum");
    const timeField = fields.find(([, t]) => plain(t).kind === "datetime" || plain(t).kind === "date");
    const flags = fields.filter(([, t]) => plain(t).kind === "boolean").map(([f]) => f);
    const items = list as readonly Record<string, unknown>[];
    if (enumField === undefined) return `${list.length}`;
    const enumName = (plain(enumField[1]) as { name: string }).name;
    const groups = new Map<string, Record<string, unknown>[]>();
    for (const it of items) {
      const v = String(it[enumField[0]]);
      groups.set(v, [...(groups.get(v) ?? []), it]);
    }
    const members = this.schema.enums[enumName] ?? [];
    const order = [...members.filter((m) => groups.has(m)), ...[...groups.keys()].filter((g) => !members.includes(g))];
    const parts = order.map((m) => {
      const group = groups.get(m)!;
      let text = `${group.length} ${this.labels[enumName]?.[m] ?? m}`;
      if (timeField !== undefined) {
        let first: string | undefined;
        let last: string | undefined;
        for (const g of group) {
          const t = g[timeField[0]];
          if (typeof t !== "string") continue;
          if (first === undefined || compareTimes(t, first) < 0) first = t;
          if (last === undefined || compareTimes(t, last) > 0) last = t;
        }
        if (first !== undefined && last !== undefined && first === last) text += ` (${formatDate(first)})`;
        else if (first !== undefined && last !== undefined) {
          // Calendar days (UTC), first and last both counted: how the retry regime reads a period.
          const days = calendarDays(first, last);
          text += `${days === undefined ? "" : ` on ${days} calendar day${days === 1 ? "" : "s"}`} (${formatDate(first)} – ${formatDate(last)})`;
        }
      }
      for (const f of flags) {
        const yes = group.filter((g) => g[f] === true).length;
        text += `, ${yes} ${pathWords(f)}`;
      }
      return text;
    });
    if (timeField !== undefined) for (const m of members) if (!groups.has(m)) parts.push(`0 ${this.labels[enumName]?.[m] ?? m}`);
    return parts.join(", ");
  }
}

function plain(t: FieldType): FieldType {
  return t.kind === "optional" ? t.inner : t;
}

/** Orders validated dates and date-times as instants. */
function compareTimes(a: string, b: string): number {
  try {
    return compareInstants(a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

function calendarDays(from: string, to: string): number | undefined {
  try {
    const day = (t: string): number => Math.floor(epochMs(t) / 86_400_000);
    return day(to) - day(from) + 1;
  } catch {
    return undefined;
  }
}
