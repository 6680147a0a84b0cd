/**
 * Parsing a rule document's Markdown without reading its code blocks line by line: text → the mdast
 * tree remark-parse gives for it, with the same nodes, values and positions.
 *
 * remark's cost is per line, and a rule document is mostly fenced `tmad` and `tmad-example` blocks
 * (nine tenths of a 1,200-rule version's text), whose content is literal: nothing in it changes the
 * rest of the document. So the content lines of every fenced block opened at column 0 are taken out
 * before parsing, and put back afterwards: the block's `value` from the original lines, and every
 * position after it moved down by the lines and characters taken out.
 *
 * Why the tree is the same: block structure is decided line by line from the top, so up to an
 * opening fence the two texts parse alike. The short text is accepted only if each block whose content
 * was taken out came back as a top-level fenced code node from its opening line to its closing line;
 * then the original opening line opened the same top-level block, and as no line in between can close
 * it (a line that might close it, by the lenient test below, ends the content there: if it does not
 * really close the block, the short text's block does not end on its line and the check fails), the
 * original block ends on the same line, after which both parsers are in the same state again. Code
 * content holds no link definitions, so inline text (headings) parses alike too. Anything else (a
 * fence inside an HTML comment, a list, the front matter; a block left open) fails the check, and the
 * original text is parsed as it is.
 */
import type { Code, Root } from "mdast";

/** A fenced block whose content lines were taken out: its lines in the original text (0-based). */
interface Cut {
  /** The opening fence's line. */
  readonly open: number;
  /** The closing fence's line. */
  readonly close: number;
}

const OPENING = /^(`{3,}|~{3,})/;

/** Top-level-looking fenced blocks with content: an opening fence at column 0, and its closing line. */
function findCuts(lines: readonly string[]): Cut[] {
  const cuts: Cut[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = OPENING.exec(lines[i]);
    if (m === null) continue;
    const fence = m[1];
    // Lenient on purpose: any line starting (after spaces) with as long a run of the fence's
    // character is taken as the end; one that is not really a closing fence fails the check.
    let close = -1;
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[j].trimStart().startsWith(fence)) {
        close = j;
        break;
      }
    }
    if (close === -1) break;
    if (close > i + 1) cuts.push({ open: i, close });
    i = close;
  }
  return cuts;
}

/** A point in the short text → the same point in the original. */
type MapPoint = (p: { line: number; column: number; offset?: number }) => void;

function positionMapper(lines: readonly string[], cuts: readonly Cut[]): { short: string; map: MapPoint; openLines: number[] } {
  const kept: string[] = [];
  // By cut, in the short text: the 1-based lines of its opening and closing fences, and the lines
  // and characters taken out up to its closing line (cumulative).
  const openLines: number[] = [];
  const closeAt: number[] = [];
  const linesBefore: number[] = [];
  const charsBefore: number[] = [];
  let removedLines = 0;
  let removedChars = 0;
  let next = 0;
  for (const c of cuts) {
    for (let i = next; i <= c.open; i++) kept.push(lines[i]);
    openLines.push(c.open + 1 - removedLines);
    for (let i = c.open + 1; i < c.close; i++) removedChars += lines[i].length + 1;
    removedLines += c.close - c.open - 1;
    closeAt.push(c.close + 1 - removedLines);
    linesBefore.push(removedLines);
    charsBefore.push(removedChars);
    next = c.close;
  }
  for (let i = next; i < lines.length; i++) kept.push(lines[i]);
  const map: MapPoint = (p) => {
    // The last cut whose closing line is at or before p's line.
    let lo = 0;
    let hi = closeAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (closeAt[mid] <= p.line) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return;
    p.line += linesBefore[lo - 1];
    if (p.offset !== undefined) p.offset += charsBefore[lo - 1];
  };
  return { short: kept.join("\n"), map, openLines };
}

/**
 * `parse` (remark's) of `text`, reading fenced blocks' content without parsing it. `text` has "\n"
 * line endings only.
 */
export function parseSkippingFences(text: string, parse: (text: string) => Root): Root {
  const lines = text.split("\n");
  const cuts = findCuts(lines);
  if (cuts.length === 0) return parse(text);
  const { short, map, openLines } = positionMapper(lines, cuts);
  const tree = parse(short);
  // Each cut must be a top-level fenced code node from its opening line to its closing line (the next).
  const codeAt = new Map<number, Code>();
  for (const node of tree.children) if (node.type === "code" && node.position !== undefined) codeAt.set(node.position.start.line, node);
  const restored: { node: Code; cut: Cut }[] = [];
  for (let k = 0; k < cuts.length; k++) {
    const node = codeAt.get(openLines[k]);
    const p = node?.position;
    if (node === undefined || p === undefined || p.start.column !== 1 || p.end.line !== openLines[k] + 1 || node.value !== "") return parse(text);
    restored.push({ node, cut: cuts[k] });
  }
  const seen = new Set<object>();
  type Point = { line: number; column: number; offset?: number };
  const visit = (node: { position?: { start: Point; end: Point }; children?: unknown[] }): void => {
    if (node.position !== undefined) {
      for (const point of [node.position.start, node.position.end]) {
        if (seen.has(point)) continue;
        seen.add(point);
        map(point);
      }
    }
    if (node.children !== undefined) for (const c of node.children) visit(c as never);
  };
  visit(tree as never);
  for (const { node, cut } of restored) node.value = lines.slice(cut.open + 1, cut.close).join("\n");
  return tree;
}
