/**
 * An identifier's pattern as character tests, for the generated validity check
 * (generate/validator.ts): a regular expression of the simple kind identifiers are written in,
 * `^…$` around character classes (`[0-9A-F]`, `\d`), literal characters and groups, each with an
 * exact count `{n}` or a range `{n,m}`, becomes a length test and one comparison of character codes
 * per position, with no regular expression run. It must match exactly the strings the expression
 * matches (with the `u` flag, as validation compiles it): only ASCII classes and characters are
 * taken, and at most one part whose count varies, so every position is fixed by the length.
 * Anything else gives undefined, and the check runs the expression.
 * Takes: the pattern's source. Gives: the body of a function of `s` (a string) returning a boolean.
 */

/** Character codes a position accepts: inclusive ranges. */
type CharSet = readonly (readonly [number, number])[];

interface Part {
  readonly set: CharSet;
  readonly min: number;
  readonly max: number;
}

const DIGITS: CharSet = [[48, 57]];
/** Characters that are syntax in a regular expression, never taken as literals here. */
const SYNTAX = new Set([..."\\^$.|?*+()[]{}/"].map((c) => c.charCodeAt(0)));

/** The parts of `pattern` in order, or undefined when it is not of the simple kind. */
function partsOf(pattern: string): Part[] | undefined {
  if (!pattern.startsWith("^") || !pattern.endsWith("$") || pattern.endsWith("\\$")) return undefined;
  const src = pattern.slice(1, -1);
  let i = 0;
  const ascii = (c: number): boolean => c >= 32 && c < 127;

  /** A sequence up to `)` or the end. */
  const sequence = (): Part[] | undefined => {
    const out: Part[] = [];
    while (i < src.length && src[i] !== ")") {
      let atom: Part[] | undefined;
      const c = src.charCodeAt(i);
      if (src[i] === "(") {
        i += src.startsWith("(?:", i) ? 3 : 1;
        if (src[i] === "?") return undefined; // lookaround, named group
        atom = sequence();
        if (atom === undefined || src[i] !== ")") return undefined;
        i++;
      } else if (src[i] === "[") {
        const set = charClass();
        if (set === undefined) return undefined;
        atom = [{ set, min: 1, max: 1 }];
      } else if (src.startsWith("\\d", i)) {
        i += 2;
        atom = [{ set: DIGITS, min: 1, max: 1 }];
      } else if (ascii(c) && !SYNTAX.has(c)) {
        i++;
        atom = [{ set: [[c, c]], min: 1, max: 1 }];
      } else return undefined;
      const q = quantifier();
      if (q === undefined) return undefined;
      if (q.min === 1 && q.max === 1) out.push(...atom);
      else if (atom.length === 1 && atom[0].min === 1 && atom[0].max === 1) out.push({ set: atom[0].set, min: q.min, max: q.max });
      else if (q.min === q.max) for (let k = 0; k < q.min; k++) out.push(...atom);
      else return undefined;
    }
    return out;
  };

  /** `[…]` of ASCII characters and ranges (no negation, no escape). */
  const charClass = (): CharSet | undefined => {
    i++;
    const set: [number, number][] = [];
    if (src[i] === "^" || src[i] === "]") return undefined;
    while (i < src.length && src[i] !== "]") {
      const lo = src.charCodeAt(i);
      if (!ascii(lo) || lo === 92 /* \ */ || lo === 91 /* [ */) return undefined;
      if (src[i + 1] === "-" && src[i + 2] !== undefined && src[i + 2] !== "]") {
        const hi = src.charCodeAt(i + 2);
        if (!ascii(hi) || hi === 92 || hi === 91 || hi < lo) return undefined;
        set.push([lo, hi]);
        i += 3;
      } else {
        set.push([lo, lo]);
        i++;
      }
    }
    if (src[i] !== "]") return undefined;
    i++;
    return set;
  };

  /** `{n}` or `{n,m}` (none: exactly one); `?`, `*`, `+` and other forms are not taken. */
  const quantifier = (): { min: number; max: number } | undefined => {
    if (src[i] === "?" || src[i] === "*" || src[i] === "+") return undefined;
    if (src[i] !== "{") return { min: 1, max: 1 };
    const m = /^\{(\d{1,3})(?:,(\d{1,3}))?\}/.exec(src.slice(i));
    if (m === null) return undefined;
    i += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : Number(m[2]);
    if (max < min || src[i] === "?" || src[i] === "+") return undefined; // lazy or possessive forms
    return { min, max };
  };

  const parts = sequence();
  if (parts === undefined || i !== src.length) return undefined;
  return parts.filter((p) => p.max > 0);
}

function test(set: CharSet): string {
  return set.map(([lo, hi]) => (lo === hi ? `c === ${lo}` : `(c >= ${lo} && c <= ${hi})`)).join(" || ");
}

/**
 * The body of `(s: string) => boolean` testing `s` as the pattern does, or undefined when the
 * pattern is not of the simple kind (see the file's header).
 */
export function patternTestBody(pattern: string): string | undefined {
  const parts = partsOf(pattern);
  if (parts === undefined) return undefined;
  const varying = parts.filter((p) => p.min !== p.max);
  if (varying.length > 1) return undefined;
  const v = varying.length === 0 ? parts.length : parts.indexOf(varying[0]);
  const fixed = parts.reduce((n, p) => n + (p.min === p.max ? p.min : 0), 0);
  const lines: string[] = [];
  if (varying.length === 0) lines.push(`if (s.length !== ${fixed}) return false;`);
  else lines.push(`if (s.length < ${fixed + varying[0].min} || s.length > ${fixed + varying[0].max}) return false;`);
  lines.push("let c = 0;");
  // Positions before the varying part count from the start, those after it from the end.
  let at = 0;
  const end = (k: number): string => (k === 0 ? "s.length" : `s.length - ${k}`);
  const run = (from: string, to: string, set: CharSet, single: boolean): void => {
    if (single) lines.push(`c = s.charCodeAt(${from});`, `if (!(${test(set)})) return false;`);
    else lines.push(`for (let i = ${from}; i < ${to}; i++) {`, "c = s.charCodeAt(i);", `if (!(${test(set)})) return false;`, "}");
  };
  for (let n = 0; n < v; n++) {
    run(String(at), String(at + parts[n].min), parts[n].set, parts[n].min === 1);
    at += parts[n].min;
  }
  if (v < parts.length) {
    let tail = parts.slice(v + 1).reduce((n, p) => n + p.min, 0);
    run(String(at), end(tail), parts[v].set, false);
    for (let n = v + 1; n < parts.length; n++) {
      run(end(tail), end(tail - parts[n].min), parts[n].set, parts[n].min === 1);
      tail -= parts[n].min;
    }
  }
  lines.push("return true;");
  return lines.join("\n");
}
