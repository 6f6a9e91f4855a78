// A small seeded PRNG, so initialisation and dropout are deterministic for a seed and the same
// everywhere (Node, browsers, any backend). mulberry32 (Tommy Ettinger, public domain): 32-bit
// state, passes PractRand to 2^32 outputs, more than enough for init and dropout masks.

/**
 * Deterministic stream of numbers for a 32-bit seed.
 *
 * @example
 * const rng = new Random(42);
 * rng.uniform(); // in [0, 1)
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new RangeError(`Random(): seed must be an integer, got ${seed}`);
    }
    this.state = seed >>> 0;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Box–Muller, one value per call; the second is discarded for simplicity). */
  normal(): number {
    const u = 1 - this.uniform(); // (0, 1]: log is finite
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** Mix two 32-bit integers into one seed (a per-layer seed and a step counter, say). */
export function mixSeed(seed: number, step: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (step >>> 0) ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
