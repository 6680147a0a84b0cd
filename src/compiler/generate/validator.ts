/**
 * The straight-line validity check of a version's input: for each declared record a function that
 * says whether a parsed JSON value is a valid record of that type and, if it is, how many object
 * members it accounts for (the declared fields present, its own and those of the records it holds),
 * written out field by field from the declarations (as the evaluator is), with no schema
 * interpreted, no path built and nothing allocated. `rt.Validator` calls it first; only a record it
 * rejects goes through the schema-driven validation, which finds every problem and its JSON path.
 * So it must accept exactly the records that validation finds nothing wrong with
 * (test/runtime/validator-check.test.ts compares them on valid, broken and mutated records):
 * - every required field present and not null, every present value of its declared type;
 * - no member other than the declared fields (and none named `__proto__`, `constructor` or
 *   `prototype`): the count it returns is compared with the members the value really has, by the
 *   caller (rt.Validator counts them in the value; the CLI counts the keys of the JSON text, which
 *   also finds a key given twice, as the parsed value holds it once).
 * A field is read as `o.name`; only a name that Object.prototype also has (`toString`, `valueOf`…)
 * is read with an own-property check, as a JSON object inherits those. What the members it accepts
 * take in compact JSON written without escapes (keys, values, braces, brackets, commas) is added
 * to `tally.length` (numbers aside), so that a caller with the JSON text can compare its length
 * instead of counting its keys (src/cli/records.ts parseRaw).
 */
import type { CheckedVersion } from "../check/index.js";
import type { Type } from "../check/types.js";
import { literal } from "./render.js";

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);
/** Names every object inherits: such a field is read with an own-property check. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** The name of the check function of record `name` (a prefix no declared name's function shares). */
export const checkName = (name: string): string => `members$${name}`;

/** A field's type as validation sees it: a field an amendment added with a default may be absent. */
export function schemaType(version: CheckedVersion, record: string, field: string): Type {
  const t = version.fieldTypes.get(record)!.get(field)!;
  return version.fieldDefaults.get(record)?.has(field) === true && t.kind !== "optional" ? { kind: "optional", inner: t } : t;
}

export interface ValidatorCode {
  /** Module-level declarations: patterns, sets, and one function per record. */
  readonly statements: string[];
  /** The input record's check function: the members a valid record accounts for, or -1. */
  readonly root: string;
}

