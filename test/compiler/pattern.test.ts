/**
 * Identifier patterns as character tests (src/compiler/generate/pattern.ts): for the patterns of
 * the corpus and others of the same simple kind, the generated test accepts exactly the strings the
 * regular expression (with the `u` flag, as validation compiles it) matches, on strings made to be
 * near misses: the pattern's own characters, neighbours of its ranges, non-ASCII and astral ones,
 * a lone surrogate, at every length around the pattern's. Other patterns are left to the
 * regular expression.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { patternTestBody } from "../../src/compiler/generate/pattern.js";

function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((x / 2 ** 31) * n);
  };
}

const corpus = [...readFileSync("rules/tmad-19.0/index.md", "utf8").matchAll(/^identifier \w+ pattern "([^"]*)"/gm)].map((m) => m[1]);

const simple = [
  ...corpus,
  "^[0-9]{2,4}-[A-Z]{3}$",
  "^AB\\d{3}[a-c]{0,2}$",
  "^(?:[0-9]{2}:){2}[0-9]{2}$",
  "^x{0,3}y{2}z$",
  "^[-a]{1,2}[a-]$",
  "^$",
  "^((ab){2}-){2}$",
  "^[0-9]$",
];
const other = ["^[0-9]+$", "^a|b$", "[0-9]{3}", "^[^0-9]{2}$", "^(a{1,2}){2}$", "^[0-9]{1,2}[a-z]{1,2}$", "^\\w{3}$", "^.{2}$", "^(?=a)a$", "^a{2,1}$", "^é$"];

describe("identifier patterns as character tests", () => {
  it("the corpus's patterns are all of the simple kind", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(3);
    for (const p of corpus) expect(patternTestBody(p)).toBeDefined();
  });

  it("other patterns are left to the regular expression", () => {
    for (const p of other) expect([p, patternTestBody(p)]).toEqual([p, undefined]);
  });

  for (const pattern of simple) {
    it(`${pattern}: the same answer as the regular expression on 20,000 near misses`, () => {
      const body = patternTestBody(pattern);
      expect(body).toBeDefined();
      const test = new Function("s", body!) as (s: string) => boolean;
      const re = new RegExp(pattern, "u");
      // The pattern's own characters and their neighbours, plus others.
      const chars = new Set<string>(["0", "9", "A", "F", "G", "a", "z", "-", ":", "/", "@", "[", "`", "{", " ", "é", "😀", "\ud800", "\u0660"]);
      for (const ch of pattern) {
        chars.add(ch);
        const c = ch.charCodeAt(0);
        chars.add(String.fromCharCode(c - 1));
        chars.add(String.fromCharCode(c + 1));
      }
      const pool = [...chars];
      const next = random(7);
      const maxLength = Math.max(8, pattern.length + 4);
      for (let k = 0; k < 20_000; k++) {
        let s = "";
        const length = next(maxLength);
        for (let j = 0; j < length; j++) s += pool[next(pool.length)];
        expect([s, test(s)]).toEqual([s, re.test(s)]);
      }
      // Strings that match, changed one character at a time.
      const seeds = sampleMatches(re, pool, next);
      expect(seeds.length).toBeGreaterThan(0);
      for (const seed of seeds) {
        for (let j = 0; j < seed.length; j++) {
          for (const c of pool) {
            const s = seed.slice(0, j) + c + seed.slice(j + 1);
            expect([s, test(s)]).toEqual([s, re.test(s)]);
          }
          const cut = seed.slice(0, j) + seed.slice(j + 1);
          expect([cut, test(cut)]).toEqual([cut, re.test(cut)]);
        }
        expect([seed, test(seed)]).toEqual([seed, true]);
      }
    });
  }
});

/** A few strings the expression matches, generated from its own shape (classes, literals, groups, counts). */
function sampleMatches(re: RegExp, pool: readonly string[], next: (n: number) => number): string[] {
  type Item = { readonly make: () => string; readonly min: number; readonly max: number };
  const source = re.source;
  let i = 1;
  const sequence = (): Item[] => {
    const items: Item[] = [];
    while (i < source.length - 1 && source[i] !== ")") {
      let make: () => string;
      if (source[i] === "(") {
        i += source.startsWith("(?:", i) ? 3 : 1;
        const inner = sequence();
        i++; // )
        make = () => inner.map(expand).join("");
      } else if (source[i] === "[") {
        const close = source.indexOf("]", i);
        const cls = new RegExp(`^${source.slice(i, close + 1)}$`, "u");
        const candidates = pool.filter((c) => cls.test(c));
        i = close + 1;
        make = () => candidates[next(candidates.length)];
      } else if (source.startsWith("\\d", i)) {
        i += 2;
        make = () => String(next(10));
      } else {
        const ch = source[i++];
        make = () => ch;
      }
      let min = 1;
      let max = 1;
      const m = /^\{(\d+)(?:,(\d+))?\}/.exec(source.slice(i));
      if (m !== null) {
        i += m[0].length;
        min = Number(m[1]);
        max = m[2] === undefined ? min : Number(m[2]);
      }
      items.push({ make, min, max });
    }
    return items;
  };
  const expand = (item: Item): string => {
    let out = "";
    const times = item.min + next(item.max - item.min + 1);
    for (let k = 0; k < times; k++) out += item.make();
    return out;
  };
  const items = sequence();
  const out: string[] = [];
  for (let attempt = 0; attempt < 50 && out.length < 5; attempt++) {
    const s = items.map(expand).join("");
    if (re.test(s) && !out.includes(s)) out.push(s);
  }
  return out;
}
