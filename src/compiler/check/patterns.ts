/**
 * Identifier patterns that a backtracking engine (JavaScript's) could take exponential time on:
 * a repeated part that can itself match in several lengths (`^(a+)+$`, `(a?){20}`), and a
 * repeated choice whose alternatives can start alike (`(a|ab)*`). Takes a pattern that is already
 * a valid regular expression; gives what is wrong with it, or undefined. Conservative: a pattern
 * is accepted only when each repetition can match its input in one way.
 */

/** A character set an atom can start with: literal characters, or anything. */
type First = ReadonlySet<string> | "any";

interface Item {
  readonly atom: Atom;
  readonly min: number;
  readonly max: number;
  /** The pattern text of the item, for messages. */
  readonly text: string;
}

type Atom = { readonly kind: "char"; readonly first: First } | { readonly kind: "group"; readonly alternatives: readonly (readonly Item[])[] } | { readonly kind: "assertion" };

/** Deeper group nesting than this is itself reported: no identifier format needs it. */
const MAX_GROUP_DEPTH = 50;

export function patternProblem(pattern: string): string | undefined {
  const parsed = parse(pattern);
  if (typeof parsed === "string") return parsed;
  return examine(parsed, false, 0);
}

function examine(alternatives: readonly (readonly Item[])[], insideRepetition: boolean, depth: number): string | undefined {
  if (depth > MAX_GROUP_DEPTH) return `groups nest more than ${MAX_GROUP_DEPTH} deep`;
  for (const seq of alternatives) {
    for (const item of seq) {
      if (insideRepetition && item.min !== item.max) return `\`${item.text}\` can match in several lengths inside a repeated group`;
      if (item.atom.kind !== "group") continue;
      const repeated = item.max > 1;
      if (repeated && overlapping(item.atom.alternatives)) return `the alternatives of the repeated group \`${item.text}\` can start with the same character`;
      const inner = examine(item.atom.alternatives, insideRepetition || repeated, depth + 1);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

function firstOf(seq: readonly Item[]): First {
  for (const item of seq) {
    if (item.atom.kind === "assertion") continue;
    if (item.atom.kind === "char") return item.min === 0 ? "any" : item.atom.first;
    const sets = item.atom.alternatives.map(firstOf);
    if (item.min === 0 || sets.some((s) => s === "any")) return "any";
    return new Set(sets.flatMap((s) => [...(s as ReadonlySet<string>)]));
  }
  return "any"; // an alternative that can be empty overlaps with every other
}

function overlapping(alternatives: readonly (readonly Item[])[]): boolean {
  if (alternatives.length < 2) return false;
  const firsts = alternatives.map(firstOf);
  for (let i = 0; i < firsts.length; i++) {
    for (let j = i + 1; j < firsts.length; j++) {
      const a = firsts[i];
      const b = firsts[j];
      if (a === "any" || b === "any") return true;
      for (const c of a) if (b.has(c)) return true;
    }
  }
  return false;
}

/** Parses the pattern into alternatives of items (lenient: the pattern is known to be valid). */
function parse(pattern: string): (readonly Item[])[] | string {
  let i = 0;
  // Each open group: its alternatives so far, the current sequence, and where it started.
  const stack: { alternatives: Item[][]; seq: Item[]; start: number }[] = [{ alternatives: [], seq: [], start: 0 }];
  const push = (atom: Atom, start: number): void => {
    let min = 1;
    let max = 1;
    const c = pattern[i];
    if (c === "*" || c === "+" || c === "?") {
      min = c === "+" ? 1 : 0;
      max = c === "?" ? 1 : Number.POSITIVE_INFINITY;
      i++;
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (m !== null) {
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
        i += m[0].length;
      }
    }
    if (pattern[i] === "?" && (min !== 1 || max !== 1)) i++; // lazy
    stack[stack.length - 1].seq.push({ atom, min, max, text: pattern.slice(start, i) });
  };
  while (i < pattern.length) {
    const start = i;
    const c = pattern[i];
    if (c === "(") {
      if (stack.length > MAX_GROUP_DEPTH) return `groups nest more than ${MAX_GROUP_DEPTH} deep`;
      let skip = 1;
      if (pattern.startsWith("(?:", i) || pattern.startsWith("(?=", i) || pattern.startsWith("(?!", i)) skip = 3;
      else if (pattern.startsWith("(?<=", i) || pattern.startsWith("(?<!", i)) skip = 4;
      else if (pattern.startsWith("(?<", i)) skip = pattern.indexOf(">", i) - i + 1;
      i += skip;
      stack.push({ alternatives: [], seq: [], start });
      continue;
    }
    if (c === ")") {
      const group = stack.pop()!;
      group.alternatives.push(group.seq);
      i++;
      const lookaround = /^\(\?(=|!|<=|<!)/.test(pattern.slice(group.start));
      push(lookaround ? { kind: "assertion" } : { kind: "group", alternatives: group.alternatives }, group.start);
      continue;
    }
    if (c === "|") {
      const top = stack[stack.length - 1];
      top.alternatives.push(top.seq);
      top.seq = [];
      i++;
      continue;
    }
    if (c === "^" || c === "$") {
      i++;
      push({ kind: "assertion" }, start);
      continue;
    }
    if (c === "[") {
      i++;
      if (pattern[i] === "^") i++;
      if (pattern[i] === "]") i++;
      while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "\\" ? 2 : 1;
      i++;
      push({ kind: "char", first: "any" }, start);
      continue;
    }
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      i += 2;
      if (next === "b" || next === "B") {
        push({ kind: "assertion" }, start);
        continue;
      }
      if ((next === "u" || next === "p" || next === "P") && pattern[i] === "{") i = pattern.indexOf("}", i) + 1;
      else if (next === "u") i += 4;
      else if (next === "x") i += 2;
      else if (next === "c") i += 1;
      else if (/[1-9]/.test(next)) while (/\d/.test(pattern[i] ?? "")) i++;
      const literal = /^[^A-Za-z0-9]$/.test(next) || next === "0" ? next : undefined;
      push({ kind: "char", first: literal === undefined ? "any" : new Set([literal]) }, start);
      continue;
    }
    const ch = String.fromCodePoint(pattern.codePointAt(i)!);
    i += ch.length;
    push({ kind: "char", first: c === "." ? "any" : new Set([ch]) }, start);
  }
  const top = stack.pop()!;
  top.alternatives.push(top.seq);
  return top.alternatives;
}
