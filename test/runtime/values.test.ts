/**
 * Edge cases of the runtime's value operations and version selection (issue 9, "Small ones"):
 * years below 100, leap seconds, impossible --as-of dates, and did-you-mean on long values.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadVersion, versions } from "../../src/index.js";
import { closest } from "../../src/runtime/suggest.js";
import { compareInstants, daysBetween, epochMs, evaluateRecord, instantBefore, isDateTime, selectVersion, VersionSelectionError, type Decision } from "../../src/runtime/index.js";

describe("instantBefore", () => {
  it("is compareInstants(a, b) < 0, on the same layout and across offsets, fractions and leap seconds", () => {
    const values = [
      "2024-03-01T10:00:00Z",
      "2024-03-01T10:00:00.5Z",
      "2024-03-01T11:00:00+01:00",
      "2024-03-01T09:30:00-00:30",
      "2024-03-01T10:00Z",
      "2024-02-29T23:59:60Z",
      "2024-03-01T00:00:00Z",
      "0099-12-31T10:00:00+00:00",
      "0100-01-01T10:00:00Z",
    ];
    let earlier = 0;
    for (const a of values) {
      for (const b of values) {
        expect([a, b, instantBefore(a, b)]).toEqual([a, b, compareInstants(a, b) < 0]);
        if (instantBefore(a, b)) earlier++;
      }
    }
    // Equal instants written differently are not before each other; others are, one way.
    expect(instantBefore("2024-03-01T11:00:00+01:00", "2024-03-01T10:00:00Z")).toBe(false);
    expect(instantBefore("2024-03-01T10:00:00Z", "2024-03-01T11:00:00+01:00")).toBe(false);
    expect(earlier).toBeGreaterThan(20);
  });
});

describe("epochMs", () => {
  it("is Date.UTC's day count (shifted by 400 years below 100) on every day of the years around each century and leap rule, and on the 1st and last of each month of every 7th year", () => {
    const DAY_MS = 86_400_000;
    const pad = (n: number, width: number): string => String(n).padStart(width, "0");
    const reference = (y: number, m: number, d: number): number => (y < 100 ? Date.UTC(y + 400, m - 1, d) - 146_097 * DAY_MS : Date.UTC(y, m - 1, d));
    // 2000 + y mod 400 has y's leap years: the day before the 1st of the next month is the month's last.
    const daysIn = (y: number, m: number): number => new Date(Date.UTC(2000 + (y % 400), m, 0)).getUTCDate();
    const years = [0, 1, 3, 4, 96, 99, 100, 101, 399, 400, 1600, 1899, 1900, 1970, 1999, 2000, 2024, 2100, 9999];
    const wrong: string[] = [];
    let checked = 0;
    for (let y = 0; y <= 9999; y++) {
      const every = years.includes(y);
      if (!every && y % 7 !== 0) continue;
      for (let m = 1; m <= 12; m++) {
        const last = daysIn(y, m);
        for (let d = 1; d <= last; d++) {
          if (!every && d !== 1 && d !== last) continue;
          const date = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
          if (epochMs(date) !== reference(y, m, d)) wrong.push(date);
          checked++;
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(40_000);
    expect(epochMs("2024-02-29T23:59:59.5-01:30")).toBe(Date.UTC(2024, 2, 1, 1, 29, 59, 500));
  });
});

describe("date-times in years below 100", () => {
  it("order the same written with Z and with +00:00", () => {
    expect(compareInstants("0099-12-31T10:00:00+00:00", "0100-01-01T10:00:00+00:00")).toBeLessThan(0);
    expect(compareInstants("0050-06-01T00:00:00Z", "0050-06-01T00:00:00+00:00")).toBe(0);
    expect(compareInstants("0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00Z")).toBeLessThan(0);
  });

  it("count days across the year 100 and within year 0", () => {
    expect(daysBetween("0099-12-31", "0100-01-01")).toBe(1);
    expect(daysBetween("0000-02-28", "0000-03-01")).toBe(2); // year 0 is a leap year
    expect(daysBetween("0099-12-31T00:00:00+00:00", "2000-01-01T00:00:00Z")).toBe(daysBetween("0099-12-31", "2000-01-01"));
  });

  it("give the same decision for a record written with Z and with +00:00", async () => {
    const version = await loadVersion({ version: "20.v2" });
    const line = readFileSync("examples/installations.ndjson", "utf8").split("\n").find((l) => l.includes('"INS-4.26-confirmed-after-timeout"'))!;
    const record = JSON.parse(line);
    const device = record.devices[0];
    device.firmwareAttempts = [{ at: "0099-12-30T08:00:00Z", outcome: "SUCCEEDED" }];
    device.configurationAttempts = [{ at: "0099-12-31T08:00:00Z", outcome: "TIMED_OUT" }];
    device.confirmationAttempts = [{ at: "0099-12-31T10:00:00Z", outcome: "TIMED_OUT" }, { at: "0100-01-01T10:00:00Z", outcome: "SUCCEEDED" }];
    const withOffset = JSON.parse(JSON.stringify(record).replace(/(T\d\d:\d\d:\d\d)Z/g, "$1+00:00"));
    const decide = (r: unknown): Decision => {
      const o = evaluateRecord(version, r);
      if (!o.ok) throw new Error(JSON.stringify(o.errors));
      return o.decision;
    };
    const z = decide(record);
    expect(decide(withOffset)).toEqual(z);
    expect(z.result?.outcome).toBe("MIGRATE");
  });
});

describe("leap seconds", () => {
  it("23:59:60 UTC is a valid date-time, ordered after 23:59:59 and before the next day", () => {
    expect(isDateTime("2016-12-31T23:59:60Z")).toBe(true);
    expect(isDateTime("2016-12-31T23:59:60.5Z")).toBe(true);
    expect(isDateTime("2017-01-01T00:59:60+01:00")).toBe(true);
    expect(compareInstants("2016-12-31T23:59:59Z", "2016-12-31T23:59:60Z")).toBeLessThan(0);
    expect(compareInstants("2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z")).toBeLessThan(0);
    expect(compareInstants("2016-12-31T23:59:60Z", "2017-01-01T00:00:00+00:00")).toBeLessThan(0);
    expect(compareInstants("2016-12-31T23:59:59.5+00:00", "2016-12-31T23:59:60Z")).toBeLessThan(0);
  });

  it("a 60th second anywhere but the last minute of a UTC day is not", () => {
    expect(isDateTime("2016-12-31T12:30:60Z")).toBe(false);
    expect(isDateTime("2016-12-31T23:59:60+01:00")).toBe(false);
    expect(isDateTime("2016-12-31T23:59:61Z")).toBe(false);
  });
});

describe("--as-of", () => {
  it("rejects a date that is not on the calendar", () => {
    expect(() => selectVersion(versions, { asOf: "2023-02-31" })).toThrow(VersionSelectionError);
    expect(() => selectVersion(versions, { asOf: "2023-02-31" })).toThrow(/not a calendar date/);
    expect(() => selectVersion(versions, { asOf: "2022-06-31" })).toThrow(/not a calendar date/);
    expect(selectVersion(versions, { asOf: "2024-02-29" }).id).toBe("tmad-20.v2");
  });
});

describe("did-you-mean", () => {
  it("suggests for short values", () => {
    expect(closest("ESMF", ["ESME", "GSME", "IHD"])).toBe("ESME");
  });

  it("computes no suggestion for a long value (a 700 KB enum value ran a worker out of memory)", () => {
    expect(closest("a".repeat(70), ["a".repeat(69)])).toBeUndefined();
    const started = process.memoryUsage().heapUsed;
    expect(closest("E".repeat(700_000), ["ESME", "GSME"])).toBeUndefined();
    expect(process.memoryUsage().heapUsed - started).toBeLessThan(20 * 1024 * 1024);
  });
});

describe("date and date-time literals in rule documents", () => {
  it("accept what input records accept: years below 100 and leap seconds; reject impossible dates", async () => {
    const { compileVersion } = await import("../../src/compiler/pipeline.js");
    const { FRONT_MATTER } = await import("../../scripts/fuzz.js");
    const block = (body: string): string => `${FRONT_MATTER}\n## 1.1 Dates\n\nSome text.\n\n\`\`\`tmad\n${body}\n\`\`\`\n`;
    const codes = (body: string): string[] => compileVersion({ id: "d", dir: "d", files: [{ path: "d/index.md", text: block(body) }] }, "check").diagnostics.filter((d) => d.code === "TMAD2004").map((d) => d.message);
    expect(codes("parameter a: date = 0099-12-31\nparameter b: datetime = 2016-12-31T23:59:60Z\nparameter c: datetime = 0050-01-01T00:00:00+00:00")).toEqual([]);
    expect(codes("parameter a: date = 2023-02-29\nparameter b: datetime = 2016-12-31T12:00:60Z")).toEqual(["2023-02-29 is not a calendar date", "2016-12-31T12:00:60Z is not a valid date-time"]);
  });
});
