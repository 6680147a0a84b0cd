/**
 * Check pass "collect": the consolidated declarations → the version's symbol tables, one per kind
 * of declaration. Reports duplicate declarations (TMAD3005), duplicate enum members (TMAD3008),
 * names that cannot reach generated code intact (TMAD3016) and a missing input, decision or
 * default (TMAD3009).
 */
import type * as A from "../ast/nodes.js";
import { type Report } from "../diagnostics/diagnostic.js";
import { fileSpan } from "../source/span.js";

export interface Symbols {
  readonly enums: Map<string, A.EnumDecl>;
  readonly records: Map<string, A.RecordDecl>;
  readonly identifiers: Map<string, A.IdentifierDecl>;
  readonly parameters: Map<string, A.ParameterDecl>;
  readonly definitions: Map<string, A.DefinitionDecl>;
  readonly rules: Map<string, A.RuleDecl>;
  /** For each enum member name, the enums that list it. */
  readonly enumMemberOwners: Map<string, string[]>;
  input?: A.InputDecl;
  decision?: A.DecisionDecl;
  defaultDecl?: A.DefaultDecl;
}

/** Keys an input record may not carry (the validator refuses them), so no record field may be named so. */
const RESERVED_FIELDS = new Set(["__proto__", "constructor", "prototype"]);
/** `__proto__` as a key of an object literal sets a prototype instead of a key, so it names nothing. */
const PROTO = new Set(["__proto__"]);

/** `file` is where to report what has no better place (a missing declaration in an empty version). */
export function collect(declarations: readonly A.Declaration[], file: string, report: Report): Symbols {
  const s: Symbols = {
    enums: new Map(),
    records: new Map(),
    identifiers: new Map(),
    parameters: new Map(),
    definitions: new Map(),
    rules: new Map(),
    enumMemberOwners: new Map(),
  };
  const typeNames = new Map<string, A.NamedDecl>();
  const valueNames = new Map<string, A.NamedDecl>();
  const duplicate = (decl: A.NamedDecl, prior: A.NamedDecl): void =>
    report("TMAD3005", decl.name.span, `\`${decl.name.text}\` is already declared at ${prior.name.span.file}:${prior.name.span.start.line}`, "rename one of them");
  for (const decl of declarations) {
    switch (decl.kind) {
      case "DefaultDecl":
        if (s.defaultDecl !== undefined) {
          report("TMAD3005", decl.span, `a default result is already declared at ${s.defaultDecl.span.file}:${s.defaultDecl.span.start.line}`, "keep one `default` per version");
        } else s.defaultDecl = decl;
        break;
      case "EnumExtension":
      case "RecordExtension":
        break; // merged into their base's declaration by the amend pass
      case "EnumDecl":
      case "RecordDecl":
      case "IdentifierDecl":
      case "DecisionDecl": {
        const prior = typeNames.get(decl.name.text);
        if (prior !== undefined) {
          duplicate(decl, prior);
          break;
        }
        typeNames.set(decl.name.text, decl);
        if (decl.kind === "EnumDecl") s.enums.set(decl.name.text, decl);
        else if (decl.kind === "RecordDecl") s.records.set(decl.name.text, decl);
        else if (decl.kind === "IdentifierDecl") s.identifiers.set(decl.name.text, decl);
        else if (s.decision !== undefined) {
          report("TMAD3005", decl.name.span, `a decision type is already declared (\`${s.decision.name.text}\`)`, "declare one decision per version");
        } else s.decision = decl;
        break;
      }
      case "InputDecl":
      case "ParameterDecl":
      case "DefinitionDecl": {
        const prior = valueNames.get(decl.name.text);
        if (prior !== undefined) {
          duplicate(decl, prior);
          break;
        }
        valueNames.set(decl.name.text, decl);
        if (decl.kind === "ParameterDecl") s.parameters.set(decl.name.text, decl);
        else if (decl.kind === "DefinitionDecl") s.definitions.set(decl.name.text, decl);
        else if (s.input !== undefined) {
          report("TMAD3005", decl.name.span, `an input is already declared (\`${s.input.name.text}\`)`, "declare one input per version");
        } else s.input = decl;
        break;
      }
      case "RuleDecl": {
        const prior = s.rules.get(decl.name.text);
        if (prior !== undefined) {
          duplicate(decl, prior);
          break;
        }
        s.rules.set(decl.name.text, decl);
        break;
      }
    }
  }
  const reserved = (n: A.Name, what: string, names: ReadonlySet<string>): void => {
    if (names.has(n.text)) report("TMAD3016", n.span, `\`${n.text}\` cannot name ${what}`, `choose another name: ${[...names].map((x) => `\`${x}\``).join(", ")} ${names.size === 1 ? "is" : "are"} reserved here`);
  };
  for (const decl of declarations) {
    if (decl.kind === "DefaultDecl") continue;
    reserved(decl.name, "a declaration", PROTO);
    if (decl.kind === "RecordDecl" || decl.kind === "RecordExtension") for (const f of decl.fields) reserved(f.name, "a record field", RESERVED_FIELDS);
    if (decl.kind === "DecisionDecl") for (const f of decl.fields) reserved(f.name, "a decision field", PROTO);
    if (decl.kind === "EnumDecl" || decl.kind === "EnumExtension") for (const m of decl.members) reserved(m.name, "an enum member", PROTO);
  }
  for (const e of s.enums.values()) {
    const seen = new Set<string>();
    for (const m of e.members) {
      if (seen.has(m.name.text)) report("TMAD3008", m.name.span, `enum ${e.name.text} lists \`${m.name.text}\` twice`, "remove the repeated member");
      seen.add(m.name.text);
      const owners = s.enumMemberOwners.get(m.name.text) ?? [];
      owners.push(e.name.text);
      s.enumMemberOwners.set(m.name.text, owners);
    }
  }
  const first = declarations[0];
  const where = first === undefined ? fileSpan(file) : first.span;
  if (s.input === undefined) report("TMAD3009", where, "no `input` is declared", "declare the record each evaluation takes, e.g. `input installation: Installation identified by id`");
  if (s.decision === undefined) report("TMAD3009", where, "no `decision` is declared", "declare the result type, e.g. `decision Decision  outcome: Outcome`");
  if (s.defaultDecl === undefined) report("TMAD3009", where, "no `default` result is declared", "say what the decision is when no rule applies, e.g. `default then outcome = BLOCKED`");
  return s;
}
