/**
 * Seeded randomness for the population generator. Each record draws from its own stream, keyed by
 * (seed, record index, purpose), so record i never depends on how many records follow it and a
 * stream can be recreated from its key alone (e.g. the device ids of an earlier record).
 * mulberry32 for the streams; a murmur3-style finaliser to mix the key words into a stream seed.
 */

/** The 32-bit words of a safe-integer seed, so that seeds beyond 2^32 (or negative) stay distinct. */
export function seedWords(seed: number): readonly [number, number] {
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A well-mixed 32-bit value of the key words (order matters). */
export function hashWords(...words: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) h = fmix(Math.imul(h ^ (w >>> 0), 0x27d4eb2d) + 0x165667b1);
  return h;
}

/** A uniform number in [0, 1) from a key, for one-off decisions that need no stream. */
export function uniformOf(...words: readonly number[]): number {
  return hashWords(...words) / 4294967296;
}

/** Cumulative weights, normalised; prepared once and sampled many times. */
export interface Weighted<T> {
  readonly items: readonly T[];
  readonly cumulative: readonly number[];
}

export function weighted<T extends string>(weights: Readonly<Record<T, number>>, what: string): Weighted<T> {
  const items = Object.keys(weights) as T[];
  let total = 0;
  for (const k of items) {
    const w = weights[k];
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) throw new RangeError(`${what}.${k}: a weight must be a finite number ≥ 0`);
    total += w;
  }
  if (items.length === 0 || total <= 0) throw new RangeError(`${what}: the weights must not all be zero`);
  let run = 0;
  const cumulative = items.map((k) => (run += weights[k] / total));
  return { items, cumulative };
}

/** A mulberry32 stream. */
export class Rng {
  private state: number;

  constructor(...key: readonly number[]) {
    this.state = hashWords(...key);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** An integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  draw<T>(w: Weighted<T>): T {
    const u = this.next();
    for (let i = 0; i < w.cumulative.length; i++) if (u < w.cumulative[i]) return w.items[i];
    // Rounding can leave the last cumulative weight a hair under 1.
    return w.items[w.items.length - 1];
  }

  /** 0 with probability `pZero`, else 1 + a geometric-like count with the given mean, capped. */
  smallCount(pZero: number, mean: number, cap: number): number {
    if (this.next() < pZero) return 0;
    return Math.min(cap, 1 + Math.floor(-Math.log(1 - this.next()) * mean));
  }
}
