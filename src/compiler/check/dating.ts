/**
 * Check pass "dating" (README "Dated facts"): `record R dated by f` and `field: T dated by f
 * otherwise v`. The dating field is a date or date-time of the same record; a dated field's earlier
 * value is a literal or another field of the record, and a required field must give one (TMAD3017,
 * TMAD3002, TMAD4001). The runtime cuts facts by these declarations (`--as-of`).
 */
import type * as A from "../ast/nodes.js";
import { type Report } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { Symbols } from "./collect.js";
import { EMPTY_SCOPE, type Inference } from "./infer.js";
import type { DeclaredTypes } from "./resolve-types.js";
import * as Ty from "./types.js";
import type { Type } from "./types.js";

function enumNameIn(t: Type): string | undefined {
  if (t.kind === "enum") return t.name;
  if (t.kind === "optional") return enumNameIn(t.inner);
  return undefined;
}

export function checkDating(s: Symbols, declared: DeclaredTypes, inference: Inference, report: Report): void {
  for (const r of s.records.values()) {
    if (r.recovered === true) continue;
    const types = declared.fieldTypes.get(r.name.text) ?? new Map<string, Type>();
    const datingField = (by: A.Name, what: string): void => {
      const t = types.get(by.text);
      if (t === undefined) {
        report("TMAD3002", by.span, `record ${r.name.text} has no field \`${by.text}\``, didYouMean(by.text, types.keys()) ?? `${what} is dated by one of its own fields`);
      } else if (!["date", "datetime"].includes((t.kind === "optional" ? t.inner : t).kind)) {
        report("TMAD3017", by.span, `\`${r.name.text}.${by.text}\` is ${Ty.typeToString(t)}: ${what} can only be dated by a date or date-time`, "name a field of type date or datetime (optional if some records lack it)");
      }
    };
    if (r.datedBy !== undefined) datingField(r.datedBy, `a ${r.name.text}`);
    for (const f of r.fields) {
      if (f.dated === undefined) continue;
      const own = types.get(f.name.text) ?? Ty.ERROR;
      if (f.dated.by.text === f.name.text) {
        report("TMAD3017", f.dated.by.span, `\`${r.name.text}.${f.name.text}\` cannot be dated by itself`, "name the field that holds the date its value changed");
        continue;
      }
      datingField(f.dated.by, `\`${r.name.text}.${f.name.text}\``);
      const before = f.dated.otherwise;
      if (before === undefined) {
        if (own.kind !== "optional") report("TMAD3017", f.dated.span, `\`${r.name.text}.${f.name.text}\` is required, so it needs the value it had before its date`, "add `otherwise` with a literal or another field of the record, e.g. `otherwise false`");
        continue;
      }
      const sibling = before.kind === "NameRef" ? types.get(before.name.text) : undefined;
      const ownEnum = enumNameIn(own);
      if (before.kind === "NameRef" && sibling === undefined && !(ownEnum !== undefined && s.enums.get(ownEnum)?.members.some((m) => m.name.text === before.name.text))) {
        report("TMAD3002", before.span, `record ${r.name.text} has no field \`${before.name.text}\``, didYouMean(before.name.text, types.keys()) ?? "write a literal or another field of the record");
      } else if (before.kind === "NameRef" && sibling !== undefined) {
        if (!Ty.assignable(sibling.kind === "optional" ? sibling.inner : sibling, own.kind === "optional" ? own.inner : own)) {
          report("TMAD4001", before.span, `the value before \`${r.name.text}.${f.name.text}\`'s date must be ${Ty.typeToString(own)}, not ${Ty.typeToString(sibling)}`);
        }
      } else if (["BooleanLiteral", "NumberLiteral", "TextLiteral", "DateLiteral", "DateTimeLiteral", "ClauseLiteral", "NameRef", "MemberAccess"].includes(before.kind)) {
        inference.expectAssignable(before, inference.typeOf(before, EMPTY_SCOPE, own.kind === "optional" ? own.inner : own), own, `the value before \`${r.name.text}.${f.name.text}\`'s date`);
      } else {
        report("TMAD3017", before.span, `the value before \`${r.name.text}.${f.name.text}\`'s date must be a literal or another field of ${r.name.text}`, "the runtime substitutes it without evaluating rules; write e.g. `otherwise false` or `otherwise previousStatus`");
      }
    }
  }
}
