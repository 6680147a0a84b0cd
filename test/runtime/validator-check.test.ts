/**
 * Each version's generated straight-line validity check (src/compiler/generate/validator.ts) must
 * accept exactly the records in which the schema-driven validation finds nothing wrong: on the
 * generated population (valid and deliberately broken records) and on random structural mutations
 * of valid records (a field removed, set to null or to a value of another type, a key added, a
 * list element broken), at every depth. A record it rejects is validated from the schema, so the
 * errors are those validation gives (compared too).
 */
import { describe, expect, it } from "vitest";
import { Validator } from "../../src/runtime/index.js";
import { generateInstallations } from "../../src/population/generate.js";
import v190 from "../../generated/tmad-19.0/index.js";
import v20v1 from "../../generated/tmad-20.v1/index.js";
import v20v2 from "../../generated/tmad-20.v2/index.js";
import { expectEqual } from "../helpers/equal.js";

function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((x / 2 ** 31) * n); // the high bits: an LCG's low bits repeat with a short period
  };
}

const REPLACEMENTS: readonly unknown[] = [null, true, 0, 1.5, -3, "", "x", "2022-02-30", "2022-05-11T09:30:00Z", "ESME", "LIVE", "1234567890123", [], {}, [{}], Number.MAX_SAFE_INTEGER + 2];
const KEYS = ["__proto__", "constructor", "prototype", "toString", "extra", "id", "type", "at"];

/** Changes one value somewhere in `value` (a copy), chosen by `next`. */
function mutate(value: unknown, next: (n: number) => number): unknown {
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length === 0 || next(4) === 0) {
      copy.push(REPLACEMENTS[next(REPLACEMENTS.length)]);
      return copy;
    }
    const i = next(copy.length);
    copy[i] = next(3) === 0 ? REPLACEMENTS[next(REPLACEMENTS.length)] : mutate(copy[i], next);
    return copy;
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    const copy: Record<string, unknown> = {};
    for (const [k, v] of entries) copy[k] = v;
    const what = next(6);
    if (what === 0 || entries.length === 0) {
      // A key added as JSON.parse would make it (an own, enumerable property, even `__proto__`).
      Object.defineProperty(copy, KEYS[next(KEYS.length)], { value: REPLACEMENTS[next(REPLACEMENTS.length)], enumerable: true, configurable: true, writable: true });
      return copy;
    }
    const [k] = entries[next(entries.length)];
    if (what === 1) delete copy[k];
    else if (what === 2) copy[k] = REPLACEMENTS[next(REPLACEMENTS.length)];
    else copy[k] = mutate(copy[k], next);
    return copy;
  }
  return REPLACEMENTS[next(REPLACEMENTS.length)];
}

/** The same inputs for every version, generated once: the population's lines, and the valid records mutated. */
let population: string[] | undefined;
let samples: unknown[] | undefined;
const populationLines = (): string[] => (population ??= [...generateInstallations({ count: 3_000, seed: 7, invalidRate: 0.1 })]);
const validRecords = (): unknown[] => (samples ??= [...generateInstallations({ count: 500, seed: 11 })].map((l) => JSON.parse(l) as unknown));

describe("generated validity checks agree with schema validation", () => {
  for (const version of [v190, v20v1, v20v2]) {
    const generic = new Validator(version.validator.schema);
    const agree = (value: unknown): boolean => {
      const fast = version.validator.validate(value);
      const slow = generic.validate(value);
      expectEqual(fast, slow);
      return slow.ok;
    };

    it(`${version.manifest.id}: on 3,000 generated records, a tenth of them broken`, () => {
      let valid = 0;
      for (const line of populationLines()) {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          continue;
        }
        if (agree(value)) valid++;
      }
      expect(valid).toBeGreaterThan(2_000);
      expect(valid).toBeLessThan(3_000);
    });

    it(`${version.manifest.id}: on 20,000 random mutations of valid records`, () => {
      const next = random(1202);
      // Never changed: mutate() copies what it changes.
      const records = validRecords();
      let valid = 0;
      for (let i = 0; i < 20_000; i++) {
        let value = records[i % records.length];
        const times = 1 + next(2);
        for (let t = 0; t < times; t++) value = mutate(value, next);
        if (agree(value)) valid++;
      }
      // Some mutations keep a record valid (an optional field removed, a boolean flipped to another).
      expect(valid).toBeGreaterThan(100);
      expect(valid).toBeLessThan(19_000);
    });
  }
});
