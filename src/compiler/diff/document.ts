/**
 * Document changes between two versions: clauses added, repealed, amended (with a word-level diff
 * of the text) and renumbered (same text, new number), added ones with their text; parameters whose
 * value changed (folded, via search/parameters.ts); declarations
 * of the data model that changed. Takes two checked versions.
 */
import type * as A from "../ast/nodes.js";
import { printDeclaration } from "../ast/print.js";
import type { CheckedVersion } from "../check/index.js";
import { compareClauseNumbers, type Clause } from "../extract/index.js";
import { parameterValues } from "../search/index.js";

export type WordOp = "=" | "-" | "+";
export interface WordChange {
  readonly op: WordOp;
  readonly text: string;
}

export interface ClauseChange {
  readonly kind: "added" | "repealed" | "amended" | "renumbered";
  readonly number: string;
  /** For `renumbered`: the number in the older version. */
  readonly from?: string;
  readonly title: string;
  readonly oldTitle?: string;
  /** For `amended`: the text, word by word. */
  readonly words?: readonly WordChange[];
  /** For `added`: the clause's text. */
  readonly text?: string;
}

export interface ValueChange {
  readonly name: string;
  readonly kind: "added" | "removed" | "changed";
  readonly old?: string;
  readonly new?: string;
}

export interface DocumentChanges {
  readonly clauses: readonly ClauseChange[];
  readonly parameters: readonly ValueChange[];
  readonly declarations: readonly ValueChange[];
  readonly unchangedClauses: number;
}

/** Words and the white space after them, so a diff can be printed back faithfully. */
function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

/** A word-level diff (longest common subsequence), merged into runs of the same operation. */
export function wordDiff(before: string, after: string): WordChange[] {
  const a = words(before);
  const b = words(after);
  // Words are compared without their white space, each as a number (one per distinct word), found
  // once: the table below compares every word of one side with every word of the other.
  const ids = new Map<string, number>();
  const idOf = (w: string): number => {
    const k = w.trim();
    let id = ids.get(k);
    if (id === undefined) ids.set(k, (id = ids.size));
    return id;
  };
  const ka = a.map(idOf);
  const kb = b.map(idOf);
  const n = a.length;
  const m = b.length;
  // Trim the common head and tail first: amended clauses usually change in one place.
  let head = 0;
  while (head < n && head < m && ka[head] === kb[head]) head++;
  let tail = 0;
  while (tail < n - head && tail < m - head && ka[n - 1 - tail] === kb[m - 1 - tail]) tail++;
  const ai = a.slice(head, n - tail);
  const bi = b.slice(head, m - tail);
  const kai = ka.slice(head, n - tail);
  const kbi = kb.slice(head, m - tail);
  // lcs(i, j): the longest common subsequence of ai[i..] and bi[j..], row by row in one array.
  const width = bi.length + 1;
  const table = new Uint32Array((ai.length + 1) * width);
  const lcs = (i: number, j: number): number => table[i * width + j];
  for (let i = ai.length - 1; i >= 0; i--) {
    for (let j = bi.length - 1; j >= 0; j--) table[i * width + j] = kai[i] === kbi[j] ? lcs(i + 1, j + 1) + 1 : Math.max(lcs(i + 1, j), lcs(i, j + 1));
  }
  const ops: WordChange[] = a.slice(0, head).map((text) => ({ op: "=" as const, text }));
  let i = 0;
  let j = 0;
  while (i < ai.length || j < bi.length) {
    // Removed words before inserted ones, as a reader expects a replacement to read.
    if (i < ai.length && j < bi.length && kai[i] === kbi[j]) ops.push({ op: "=", text: bi[j++] }), i++;
    else if (i < ai.length && (j === bi.length || lcs(i + 1, j) >= lcs(i, j + 1))) ops.push({ op: "-", text: ai[i++] });
    else ops.push({ op: "+", text: bi[j++] });
  }
  ops.push(...b.slice(m - tail).map((text) => ({ op: "=" as const, text })));
  const merged: WordChange[] = [];
  for (const o of ops) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.op === o.op) merged[merged.length - 1] = { op: o.op, text: last.text + o.text };
    else merged.push(o);
  }
  return merged;
}

