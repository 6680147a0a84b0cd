/**
 * A clause's prose (Markdown, as the extract stage keeps it) → HTML, with unified + remark-parse.
 * Only what prose uses is rendered as markup (paragraphs, lists, emphasis, code, quotes, links to
 * web pages); anything else, raw HTML included, is shown as escaped text. Clause numbers in the
 * prose become links when the version has that clause.
 */
import type { Nodes, Root } from "mdast";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { esc } from "./html.js";

const markdown = unified().use(remarkParse);

/** Where a clause number links to, or undefined when it is not a clause of the version. */
export type ClauseHref = (number: string) => string | undefined;

const NUMBER = String.raw`\d+(?:\.\d+)*[A-Z]{0,2}`;
const LIST = String.raw`(?:,\s+|\s+(?:and|to|or)\s+)`;
/** Numbers that are not the version's clauses: sections of the source document, consultation questions. */
const NOT_CLAUSES = new RegExp(String.raw`\b(?:seed|[Ss]ections?|Q|[Vv]ersions?|Various)\s+${NUMBER}(?:${LIST}${NUMBER})*`, "g");
/** A whole number token: not part of a longer number, a word or a version like `20.v2`. */
const CANDIDATE = new RegExp(String.raw`(?<![\w.])${NUMBER}(?!\w|\.\w)`, "g");

/**
 * Plain text with clause numbers linked: a number the version has as a clause, unless it names a
 * section of the source document (`seed 3.4.1, 3.4.2`) or a consultation question.
 */
export function linkClauses(text: string, href: ClauseHref): string {
  const excluded: [number, number][] = [...text.matchAll(NOT_CLAUSES)].map((m) => [m.index, m.index + m[0].length]);
  let out = "";
  let last = 0;
  for (const m of text.matchAll(CANDIDATE)) {
    if (excluded.some(([a, b]) => m.index >= a && m.index < b)) continue;
    const target = href(m[0]);
    if (target === undefined) continue;
    out += `${esc(text.slice(last, m.index))}<a href="${esc(target)}">${esc(m[0])}</a>`;
    last = m.index + m[0].length;
  }
  return out + esc(text.slice(last));
}

function safeUrl(url: string): string | undefined {
  return /^(https?:|mailto:)/i.test(url) ? url : undefined;
}

function inline(nodes: readonly Nodes[], href: ClauseHref): string {
  return nodes.map((n) => node(n, href)).join("");
}

function node(n: Nodes, href: ClauseHref): string {
  switch (n.type) {
    case "root":
      return inline(n.children, href);
    case "paragraph":
      return `<p>${inline(n.children, href)}</p>\n`;
    case "text":
      return linkClauses(n.value, href);
    case "emphasis":
      return `<em>${inline(n.children, href)}</em>`;
    case "strong":
      return `<strong>${inline(n.children, href)}</strong>`;
    case "inlineCode":
      return `<code>${esc(n.value)}</code>`;
    case "break":
      return "<br>";
    case "list": {
      const tag = n.ordered === true ? "ol" : "ul";
      const start = n.ordered === true && typeof n.start === "number" && n.start !== 1 ? ` start="${n.start}"` : "";
      return `<${tag}${start}>\n${n.children.map((c) => node(c, href)).join("")}</${tag}>\n`;
    }
    case "listItem": {
      // A tight list item holds one paragraph: render its content without the <p>.
      const only = n.children.length === 1 && n.children[0].type === "paragraph" && n.spread !== true;
      return `<li>${only ? inline((n.children[0] as { children: Nodes[] }).children, href) : inline(n.children, href)}</li>\n`;
    }
    case "blockquote":
      return `<blockquote>\n${inline(n.children, href)}</blockquote>\n`;
    case "code":
      return `<pre class="prose-code"><code>${esc(n.value)}</code></pre>\n`;
    case "thematicBreak":
      return "<hr>\n";
    case "heading":
      return `<p><strong>${inline(n.children, href)}</strong></p>\n`;
    case "link": {
      const url = safeUrl(n.url);
      return url === undefined ? inline(n.children, href) : `<a href="${esc(url)}" rel="noreferrer">${inline(n.children, href)}</a>`;
    }
    case "image":
      return esc(n.alt ?? "");
    case "html":
      return esc(n.value);
    default:
      return "children" in n ? inline(n.children as Nodes[], href) : "value" in n && typeof n.value === "string" ? esc(n.value) : "";
  }
}

/** The clause text as HTML blocks. */
export function proseHtml(text: string, href: ClauseHref): string {
  const tree = markdown.parse(text) as Root;
  return inline(tree.children, href);
}