export function validatorCode(version: CheckedVersion): ValidatorCode {
  const statements: string[] = [];
  const consts = new Map<string, string>();
  const constant = (key: string, make: (name: string) => string): string => {
    let name = consts.get(key);
    if (name === undefined) {
      const kind = key.split(":")[0];
      name = `${kind === "enum" ? "MEMBERS" : kind === "id" ? "PATTERN" : "membersOfList"}_${consts.size}`;
      consts.set(key, name);
      statements.push(make(name));
    }
    return name;
  };
  const enums = new Map(version.enums.map((e) => [e.name.text, e.members.map((m) => m.name.text)]));
  const identifiers = new Map(version.identifiers.map((i) => [i.name.text, i]));

  /** Code that is true when `x` (a simple expression) is a valid value of `t`. */
  const test = (t: Type, x: string): string => {
    switch (t.kind) {
      case "optional":
        return `(${x} === null || ${test(t.inner, x)})`;
      case "boolean":
        return `typeof ${x} === "boolean"`;
      case "integer":
        return `Number.isSafeInteger(${x})`;
      case "decimal":
        return `(typeof ${x} === "number" && Number.isFinite(${x}))`;
      case "text":
      case "clause":
        return `typeof ${x} === "string"`;
      case "date":
        return `(typeof ${x} === "string" && rt.isCalendarDate(${x}))`;
      case "datetime":
        return `(typeof ${x} === "string" && rt.isDateTime(${x}))`;
      case "enum": {
        const members = enums.get(t.name) ?? [];
        if (members.length <= 8) return members.length === 0 ? "false" : `(${members.map((m) => `${x} === ${literal(m)}`).join(" || ")})`;
        const set = constant(`enum:${t.name}`, (n) => `/** The members of \`${t.name}\`. */\nconst ${n}: ReadonlySet<unknown> = new Set(${literal(members)});`);
        return `${set}.has(${x})`;
      }
      case "identifier": {
        const id = identifiers.get(t.name)!;
        const pattern = constant(`id:${t.name}`, (n) => `/** The pattern of \`${t.name}\`. */\nconst ${n} = new RegExp(${literal(id.pattern.value)}, "u");`);
        const digit = id.checkDigit === undefined ? "" : ` && rt.checkDigitValid(${x}, [${id.checkDigit.weights.join(", ")}], [${id.checkDigit.moduli.join(", ")}])`;
        return `(typeof ${x} === "string" && ${pattern}.test(${x})${digit})`;
      }
      case "record":
      case "list":
        return `${count(t, x)} >= 0`;
      default:
        return "false";
    }
  };

  /**
   * Statements adding to the tally what a valid scalar `x` of `t` takes in compact JSON written
   * without escapes: its length (`"…"` for a string, `true`, `false`). A number's text, which can
   * be written in more than one way, is not measured: a text holding one is always longer than the
   * tally, and is settled by counting its keys instead (src/cli/records.ts parseRaw).
   */
  const lengthOf = (t: Type, x: string): string[] => {
    switch (t.kind) {
      case "optional": {
        const inner = lengthOf(t.inner, x);
        return inner.length === 0 ? [] : [`if (${x} === null) tally.length += 4;`, "else {", ...inner, "}"];
      }
      case "text":
      case "clause":
      case "identifier":
      case "datetime":
        return [`tally.length += ${x}.length + 2;`];
      case "enum":
        return [`tally.length += (${x} as string).length + 2;`];
      case "date":
        return ["tally.length += 12;"];
      case "boolean":
        return [`tally.length += ${x} ? 4 : 5;`];
      default:
        return [];
    }
  };

  /** Whether values of `t` are (or may hold) objects, whose members are counted. */
  const holdsObjects = (t: Type): boolean => t.kind === "record" || (t.kind === "list" && holdsObjects(t.element)) || (t.kind === "optional" && holdsObjects(t.inner));

  /** Code giving the members a valid `x` of `t` accounts for, or -1 when it is not valid. */
  const count = (t: Type, x: string): string => {
    if (t.kind === "record") return `${checkName(t.name)}(${x}, tally)`;
    if (t.kind === "optional") return `(${x} === null ? ((tally.length += 4), 0) : ${count(t.inner, x)})`;
    if (t.kind === "list") {
      // A list's elements, in a function of its own: a plain loop, stopping at the first bad one;
      // in JSON, its brackets and a comma between elements.
      const name = constant(`list:${literal(t.element)}`, (n) => {
        const each = holdsObjects(t.element) || t.element.kind === "list" ? ["const m = " + count(t.element, "e") + ";", "if (m < 0) return -1;", "n += m;"] : [`if (!(${test(t.element, "e")})) return -1;`, ...lengthOf(t.element, "e")];
        return `function ${n}(list: readonly unknown[], tally: rt.Tally): number {\nlet n = 0;\nfor (let i = 0; i < list.length; i++) {\nconst e = list[i];\n${each.join("\n")}\n}\ntally.length += list.length === 0 ? 2 : list.length + 1;\nreturn n;\n}`;
      });
      return `(Array.isArray(${x}) ? ${name}(${x}, tally) : -1)`;
    }
    return `(${test(t, x)} ? 0 : -1)`;
  };

  for (const r of version.records) {
    const fields = r.fields.map((f) => f.name.text);
    const body: string[] = [];
    let required = 0;
    // In JSON, each required field's `"name":` (optional ones are added when present).
    let keys = 0;
    fields.forEach((field, i) => {
      const t = schemaType(version, r.name.text, field);
      const v = `f${i}`;
      const key = literal(field);
      if (FORBIDDEN.has(field)) {
        body.push(`if (Object.hasOwn(o, ${key})) return -1;`);
        return;
      }
      // Own properties only, as validation reads them: a JSON object inherits only Object.prototype's names.
      body.push(`const ${v} = ${INHERITED.has(field) ? `Object.hasOwn(o, ${key}) ? o[${key}] : undefined` : `o[${key}]`};`);
      const inner = t.kind === "optional" ? t.inner : t;
      const check = holdsObjects(inner) || inner.kind === "list" ? [`const m${i} = ${count(inner, v)};`, `if (m${i} < 0) return -1;`, `n += m${i};`] : [`if (!(${test(inner, v)})) return -1;`, ...lengthOf(inner, v)];
      // The key, its quotes and its `:`, as its characters (the reader takes off what escapes add, src/cli/records.ts escapeExcess).
      const key$ = field.length + 3;
      if (t.kind === "optional") body.push(`if (${v} !== undefined) {`, "n++;", "p++;", `tally.length += ${key$};`, `if (${v} === null) tally.length += 4;`, "else {", ...check, "}", "}");
      else {
        required++;
        keys += key$;
        body.push(`if (${v} === undefined || ${v} === null) return -1;`, ...check);
      }
    });
    const head = ['if (typeof value !== "object" || value === null || Array.isArray(value)) return -1;', "const o = value as Record<string, unknown>;", `let n = ${required};`, ...(required < fields.length ? [`let p = ${required};`] : [])];
    // Braces and a comma between members, with the required fields' keys.
    const own = required < fields.length ? `tally.length += ${keys} + (p === 0 ? 2 : p + 1);` : `tally.length += ${keys + (required === 0 ? 2 : required + 1)};`;
    statements.push(
      `/** The members a valid \`${r.name.text}\` accounts for (declared fields present, its own and those it holds), or -1 when \`value\` is not a valid \`${r.name.text}\`. */\nfunction ${checkName(r.name.text)}(value: unknown, tally: rt.Tally): number {\n${[...head, ...body, own, "return n;"].join("\n")}\n}`,
    );
  }
  return { statements, root: checkName(version.input.type.text) };
}
