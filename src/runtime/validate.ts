/**
 * Input validation. Each generated version exports its schema (the records, enums and identifier
 * types declared in its rule documents) as data; `validateRecord` checks a parsed JSON value against
 * it and gives every problem with its JSON path. A valid value is returned as is (no copy), typed as
 * the version's input; an invalid one is never evaluated, and nothing is ever filled in by default.
 */
import { closest } from "./suggest.js";
import { checkDigitValid, isCalendarDate, isDateTime } from "./values.js";

export type FieldType =
  | { readonly kind: "boolean" | "integer" | "decimal" | "text" | "date" | "datetime" | "clause" }
  | { readonly kind: "enum"; readonly name: string }
  | { readonly kind: "record"; readonly name: string }
  | { readonly kind: "identifier"; readonly name: string }
  | { readonly kind: "list"; readonly element: FieldType }
  | { readonly kind: "optional"; readonly inner: FieldType };

export interface Schema {
  /** The input record type's name. */
  readonly root: string;
  /** The field of the root record that identifies it. */
  readonly key: string;
  readonly records: Readonly<Record<string, readonly (readonly [string, FieldType])[]>>;
  readonly enums: Readonly<Record<string, readonly string[]>>;
  readonly identifiers: Readonly<Record<string, { readonly pattern: string; readonly checkDigit?: { readonly weights: readonly number[]; readonly moduli: readonly number[] } }>>;
}

export type InputErrorCode =
  | "invalid-json"
  | "not-an-object"
  | "missing-field"
  | "unknown-field"
  | "forbidden-key"
  | "wrong-type"
  | "unknown-enum-member"
  | "bad-identifier"
  | "bad-check-digit"
  | "bad-date"
  | "too-large"
  | "too-deep"
  | "duplicate-key"
  | "evaluation-error"
  | "unknown-as-of"
  /** Evaluating the record took longer than the per-record budget (`--max-record-ms`). */
  | "too-slow"
  /** Evaluating the record ran its worker thread out of memory. */
  | "out-of-memory"
  /** Evaluating the record failed in a way the rules cannot cause (a fault in tmad): reported, never fatal. */
  | "internal-error";

export interface InputError {
  readonly code: InputErrorCode;
  /** JSON path of the offending value, e.g. `$.devices[1].id`. */
  readonly path: string;
  readonly message: string;
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** Stop after this many errors in one record: a wholly wrong record needs no thousand lines. */
const MAX_ERRORS = 20;

interface CompiledIdentifier {
  readonly pattern: RegExp;
  readonly checkDigit?: { readonly weights: readonly number[]; readonly moduli: readonly number[] };
}

/**
 * Where the generated check adds up what a record it accepts takes in compact JSON written without
 * escapes: its length, less the text of its numbers (which can be written in more than one way).
 */
export interface Tally {
  length: number;
}

/** Prepared once per version: regular expressions compiled, enum members in sets. */
export class Validator<T> {
  private readonly enumSets = new Map<string, Set<string>>();
  private readonly identifiers = new Map<string, CompiledIdentifier>();
  private readonly fieldSets = new Map<string, Set<string>>();
  private readonly tally: Tally = { length: 0 };

  /**
   * How deep a valid record nests (each object and list a level, as each `{` and `[` of its JSON
   * text), or Infinity when a record type holds itself.
   */
  readonly depth: number;

  /**
   * `count`, when given, is the version's generated straight-line check (generate/validator.ts):
   * for a value in which validation finds nothing wrong, except perhaps members that are not
   * declared fields, the members it accounts for (the declared fields present, in every object of
   * the record); -1 for any other value. It builds no path and no error, so a valid record costs
   * one pass of plain comparisons and a count of its members; only a value it rejects, or whose
   * members are not all accounted for, is validated from the schema, to find every problem and its
   * JSON path.
   */
  constructor(
    readonly schema: Schema,
    private readonly count?: (value: unknown, tally: Tally) => number,
  ) {
    for (const [name, members] of Object.entries(schema.enums)) this.enumSets.set(name, new Set(members));
    for (const [name, id] of Object.entries(schema.identifiers)) {
      this.identifiers.set(name, id.checkDigit === undefined ? { pattern: new RegExp(id.pattern, "u") } : { pattern: new RegExp(id.pattern, "u"), checkDigit: id.checkDigit });
    }
    for (const [name, fields] of Object.entries(schema.records)) this.fieldSets.set(name, new Set(fields.map(([f]) => f)));
    this.depth = nesting(schema);
  }

