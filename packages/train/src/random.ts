// A small seeded random generator (sfc32, Doty-Humphrey's Small Fast Counter) whose whole state
// is four 32-bit words, so a trainer checkpoint can save it and resume the same stream.

/** The serialisable state of a {@link Random}: four unsigned 32-bit words. */
export type RandomState = [number, number, number, number];

/**
 * Seeded pseudo-random numbers: uniform in [0, 1), integers, standard normals.
 *
 * @example
 * const rng = new Random(42);
 * const u = rng.uniform(); // same value for seed 42 on every platform
 */
export class Random {
  private s: Uint32Array = new Uint32Array(4);

  /** @param seed any finite number; equal seeds give equal streams. */
  constructor(seed: number) {
    if (!Number.isFinite(seed))
      throw new RangeError(`Random(): seed must be a finite number, got ${seed}`);
    const x = Math.floor(seed) >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    this.s.set([0x9e3779b9, x, hi ^ 0x85ebca6b, 1]);
    for (let i = 0; i < 16; i++) this.nextUint32();
  }

  /** Rebuilds a generator from a state returned by {@link Random.state}. */
  static fromState(state: RandomState): Random {
    const r = new Random(0);
    r.s.set(state);
    return r;
  }

  /** The current state; `Random.fromState(state)` continues the same stream. */
  state(): RandomState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const t = (((s[0] + s[1]) >>> 0) + s[3]) >>> 0;
    s[3] = (s[3] + 1) >>> 0;
    s[0] = s[1] ^ (s[1] >>> 9);
    s[1] = (s[2] + (s[2] << 3)) >>> 0;
    s[2] = ((s[2] << 21) | (s[2] >>> 11)) >>> 0;
    s[2] = (s[2] + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal sample (Box–Muller; no cached second value, so the state stays four words). */
  normal(): number {
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A fresh generator seeded from this one (for independent sub-streams). */
  fork(): Random {
    return new Random(this.nextUint32() * 4294967296 + this.nextUint32());
  }
}
