/**
 * CheckedProgram(s) → SearchModel: the schema (records, enums, field types) and the constants the
 * search works with. The one place the search reads the checker's structures.
 */
import type { CheckedProgram } from "../check/index.js";
import { constantsOf } from "./constants.js";
import type { SearchModel } from "./mutations.js";

/**
 * The schema is the last program's (the newer version: a witness must be valid there, and the
 * search checks it is valid in the older one too); the constants are every program's.
 */
export function searchModel(programs: readonly CheckedProgram[]): SearchModel {
  const p = programs[programs.length - 1];
  return {
    inputType: p.input.type.text,
    enums: new Map(p.enums.map((e) => [e.name.text, e.members.map((m) => m.name.text)])),
    fields: p.fieldTypes,
    records: p.records.map((r) => r.name.text),
    constants: constantsOf(programs),
  };
}
