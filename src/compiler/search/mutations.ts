/**
 * Single-fact changes of a record: (record, SearchModel) → Mutation[], cheap descriptors whose
 * values are built only when a candidate is evaluated.
 *
 * The values that matter: every other member of an enum, the other boolean, the constants a number,
 * date or text is compared with (and their neighbours, and a record's own dates either side),
 * absence or presence of an optional fact, and for a list of records (attempt histories, devices)
 * an empty list, the list without one element, or n copies of an element with one enum fact set,
 * dated across s days, for n among the lengths that cross a `count` threshold and s among the spans
 * that cross a `days between` threshold. Long lists are built once per shape and shared between
 * candidates (the evaluators never change their input).
 */
import type { Type } from "../check/types.js";
import type { Constants } from "./constants.js";

/** The schema and the constants a search works with, from the checked versions. */
export interface SearchModel {
  /** The input record type's name, e.g. `Installation`. */
  readonly inputType: string;
  readonly enums: ReadonlyMap<string, readonly string[]>;
  readonly fields: ReadonlyMap<string, ReadonlyMap<string, Type>>;
  /** Record type names in declaration order (for element templates). */
  readonly records: readonly string[];
  readonly constants: Constants;
}

export class Mutation {
  private built: unknown;
  private made = false;
  constructor(
    /** Where in the record, e.g. `devices[1].configurationAttempts`. */
    readonly path: string,
    /** Which fact of the schema, e.g. `Device.configurationAttempts`. */
    readonly fact: string,
    /** For people: `devices[1].configurationAttempts = 69 × {outcome: FAILED} over 9 days`. */
    readonly label: string,
    private readonly make: () => unknown,
    /** True when the value is a list built from a template (not a change of an element inside). */
    readonly reshapesList = false,
  ) {}

  get value(): unknown {
    if (!this.made) {
      this.built = this.make();
      this.made = true;
    }
    return this.built;
  }
}

const DAY = 86_400_000;

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

function isoDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** Shared between the mutations of every baseline of one search: lists built once per shape. */
export class ListShapes {
  private readonly lists = new Map<string, unknown[]>();
  private readonly templateKeys = new WeakMap<object, string>();

  /** The list of shape `key` built from `template`: made on first use, then shared. */
  shape(template: Record<string, unknown>, key: string, make: () => unknown[]): unknown[] {
    let t = this.templateKeys.get(template);
    if (t === undefined) this.templateKeys.set(template, (t = JSON.stringify(template)));
    const k = `${t}|${key}`;
    let list = this.lists.get(k);
    if (list === undefined) this.lists.set(k, (list = make()));
    return list;
  }
}

/** Indexes 0, 1, n − 2 and n − 1 of a list of n (all of a short one). */
function ends(n: number): number[] {
  return n <= 4 ? Array.from({ length: n }, (_, i) => i) : [0, 1, n - 2, n - 1];
}

