/**
 * A reader of a version's input record written for that record's shape (rt.Schema): it reads a
 * record's NDJSON text straight into the value JSON.parse would give, validating as it goes, and
 * answers only for text it fully understands, so every other text takes the general path
 * (src/cli/records.ts parseRaw: JSON.parse, the generated check, then validation from the schema)
 * and gets its value, problem or errors exactly as before.
 *
 * It understands JSON holding exactly the declared fields of each record, in their declared
 * order, an optional field present or not, every string printable ASCII with no backslash, no
 * number, written compact (no blank anywhere) or with blanks between tokens: RFC 8259's
 * insignificant whitespace (space, tab, carriage return, line feed; what JSON.parse skips), any
 * number of them before or after any `{`, `}`, `[`, `]`, `,` or `:` and around the whole text, as
 * json.dumps' default `", "` and `": "` and any indented layout write it. An NDJSON line holds no
 * line feed (and its carriage return is cut off with it), but a JSON array's element may, and one
 * means the same as a space there. A blank inside a string is its content (read as it is); a
 * blank inside a token (`tr ue`), a character JSON.parse does not skip (a BOM, U+2028, U+00A0) or
 * a backslash anywhere makes the text one this reader does not understand.
 *
 * One regular expression built from the schema tests the compact shape (V8 compiles it to machine
 * code, far cheaper than comparing keys in JavaScript); only a text it refuses, with no backslash,
 * is tested by a second one, the same with blanks allowed where JSON allows them. Then code
 * compiled from the schema for that shape, which knows where every key is (after the blanks, if
 * any), reads the values and checks each as the generated check does (dates, date-times,
 * identifier patterns and check digits; enum members and booleans the expression already
 * settled). A text of either shape holds no undeclared, forbidden or repeated key and nests no
 * deeper than a valid record, and its strings mean what they say, and blanks between tokens
 * change nothing JSON.parse gives, so where this reader returns a value it is the value JSON.parse
 * gives (same members in the same order) and the general path would have found it valid.
 * Integers and decimals are not read: a version with such a field gets no reader for the records
 * holding one.
 */
import { checkDigitValid, isCalendarDate, isDateTime, type FieldType, type Schema } from "../runtime/index.js";

/** Printable ASCII but `"` and `\`: what a string's text may hold to be read here. */
const PLAIN = "[ !#-\\[\\]-~]*";

/** A value of a field, read where a valid text has it, or FAIL. */
const FAIL: unique symbol = Symbol("fail");

/** What JSON allows between two tokens (RFC 8259's insignificant whitespace, as JSON.parse reads it). */
const BLANKS = "[ \\t\\n\\r]*";

export class SchemaReader {
  private readonly shape: RegExp;
  private readonly root: Compiled;
  private readonly spacedShape: RegExp;
  private readonly spacedRoot: Compiled;

  private constructor(schema: Schema) {
    this.shape = new RegExp(`^${this.recordPattern(schema, schema.root, "", new Map(), new Set())}$`);
    this.root = compileReader(schema, false);
    this.spacedShape = new RegExp(`^${BLANKS}${this.recordPattern(schema, schema.root, BLANKS, new Map(), new Set())}${BLANKS}$`);
    this.spacedRoot = compileReader(schema, true);
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
    // The compact shape first, as most records are written (its pattern and reader have no blanks
    // to skip); the spaced one only for a text the compact one refused.
    let compact: boolean;
    try {
      compact = this.shape.test(text);
      // A backslash is never in a text either shape matches: one search spares the spaced shape's
      // run up to it (a text json.dumps wrote with ensure_ascii has blanks and escapes both).
      if (!compact && (text.indexOf("\\") >= 0 || !this.spacedShape.test(text))) return undefined;
    } catch {
      return undefined;
    }
    // Two calls, each always of the same function (which V8 may then inline).
    const v = compact ? this.root(text) : this.spacedRoot(text);
    return v === FAIL ? undefined : v;
  }

  /**
   * The pattern of a record's text, with `w` where JSON allows blanks between tokens ("" for the
   * compact shape). A `w` is never next to another that could match the same blanks (an empty
   * record's `{` and `}` have one between them, a field's value is followed by one only inside
   * the group of the comma after it or before the `}`), so a long run of blanks costs the matcher
   * work in proportion to its length, not to its square.
   */
  private recordPattern(schema: Schema, name: string, w: string, done: Map<string, string>, open: Set<string>): string {
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
      const value = this.valuePattern(schema, inner, w, done, open);
      const written = `"${escape(field)}"${w}:${w}${type.kind === "optional" ? `(?:null|${value})` : value}`;
      return { optional: type.kind === "optional", written };
    });
    const rest = (from: number): string => parts.slice(from).map((p) => (p.optional ? `(?:${w},${w}${p.written})?` : `${w},${w}${p.written}`)).join("");
    const firsts: string[] = [];
    for (let k = 0; k < parts.length; k++) {
      firsts.push(`${parts[k].written}${rest(k + 1)}${w}`);
      if (!parts[k].optional) break;
    }
    // Every field optional: the record may also be `{}` (the blanks after `{` are all it holds).
    if (parts.every((p) => p.optional)) firsts.push("");
    const pattern = `\\{${w}(?:${firsts.join("|")})\\}`;
    open.delete(name);
    done.set(name, pattern);
    return pattern;
  }

  private valuePattern(schema: Schema, type: FieldType, w: string, done: Map<string, string>, open: Set<string>): string {
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
        return this.recordPattern(schema, type.name, w, done, open);
      case "list": {
        const e = this.valuePattern(schema, type.element, w, done, open);
        // As in a record: the blanks after the last element are matched once, outside the repeat.
        return `\\[${w}(?:${e}(?:${w},${w}${e})*${w})?\\]`;
      }
      case "optional":
        return `(?:null|${this.valuePattern(schema, type.inner, w, done, open)})`;
      default:
        // integer, decimal: never matched, so never read here.
        return "(?!)";
    }
  }
}

