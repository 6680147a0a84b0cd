/**
 * A reader of a version's input record written for that record's shape (rt.Schema): it reads a
 * record's NDJSON text straight into the value JSON.parse would give, validating as it goes, and
 * answers only for text it fully understands, so every other text takes the general path
 * (src/cli/records.ts parseRaw: JSON.parse, the generated check, then validation from the schema)
 * and gets its value, problem or errors exactly as before.
 *
 * It understands compact JSON (no blank anywhere) holding exactly the declared fields of each
 * record, in their declared order, an optional field present or not, every string printable ASCII
 * with no backslash, no number: one regular expression built from the schema tests that shape
 * (V8 compiles it to machine code, far cheaper than comparing keys in JavaScript), then a walk
 * that knows where every key is reads the values and checks each as the generated check does
 * (dates, date-times, identifier patterns and check digits; enum members and booleans the
 * expression already settled). A text of that shape holds no undeclared, forbidden or repeated
 * key and nests no deeper than a valid record, and its strings mean what they say, so where this
 * reader returns a value it is the value JSON.parse gives (same members in the same order) and
 * the general path would have found it valid. Integers and decimals are not read: a version with
 * such a field gets no reader for the records holding one.
 */
import { checkDigitValid, isCalendarDate, isDateTime, type FieldType, type Schema } from "../runtime/index.js";

/** Printable ASCII but `"` and `\`: what a string's text may hold to be read here. */
const PLAIN = "[ !#-\\[\\]-~]*";

type Read = () => unknown;

/** A value of a field, read where a valid text has it, or FAIL. */
const FAIL: unique symbol = Symbol("fail");

export class SchemaReader {
  private readonly shape: RegExp;
  private readonly root: Read;
  private s = "";
  private i = 0;

  private constructor(schema: Schema) {
    const patterns = new Map<string, string>();
    this.shape = new RegExp(`^${this.recordPattern(schema, schema.root, patterns, new Set())}$`);
    this.root = this.recordReader(schema, schema.root);
  }

  /**
   * The reader for a version's records, or undefined when its schema has what this reader does
   * not handle (a record holding itself, a field name that JSON or a regular expression would
   * write differently, a forbidden name).
   */
  static for(schema: Schema): SchemaReader | undefined {
    try {
      return new SchemaReader(schema);
    } catch {
      return undefined;
    }
  }

  /** The record `text` holds, valid; undefined when the general path must read it. */
  read(text: string): unknown {
    // A regular expression that runs out of its backtracking stack throws: the general path reads.
    try {
      if (!this.shape.test(text)) return undefined;
    } catch {
      return undefined;
    }
    this.s = text;
    this.i = 0;
    const v = this.root();
    this.s = "";
    return v === FAIL ? undefined : v;
  }

  private recordPattern(schema: Schema, name: string, done: Map<string, string>, open: Set<string>): string {
    const known = done.get(name);
    if (known !== undefined) return known;
    if (open.has(name)) throw new Error(`record ${name} holds itself`);
    const fields = schema.records[name];
    if (fields === undefined) throw new Error(`no record ${name}`);
    open.add(name);
    // Each field with the comma before it when a field came before; which one came first is not
    // known when the first fields are optional, so the text is matched with every field written
    // after a comma and the comma after `{` is not in the text: `{` then, in turn, each field
    // (required, or optional and maybe absent) with a comma unless it is the first present one.
    // That is a choice over which field is first present: the fields up to the first required one.
    const parts = fields.map(([field, type]) => {
      checkName(field);
      const inner = type.kind === "optional" ? type.inner : type;
      const value = this.valuePattern(schema, inner, done, open);
      const written = `"${escape(field)}":${type.kind === "optional" ? `(?:null|${value})` : value}`;
      return { optional: type.kind === "optional", written };
    });
    const rest = (from: number): string => parts.slice(from).map((p) => (p.optional ? `(?:,${p.written})?` : `,${p.written}`)).join("");
    const firsts: string[] = [];
    for (let k = 0; k < parts.length; k++) {
      firsts.push(`${parts[k].written}${rest(k + 1)}`);
      if (!parts[k].optional) break;
    }
    // Every field optional: the record may also be `{}`.
    if (parts.every((p) => p.optional)) firsts.push("");
    const pattern = `\\{(?:${firsts.join("|")})\\}`;
    open.delete(name);
    done.set(name, pattern);
    return pattern;
  }

