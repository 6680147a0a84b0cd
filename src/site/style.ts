/**
 * The site's one stylesheet (assets/site.css), hand-written: system fonts, a readable measure,
 * clause text beside its examples on a wide screen and stacked on a phone, long words and code
 * wrapped rather than overflowing, visible focus, colours that pass contrast checks and are never
 * the only signal (badges say ✓ / ✗ in words too), and a print style for consultation annexes.
 */
export const SITE_CSS = `:root {
  --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --paper: #fff; --tint: #f6f8fa;
  --link: #0a4fb3; --ok: #1a7f37; --ok-bg: #dafbe1; --gap: #a40e26; --gap-bg: #ffebe9;
  --ins: #dafbe1; --del: #ffebe9; --mark: #7a4a00; --mark-bg: #fff1c2;
  --kw: #8250df; --str: #0a3069; --num: #0550ae; --com: #57606a;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: var(--paper); font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; overflow-wrap: break-word; }
main, header.site, footer.site { max-width: 76rem; margin-left: auto; margin-right: auto; padding-left: 1rem; padding-right: 1rem; }
main { padding-bottom: 3rem; }
a { color: var(--link); }
a:focus-visible, button:focus-visible, summary:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
code, pre, kbd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
code { overflow-wrap: anywhere; }
pre { background: var(--tint); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem; margin: 0.5rem 0; white-space: pre-wrap; overflow-wrap: anywhere; tab-size: 2; }
h1, h2, h3, h4 { line-height: 1.25; }
h1 .sub { display: block; font-size: 0.55em; font-weight: normal; color: var(--muted); margin-top: 0.25rem; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 0.5rem; background: var(--paper); padding: 0.25rem 0.5rem; z-index: 1; }
header.site { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem 1.5rem; border-bottom: 1px solid var(--line); padding-top: 0.5rem; padding-bottom: 0.5rem; }
header.site .brand { margin: 0; font-weight: 700; }
header.site .brand a { color: var(--ink); text-decoration: none; }
header.site ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0 1rem; margin: 0; padding: 0; }
header.site a[aria-current="page"] { font-weight: 700; text-decoration: none; color: var(--ink); }
.notice { margin: 0.75rem 0 0; background: var(--mark-bg); border-left: 4px solid #d4a72c; padding: 0.5rem 0.75rem; }
footer.site { border-top: 1px solid var(--line); color: var(--muted); font-size: 0.9rem; padding-top: 0.5rem; padding-bottom: 2rem; }
.muted, figcaption { color: var(--muted); font-size: 0.85rem; }
dl.meta { display: flex; flex-wrap: wrap; gap: 0.25rem 1.5rem; margin: 0.5rem 0; }
dl.meta div, dl.result div, dl.decisions div { display: flex; flex-wrap: wrap; gap: 0 0.4rem; min-width: 0; max-width: 100%; }
dl dt { font-weight: 600; }
dl dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
dl.meta dt::after, dl.result dt::after, dl.decisions dt::after { content: ":"; }
.toc { border: 1px solid var(--line); border-radius: 6px; padding: 0 1rem 0.5rem; margin: 1rem 0; }
.toc ol { columns: 2 22rem; column-gap: 2rem; padding-left: 0; list-style: none; }
.toc li { break-inside: avoid; margin: 0.1rem 0; }
.toc .num, h2 .num { font-variant-numeric: tabular-nums; font-weight: 700; }
.toc .num { display: inline-block; min-width: 3.5rem; }
ul.more { display: flex; flex-wrap: wrap; gap: 0 1.5rem; list-style: none; padding: 0; }
section.clause { border-top: 2px solid var(--line); padding-top: 0.5rem; margin-top: 2rem; scroll-margin-top: 0.5rem; }
section.clause:target { border-top-color: var(--link); }
section.clause:target > h2 { background: #ddf4ff; }
.provenance { margin-top: 0; }
.mark { display: inline-block; font-size: 0.8rem; font-weight: 600; padding: 0 0.4rem; border-radius: 4px; background: var(--mark-bg); color: var(--mark); }
.mark.repealed, .mark.removed { background: var(--del); color: var(--gap); }
.mark.inserted, .mark.added { background: var(--ins); color: var(--ok); }
.clause-body { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem 2rem; }
@media (min-width: 64rem) { .clause-body { grid-template-columns: minmax(0, 1fr) minmax(0, 21rem); } }
.prose { max-width: 46rem; }
.prose p, .prose li { margin: 0.4rem 0; }
figure.rule-block { margin: 0.75rem 0 0.25rem; }
figure.rule-block figcaption { text-align: right; }
pre .kw { color: var(--kw); font-weight: 600; }
pre .str { color: var(--str); }
pre .num { color: var(--num); }
pre .com { color: var(--com); font-style: italic; }
pre dfn { font-style: normal; font-weight: 700; }
pre a { text-decoration-thickness: 1px; text-underline-offset: 2px; }
pre dfn:target { background: #ddf4ff; outline: 2px solid var(--link); }
.rule-facts { border-left: 3px solid var(--line); padding: 0 0.75rem; margin: 0.25rem 0 1rem; font-size: 0.95rem; }
.rule-facts p { margin: 0.2rem 0; }
.badge { display: inline-block; font-size: 0.8rem; padding: 0 0.45rem; border-radius: 999px; border: 1px solid; margin: 0.1rem 0; max-width: 100%; overflow-wrap: anywhere; }
.badge.ok { color: var(--ok); background: var(--ok-bg); }
.badge.gap { color: var(--gap); background: var(--gap-bg); }
aside.examples { background: var(--tint); border: 1px solid var(--line); border-radius: 6px; padding: 0 0.75rem 0.5rem; align-self: start; font-size: 0.92rem; }
aside.examples h3 { font-size: 1rem; }
aside.examples ul { padding-left: 0; list-style: none; }
aside.examples ul.expect, aside.examples ul.problems { padding-left: 1.1rem; list-style: disc; margin: 0.1rem 0; }
li.example { border-top: 1px solid var(--line); padding: 0.4rem 0; }
li.example .name { font-weight: 600; margin: 0.2rem 0; }
li.example .expect-label { margin: 0; color: var(--muted); }
li.example pre { font-size: 0.8rem; }
ul.versions { list-style: none; padding: 0; }
ul.versions li { border: 1px solid var(--line); border-radius: 6px; padding: 0.25rem 1rem; margin: 0.5rem 0; }
ul.versions .name { font-size: 1.15rem; font-weight: 600; }
.word-diff { max-width: 46rem; }
del { background: var(--del); color: var(--gap); }
ins { background: var(--ins); color: var(--ok); text-decoration: underline; }
section.change { border-top: 1px solid var(--line); margin-top: 1rem; }
.pair .label { font-weight: 600; margin-bottom: 0; }
.pair .side { margin: 0.25rem 0 0; color: var(--muted); }
pre.old { border-left: 4px solid var(--gap); }
pre.new { border-left: 4px solid var(--ok); }
.verdict.changed { border-left: 4px solid var(--gap); padding-left: 0.5rem; }
.verdict.same { border-left: 4px solid var(--ok); padding-left: 0.5rem; }
ul.witness-facts { margin: 0.25rem 0; }
ul.witness-facts code { font-size: 0.9rem; }
form.explorer fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; }
form.explorer label { display: inline-block; margin: 0.25rem 0; }
form.explorer textarea { display: block; width: 100%; min-height: 10rem; font: 0.85rem/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
form.explorer input[type=file] { display: block; max-width: 100%; }
form.explorer select, form.explorer input[type=date] { max-width: 100%; font: inherit; }
button { font: inherit; padding: 0.4rem 1.2rem; border-radius: 6px; border: 1px solid var(--link); background: var(--link); color: #fff; cursor: pointer; }
#status { color: var(--muted); }
article.decision { border: 1px solid var(--line); border-radius: 6px; padding: 0 1rem 0.5rem; margin: 1rem 0; }
article.decision.invalid { border-color: var(--gap); }
article.decision h3 { overflow-wrap: anywhere; }
.verdict .outcome { font-size: 1.1rem; }
.verdict .title { color: var(--muted); }
dl.result { display: flex; flex-wrap: wrap; gap: 0.1rem 1.5rem; }
dl.result .label, .facts, .where { color: var(--muted); }
.facts { display: block; font-size: 0.85rem; margin-left: 1.2rem; }
ul.trace, ul.trace ul { list-style: none; padding-left: 1.1rem; }
ul.trace { padding-left: 0; }
p.summary { font-size: 1.02rem; }
section.because ul, section.pending ul { list-style: none; padding-left: 1.1rem; }
section.because > ul { padding-left: 0; }
section.because li, section.pending li { margin: 0.2rem 0; overflow-wrap: anywhere; }
ul.trace li { margin: 0.2rem 0; }
.yes { color: var(--ok); font-weight: 700; }
.no { color: var(--gap); font-weight: 700; }
ul.errors code { font-weight: 600; }
.code { color: var(--muted); }
details > summary { cursor: pointer; }
details.as-text pre { font-size: 0.8rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  h1 { font-size: 1.6rem; }
  .toc ol { columns: 1; }
  pre { padding: 0.5rem; font-size: 0.8rem; }
  article.decision, aside.examples { padding-left: 0.6rem; padding-right: 0.6rem; }
  ul.trace ul { padding-left: 0.6rem; }
}
@media print {
  @page { margin: 18mm 15mm; }
  body { font: 10.5pt/1.4 Georgia, "Times New Roman", serif; color: #000; }
  header.site nav, .skip, footer.site, form.explorer, #status, .toc ul.more, noscript { display: none; }
  main, header.site { max-width: none; padding: 0; }
  .notice { border: 1px solid #000; background: none; padding: 4pt; }
  a { color: #000; text-decoration: none; }
  .prose a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 0.85em; }
  section.clause { break-inside: auto; border-top: 1pt solid #000; }
  section.clause > h2 { break-after: avoid; }
  figure.rule-block, li.example, .rule-facts { break-inside: avoid; }
  .clause-body { display: block; }
  aside.examples { border: none; background: none; padding: 0; }
  pre { background: none; border: 0.5pt solid #999; font-size: 8.5pt; }
  details::details-content { content-visibility: visible; display: contents; }
  details > summary { list-style: none; font-weight: 600; }
  .badge { border: 0.5pt solid #000; background: none; color: #000; }
  del { text-decoration: line-through; background: none; color: #000; }
  ins { text-decoration: underline; background: none; color: #000; }
}
`;
