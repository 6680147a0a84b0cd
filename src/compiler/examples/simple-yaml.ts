/**
 * A fast reader for the plain YAML most example blocks are written in: block mappings and
 * sequences indented with spaces, one-line flow collections, plain and simply quoted scalars, read
 * with the core schema as the `yaml` package reads them. Anything else (comments, anchors, tags,
 * block or multi-line scalars, escapes, multi-line flow collections, floats, duplicate keys, odd
 * indentation) gives undefined, and the caller parses the block with `yaml` as before: this reader
 * only ever answers for text that `yaml` reads without error into the same value
 * (test/compiler/simple-yaml.test.ts compares both on the corpus and on hostile text). Parsing the
 * `yaml` way was most of the check stage's time on a version with thousands of examples.
 */

/** A YAML value as `toJS()` gives it: string, number, boolean, null, list or plain object. */
export type SimpleValue = string | number | boolean | null | SimpleValue[] | { [key: string]: SimpleValue };

/** Thrown inside the reader for anything it does not read: the caller falls back to `yaml`. */
class NotSimple extends Error {}

const fail = (): never => {
  throw new NotSimple();
};

/** Deeper nesting is left to yaml: the reader recurses once a level, and must not run out of stack. */
const MAX_DEPTH = 64;

interface Line {
  readonly indent: number;
  /** The line without its indentation. */
  readonly text: string;
  /** Whether blank lines come before it (a line break in a scalar that spans it). */
  readonly blankBefore: boolean;
}

/** The value of `text` as the yaml package reads it, or undefined when this reader does not read it. */
export function readSimpleYaml(text: string): SimpleValue | undefined {
  // Tabs, carriage returns, comments, directives and anything that is not printable ASCII are left to yaml.
  if (/[^\x20-\x7e\n]|#/.test(text)) return undefined;
  const lines: Line[] = [];
  let blank = false;
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") {
      blank = true;
      continue;
    }
    // Trailing spaces are left to yaml too (a quoted scalar's or a key's end would need care).
    if (raw.endsWith(" ")) return undefined;
    const indent = raw.length - raw.trimStart().length;
    lines.push({ indent, text: raw.slice(indent), blankBefore: blank });
    blank = false;
  }
  if (lines.length === 0 || lines[0].indent !== 0) return undefined;
  if (lines[0].text.startsWith("---") || lines[0].text.startsWith("%")) return undefined;
  try {
    const reader = new BlockReader(lines);
    const value = reader.mapping(0, 0);
    if (reader.at !== lines.length) return undefined;
    return value;
  } catch (e) {
    if (e instanceof NotSimple) return undefined;
    throw e;
  }
}

class BlockReader {
  at = 0;
  private depth = 0;
  constructor(private readonly lines: readonly Line[]) {}

  /** A block mapping whose keys start at column `indent`; its first key is on line `this.at`, from `offset` within it. */
  mapping(indent: number, offset: number): { [key: string]: SimpleValue } {
    if (++this.depth > MAX_DEPTH) fail();
    const out: { [key: string]: SimpleValue } = {};
    let first = true;
    while (this.at < this.lines.length) {
      const line = this.lines[this.at];
      let text: string;
      if (first) {
        text = line.text.slice(offset);
        first = false;
      } else {
        if (line.indent < indent) break;
        if (line.indent > indent) fail();
        text = line.text;
        // A sequence at the key's own indentation belongs to the key before (handled there).
        if (text === "-" || text.startsWith("- ")) fail();
      }
      const { key, rest } = blockKey(text);
      if (Object.prototype.hasOwnProperty.call(out, key)) fail();
      this.at++;
      if (rest === "") out[key] = this.nested(indent);
      else out[key] = this.value(rest, indent);
    }
    this.depth--;
    return out;
  }

