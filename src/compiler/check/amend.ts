/**
 * Check pass "amend": the declarations of a base chain (oldest version first) → one consolidated
 * list, in which each `replace …` declaration stands where the base's declaration of the same name
 * stood and each `extend enum` / `extend record` adds its members or fields to the base's type.
 * Reports a replacement or extension of something no earlier version declares (TMAD3019), a
 * replacement of another kind of declaration (TMAD3018), a field added that older records would
 * lack (TMAD3020), and a plain redeclaration of a base's name (TMAD3005, with the `replace` hint).
 * Whether a replacement keeps its declaration's type is checked once types are resolved (types.ts).
 */
import type * as A from "../ast/nodes.js";
import { type Report } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { VersionLayer } from "../extract/index.js";
import type { AmendedKind, Replacement } from "./checked-version.js";

/** A replacement, with the declaration it replaced (for the type comparison in types.ts). */
export interface ReplacedPair {
  readonly replacement: Replacement;
  readonly previous: A.Declaration;
  readonly current: A.Declaration;
}

export interface Consolidated {
  readonly declarations: readonly A.Declaration[];
  readonly replacements: readonly Replacement[];
  readonly pairs: readonly ReplacedPair[];
  /** Fields that `extend record` added (they may have defaults). */
  readonly addedFields: ReadonlySet<A.Field>;
}

type Namespace = "type" | "value" | "rule" | "default";

function namespaceOf(d: A.Declaration): Namespace {
  switch (d.kind) {
    case "EnumDecl":
    case "RecordDecl":
    case "IdentifierDecl":
    case "DecisionDecl":
    case "EnumExtension":
    case "RecordExtension":
      return "type";
    case "InputDecl":
    case "ParameterDecl":
    case "DefinitionDecl":
      return "value";
    case "RuleDecl":
      return "rule";
    case "DefaultDecl":
      return "default";
  }
}

/** How a declaration is named in messages: `parameter x`, `the default result`. */
export function describeDeclaration(d: A.Declaration): string {
  switch (d.kind) {
    case "EnumDecl":
    case "EnumExtension":
      return `enum ${d.name.text}`;
    case "RecordDecl":
    case "RecordExtension":
      return `record ${d.name.text}`;
    case "IdentifierDecl":
      return `identifier ${d.name.text}`;
    case "DecisionDecl":
      return `decision ${d.name.text}`;
    case "InputDecl":
      return `input ${d.name.text}`;
    case "ParameterDecl":
      return `parameter ${d.name.text}`;
    case "DefinitionDecl":
      return `definition ${d.name.text}`;
    case "RuleDecl":
      return `rule ${d.name.text}`;
    case "DefaultDecl":
      return "the default result";
  }
}

function amendedKind(d: A.Declaration): AmendedKind {
  switch (d.kind) {
    case "ParameterDecl":
      return "parameter";
    case "DefinitionDecl":
      return "definition";
    case "RuleDecl":
      return "rule";
    case "DefaultDecl":
      return "default";
    case "EnumDecl":
    case "EnumExtension":
      return "enum";
    default:
      return "record";
  }
}

function keyOf(d: A.Declaration): string {
  return d.kind === "DefaultDecl" ? "default" : `${namespaceOf(d)} ${d.name.text}`;
}

function nameOf(d: A.Declaration): A.Name | undefined {
  return d.kind === "DefaultDecl" ? undefined : d.name;
}

