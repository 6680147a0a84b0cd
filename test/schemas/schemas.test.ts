/**
 * Every published JSON Schema validates the output it describes, checked with ajv (draft 2020-12,
 * strict): the generated installation schema of each version against real records (valid ones
 * pass; invalid ones it can express fail), the decision schema against `tmad eval` outputs
 * (decisions, traced decisions, invalid records), the explanation schema against explanations of
 * every example (invalid ones included), and the diff report schema against a real diff.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { toOutput } from "../../src/cli/batch.js";
import { diffVersions } from "../../src/compiler/diff/index.js";
import { renderDiff } from "../../src/compiler/diff/render.js";
import { buildExplanation, loadVersion, versions } from "../../src/index.js";
import { generateInstallations } from "../../src/population/generate.js";
import { evaluateRecord } from "../../src/runtime/index.js";
import { SCHEMA_KINDS, schemaText } from "../../src/schemas.js";
import { diffSide } from "../helpers/diff.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const lines = readFileSync(join(root, "examples/installations.ndjson"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "");
const examples = lines.map((l) => JSON.parse(l) as Record<string, any>);
const population = [...generateInstallations({ count: 300, seed: 5 })].map((l) => JSON.parse(l) as unknown);

function ajv(): Ajv2020 {
  // `x-tmad` is the schemas' own annotation (kind, schema version): declared, so strict mode accepts it.
  const a = new Ajv2020({ strict: true, allErrors: true, keywords: ["x-tmad"] });
  for (const kind of SCHEMA_KINDS.filter((k) => k !== "installation")) a.addSchema(JSON.parse(schemaText(kind)));
  return a;
}

function validator(a: Ajv2020, id: string): (v: unknown) => string | undefined {
  const validate = a.getSchema(id)!;
  expect(validate, id).toBeDefined();
  return (v) => (validate(v) ? undefined : a.errorsText(validate.errors));
}

describe("the schemas themselves", () => {
  it("each has a $id with its kind and an x-tmad annotation with its schema version, and compiles in strict mode", () => {
    const a = ajv();
    for (const kind of SCHEMA_KINDS) {
      const s = JSON.parse(kind === "installation" ? schemaText(kind, { version: "20.v2" }) : schemaText(kind));
      expect(s.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(s.$id).toMatch(new RegExp(`^urn:tmad:schema:${kind}:`));
      expect(s["x-tmad"]).toMatchObject({ kind, schemaVersion: kind === "installation" ? "1" : s.$id.split(":").at(-1) });
      expect(s["x-tmad"].schemaVersion).toMatch(/^[1-9][0-9]*$/);
      if (kind === "installation") a.compile(s);
    }
  });
});

describe("installation schema, generated per version", () => {
  for (const entry of versions) {
    it(`${entry.id}: accepts every record its validator accepts; rejects invalid ones it can express`, async () => {
      const a = ajv();
      a.addSchema(JSON.parse(schemaText("installation", { version: entry.id })));
      const valid = validator(a, `urn:tmad:schema:installation:${entry.id}`);
      const version = await loadVersion({ version: entry.id });
      for (const r of [...examples, ...population]) {
        const ok = version.validator.validate(r).ok;
        const problem = valid(r);
        if (ok) expect(problem, JSON.stringify((r as { id?: string }).id)).toBeUndefined();
      }
      // What JSON Schema can say: an unknown cohort, a missing field, a malformed device id, an unknown key.
      for (const id of ["INS-invalid-unknown-cohort", "INS-invalid-missing-installedOn", "INS-invalid-malformed-device-id", "INS-invalid-proto-key"]) {
        expect(valid(examples.find((r) => r.id === id)), id).toBeDefined();
      }
      // What it cannot: a check digit. The schema says so; tmad's validator catches it.
      const badDigit = examples.find((r) => r.id === "INS-invalid-mpan-check-digit");
      expect(valid(badDigit)).toBeUndefined();
      expect(version.validator.validate(badDigit).ok).toBe(false);
    });
  }
});

describe("decision, trace and explanation schemas, against real outputs", () => {
  it("every tmad eval output validates, traced or not, invalid records included", async () => {
    const a = ajv();
    const valid = validator(a, "urn:tmad:schema:decision:1");
    const version = await loadVersion({ version: "20.v2" });
    let invalid = 0;
    for (const [i, r] of [...examples, ...population].entries()) {
      for (const trace of [false, true]) {
        const o = evaluateRecord(version, r, { trace });
        if (!o.ok) invalid++;
        const out = JSON.parse(JSON.stringify(toOutput(i + 1, o)));
        expect(valid(out), `${i} trace=${trace}`).toBeUndefined();
      }
    }
    expect(invalid).toBeGreaterThan(0);
    // Not JSON at all: the error record the reader gives.
    expect(valid({ record: 3, installationId: null, versionId: "tmad-20.v2", status: "invalid", errors: [{ code: "invalid-json", path: "$", message: "Unexpected token" }] })).toBeUndefined();
    expect(valid({ record: 1, status: "decided" })).toBeDefined();
  });

  it("every explanation validates, with and without the authors' notes, invalid records included", async () => {
    const a = ajv();
    const valid = validator(a, "urn:tmad:schema:explanation:1");
    for (const id of ["20.v2", "19.0"]) {
      const version = await loadVersion({ version: id });
      for (const [i, r] of examples.entries()) {
        const e = JSON.parse(JSON.stringify(buildExplanation(version, evaluateRecord(version, r, { trace: true }), { record: i + 1, notes: i % 2 === 0 })));
        expect(valid(e), `${id} ${r.id}`).toBeUndefined();
      }
    }
  });
});

describe("diff report schema", () => {
  it("a real diff, with a population and a broken record, validates", () => {
    const a = ajv();
    const valid = validator(a, "urn:tmad:schema:diff-report:2");
    const population = [...examples.slice(0, 20).map((value, i) => ({ record: i + 1, value })), { record: 21, parseError: "not JSON" }];
    const report = JSON.parse(renderDiff(diffVersions(diffSide("test/fixtures/versions/demo-1.0"), diffSide("test/fixtures/versions/demo-1.1"), { population }), "json", { ids: false }));
    expect(report.behaviour.length).toBeGreaterThan(0);
    expect(valid(report)).toBeUndefined();
  });
});
