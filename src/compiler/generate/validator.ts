/**
 * The straight-line validity check of a version's input: for each declared record a function that
 * says whether a parsed JSON value is a valid record of that type, written out field by field from
 * the declarations (as the evaluator is), with no schema interpreted, no path built and nothing
 * allocated. `rt.Validator` calls it first; only a record it rejects goes through the schema-driven
 * validation, which finds every problem and its JSON path. So the check must accept exactly the
 * records that validation finds nothing wrong with (test/runtime/validator-check.test.ts compares
 * them on valid, broken and mutated records):
 * - an object (not null, not a list) whose own keys are all declared fields, none of them
 *   `__proto__`, `constructor` or `prototype` (counted: as many own keys as declared fields present);
 * - every required field present and not null, every present value of its declared type.
 */
import type { CheckedVersion } from "../check/index.js";
import type { Type } from "../check/types.js";
import { typeName } from "./names.js";

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/** The name of the check function of record `name` (a prefix no declared name's function shares). */
export const checkName = (name: string): string => `isValid$${name}`;

/** A field's type as validation sees it: a field an amendment added with a default may be absent. */
export function schemaType(version: CheckedVersion, record: string, field: string): Type {
  const t = version.fieldTypes.get(record)!.get(field)!;
  return version.fieldDefaults.get(record)?.has(field) === true && t.kind !== "optional" ? { kind: "optional", inner: t } : t;
}

export interface ValidatorCode {
  /** Module-level declarations: patterns, sets, and one function per record. */
  readonly statements: string[];
  /** The input record's check function. */
  readonly root: string;
}

export function validatorCode(version: CheckedVersion): ValidatorCode {
  const statements: string[] = [];
  const consts = new Map<string, string>();
  const constant = (key: string, make: (name: string) => string): string => {
    let name = consts.get(key);
    if (name === undefined) {
      const kind = key.split(":")[0];
      name = `${kind === "enum" ? "MEMBERS" : kind === "id" ? "PATTERN" : "isValidList"}_${consts.size}`;
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
        if (members.length <= 8) return members.length === 0 ? "false" : `(${members.map((m) => `${x} === ${JSON.stringify(m)}`).join(" || ")})`;
        const set = constant(`enum:${t.name}`, (n) => `/** The members of \`${t.name}\`. */\nconst ${n}: ReadonlySet<unknown> = new Set(${JSON.stringify(members)});`);
        return `${set}.has(${x})`;
      }
      case "identifier": {
        const id = identifiers.get(t.name)!;
        const pattern = constant(`id:${t.name}`, (n) => `/** The pattern of \`${t.name}\`. */\nconst ${n} = new RegExp(${JSON.stringify(id.pattern.value)}, "u");`);
        const digit = id.checkDigit === undefined ? "" : ` && rt.checkDigitValid(${x}, [${id.checkDigit.weights.join(", ")}], [${id.checkDigit.moduli.join(", ")}])`;
        return `(typeof ${x} === "string" && ${pattern}.test(${x})${digit})`;
      }
      case "record":
        return `${checkName(t.name)}(${x})`;
      case "list": {
        // A list's elements, in a function of its own: a plain loop, stopping at the first bad one.
        const name = constant(`list:${JSON.stringify(t.element)}`, (n) => {
          return `function ${n}(list: readonly unknown[]): boolean {\nfor (let i = 0; i < list.length; i++) {\nconst e = list[i];\nif (!(${test(t.element, "e")})) return false;\n}\nreturn true;\n}`;
        });
        return `(Array.isArray(${x}) && ${name}(${x}))`;
      }
      default:
        return "false";
    }
  };

  for (const r of version.records) {
    const fields = r.fields.map((f) => f.name.text);
    const body: string[] = [
      'if (typeof value !== "object" || value === null || Array.isArray(value)) return false;',
      "const o = value as Record<string, unknown>;",
      // Every own key must be a declared field: counted, then compared with the fields present.
      "let keys = 0;",
      "for (const k in o) if (Object.hasOwn(o, k)) keys++;",
      "let present = 0;",
    ];
    fields.forEach((field, i) => {
      const t = schemaType(version, r.name.text, field);
      const v = `f${i}`;
      const key = JSON.stringify(field);
      if (FORBIDDEN.has(field)) {
        body.push(`if (Object.hasOwn(o, ${key})) return false;`);
        return;
      }
      // Own properties only, as validation reads them (a value inherited from a prototype is absent).
      const read = `Object.hasOwn(o, ${key}) ? o[${key}] : undefined`;
      body.push(`const ${v} = ${read};`);
      if (t.kind === "optional") {
        body.push(`if (${v} !== undefined) {`, "present++;", `if (${v} !== null && !(${test(t.inner, v)})) return false;`, "}");
      } else {
        body.push(`if (${v} === undefined || ${v} === null) return false;`, "present++;", `if (!(${test(t, v)})) return false;`);
      }
    });
    body.push("return keys === present;");
    statements.push(`/** Whether \`value\` is a valid \`${r.name.text}\` (nothing in it that validation would report). */\nfunction ${checkName(r.name.text)}(value: unknown): value is ${typeName(r.name.text)} {\n${body.join("\n")}\n}`);
  }
  return { statements, root: checkName(version.input.type.text) };
}
