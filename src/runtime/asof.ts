/**
 * Facts as known on a date. Takes a validated input record, the version's schema and timeline (the
 * `dated by` declarations of its data model) and a date; gives the record as it stood at the end of
 * that day (UTC): list elements dated after it are left out, fields dated after it take their
 * earlier value. Nothing here knows a field of any corpus: the declarations drive it all.
 * The input is never changed; only the objects on the way to a change are copied.
 */
import type { Timeline } from "./timeline.js";
import type { FieldType, InputError, Schema } from "./validate.js";
import { epochMs } from "./values.js";

export interface FactsCut {
  readonly ok: true;
  readonly value: unknown;
  /** How many facts were dated after the date: elements left out, values set back. */
  readonly ignored: number;
  /** Their JSON paths (the first 50). */
  readonly paths: readonly string[];
}

export type CutOutcome = FactsCut | { readonly ok: false; readonly errors: readonly InputError[] };

const MAX_PATHS = 50;
const DAY_MS = 86_400_000;

/** The record as known at the end of `asOf` (a calendar date, already checked). */
export function cutFacts(schema: Schema, timeline: Timeline, record: unknown, asOf: string): CutOutcome {
  const endMs = epochMs(asOf) + DAY_MS;
  // A dating value is after the date when its day is: dates compare as text, date-times as instants.
  const after = (v: unknown): v is string => typeof v === "string" && (v.length === 10 ? v > asOf : epochMs(v) >= endMs);
  const paths: string[] = [];
  const errors: InputError[] = [];
  let ignored = 0;
  const note = (path: string): void => {
    ignored++;
    if (paths.length < MAX_PATHS) paths.push(path);
  };

  const value = (v: unknown, type: FieldType, path: string): unknown => {
    switch (type.kind) {
      case "optional":
        return v === null || v === undefined ? v : value(v, type.inner, path);
      case "record":
        return recordOf(v as Record<string, unknown>, type.name, path);
      case "list": {
        const items = v as readonly unknown[];
        const element = type.element;
        const dating = element.kind === "record" ? timeline.records[element.name] : undefined;
        let out: unknown[] | undefined;
        for (let i = 0; i < items.length; i++) {
          const item = items[i];
          if (dating !== undefined && after((item as Record<string, unknown>)[dating.field])) {
            note(`${path}[${i}]`);
            out ??= items.slice(0, i);
            continue;
          }
          const cut = value(item, element, `${path}[${i}]`);
          if (cut !== item) out ??= items.slice(0, i);
          out?.push(cut);
        }
        return out ?? items;
      }
      default:
        return v;
    }
  };

  const recordOf = (obj: Record<string, unknown>, name: string, path: string): Record<string, unknown> => {
    let out: Record<string, unknown> | undefined;
    const set = (field: string, v: unknown): void => {
      out ??= { ...obj };
      if (v === undefined) delete out[field];
      else out[field] = v;
    };
    for (const [field, type] of schema.records[name]) {
      // Only lists and records can hold dated facts below this one.
      if (!holdsFacts(type)) continue;
      const v = obj[field];
      if (v === null || v === undefined) continue;
      const cut = value(v, type, `${path}.${field}`);
      if (cut !== v) set(field, cut);
    }
    for (const d of timeline.fields[name] ?? []) {
      const since = obj[d.by.field];
      if (!after(since)) continue;
      const before = "value" in d.before ? d.before.value : "field" in d.before ? obj[d.before.field] ?? undefined : undefined;
      const type = schema.records[name].find(([f]) => f === d.field)?.[1];
      if (before === undefined && type !== undefined && type.kind !== "optional") {
        const from = "field" in d.before ? `, and ${path}.${d.before.field} is absent` : "";
        errors.push({
          code: "unknown-as-of",
          path: `${path}.${d.field}`,
          message: `${path}.${d.field} took its value on ${since}, after ${asOf}${from}: its value on ${asOf} is unknown`,
        });
        continue;
      }
      if (JSON.stringify(before) !== JSON.stringify(obj[d.field])) {
        note(`${path}.${d.field}`);
        set(d.field, before);
      }
    }
    return out ?? obj;
  };

  const cut = recordOf(record as Record<string, unknown>, schema.root, "$");
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: cut, ignored, paths };
}

function holdsFacts(type: FieldType): boolean {
  return type.kind === "list" || type.kind === "record" || (type.kind === "optional" && holdsFacts(type.inner));
}
