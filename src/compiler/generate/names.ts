/**
 * Names in generated code, collision-free by construction. A name from a rule document never
 * contains `$` (names are letters, digits and `_`), so every identifier made from one joins a
 * prefix for its kind, `$`, the name and, for a variant, `$` and a suffix (`d$a`, `d$a$traced`,
 * `m$a$ok`): two different (kind, name, variant) triples never give the same identifier, and none
 * gives a name of the generated code itself (`settle`, `memo`, `loop_0`, `rt`…), which contain no
 * `$`. Type names keep the author's spelling, since they are the generated module's public API,
 * unless TypeScript or the generated module reserves them; those get a `$` suffix (`class$`).
 */

/** The input record (a definition's parameter may have its name: it then hides the input). */
export const input = (name: string): string => `i$${name}`;
/** A variable: a definition's parameter, a quantifier's variable. */
export const variable = (name: string): string => `v$${name}`;
/** A parameter's constant. */
export const parameter = (name: string): string => `p$${name}`;
/** A definition's function. */
export const definition = (name: string): string => `d$${name}`;
/** The traced variant of a definition's function. */
export const tracedDefinition = (name: string): string => `d$${name}$traced`;
/** The remembered value of an installation-wide definition, and whether it is set. */
export const memoValue = (name: string): string => `m$${name}`;
export const memoSet = (name: string): string => `m$${name}$ok`;
/**
 * Where a traced evaluation traced an installation-wide definition (the position of its node's
 * first event, -1 before), and its value: fields of the version's Tracer (pass "definitions-in-tracer").
 */
export const tracedAt = (name: string): string => `t$${name}$at`;
export const tracedValue = (name: string): string => `t$${name}$value`;
/** A rule's condition, its traced variant, and its result. */
export const ruleCondition = (id: string): string => `r$${id}$applies`;
export const tracedRuleCondition = (id: string): string => `r$${id}$applies$traced`;
export const ruleResult = (id: string): string => `r$${id}$result`;

/**
 * Words TypeScript reserves, or gives a meaning as a type, and the names a generated model or
 * index module declares itself: a declared type with one of these names gets a `$` suffix.
 */
const RESERVED_TYPE_NAMES = new Set([
  // ECMAScript reserved words, strict-mode and future reserved words
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export", "extends",
  "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this",
  "throw", "true", "try", "typeof", "var", "void", "while", "with", "implements", "interface", "let", "package", "private",
  "protected", "public", "static", "yield", "await", "arguments", "eval",
  // TypeScript's predefined types and contextual keywords
  "any", "unknown", "never", "object", "string", "number", "boolean", "symbol", "bigint", "undefined", "type", "declare", "abstract",
  "as", "async", "is", "keyof", "readonly", "infer", "module", "namespace", "require", "global", "of", "get", "set", "from",
  "satisfies", "out", "accessor", "asserts", "constructor", "unique", "override",
  // What the generated modules declare or import
  "rt", "model", "schema", "validator", "manifest", "traceSites", "evaluate", "evaluateTraced", "version", "conditions",
]);

/** A declared type's name in generated TypeScript. */
export function typeName(name: string): string {
  return RESERVED_TYPE_NAMES.has(name) ? `${name}$` : name;
}

/** Field names that every object inherits: an absent optional field must not read them. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Whether every object inherits a property of this name. */
export function isInherited(field: string): boolean {
  return INHERITED.has(field);
}

/**
 * How generated code reads field `field` of the object `object`. A field that every object
 * inherits (`toString`, `valueOf`…) and `mayBeAbsent` is read only when the record has it itself:
 * otherwise an absent optional field would read as the inherited function, i.e. as present. A
 * required field is read as it is (its type is the field's, not `… | null`).
 */
export function readField(object: string, field: string, mayBeAbsent = true): string {
  if (INHERITED.has(field) && !mayBeAbsent) return `${object}[${JSON.stringify(field)}]`;
  if (INHERITED.has(field)) return `(Object.hasOwn(${object}, ${JSON.stringify(field)}) ? ${object}[${JSON.stringify(field)}] : null)`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? `${object}.${field}` : `${object}[${JSON.stringify(field)}]`;
}
