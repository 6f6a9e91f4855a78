// The random stream a stage's forward gets: a function of (seed, stage) only, so a recomputed
// forward draws exactly what the first one drew (the same dropout mask, the same noise).

/**
 * A seeded generator of uniform floats in [0, 1) for `stage` under `seed`: a 32-bit SplitMix
 * (a Weyl sequence passed through the MurmurHash3 finaliser), started from a mix of the two,
 * so nearby seeds and stages give unrelated streams.
 *
 * @example
 * ```ts
 * const a = stageRandom(7, 2), b = stageRandom(7, 2);
 * a() === b(); // true: every call with the same (seed, stage) replays one stream
 * ```
 */
export function stageRandom(seed: number, stage: number): () => number {
  let state = finalise(finalise(seed >>> 0) ^ (stage >>> 0));
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    return finalise(state) / 4294967296;
  };
}

/** MurmurHash3's 32-bit finaliser: every input bit flips each output bit with odds near 1/2. */
function finalise(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