/** Enumerates the single-fact changes of a record, in a stable order. */
export function mutationsOf(record: unknown, model: SearchModel, templates: ReadonlyMap<string, Record<string, unknown>>, shapes: ListShapes): Mutation[] {
  const out: Mutation[] = [];
  const { constants, enums, fields } = model;
  // Dates are also compared with each other (`s.installedOn < installation.installedOn`): the
  // record's own dates, and the days either side, are worth trying too.
  const ownDates = new Set<string>();
  const collectDates = (v: unknown): void => {
    if (typeof v === "string" && v.length === 10 && /^\d{4}-\d{2}-\d{2}$/.test(v)) ownDates.add(v);
    else if (Array.isArray(v)) v.forEach(collectDates);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(collectDates);
  };
  collectDates(record);
  const dateCandidates = [...new Set([...constants.dates, ...ownDates].flatMap((d) => [shiftDate(d, -1), d, shiftDate(d, 1)]))].sort();
  const datetimeCandidates = [...new Set([...constants.datetimes, ...constants.dates.map((d) => `${d}T00:00:00Z`)])].sort();
  const numberCandidates = (integer: boolean): number[] => [...new Set(constants.numbers.flatMap((n) => [n - 1, n, n + 1]).filter((n) => n >= 0 && (!integer || Number.isInteger(n))))].slice(0, 40);
  const integers = numberCandidates(true);
  const decimals = numberCandidates(false);

  const scalarCandidates = (t: Type, v: unknown): readonly unknown[] => {
    switch (t.kind) {
      case "boolean":
        return [!v];
      case "enum":
        return (enums.get(t.name) ?? []).filter((m) => m !== v);
      case "integer":
        return integers.filter((n) => n !== v);
      case "decimal":
        return decimals.filter((n) => n !== v);
      case "date":
        return dateCandidates.filter((d) => d !== v);
      case "datetime":
        return datetimeCandidates.filter((d) => d !== v);
      case "text":
        return constants.texts.filter((s) => s !== v);
      default:
        return [];
    }
  };
  const scalar = (path: string, fact: string, c: unknown): Mutation => new Mutation(path, fact, `${path} = ${JSON.stringify(c)}`, () => c);

  const listCandidates = (path: string, fact: string, element: Type, v: readonly unknown[]): void => {
    if (v.length > 0) out.push(new Mutation(path, fact, `${path} = []`, () => [], true));
    for (let i = 0; i < v.length; i++) out.push(new Mutation(path, fact, `${path}: without element ${i}`, () => v.filter((_, j) => j !== i), true));
    if (element.kind !== "record") return;
    const template = (v[0] as Record<string, unknown> | undefined) ?? templates.get(element.name);
    const recordFields = fields.get(element.name);
    if (template === undefined || recordFields === undefined) return;
    const enumFields = [...recordFields].filter(([, t]) => t.kind === "enum") as [string, Type & { kind: "enum" }][];
    const dateFields = [...recordFields].filter(([, t]) => t.kind === "datetime" || t.kind === "date").map(([f, t]) => [f, t.kind] as const);
    const start = (() => {
      for (const [f] of dateFields) if (typeof template[f] === "string") return Date.parse(template[f] as string);
      return Date.parse("2022-01-01T00:00:00Z");
    })();
    // Without a date to spread over, a span changes nothing: one shape per length.
    const spans = dateFields.length > 0 ? constants.spans : [0];
    for (const [field, t] of enumFields.length > 0 ? enumFields : [["", { kind: "enum", name: "" }] as const]) {
      const members = field === "" ? [undefined] : (enums.get(t.name) ?? []);
      for (const member of members) {
        for (const n of constants.counts) {
          for (const span of spans) {
            if (n === 1 && span > 0) continue;
            const shape = `${field}=${String(member)}|${n}|${span}`;
            const make = (): unknown[] =>
              shapes.shape(template, shape, () =>
                Array.from({ length: n }, (_, i) => {
                  const e: Record<string, unknown> = { ...template };
                  if (field !== "") e[field] = member;
                  const at = start + (n === 1 ? 0 : Math.round((span * DAY * i) / (n - 1)));
                  for (const [f, kind] of dateFields) e[f] = kind === "date" ? new Date(at).toISOString().slice(0, 10) : isoDateTime(at);
                  return e;
                }),
              );
            out.push(new Mutation(path, fact, `${path} = ${n} × {${field === "" ? "" : `${field}: ${String(member)}`}}${dateFields.length > 0 && n > 1 ? ` over ${span} days` : ""}`, make, true));
          }
        }
      }
    }
  };

  const walk = (value: unknown, type: Type, path: string, fact: string): void => {
    if (type.kind === "optional") {
      if (value !== null && value !== undefined) {
        out.push(new Mutation(path, fact, `${path} absent`, () => null));
        walk(value, type.inner, path, fact);
      } else {
        // An absent scalar fact can become present, with the values the rules compare it with.
        for (const c of scalarCandidates(type.inner, undefined)) out.push(scalar(path, fact, c));
      }
      return;
    }
    if (type.kind === "record") {
      if (typeof value !== "object" || value === null) return;
      for (const [f, t] of fields.get(type.name) ?? []) walk((value as Record<string, unknown>)[f], t, path === "" ? f : `${path}.${f}`, `${type.name}.${f}`);
      return;
    }
    if (type.kind === "list") {
      if (!Array.isArray(value)) return;
      listCandidates(path, fact, type.element, value);
      // Inside a long list, the elements at its ends stand for the rest (the first and the last
      // are the ones `min`, `max` and a span read; any one does for `some`).
      if (type.element.kind === "record") for (const i of ends(value.length)) walk(value[i], type.element, `${path}[${i}]`, fact);
      return;
    }
    for (const c of scalarCandidates(type, value)) out.push(scalar(path, fact, c));
  };
  walk(record, { kind: "record", name: model.inputType }, "", model.inputType);
  return out;
}

/**
 * An element for each record type that lists can hold: the first one found in the records, or one
 * built from the schema (first enum member, false, 0, a date the rules use, an identifier value seen
 * in the records, absent optionals, empty lists) when no record has one.
 */
export function listTemplates(records: readonly unknown[], model: SearchModel): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const identifierValues = new Map<string, unknown>();
  const walk = (value: unknown, type: Type): void => {
    if (type.kind === "optional") return walk(value, type.inner);
    if (type.kind === "identifier" && !identifierValues.has(type.name) && value !== undefined && value !== null) identifierValues.set(type.name, value);
    if (type.kind === "list" && Array.isArray(value)) {
      if (type.element.kind === "record" && value.length > 0 && !out.has(type.element.name)) out.set(type.element.name, value[0] as Record<string, unknown>);
      for (const v of value) walk(v, type.element);
      return;
    }
    if (type.kind === "record" && typeof value === "object" && value !== null) for (const [f, t] of model.fields.get(type.name) ?? []) walk((value as Record<string, unknown>)[f], t);
  };
  for (const r of records) walk(r, { kind: "record", name: model.inputType });
  const date = model.constants.dates[0] ?? "2020-01-01";
  const synthesize = (name: string, depth: number): Record<string, unknown> | undefined => {
    if (depth > 4) return undefined;
    const rec: Record<string, unknown> = {};
    for (const [f, t] of model.fields.get(name) ?? []) {
      const v = valueFor(t, depth);
      if (v === undefined) return undefined;
      if (v !== null) rec[f] = v;
    }
    return rec;
  };
  const valueFor = (t: Type, depth: number): unknown => {
    switch (t.kind) {
      case "optional":
        return null;
      case "boolean":
        return false;
      case "integer":
      case "decimal":
        return 0;
      case "text":
        return "X";
      case "date":
        return date;
      case "datetime":
        return `${date}T00:00:00Z`;
      case "enum":
        return model.enums.get(t.name)?.[0];
      case "identifier":
        return identifierValues.get(t.name);
      case "list":
        return [];
      case "record":
        return synthesize(t.name, depth + 1);
      default:
        return undefined;
    }
  };
  for (const name of model.records) {
    if (out.has(name)) continue;
    const t = synthesize(name, 0);
    if (t !== undefined) out.set(name, t);
  }
  return out;
}