  private valuePattern(schema: Schema, type: FieldType, done: Map<string, string>, open: Set<string>): string {
    switch (type.kind) {
      case "boolean":
        return "(?:true|false)";
      case "text":
      case "clause":
      case "date":
      case "datetime":
      case "identifier":
        return `"${PLAIN}"`;
      case "enum": {
        const members = schema.enums[type.name];
        if (members === undefined) throw new Error(`no enum ${type.name}`);
        // A member JSON would write with an escape is never matched here: the general path reads it.
        const plain = members.filter((m) => /^[ !#-[\]-~]*$/.test(m));
        return plain.length === 0 ? "(?!)" : `"(?:${plain.map(escape).join("|")})"`;
      }
      case "record":
        return this.recordPattern(schema, type.name, done, open);
      case "list": {
        const e = this.valuePattern(schema, type.element, done, open);
        return `\\[(?:${e}(?:,${e})*)?\\]`;
      }
      case "optional":
        return `(?:null|${this.valuePattern(schema, type.inner, done, open)})`;
      default:
        // integer, decimal: never matched, so never read here.
        return "(?!)";
    }
  }

  private recordReader(schema: Schema, name: string): Read {
    const fields = schema.records[name]!.map(([field, type]) => ({ field, optional: type.kind === "optional", key: `"${field}":`, read: this.valueReader(schema, type.kind === "optional" ? type.inner : type) }));
    const values: unknown[] = fields.map(() => ABSENT);
    const make = maker(fields);
    return () => {
      const s = this.s;
      this.i++; // {
      let first = true;
      for (let k = 0; k < fields.length; k++) {
        const f = fields[k];
        // The shape puts a comma before every field but the first one present.
        const at = first ? this.i : this.i + 1;
        if (f.optional && ((!first && s.charCodeAt(this.i) !== 44) /* , */ || !s.startsWith(f.key, at))) {
          values[k] = ABSENT;
          continue;
        }
        this.i = at + f.key.length;
        first = false;
        if (f.optional && s.charCodeAt(this.i) === 110 /* n */) {
          this.i += 4;
          values[k] = null;
          continue;
        }
        const v = f.read();
        if (v === FAIL) return FAIL;
        values[k] = v;
      }
      this.i++; // }
      return make(values, ABSENT);
    };
  }

  private valueReader(schema: Schema, type: FieldType): Read {
    switch (type.kind) {
      case "boolean":
        return () => {
          if (this.s.charCodeAt(this.i) === 116 /* t */) {
            this.i += 4;
            return true;
          }
          this.i += 5;
          return false;
        };
      case "text":
      case "clause":
      case "enum":
        return () => this.string();
      case "date":
        return () => {
          const v = this.string();
          return isCalendarDate(v) ? v : FAIL;
        };
      case "datetime":
        return () => {
          const v = this.string();
          return isDateTime(v) ? v : FAIL;
        };
      case "identifier": {
        const id = schema.identifiers[type.name];
        if (id === undefined) throw new Error(`no identifier ${type.name}`);
        // As the generated check tests it (src/compiler/generate/validator.ts).
        const pattern = new RegExp(id.pattern, "u");
        const digit = id.checkDigit;
        return digit === undefined
          ? () => {
              const v = this.string();
              return pattern.test(v) ? v : FAIL;
            }
          : () => {
              const v = this.string();
              return pattern.test(v) && checkDigitValid(v, digit.weights, digit.moduli) ? v : FAIL;
            };
      }
      case "record":
        return this.recordReader(schema, type.name);
      case "list": {
        const element = this.valueReader(schema, type.element);
        return () => {
          const s = this.s;
          const out: unknown[] = [];
          if (s.charCodeAt(++this.i) === 93 /* ] */) {
            this.i++;
            return out;
          }
          for (;;) {
            const v = element();
            if (v === FAIL) return FAIL;
            out.push(v);
            if (s.charCodeAt(this.i++) === 93 /* ] */) return out;
          }
        };
      }
      case "optional": {
        const inner = this.valueReader(schema, type.inner);
        return () => {
          if (this.s.charCodeAt(this.i) === 110 /* n */) {
            this.i += 4;
            return null;
          }
          return inner();
        };
      }
      default:
        return () => FAIL;
    }
  }

  /** The string starting at the reader's place (the shape says it holds no quote or backslash). */
  private string(): string {
    const j = this.s.indexOf('"', this.i + 1);
    const v = this.s.slice(this.i + 1, j);
    this.i = j + 1;
    return v;
  }
}

/** Marks an optional field absent from the text. */
const ABSENT: unique symbol = Symbol("absent");

/**
 * A function making a record's object from its values in declared order, its members in that
 * order and only those present, as JSON.parse makes it from such a text. Compiled for the record
 * (as a validator library compiles its schemas) so that each member is set by name at a place of
 * its own: one place setting every name in turn was a third of the reading. The names are checked
 * first (checkName) and written as JSON string literals.
 */
function maker(fields: readonly { readonly field: string; readonly optional: boolean }[]): (values: readonly unknown[], absent: symbol) => Record<string, unknown> {
  // The required fields before the first optional one in a literal, the rest added in turn.
  let lead = fields.findIndex((f) => f.optional);
  if (lead < 0) lead = fields.length;
  const lines = [`const o = {${fields.slice(0, lead).map(({ field }, k) => `${JSON.stringify(field)}: values[${k}]`).join(", ")}};`];
  fields.forEach(({ field, optional }, k) => {
    if (k < lead) return;
    const set = `o[${JSON.stringify(field)}] = values[${k}];`;
    lines.push(optional ? `if (values[${k}] !== absent) ${set}` : set);
  });
  lines.push("return o;");
  return new Function("values", "absent", lines.join("\n")) as (values: readonly unknown[], absent: symbol) => Record<string, unknown>;
}

/** A field name written in JSON as it is, and not one an object has already (`__proto__`, `constructor`…). */
function checkName(field: string): void {
  if (!/^[ !#-[\]-~]+$/.test(field) || field in Object.prototype || field === "__proto__") throw new Error(`field ${field} is not read here`);
}

/** Text matched literally by a regular expression (no `u` flag: every punctuation may be escaped). */
function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}
