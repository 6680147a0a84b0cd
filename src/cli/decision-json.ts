/**
 * A Decision's output line, `{"record":N,…the Decision's members…}`, exactly as JSON.stringify
 * writes it, without writing again what repeats from record to record. Most of a Decision is the
 * same for every record its rule decides: the version's fields, the status, the rule and clause,
 * and (from a generated evaluator) a result and a fired list that are frozen constants, one object
 * per rule or combination of rules. Their JSON text is made once per such result and fired list and
 * reused; what varies (the record number and installation id, and members after the Decision's own,
 * such as `reviewOn` or `factsIgnored`) is written for each record.
 *
 * Only what cannot change is reused: a result or fired list is cached by identity when it is deeply
 * frozen plain data (frozen objects and arrays of data properties, down to primitives, with no
 * `toJSON`), so its text is what JSON.stringify would give every time. Anything else (members in
 * another order, an unfrozen result, a value JSON.stringify would treat specially) is written by
 * JSON.stringify, as before.
 */
import type { Decision } from "../runtime/index.js";
import type { ByteLines } from "./byte-lines.js";

// TextEncoder, not Buffer: this module is also bundled for the browser (src/site/explorer), where Buffer is not.
const utf8 = new TextEncoder();
const RECORD = utf8.encode('{"record":');
const INSTALLATION = utf8.encode(',"installationId":');
const CLOSE = utf8.encode("}");

/** A Decision's own members, in the order the runtime builds them (src/runtime/decide.ts). */
const MEMBERS = ["installationId", "document", "version", "versionId", "asOf", "sourceHash", "status", "result", "rule", "clause", "fired"] as const;

/** The Decision's members after `installationId`, as JSON text (without braces), for one result and fired list. */
interface Tail {
  readonly document: unknown;
  readonly version: unknown;
  readonly versionId: unknown;
  readonly asOf: unknown;
  readonly sourceHash: unknown;
  readonly status: unknown;
  readonly rule: unknown;
  readonly clause: unknown;
  readonly text: string;
  /** `text` as UTF-8. */
  readonly bytes: Uint8Array;
}

/** Deepest frozen value checked; deeper (or cyclic) values are left to JSON.stringify. */
const MAX_DEPTH = 16;

export class DecisionJson {
  /** Tails by result (deeply frozen), then by fired list (deeply frozen). */
  private readonly tails = new WeakMap<object, WeakMap<object, Tail>>();
  /** `,"key":` of members after the Decision's own. */
  private readonly keys = new Map<string, Uint8Array>();
  /** Objects found to be deeply frozen plain data (true) or not (false). */
  private readonly frozen = new WeakMap<object, boolean>();

  /** `{"record":N,…}`: the Decision with its record number first, as `{"record":N,...JSON.stringify(decision).slice(1)}` would be. */
  line(record: number, d: Decision): string {
    const fast = this.fast(record, d);
    if (fast !== undefined) return fast;
    const json = JSON.stringify(d);
    return json.length > 2 ? `{"record":${record},${json.slice(1)}` : `{"record":${record}}`;
  }

  /**
   * The line of `line(record, d)`, written as UTF-8 into `out`, with what repeats copied as bytes
   * made once. Writes the same bytes as `line` gives, encoded.
   *
   * The common case costs no allocation: the members' order is checked by `for…in` (which lists
   * own enumerable keys in Object.keys's order, from the object's cached key list, and then any
   * enumerable ones inherited, which JSON.stringify leaves out and so does this: only where
   * Object.prototype was given one), and the text of the last result and fired list written is
   * looked up before the tables.
   */
  write(out: ByteLines, record: number, d: Decision): void {
    const tail = this.plainTail(d);
    if (tail === undefined) {
      out.text(this.line(record, d));
      return;
    }
    out.bytes(RECORD);
    out.wholeNumber(record);
    out.bytes(INSTALLATION);
    if (!out.plainJsonString(d.installationId)) out.text(JSON.stringify(d.installationId));
    out.bytes(tail.bytes);
    if (this.extras) {
      for (const [key, v] of this.extraMembers(d)) {
        out.bytes(this.keyBytes(key));
        if (typeof v !== "string" || !out.plainJsonString(v)) out.text(JSON.stringify(v));
      }
    }
    out.bytes(CLOSE);
  }

  /**
   * The members after the Decision's own that JSON.stringify writes (own, enumerable, not
   * undefined), in its order, for a Decision plainTail accepted; run only when it found some.
   */
  private *extraMembers(d: Decision): Generator<[string, unknown]> {
    let n = 0;
    for (const key in d) {
      if (n++ < MEMBERS.length || !Object.prototype.hasOwnProperty.call(d, key)) continue;
      const v = (d as unknown as Record<string, unknown>)[key];
      if (v !== undefined) yield [key, v];
    }
  }

  /** Whether the Decision last given to plainTail has members after its own (set by plainTail). */
  private extras = false;
  /** The result and fired list of the last tail found, and that tail. */
  private lastResult: object | undefined;
  private lastFired: object | undefined;
  private lastTail: Tail | undefined;

