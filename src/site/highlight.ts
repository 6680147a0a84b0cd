/**
 * Rule blocks → highlighted HTML, with the language's own lexer (grammar/tokens.ts), so the colours
 * follow the grammar exactly. Cross-references become links: the rules named after `unless` and
 * `overrides`, `clause 18.5`, and every name of a definition, parameter, type or enum member; the
 * place where a name is declared becomes its anchor (`<dfn id="rule-…">`). Text the lexer does not
 * recognise is kept as escaped text, so a block is never lost.
 */
import type { IToken } from "chevrotain";
import { RuleLexer } from "../../grammar/tokens.js";
import { declarationId, esc, ruleId, type DeclarationKind } from "./html.js";

/** The names a version declares, found in its rule blocks. */
export interface Symbols {
  readonly rules: ReadonlySet<string>;
  readonly definitions: ReadonlySet<string>;
  readonly parameters: ReadonlySet<string>;
  /** Enums, records, identifier types, the decision type. */
  readonly types: ReadonlySet<string>;
  /** Enum member → its enum (members declared by two enums are left out: they cannot be linked). */
  readonly members: ReadonlyMap<string, string>;
}

const DECLARES: Readonly<Record<string, "rule" | DeclarationKind | "input" | "default">> = {
  Rule: "rule",
  Definition: "definition",
  Parameter: "parameter",
  Enum: "type",
  Record: "type",
  IdentifierKw: "type",
  Decision: "type",
  Input: "input",
  Default: "default",
};

function tokens(code: string): IToken[] {
  const lexed = RuleLexer.tokenize(code);
  const comments = (lexed.groups["comments"] as IToken[] | undefined) ?? [];
  return [...lexed.tokens, ...comments].sort((a, b) => a.startOffset - b.startOffset);
}

const isName = (t: IToken | undefined): boolean => t !== undefined && t.tokenType.name === "Identifier";

/** Collects the declared names of every block of a version. */
export function symbolsOf(blocks: readonly string[]): Symbols {
  const rules = new Set<string>();
  const definitions = new Set<string>();
  const parameters = new Set<string>();
  const types = new Set<string>();
  const owners = new Map<string, Set<string>>();
  for (const code of blocks) {
    const ts = tokens(code).filter((t) => t.tokenType.name !== "Comment");
    let currentEnum: string | undefined;
    for (let i = 0; i < ts.length; i++) {
      const kind = DECLARES[ts[i].tokenType.name];
      if (kind !== undefined) {
        currentEnum = undefined;
        const name = ts[i + 1];
        if (!isName(name)) continue;
        if (kind === "rule") rules.add(name.image);
        else if (kind === "definition") definitions.add(name.image);
        else if (kind === "parameter") parameters.add(name.image);
        else if (kind === "type") {
          types.add(name.image);
          if (ts[i].tokenType.name === "Enum") currentEnum = name.image;
        }
        i++;
        continue;
      }
      // Enum members: each starts a line inside the enum's declaration.
      const t = ts[i];
      const prev = ts[i - 1];
      if (currentEnum !== undefined && isName(t) && prev !== undefined && prev.endLine! < t.startLine!) {
        owners.set(t.image, new Set([...(owners.get(t.image) ?? []), currentEnum]));
      }
    }
  }
  const members = new Map<string, string>();
  for (const [m, enums] of owners) if (enums.size === 1) members.set(m, [...enums][0]);
  return { rules, definitions, parameters, types, members };
}

const PUNCTUATION = new Set(["LParen", "RParen", "LBrace", "RBrace", "LBracket", "RBracket", "Comma", "Colon", "Dot", "NotEquals", "LessEquals", "GreaterEquals", "Less", "Greater", "Equals", "Plus", "Minus", "Star", "Slash"]);

/** The highlighting class of a token that is not a name; punctuation and operators stay plain. */
function classOf(t: IToken): string | undefined {
  switch (t.tokenType.name) {
    case "Comment":
      return "com";
    case "TextLiteral":
      return "str";
    case "IntegerLiteral":
    case "DecimalLiteral":
    case "DateLiteral":
    case "DateTimeLiteral":
    case "ClauseNumber":
      return "num";
    case "Identifier":
      return undefined;
    default:
      return PUNCTUATION.has(t.tokenType.name) ? undefined : "kw";
  }
}