  /**
   * A value that starts on the line before `this.at` (after a key at column `indent`): a flow
   * collection, which may go on over lines indented deeper, or a scalar, a plain one folded with the
   * deeper lines that follow (each line break a space).
   */
  private value(rest: string, indent: number): SimpleValue {
    if (rest.startsWith("[") || rest.startsWith("{")) {
      let text = rest;
      let depth = flowDepth(rest, 0);
      while (depth > 0) {
        const next = this.lines[this.at];
        if (next === undefined || next.indent <= indent || next.blankBefore) fail();
        text += `\n${next.text}`;
        depth = flowDepth(next.text, depth);
        this.at++;
      }
      return scalarOrFlow(text);
    }
    const first = scalar(rest, false);
    const next = this.lines[this.at];
    if (next === undefined || next.indent <= indent) return first;
    // Only plain strings are folded here; a continuation line is plain words, with no colon.
    if (typeof first !== "string" || /^["']/.test(rest)) fail();
    let folded = rest;
    while (this.at < this.lines.length && this.lines[this.at].indent > indent) {
      const line = this.lines[this.at];
      if (line.blankBefore || !/^[A-Za-z0-9_(][A-Za-z0-9_ ().,/-]*$/.test(line.text)) fail();
      folded += ` ${line.text}`;
      this.at++;
    }
    return folded;
  }

  /** The value of a key written with nothing after its colon: what the lines below hold, or null. */
  private nested(indent: number): SimpleValue {
    const next = this.lines[this.at];
    if (next === undefined) return null;
    const isItem = next.text === "-" || next.text.startsWith("- ");
    if (next.indent > indent && (next.text.startsWith("[") || next.text.startsWith("{"))) {
      this.at++;
      return this.value(next.text, indent);
    }
    if (next.indent > indent) return isItem ? this.sequence(next.indent) : this.mapping(next.indent, 0);
    // YAML lets a mapping's sequence value start at the key's own column.
    if (next.indent === indent && isItem) return this.sequence(indent);
    return null;
  }

  /** A block sequence whose dashes are at column `indent`, from line `this.at`. */
  private sequence(indent: number): SimpleValue[] {
    if (++this.depth > MAX_DEPTH) fail();
    const out: SimpleValue[] = [];
    while (this.at < this.lines.length) {
      const line = this.lines[this.at];
      if (line.indent !== indent || !line.text.startsWith("- ")) {
        if (line.indent > indent || line.text === "-") fail();
        break;
      }
      const rest = line.text.slice(2);
      // One space after the dash: the item's own content starts at column indent + 2.
      if (rest.startsWith(" ") || rest === "") fail();
      if (rest.startsWith("- ")) fail();
      if (startsMapping(rest)) out.push(this.mapping(indent + 2, 2));
      else {
        out.push(scalarOrFlow(rest));
        this.at++;
      }
    }
    this.depth--;
    return out;
  }
}

/**
 * The nesting of flow brackets after `text`, from `depth` before it; quoted scalars skipped. A
 * bracket inside a plain scalar would miscount, but such a scalar is not read here (plain() fails).
 */
function flowDepth(text: string, depth: number): number {
  let quote: string | undefined;
  for (const c of text) {
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    if (depth <= 0 && quote === undefined) return depth;
  }
  return depth;
}

/** Whether an item's text opens a mapping (`key: value` or `key:`). */
function startsMapping(text: string): boolean {
  try {
    blockKey(text);
    return true;
  } catch (e) {
    if (e instanceof NotSimple) return false;
    throw e;
  }
}

const PLAIN_KEY = /^[A-Za-z_$][\w$.[\]-]*$/;
const QUOTED = /^"([^"\\\n]*)"|^'([^'\n]*)'/;

/** `key: rest` or `key:` at the start of a line's text; the key plain (an identifier or a path) or quoted. */
function blockKey(text: string): { key: string; rest: string } {
  let key: string;
  let after: string;
  const q = QUOTED.exec(text);
  if (q !== null) {
    key = q[1] ?? q[2];
    after = text.slice(q[0].length);
  } else {
    const colon = text.indexOf(":");
    if (colon <= 0) fail();
    key = text.slice(0, colon);
    if (!PLAIN_KEY.test(key) || isSpecialPlain(key)) fail();
    after = text.slice(colon);
  }
  if (key === "__proto__" || key === "<<") fail();
  if (after === ":") return { key, rest: "" };
  if (!after.startsWith(": ")) fail();
  const rest = after.slice(2);
  if (rest.startsWith(" ")) fail();
  return { key, rest };
}

/** A value written on the key's or the dash's line: a one-line flow collection or a scalar. */
function scalarOrFlow(text: string): SimpleValue {
  if (text.startsWith("[") || text.startsWith("{")) {
    const flow = new FlowReader(text);
    const value = flow.value();
    flow.spaces();
    if (flow.at !== text.length) fail();
    return value;
  }
  return scalar(text, false);
}

/** A whole scalar: quoted without escapes, or plain. */
function scalar(text: string, inFlow: boolean): SimpleValue {
  const q = QUOTED.exec(text);
  if (q !== null) {
    if (q[0].length !== text.length) fail();
    return q[1] ?? q[2];
  }
  return plain(text, inFlow);
}

/** Plain scalars that are not strings in the core schema, or that this reader leaves to yaml. */
function isSpecialPlain(text: string): boolean {
  return /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(text) || /^[-+.]?[0-9]/.test(text) || /^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/.test(text);
}

/** A plain scalar, resolved with the core schema; only the forms read here the same as yaml's. */
function plain(text: string, inFlow: boolean): SimpleValue {
  if (text === "") fail();
  if (/^(?:~|[Nn]ull|NULL)$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(text)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(text)) return false;
  // Integers in their shortest decimal form are read; anything else that looks like a number by the
  // core schema (floats, +1, 007, -0, hex, octal) is left to yaml.
  if (/^-?(?:0|[1-9][0-9]{0,14})$/.test(text) && text !== "-0") return Number(text);
  if (/^[-+.]/.test(text) || /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(text) || /^0[ox]/.test(text)) fail();
  // A string: starts with a letter, a digit or an underscore (a date, `18.9 before 18.11`); no
  // indicator that would need care, no `: `, no ending colon.
  if (!/^[A-Za-z0-9_]/.test(text)) fail();
  if (/[[\]{},&*!|>'"%@`]/.test(text) && (inFlow || /[&*!|>'"%@`]/.test(text))) fail();
  if (inFlow && /[[\]{},]/.test(text)) fail();
  if (text.includes(": ") || text.endsWith(":") || text.includes(" :")) fail();
  // Flow context: a colon inside a plain scalar is left to yaml.
  if (inFlow && text.includes(":")) fail();
  return text;
}

/** A one-line flow collection: `[a, "b", { c: 1 }]`, `{ k: v }`; no trailing commas, no empty entries. */
class FlowReader {
  at = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  /** Spaces and line breaks between a flow collection's parts. */
  spaces(): void {
    while (this.text[this.at] === " " || this.text[this.at] === "\n") this.at++;
  }

  value(): SimpleValue {
    this.spaces();
    const c = this.text[this.at];
    if (c !== "[" && c !== "{") return this.scalar();
    if (++this.depth > MAX_DEPTH) fail();
    const value = c === "[" ? this.list() : this.map();
    this.depth--;
    return value;
  }

  private list(): SimpleValue[] {
    this.at++;
    const out: SimpleValue[] = [];
    this.spaces();
    if (this.text[this.at] === "]") {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.spaces();
      const c = this.text[this.at++];
      if (c === "]") return out;
      if (c !== ",") fail();
      this.spaces();
      if (this.text[this.at] === "]") fail();
    }
  }

  private map(): { [key: string]: SimpleValue } {
    this.at++;
    const out: { [key: string]: SimpleValue } = {};
    this.spaces();
    if (this.text[this.at] === "}") {
      this.at++;
      return out;
    }
    for (;;) {
      this.spaces();
      const key = this.key();
      if (Object.prototype.hasOwnProperty.call(out, key)) fail();
      out[key] = this.value();
      this.spaces();
      const c = this.text[this.at++];
      if (c === "}") return out;
      if (c !== ",") fail();
      this.spaces();
      if (this.text[this.at] === "}") fail();
    }
  }

  /** `key: ` (plain key) or `"key":` (quoted: the colon may follow at once). */
  private key(): string {
    const rest = this.text.slice(this.at);
    const q = QUOTED.exec(rest);
    let key: string;
    if (q !== null) {
      key = q[1] ?? q[2];
      this.at += q[0].length;
      if (this.text[this.at] !== ":") fail();
      this.at++;
    } else {
      const m = /^([A-Za-z_$][\w$.-]*): /.exec(rest);
      if (m === null || isSpecialPlain(m[1])) fail();
      key = m![1];
      this.at += m![1].length + 1;
    }
    if (key === "__proto__" || key === "<<") fail();
    // A value must follow (`{ k: }` is left to yaml).
    if (this.text[this.at] !== " " && q === null) fail();
    this.spaces();
    const c = this.text[this.at];
    if (c === undefined || c === "," || c === "}") fail();
    return key;
  }

  private scalar(): SimpleValue {
    const rest = this.text.slice(this.at);
    const q = QUOTED.exec(rest);
    if (q !== null) {
      this.at += q[0].length;
      return q[1] ?? q[2];
    }
    // A plain scalar in a flow collection runs to the next comma or closing bracket, within its line.
    const m = /^[^,\]}\n]*/.exec(rest)!;
    const token = m[0].trimEnd();
    this.at += token.length;
    const value = plain(token, true);
    // One that goes on over the line break (folded) is left to yaml.
    let after = this.at;
    while (this.text[after] === " " || this.text[after] === "\n") after++;
    if (after < this.text.length && !",]}".includes(this.text[after])) fail();
    return value;
  }
}