  /**
   * The tail (see `tail`) when the Decision's line may be written from parts made once: its own
   * members first, in order, with a result and fired list that are deeply frozen plain data, and
   * after them only members JSON.stringify writes plainly; undefined otherwise. Sets `extras`.
   * The keys are not listed into an array: this runs for every record.
   */
  private plainTail(d: Decision): Tail | undefined {
    if (Object.getPrototypeOf(d) !== Object.prototype) return undefined;
    let n = 0;
    let extras = false;
    for (const key in d) {
      if (n < MEMBERS.length) {
        // Own keys come first: when the last of the Decision's own members is an own key, so are those before it.
        if (key !== MEMBERS[n] || (n === MEMBERS.length - 1 && !Object.prototype.hasOwnProperty.call(d, key))) return undefined;
      } else if (Object.prototype.hasOwnProperty.call(d, key)) {
        const v = (d as unknown as Record<string, unknown>)[key];
        extras = true;
        // What JSON.stringify leaves out is skipped; what it would write by calling something is not written here.
        if (typeof v === "function" || typeof v === "symbol" || typeof v === "bigint") return undefined;
        if (typeof v === "object" && v !== null && !this.isFrozenData(v)) return undefined;
      }
      n++;
    }
    if (n < MEMBERS.length) return undefined;
    const result = d.result;
    const fired = d.fired;
    if (typeof d.installationId !== "string" || typeof result !== "object" || result === null || typeof fired !== "object" || fired === null) return undefined;
    this.extras = extras;
    const last = this.lastTail;
    // The last tail holds for this Decision when its companions match too (a tail is only ever made for frozen data, which cannot change).
    if (last !== undefined && result === this.lastResult && fired === this.lastFired && this.matches(last, d)) return last;
    if (!this.isFrozenData(result) || !this.isFrozenData(fired)) return undefined;
    const t = this.tail(d);
    this.lastResult = result;
    this.lastFired = fired;
    this.lastTail = t;
    return t;
  }

  /** Whether a tail was made for the same companions of the result as `d` has. */
  private matches(t: Tail, d: Decision): boolean {
    return (
      t.document === d.document &&
      t.version === d.version &&
      t.versionId === d.versionId &&
      t.asOf === d.asOf &&
      t.sourceHash === d.sourceHash &&
      t.status === d.status &&
      t.rule === d.rule &&
      t.clause === d.clause
    );
  }

  /** `,"key":` as UTF-8, made once per key. */
  private keyBytes(key: string): Uint8Array {
    let b = this.keys.get(key);
    if (b === undefined) {
      b = utf8.encode(`,${JSON.stringify(key)}:`);
      this.keys.set(key, b);
    }
    return b;
  }

  private fast(record: number, d: Decision): string | undefined {
    const tail = this.plainTail(d);
    if (tail === undefined) return undefined;
    let text = `{"record":${record},"installationId":${JSON.stringify(d.installationId)}${tail.text}`;
    if (this.extras) for (const [key, v] of this.extraMembers(d)) text += `,${JSON.stringify(key)}:${JSON.stringify(v)}`;
    return `${text}}`;
  }

  /** The members from `document` to `fired` as JSON text, each after a comma; made once per result, fired list and their companions. */
  private tail(d: Decision): Tail {
    const result = d.result as object;
    let byFired = this.tails.get(result);
    if (byFired === undefined) {
      byFired = new WeakMap();
      this.tails.set(result, byFired);
    }
    let t = byFired.get(d.fired);
    if (t === undefined || !this.matches(t, d)) {
      // Written by JSON.stringify itself, from an object with the same members in the same order.
      const rest = JSON.stringify({ document: d.document, version: d.version, versionId: d.versionId, asOf: d.asOf, sourceHash: d.sourceHash, status: d.status, result, rule: d.rule, clause: d.clause, fired: d.fired }).slice(1, -1);
      const text = rest.length > 0 ? `,${rest}` : "";
      t = { document: d.document, version: d.version, versionId: d.versionId, asOf: d.asOf, sourceHash: d.sourceHash, status: d.status, rule: d.rule, clause: d.clause, text, bytes: utf8.encode(text) };
      byFired.set(d.fired, t);
    }
    return t;
  }

  /** Whether `v` is a primitive JSON.stringify writes plainly, or a deeply frozen plain object or array of such values. */
  private isFrozenData(v: unknown, depth = 0): boolean {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return true;
    if (typeof v !== "object") return false;
    const known = this.frozen.get(v);
    if (known !== undefined) return known;
    let ok = depth < MAX_DEPTH && Object.isFrozen(v);
    if (ok) {
      const proto = Object.getPrototypeOf(v);
      ok = Array.isArray(v) ? proto === Array.prototype : proto === Object.prototype;
    }
    if (ok) {
      for (const [key, p] of Object.entries(Object.getOwnPropertyDescriptors(v))) {
        if (key === "toJSON" || !("value" in p) || !this.isFrozenData(p.value, depth + 1)) {
          ok = false;
          break;
        }
      }
    }
    this.frozen.set(v, ok);
    return ok;
  }
}