/** Where a link goes: a fragment of this page, or undefined when there is nothing to link to. */
export interface Targets {
  clause(number: string): string | undefined;
}

/**
 * One rule block as HTML for a `<pre><code>`. Declarations get their anchor here, so each block
 * must be rendered once per page.
 */
export function highlightBlock(code: string, symbols: Symbols, targets: Targets): string {
  const ts = tokens(code);
  const out: string[] = [];
  let at = 0;
  let lastKeyword: string | undefined; // the last declaration or precedence keyword seen
  let locals = new Set<string>(); // a definition's parameters, not links to anything
  let inParams = false; // inside a definition's parameter list, where `name: Type` declares a local
  let previous: IToken | undefined; // the previous token that is not a comment
  const anchor = (id: string, text: string, cls: string): string => `<dfn id="${esc(id)}" class="${cls}">${esc(text)}</dfn>`;
  const ref = (fragment: string, text: string, cls: string): string => `<a href="#${esc(fragment)}" class="${cls}">${esc(text)}</a>`;

  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (t.startOffset > at) out.push(esc(code.slice(at, t.startOffset)));
    at = t.endOffset! + 1;
    const type = t.tokenType.name;
    const text = t.image;
    if (type === "Comment") {
      out.push(`<span class="com">${esc(text)}</span>`);
      continue;
    }
    const declares = DECLARES[type];
    if (declares !== undefined) {
      lastKeyword = type;
      locals = new Set();
      inParams = false;
    } else if (type === "Unless" || type === "Overrides" || type === "When" || type === "Then" || type === "Source" || type === "Clause") {
      lastKeyword = type;
    }
    if (type === "LParen" && previous !== undefined && isName(previous) && lastKeyword === "Definition" && locals.size === 0) inParams = true;
    if (type === "RParen") inParams = false;

    if (type === "Identifier") {
      const afterDot = previous?.tokenType.name === "Dot";
      const kind = previous === undefined ? undefined : DECLARES[previous.tokenType.name];
      if (kind !== undefined && kind !== "input" && kind !== "default") {
        out.push(anchor(kind === "rule" ? ruleId(text) : declarationId(kind, text), text, kind === "rule" ? "rule" : kind));
      } else if (inParams && ts.slice(i + 1).find((n) => n.tokenType.name !== "Comment")?.tokenType.name === "Colon") {
        locals.add(text);
        out.push(`<span class="var">${esc(text)}</span>`);
      } else if (afterDot || locals.has(text)) {
        out.push(esc(text));
      } else if ((lastKeyword === "Unless" || lastKeyword === "Overrides") && symbols.rules.has(text)) {
        out.push(ref(ruleId(text), text, "rule"));
      } else if (symbols.definitions.has(text)) {
        out.push(ref(declarationId("definition", text), text, "definition"));
      } else if (symbols.parameters.has(text)) {
        out.push(ref(declarationId("parameter", text), text, "parameter"));
      } else if (symbols.types.has(text)) {
        out.push(ref(declarationId("type", text), text, "type"));
      } else if (symbols.members.has(text) && !(lastKeyword === "Enum" && previous !== undefined && previous.endLine! < t.startLine!)) {
        out.push(ref(declarationId("type", symbols.members.get(text)!), text, "member"));
      } else if (symbols.rules.has(text)) {
        out.push(ref(ruleId(text), text, "rule"));
      } else {
        out.push(esc(text));
      }
    } else if ((type === "DecimalLiteral" || type === "ClauseNumber" || type === "IntegerLiteral") && previous?.tokenType.name === "Clause") {
      const target = targets.clause(text);
      out.push(target === undefined ? `<span class="num">${esc(text)}</span>` : `<a href="${esc(target)}" class="clause">${esc(text)}</a>`);
    } else {
      const cls = classOf(t);
      out.push(cls === undefined ? esc(text) : `<span class="${cls}">${esc(text)}</span>`);
    }
    previous = t;
  }
  if (at < code.length) out.push(esc(code.slice(at)));
  return out.join("");
}
