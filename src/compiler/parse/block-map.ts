/** Positions in a fenced block's code → positions in its Markdown file (1-based line and column). */
import type { IToken } from "chevrotain";
import type { RuleBlock } from "../extract/index.js";
import type { Span } from "../source/span.js";

/** Maps positions in a block's code to positions in its Markdown file. */
export class BlockMap {
  constructor(private readonly block: RuleBlock) {}

  point(line: number, column: number, length = 1): Span {
    const start = this.position(line, column);
    return { file: this.block.file, start, end: { line: start.line, column: start.column + Math.max(length, 1) } };
  }

  token(t: IToken): Span {
    const start = this.position(t.startLine ?? 1, t.startColumn ?? 1);
    const end = this.position(t.endLine ?? t.startLine ?? 1, (t.endColumn ?? t.startColumn ?? 1) + 1);
    return { file: this.block.file, start, end };
  }

  between(first: IToken, last: IToken): Span {
    const a = this.token(first);
    const b = this.token(last);
    return { file: this.block.file, start: a.start, end: b.end };
  }

  /** An empty span just after the block's last character (where a missing token was expected). */
  endOfBlock(): Span {
    const lines = this.block.code.split("\n");
    const at = this.position(Math.max(lines.length, 1), (lines[lines.length - 1]?.length ?? 0) + 1);
    return { file: this.block.file, start: at, end: at };
  }

  private position(line: number, column: number): { line: number; column: number } {
    const offset = this.block.columnOffsets[line - 1] ?? 0;
    return { line: this.block.firstLine + line - 1, column: column + offset };
  }
}