  /** The record's key (e.g. its installation id) if it can be read, for error reports. */
  keyOf(value: unknown): string | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const k = (value as Record<string, unknown>)[this.schema.key];
    return typeof k === "string" ? k : undefined;
  }

  /**
   * The members a value holds that the generated check accounts for, or -1 when it rejects the
   * value (or there is no generated check). When this equals the number of object members in the
   * value's JSON text (keys, counted in the text, a key given twice counted twice), the value
   * parsed from that text is valid: no undeclared member and no duplicate key, which would make
   * the text's keys more; `validate` need not be called. The CLI's reading does this
   * (src/cli/records.ts).
   */
  accounted(value: unknown): number {
    this.tally.length = 0;
    return this.count === undefined ? -1 : this.count(value, this.tally);
  }

  /**
   * The length of the value `accounted` last accepted as compact JSON written without escapes, its
   * members limited to those it accounted for, less the text of its numbers. A JSON text of that
   * value, less what its escapes add, is exactly this long only when it has nothing else: no
   * number, no blank, no other member (undeclared, or a key given twice), each of which makes it longer.
   */
  get textLength(): number {
    return this.tally.length;
  }

  validate(value: unknown): { ok: true; value: T } | { ok: false; errors: InputError[] } {
    if (this.count !== undefined) {
      const n = this.count(value, this.tally);
      if (n >= 0 && n === ownMembers(value)) return { ok: true, value: value as T };
    }
    const errors: InputError[] = [];
    this.record(value, this.schema.root, "$", errors);
    return errors.length === 0 ? { ok: true, value: value as T } : { ok: false, errors };
  }