export function consolidateDeclarations(declarations: readonly A.Declaration[], layers: readonly VersionLayer[], report: Report): Consolidated {
  const own = layers[layers.length - 1]?.id;
  const layerIndex = new Map(layers.map((l, i) => [l.id, i]));
  const layerOf = (d: A.Declaration): number => layerIndex.get(d.context.version ?? own ?? "") ?? layers.length - 1;
  const versionOf = (d: A.Declaration): string => d.context.version ?? own ?? "";
  const out: (A.Declaration | undefined)[] = [];
  /** Latest declaration of each name, with its index in `out`. */
  const table = new Map<string, { decl: A.Declaration; index: number }>();
  const replacements: Replacement[] = [];
  const pairs: ReplacedPair[] = [];
  const addedFields = new Set<A.Field>();
  const earlierNames = (ns: Namespace, layer: number): string[] =>
    [...table.values()].filter((e) => e.decl.kind !== "DefaultDecl" && namespaceOf(e.decl) === ns && layerOf(e.decl) < layer).map((e) => (e.decl as A.NamedDecl).name.text);

  for (const d of declarations) {
    const key = keyOf(d);
    const prior = table.get(key);
    const layer = layerOf(d);
    const where = nameOf(d)?.span ?? d.replaces ?? d.span;

    if (d.kind === "EnumExtension" || d.kind === "RecordExtension") {
      const wanted = d.kind === "EnumExtension" ? "EnumDecl" : "RecordDecl";
      const what = d.kind === "EnumExtension" ? "enum" : "record";
      if (prior === undefined || layerOf(prior.decl) >= layer || prior.decl.kind !== wanted) {
        const why =
          prior === undefined || layerOf(prior.decl) >= layer
            ? layer === 0
              ? "this version amends no base"
              : `no earlier version declares ${what} \`${d.name.text}\``
            : `\`${d.name.text}\` is ${describeDeclaration(prior.decl)}, not ${what === "enum" ? "an enum" : "a record"}`;
        report("TMAD3019", d.name.span, `\`extend ${what} ${d.name.text}\` extends nothing: ${why}`, didYouMean(d.name.text, earlierNames("type", layer)) ?? `declare it with \`${what}\` instead`);
        continue;
      }
      if (d.kind === "RecordExtension") {
        for (const f of d.fields) {
          addedFields.add(f);
          if (f.type.kind !== "OptionalType" && f.defaultValue === undefined) {
            report("TMAD3020", f.name.span, `field \`${f.name.text}\` added to record ${d.name.text} is required, so every record written before this amendment would now be invalid`, `declare it \`${f.name.text}: optional …\`, or give it a default: \`${f.name.text}: … = value\``);
          }
        }
      }
      const base = prior.decl as A.EnumDecl | A.RecordDecl;
      const merged: A.Declaration =
        base.kind === "EnumDecl" ? { ...base, members: [...base.members, ...(d as A.EnumExtension).members] } : { ...base, fields: [...base.fields, ...(d as A.RecordExtension).fields] };
      out[prior.index] = merged;
      table.set(key, { decl: merged, index: prior.index });
      replacements.push({ kind: amendedKind(d), name: d.name.text, how: "extended", by: versionOf(d), at: d.span, from: versionOf(base), replaced: base.span });
      continue;
    }

    if (d.replaces !== undefined) {
      const label = describeDeclaration(d);
      if (prior === undefined || layerOf(prior.decl) >= layer) {
        const why =
          prior !== undefined
            ? `${label} is declared in this same version (${prior.decl.span.file}:${prior.decl.span.start.line}), not in its base`
            : layer === 0
              ? "this version amends no base"
              : `no earlier version declares ${label}`;
        const name = nameOf(d);
        const hint = (name === undefined ? undefined : didYouMean(name.text, earlierNames(namespaceOf(d), layer))) ?? "remove `replace`: a new declaration needs none";
        report("TMAD3019", where, `\`replace ${label}\` replaces nothing: ${why}`, hint);
        // Left out: nothing uses the name it gives (usually a misspelling of the base's).
        continue;
      }
      if (prior.decl.kind !== d.kind) {
        report("TMAD3018", where, `\`replace ${label}\` would change what \`${(nameOf(d) ?? { text: "default" }).text}\` is: ${versionOf(prior.decl)} declares it as ${describeDeclaration(prior.decl)}`, `replace it with the same kind of declaration, or choose another name for a new ${d.kind === "ParameterDecl" ? "parameter" : "definition"}`);
        continue;
      }
      out[prior.index] = d;
      table.set(key, { decl: d, index: prior.index });
      const replacement: Replacement = { kind: amendedKind(d), name: nameOf(d)?.text ?? "default", how: "replaced", by: versionOf(d), at: d.span, from: versionOf(prior.decl), replaced: prior.decl.span };
      replacements.push(replacement);
      pairs.push({ replacement, previous: prior.decl, current: d });
      continue;
    }

    if (prior !== undefined && layerOf(prior.decl) < layer && (namespaceOf(d) !== "type" || namespaceOf(prior.decl) === "type")) {
      const label = describeDeclaration(d);
      const hint =
        d.kind === "ParameterDecl" || d.kind === "DefinitionDecl" || d.kind === "RuleDecl" || d.kind === "DefaultDecl"
          ? `to replace ${versionOf(prior.decl)}'s declaration, write \`replace ${d.kind === "DefaultDecl" ? "default" : label} …\`; otherwise rename this one`
          : d.kind === "EnumDecl" || d.kind === "RecordDecl"
            ? `to add to ${versionOf(prior.decl)}'s declaration, write \`extend ${label} …\` with only the new ${d.kind === "EnumDecl" ? "members" : "fields"}`
            : "rename one of them";
      const name = nameOf(d);
      report("TMAD3005", where, name === undefined ? `a default result is already declared at ${prior.decl.span.file}:${prior.decl.span.start.line} (${versionOf(prior.decl)})` : `\`${name.text}\` is already declared at ${prior.decl.span.file}:${prior.decl.span.start.line} (${versionOf(prior.decl)})`, hint);
      continue;
    }
    // A first declaration, or a duplicate within one version (the collect pass reports those).
    if (prior === undefined) table.set(key, { decl: d, index: out.length });
    out.push(d);
  }
  return { declarations: out.filter((d): d is A.Declaration => d !== undefined), replacements, pairs, addedFields };
}