/** What a compiled reader is: the record of a text the shape accepted, or FAIL. */
type Compiled = (s: string) => unknown;

/** Marks an optional field absent from the text. */
const ABSENT: unique symbol = Symbol("absent");

/**
 * The reader of a text the shape accepted, compiled from the schema (as a validator library
 * compiles its schemas): one function per record type and per list, each field read at a place of
 * its own, where it is known to be (its key is skipped, not compared: the shape matched it), its
 * value checked as the generated check checks it, and the object made with its members in the
 * declared order, only those present. Every name is checked first (checkName) and written as a JSON
 * string literal; nothing else of the schema is written into the code but numbers (enum members
 * are passed in, and a value read is the member itself).
 *
 * `spaced`: for the spaced shape, whose texts may hold blanks between any two tokens. Blanks are
 * skipped (`b`: the first place from `p` that is not a blank) before and after every `{`, `[`,
 * `,`, `:`, `}` and `]`; a value itself (a string, `true`, `false`, `null`) is read as in compact
 * text. An optional field's key is looked for after the blanks, and the comma and the blanks after
 * it when a field came before, without moving on unless it is there.
 */
function compileReader(schema: Schema, spaced: boolean): Compiled {
  const out: string[] = [];
  const patterns: { pattern: RegExp; checkDigit?: { readonly weights: readonly number[]; readonly moduli: readonly number[] } }[] = [];
  const enums: (readonly string[])[] = [];
  const records = new Map<string, number>();
  const lists = new Map<string, number>();

  const value = (t: FieldType, v: string): string => {
    const str = `j = s.indexOf('"', i + 1); ${v} = s.slice(i + 1, j); i = j + 1;`;
    switch (t.kind) {
      case "boolean":
        return `if (s.charCodeAt(i) === 116) { ${v} = true; i += 4; } else { ${v} = false; i += 5; }`;
      case "text":
      case "clause":
        return str;
      case "enum": {
        // The member itself rather than a piece of the text: no new string per value, and the
        // rules compare it with their own literals (the same string) at once. The shape matched one
        // of the plain members; the slice is there for the reader to stay correct alone.
        const members = schema.enums[t.name];
        if (members === undefined) throw new Error(`no enum ${t.name}`);
        const k = enums.push(members.filter((m) => /^[ !#-[\]-~]*$/.test(m))) - 1;
        const tests = enums[k].map((m, n) => `n === ${m.length} && s.startsWith(enums[${k}][${n}], i + 1) ? enums[${k}][${n}] : `).join("");
        return `j = s.indexOf('"', i + 1); n = j - i - 1; ${v} = ${tests}s.slice(i + 1, j); i = j + 1;`;
      }
      case "date":
        return `${str} if (!isCalendarDate(${v})) return FAIL;`;
      case "datetime":
        return `${str} if (!isDateTime(${v})) return FAIL;`;
      case "identifier": {
        const id = schema.identifiers[t.name];
        if (id === undefined) throw new Error(`no identifier ${t.name}`);
        // As the generated check tests it (src/compiler/generate/validator.ts).
        const k = patterns.push({ pattern: new RegExp(id.pattern, "u"), checkDigit: id.checkDigit }) - 1;
        const digit = id.checkDigit === undefined ? "" : ` || !checkDigitValid(${v}, patterns[${k}].checkDigit.weights, patterns[${k}].checkDigit.moduli)`;
        return `${str} if (!patterns[${k}].pattern.test(${v})${digit}) return FAIL;`;
      }
      case "record":
        return `${v} = r${record(t.name)}(); if (${v} === FAIL) return FAIL;`;
      case "list":
        return `${v} = l${list(t.element)}(); if (${v} === FAIL) return FAIL;`;
      case "optional":
        return `if (s.charCodeAt(i) === 110) { ${v} = null; i += 4; } else { ${value(t.inner, v)} }`;
      default:
        return "return FAIL;";
    }
  };

  const list = (element: FieldType): number => {
    const key = JSON.stringify(element);
    const known = lists.get(key);
    if (known !== undefined) return known;
    const k = lists.size;
    lists.set(key, k);
    if (spaced) out.push(`function l${k}() { const a = []; let e, j, n; i = b(i + 1); if (s.charCodeAt(i) === 93) { i++; return a; } for (;;) { ${value(element, "e")} a.push(e); i = b(i); if (s.charCodeAt(i++) === 93) return a; i = b(i); } }`);
    else out.push(`function l${k}() { const a = []; let e, j, n; if (s.charCodeAt(++i) === 93) { i++; return a; } for (;;) { ${value(element, "e")} a.push(e); if (s.charCodeAt(i++) === 93) return a; } }`);
    return k;
  };

  const record = (name: string): number => {
    const known = records.get(name);
    if (known !== undefined) return known;
    const k = records.size;
    records.set(name, k);
    const fields = schema.records[name]!;
    const lines = [spaced ? "i = b(i + 1);" : "i++;", `let j, n${spaced ? ", k" : ""}${fields.map((_, f) => `, f${f}`).join("")};`];
    // Whether a field came before this one (then a comma is before it): known while compiling
    // until an optional field, then kept in `first`.
    let first: boolean | undefined = true;
    fields.forEach(([field, type], f) => {
      checkName(field);
      const key = JSON.stringify(field);
      if (spaced) {
        // The blanks, comma and blanks before the key (where a field came before), the key, the
        // blanks, colon and blanks after it. An optional key is looked for at k, after the blanks
        // and the comma and blanks after it if there is one (if not, k is at the `}`), and i moved
        // there if it is found.
        const comma = "i = b(b(i) + 1);";
        const before = first === true ? "" : first === false ? comma : `if (!first) ${comma}`;
        const after = `i = b(b(i + ${key.length}) + 1);`;
        if (type.kind === "optional") {
          const later = "k = b(i); if (s.charCodeAt(k) === 44) k = b(k + 1);";
          const look = first === true ? "k = i;" : first === false ? later : `if (first) k = i; else { ${later} }`;
          lines.push(`${look} if (s.startsWith(${JSON.stringify(key)}, k)) { i = k; ${after} ${first !== false ? "first = false; " : ""}${value(type, `f${f}`)} } else f${f} = ABSENT;`);
          if (first === true) {
            lines.splice(1, 0, "let first = true;");
            first = undefined;
          }
        } else {
          lines.push(`${before} ${after} ${first === undefined ? "first = false; " : ""}${value(type, `f${f}`)}`);
          first = false;
        }
        return;
      }
      const skip = `i += ${first === true ? "" : first === false ? "1 + " : "(first ? 0 : 1) + "}${key.length + 1};`;
      if (type.kind === "optional") {
        const present = first === true ? `s.startsWith(${JSON.stringify(`${key}:`)}, i)` : first === false ? `s.charCodeAt(i) === 44 && s.startsWith(${JSON.stringify(`${key}:`)}, i + 1)` : `(first ? s.startsWith(${JSON.stringify(`${key}:`)}, i) : s.charCodeAt(i) === 44 && s.startsWith(${JSON.stringify(`${key}:`)}, i + 1))`;
        lines.push(`if (${present}) { ${skip} ${first !== false ? "first = false; " : ""}${value(type, `f${f}`)} } else f${f} = ABSENT;`);
        if (first === true) {
          lines.splice(1, 0, "let first = true;");
          first = undefined;
        }
      } else {
        lines.push(`${skip} ${first === undefined ? "first = false; " : ""}${value(type, `f${f}`)}`);
        first = false;
      }
    });
    let lead = fields.findIndex(([, t]) => t.kind === "optional");
    if (lead < 0) lead = fields.length;
    lines.push(`${spaced ? "i = b(i) + 1;" : "i++;"} const o = {${fields.slice(0, lead).map(([field], f) => `${JSON.stringify(field)}: f${f}`).join(", ")}};`);
    fields.forEach(([field, type], f) => {
      if (f >= lead) lines.push(`${type.kind === "optional" ? `if (f${f} !== ABSENT) ` : ""}o[${JSON.stringify(field)}] = f${f};`);
    });
    lines.push("return o;");
    out.push(`function r${k}() {\n${lines.join("\n")}\n}`);
    return k;
  };

  const root = record(schema.root);
  const blanks = "function b(p) { for (let c = s.charCodeAt(p); c === 32 || c === 10 || c === 13 || c === 9; c = s.charCodeAt(++p)); return p; }\n";
  const source = `let s = "", i = 0;\n${spaced ? blanks : ""}${out.join("\n")}\nreturn (text) => { s = text; i = ${spaced ? "b(0)" : "0"}; const v = r${root}(); s = ""; return v; };`;
  return new Function("isCalendarDate", "isDateTime", "checkDigitValid", "patterns", "enums", "FAIL", "ABSENT", source)(isCalendarDate, isDateTime, checkDigitValid, patterns, enums, FAIL, ABSENT) as Compiled;
}

/** A field name written in JSON as it is, and not one an object has already (`__proto__`, `constructor`…). */
function checkName(field: string): void {
  if (!/^[ !#-[\]-~]+$/.test(field) || field in Object.prototype || field === "__proto__") throw new Error(`field ${field} is not read here`);
}

/** Text matched literally by a regular expression (no `u` flag: every punctuation may be escaped). */
function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}