  private record(value: unknown, name: string, path: string, errors: InputError[]): void {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      errors.push({ code: "not-an-object", path, message: `expected a ${name} object, got ${describe(value)}` });
      return;
    }
    const obj = value as Record<string, unknown>;
    const fields = this.schema.records[name];
    const known = this.fieldSets.get(name)!;
    for (const key of Object.keys(obj)) {
      if (errors.length >= MAX_ERRORS) return;
      if (FORBIDDEN_KEYS.has(key)) {
        errors.push({ code: "forbidden-key", path: `${path}.${key}`, message: `key \`${key}\` is not allowed in input records` });
      } else if (!known.has(key)) {
        const hint = closest(key, known);
        errors.push({ code: "unknown-field", path: `${path}.${key}`, message: `${name} has no field \`${key}\`${hint === undefined ? "" : `; did you mean \`${hint}\`?`}` });
      }
    }
    for (const [field, type] of fields) {
      if (errors.length >= MAX_ERRORS) return;
      const v = Object.prototype.hasOwnProperty.call(obj, field) ? obj[field] : undefined;
      const p = `${path}.${field}`;
      if (v === undefined || v === null) {
        if (type.kind !== "optional") errors.push({ code: "missing-field", path: p, message: `${name} requires \`${field}\`` });
        continue;
      }
      this.value(v, type.kind === "optional" ? type.inner : type, p, errors);
    }
  }

  private value(v: unknown, type: FieldType, path: string, errors: InputError[]): void {
    switch (type.kind) {
      case "optional":
        if (v !== null && v !== undefined) this.value(v, type.inner, path, errors);
        return;
      case "boolean":
        if (typeof v !== "boolean") errors.push(wrong(path, "true or false", v));
        return;
      case "integer":
        if (typeof v !== "number" || !Number.isSafeInteger(v)) errors.push(wrong(path, "an integer", v));
        return;
      case "decimal":
        if (typeof v !== "number" || !Number.isFinite(v)) errors.push(wrong(path, "a number", v));
        return;
      case "text":
      case "clause":
        if (typeof v !== "string") errors.push(wrong(path, "text", v));
        return;
      case "date":
        if (typeof v !== "string") errors.push(wrong(path, "a date (YYYY-MM-DD)", v));
        else if (!isCalendarDate(v)) errors.push({ code: "bad-date", path, message: `"${clip(v)}" is not a calendar date (YYYY-MM-DD)` });
        return;
      case "datetime":
        if (typeof v !== "string") errors.push(wrong(path, "a date-time (ISO 8601 with offset)", v));
        else if (!isDateTime(v)) errors.push({ code: "bad-date", path, message: `"${clip(v)}" is not an ISO 8601 date-time with an offset, e.g. 2022-05-11T09:30:00Z` });
        return;
      case "enum": {
        if (typeof v !== "string") {
          errors.push(wrong(path, `one of ${type.name}`, v));
          return;
        }
        const members = this.enumSets.get(type.name)!;
        if (!members.has(v)) {
          const hint = closest(v, members);
          errors.push({ code: "unknown-enum-member", path, message: `"${clip(v)}" is not a ${type.name} (${[...members].join(", ")})${hint === undefined ? "" : `; did you mean "${hint}"?`}` });
        }
        return;
      }
      case "identifier": {
        if (typeof v !== "string") {
          errors.push(wrong(path, `a ${type.name}`, v));
          return;
        }
        const id = this.identifiers.get(type.name)!;
        if (!id.pattern.test(v)) errors.push({ code: "bad-identifier", path, message: `"${clip(v)}" is not a well-formed ${type.name} (${this.schema.identifiers[type.name].pattern})` });
        else if (id.checkDigit !== undefined && !checkDigitValid(v, id.checkDigit.weights, id.checkDigit.moduli)) {
          errors.push({ code: "bad-check-digit", path, message: `"${clip(v)}" fails the ${type.name} check digit` });
        }
        return;
      }
      case "list":
        if (!Array.isArray(v)) {
          errors.push(wrong(path, `a list`, v));
          return;
        }
        for (let i = 0; i < v.length && errors.length < MAX_ERRORS; i++) this.value(v[i], type.element, `${path}[${i}]`, errors);
        return;
      case "record":
        this.record(v, type.name, path, errors);
        return;
    }
  }
}

/**
 * The own members of every object in a value (non-enumerable ones too), or -1 when an object in it
 * is not a plain one (its prototype neither Object.prototype nor null: it could lend a declared field
 * the generated check reads). A walk with a stack, no recursion.
 */
function ownMembers(value: unknown): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== "object" || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return -1;
    const names = Object.getOwnPropertyNames(v);
    n += names.length;
    for (let i = 0; i < names.length; i++) stack.push((v as Record<string, unknown>)[names[i]]);
  }
  return n;
}

/** How deep a valid record of the schema nests: each record and list a level; Infinity when a record holds itself. */
function nesting(schema: Schema): number {
  const memo = new Map<string, number>();
  const ofType = (t: FieldType): number => {
    if (t.kind === "record") return ofRecord(t.name);
    if (t.kind === "list") return 1 + ofType(t.element);
    if (t.kind === "optional") return ofType(t.inner);
    return 0;
  };
  const ofRecord = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    memo.set(name, Infinity); // while it is being measured: a record reached again holds itself
    let deepest = 0;
    for (const [, t] of schema.records[name] ?? []) deepest = Math.max(deepest, ofType(t));
    memo.set(name, 1 + deepest);
    return 1 + deepest;
  };
  return ofRecord(schema.root);
}

function wrong(path: string, expected: string, v: unknown): InputError {
  return { code: "wrong-type", path, message: `expected ${expected}, got ${describe(v)}` };
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return `text "${clip(v)}"`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
