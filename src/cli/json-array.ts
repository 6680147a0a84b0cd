/**
 * Splitting one JSON array into its elements as the bytes stream in, without parsing them and
 * without recursion: the splitter only follows strings, escapes and nesting depth (a counter, so a
 * 200,000-deep element costs nothing), and hands on each element's text for the record reader to
 * parse with its guards (src/cli/records.ts). An element over the size limit, or nested deeper than
 * the depth limit, is dropped as it streams and reported instead of its text. A break in the
 * array's own syntax (between elements, or the input ending inside it) stops the splitter with a
 * message; what is inside an element is left to JSON.parse.
 */
import type { Limits, ParseProblem } from "./records.js";

/** One element, as text or as the problem that kept it from being read. */
export interface ArrayElement {
  /** 1-based index of the element in the array. */
  readonly index: number;
  readonly text?: string;
  /** Set instead of `text` when the element was larger than the limit: its size in bytes. */
  readonly tooLarge?: number;
  readonly problem?: ParseProblem;
  /** Line (1-based) on which the element ends. */
  readonly line: number;
}

const enum State {
  Start, // before `[`
  FirstValue, // after `[`: a value or `]`
  Value, // after `,`: a value
  InString, // inside an element that is a string
  InNested, // inside an element that is an object or array
  InScalar, // inside a number or a literal
  AfterValue, // after an element: `,` or `]`
  Ended, // after the closing `]`
  Failed,
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

function isBlank(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

function shown(c: number): string {
  return c >= 33 && c < 127 ? `\`${String.fromCharCode(c)}\`` : `byte 0x${c.toString(16).padStart(2, "0")}`;
}

export class ArraySplitter {
  private state = State.Start;
  /** Current line, 1-based. */
  line = 1;
  /** Elements completed so far. */
  count = 0;
  /** The line of the opening `[`. */
  startLine = 1;
  /** Elements completed on a line after the one of the opening `[`. */
  afterFirstLine = 0;
  /** The line of the closing `]`, once seen. */
  endLine: number | undefined;
  /** The first non-blank text after the closing `]`: its line. */
  trailingLine: number | undefined;
  /** Why the array's syntax broke, once it has. */
  failure: string | undefined;

  private parts: Buffer[] = [];
  private size = 0;
  private depth = 0;
  private maxDepthSeen = 0;
  private escaped = false;
  private nestedInString = false;

  constructor(private readonly limits: Limits) {}

  get ended(): boolean {
    return this.state === State.Ended;
  }

  get failed(): boolean {
    return this.state === State.Failed;
  }

  /** Feeds the next bytes; returns the elements they complete. */
  push(chunk: Buffer): ArrayElement[] {
    const out: ArrayElement[] = [];
    let start = -1; // where the current element's bytes begin in this chunk
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk[i];
      if (c === LF) this.line++;
      switch (this.state) {
        case State.Start:
          if (isBlank(c)) continue;
          if (c === OPEN_BRACKET) {
            this.state = State.FirstValue;
            this.startLine = this.line;
          }
          else this.fail(`expected \`[\`, found ${shown(c)}`);
          continue;
        case State.FirstValue:
        case State.Value:
          if (isBlank(c)) continue;
          if (c === CLOSE_BRACKET && this.state === State.FirstValue) {
            this.end();
            continue;
          }
          start = i;
          this.size = 0;
          this.parts = [];
          this.depth = 0;
          this.maxDepthSeen = 0;
          if (c === QUOTE) {
            this.state = State.InString;
            this.escaped = false;
          } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
            this.state = State.InNested;
            this.depth = 1;
            this.maxDepthSeen = 1;
            this.nestedInString = false;
            this.escaped = false;
          } else if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || c === 58 /* : */) {
            this.fail(`expected an element after ${this.state === State.Value ? `\`,\` after element ${this.count}` : "`[`"}, found ${shown(c)}`);
            start = -1;
          } else this.state = State.InScalar;
          continue;
        case State.InString:
          if (this.escaped) this.escaped = false;
          else if (c === BACKSLASH) this.escaped = true;
          else if (c === QUOTE) {
            out.push(this.finish(chunk, start, i + 1));
            start = -1;
          }
          continue;
        case State.InNested:
          if (this.nestedInString) {
            if (this.escaped) this.escaped = false;
            else if (c === BACKSLASH) this.escaped = true;
            else if (c === QUOTE) this.nestedInString = false;
            continue;
          }
          if (c === QUOTE) this.nestedInString = true;
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
            this.depth++;
            if (this.depth > this.maxDepthSeen) this.maxDepthSeen = this.depth;
          } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            this.depth--;
            if (this.depth === 0) {
              out.push(this.finish(chunk, start, i + 1));
              start = -1;
            }
          }
          continue;
        case State.InScalar:
          if (isBlank(c) || c === COMMA || c === CLOSE_BRACKET) {
            if (c === LF) this.line--; // counted again when the delimiter is read again
            out.push(this.finish(chunk, start, i));
            start = -1;
            i--; // the delimiter is read again, after the element
          }
          continue;
        case State.AfterValue:
          if (isBlank(c)) continue;
          if (c === COMMA) this.state = State.Value;
          else if (c === CLOSE_BRACKET) this.end();
          else this.fail(`expected \`,\` or \`]\` after element ${this.count}, found ${shown(c)}`);
          continue;
        case State.Ended:
          if (!isBlank(c) && this.trailingLine === undefined) this.trailingLine = this.line;
          continue;
        case State.Failed:
          return out;
      }
    }
    // An element continues in the next chunk: keep its bytes (unless it is already over a limit).
    if (start !== -1 || this.state === State.InString || this.state === State.InNested || this.state === State.InScalar) {
      this.keep(chunk, start === -1 ? 0 : start, n);
    }
    return out;
  }

  /** The input has ended: whether the array was closed (else `failure` says why not). */
  close(): void {
    if (this.state === State.InScalar) {
      // A number at the very end of the input is complete; the array around it is still open.
      this.state = State.AfterValue;
    }
    if (this.state !== State.Ended && this.state !== State.Failed) {
      this.failure = `the JSON array is not closed: the input ends inside it (line ${this.line}); nothing after element ${this.count} was read`;
      this.state = State.Failed;
    }
  }

  private fail(why: string): void {
    this.failure = `the JSON array breaks off at line ${this.line}: ${why}; the rest of the input was not read`;
    this.state = State.Failed;
  }

  private end(): void {
    this.endLine = this.line;
    this.state = State.Ended;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.size += to - from;
    if (this.size > this.limits.maxRecordBytes || this.maxDepthSeen > this.limits.maxDepth) {
      this.parts = [];
      return;
    }
    // Copied: the caller may reuse the chunk.
    this.parts.push(Buffer.from(chunk.subarray(from, to)));
  }

  private finish(chunk: Buffer, from: number, to: number): ArrayElement {
    this.keep(chunk, from === -1 ? 0 : from, to);
    this.count++;
    if (this.line > this.startLine) this.afterFirstLine++;
    this.state = State.AfterValue;
    const index = this.count;
    const parts = this.parts;
    this.parts = [];
    if (this.size > this.limits.maxRecordBytes) return { index, tooLarge: this.size, line: this.line };
    if (this.maxDepthSeen > this.limits.maxDepth) return { index, problem: { code: "too-deep", message: `nested more than ${this.limits.maxDepth} levels deep` }, line: this.line };
    return { index, text: Buffer.concat(parts).toString("utf8"), line: this.line };
  }
}
