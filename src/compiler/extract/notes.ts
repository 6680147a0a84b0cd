/**
 * Authors' notes in a clause's prose, told apart from the clause text proper, so that an
 * explanation can quote the clause alone (and the notes on request).
 *
 * A top-level paragraph of a clause is an author's note when it:
 * - starts with a note word and a colon: `Assumption:`, `Assumption, and its justification:`,
 *   `Precedence:`, `Near miss:` / `Near misses:`, `Edge:`, `Wording:`, `Note:`; or
 * - is the caption of an example: the paragraph right before a `tmad-example` block.
 * Everything else under the heading (the paraphrase, its `Source:` line, lists) is clause text.
 * Takes a paragraph's Markdown; gives its kind of note, or undefined for clause text.
 */

export type NoteKind = "assumption" | "precedence" | "near-miss" | "edge" | "wording" | "note" | "example";

/** A note within a clause's text: its kind and its character range (`end` exclusive). */
export interface ClauseNote {
  readonly kind: NoteKind;
  readonly start: number;
  readonly end: number;
}

const NOTE_START = /^(Assumption|Precedence|Near miss(?:es)?|Edge|Wording|Note)\b[^:\n]{0,40}:/;

export function noteKind(paragraph: string): NoteKind | undefined {
  const m = NOTE_START.exec(paragraph);
  if (m === null) return undefined;
  const word = m[1].toLowerCase();
  return word.startsWith("near miss") ? "near-miss" : (word as NoteKind);
}

/**
 * Joins a clause's parts (blank line between) as its text, and locates the notes in it. `caption`
 * marks the parts that introduce an example.
 */
export function clauseText(parts: readonly { readonly text: string; readonly caption: boolean }[]): { text: string; notes: ClauseNote[] } {
  const notes: ClauseNote[] = [];
  let text = "";
  for (const part of parts) {
    if (text !== "") text += "\n\n";
    const kind = noteKind(part.text) ?? (part.caption ? "example" : undefined);
    if (kind !== undefined) notes.push({ kind, start: text.length, end: text.length + part.text.length });
    text += part.text;
  }
  return { text, notes };
}