/**
 * A word diff on one line of text: `[-removed-]` and `{+inserted+}`, the layout kept. With
 * `context`, white space is folded and unchanged runs are cut to that many words either side.
 */
export function inlineWordDiff(words: readonly WordChange[], context?: number): string {
  const mark = (w: WordChange, text: string): string => {
    const body = text.trimEnd();
    const rest = text.slice(body.length);
    return w.op === "-" ? `[-${body}-]${rest}` : `{+${body}+}${rest}`;
  };
  if (context === undefined) return words.map((w) => (w.op === "=" ? w.text : mark(w, w.text))).join("");
  return words
    .map((w, i) => {
      const text = `${w.text.replace(/\s+/g, " ").trim()} `;
      if (w.op !== "=") return mark(w, text);
      const parts = text.trim().split(" ");
      const inner = i > 0 && i < words.length - 1;
      if (parts.length <= 2 * context + (inner ? 1 : 0)) return text;
      const head = i > 0 ? `${parts.slice(0, context).join(" ")} ` : "";
      const tail = i < words.length - 1 ? `${parts.slice(-context).join(" ")} ` : "";
      return `${head}… ${tail}`;
    })
    .join("")
    .trim();
}

function compareMaps(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): ValueChange[] {
  const out: ValueChange[] = [];
  for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const o = a.get(name);
    const n = b.get(name);
    if (o === undefined) out.push({ name, kind: "added", new: n! });
    else if (n === undefined) out.push({ name, kind: "removed", old: o });
    else if (o !== n) out.push({ name, kind: "changed", old: o, new: n });
  }
  return out;
}

/** Declarations of the data model (not parameters, definitions or rules), printed canonically. */
function modelDeclarations(program: CheckedVersion): Map<string, string> {
  const decls: A.Declaration[] = [...program.enums, ...program.records, ...program.identifiers, program.input, program.decision];
  return new Map(decls.map((d) => [`${d.kind.replace("Decl", "").toLowerCase()} ${"name" in d ? d.name.text : ""}`, printDeclaration(d)]));
}

export function documentChanges(pa: CheckedVersion, pb: CheckedVersion): DocumentChanges {
  const a = pa;
  const b = pb;
  const before = new Map(a.clauses.map((c) => [c.number, c]));
  const after = new Map(b.clauses.map((c) => [c.number, c]));
  const clauses: ClauseChange[] = [];
  const added: Clause[] = [];
  const repealed: Clause[] = [];
  let unchanged = 0;
  for (const c of b.clauses) {
    const old = before.get(c.number);
    if (old === undefined) added.push(c);
    else if (old.textHash !== c.textHash || old.title !== c.title) {
      clauses.push({ kind: "amended", number: c.number, title: c.title, ...(old.title === c.title ? {} : { oldTitle: old.title }), words: wordDiff(old.text, c.text) });
    } else unchanged++;
  }
  for (const c of a.clauses) if (!after.has(c.number)) repealed.push(c);
  // A clause that left one number and arrived at another with the same text was renumbered.
  for (const c of added) {
    const moved = repealed.find((r) => r.textHash === c.textHash);
    if (moved !== undefined) {
      repealed.splice(repealed.indexOf(moved), 1);
      clauses.push({ kind: "renumbered", number: c.number, from: moved.number, title: c.title });
    } else clauses.push({ kind: "added", number: c.number, title: c.title, text: c.text });
  }
  for (const c of repealed) clauses.push({ kind: "repealed", number: c.number, title: c.title });
  clauses.sort((x, y) => compareClauseNumbers(x.number, y.number));
  return {
    clauses,
    parameters: compareMaps(parameterValues(pa), parameterValues(pb)),
    declarations: compareMaps(modelDeclarations(pa), modelDeclarations(pb)),
    unchangedClauses: unchanged,
  };
}
