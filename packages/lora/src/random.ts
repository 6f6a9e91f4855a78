// A small seeded PRNG, so initialisation, dropout and a trainer's batch draws are deterministic
// for a seed and the same everywhere (Node, browsers, any backend). mulberry32 (Tommy Ettinger,
// public domain): 32-bit state, passes PractRand to 2^32 outputs, more than enough for init,
// dropout masks and sampling; the one word is the whole state, so a checkpoint saves it.

/** The serialisable state of a {@link Random}: its one unsigned 32-bit word. */
export type RandomState = number;

/**
 * Deterministic stream of numbers for a 32-bit seed.
 *
 * @example
 * const rng = new Random(42);
 * rng.uniform(); // in [0, 1)
 * const resumed = Random.fromState(rng.state()); // draws what rng draws next
 */
export class Random {
  private word: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new RangeError(`Random(): seed must be an integer, got ${seed}`);
    }
    this.word = seed >>> 0;
  }

  /** Rebuilds a generator from a state returned by {@link Random.state}: it continues that stream. */
  static fromState(state: RandomState): Random {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) {
      throw new RangeError(
        `Random.fromState(): state must be an unsigned 32-bit integer from state(), got ${JSON.stringify(state)}`,
      );
    }
    return new Random(state);
  }

  /** The current state; `Random.fromState(state)` continues the same stream. */
  state(): RandomState {
    return this.word;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    this.word = (this.word + 0x6d2b79f5) >>> 0;
    let t = this.word;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
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
