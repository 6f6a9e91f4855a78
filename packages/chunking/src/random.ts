/**
 * A small seeded generator for reproducible shuffles: mulberry32 (Tommy
 * Ettinger's 32-bit generator, public domain), uniform in [0, 1).
 */

/** Returns a function yielding uniform floats in [0, 1), deterministic for `seed`. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
