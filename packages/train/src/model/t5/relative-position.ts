// T5's relative-position attention bias (Raffel et al. 2020 §2.1; `T5Attention.
// _relative_position_bucket` and `compute_bias`): the key−query offset goes into one of
// `num_buckets` log-spaced buckets (half for each direction in the bidirectional encoder, only
// the past in the causal decoder), and each bucket has a learned scalar per head. One table
// (`relative_attention_bias` [buckets, H], in block 0) serves every layer of a stack.
// Legend: H heads, Tq query positions, Tk key positions.

/**
 * The bucket of `relativePosition` = key position − query position, as the HF formula computes it
 * (its float32 log included, so bucket edges match).
 * @example relativePositionBucket(-3, true, 32, 128) // 3
 */
export function relativePositionBucket(
  relativePosition: number,
  bidirectional: boolean,
  numBuckets: number,
  maxDistance: number,
): number {
  let bucket = 0;
  let n = numBuckets;
  let rp = relativePosition;
  if (bidirectional) {
    n = Math.floor(n / 2);
    if (rp > 0) bucket += n;
    rp = Math.abs(rp);
  } else {
    rp = -Math.min(rp, 0);
  }
  const maxExact = Math.floor(n / 2);
  if (rp < maxExact) return bucket + rp;
  // torch: max_exact + (log(rp.float() / max_exact) / math.log(max_distance / max_exact) * (n − max_exact)).long()
  const f = Math.fround;
  const ratio = f(Math.log(f(rp / maxExact)) / f(Math.log(maxDistance / maxExact)));
  const large = maxExact + Math.trunc(f(ratio * (n - maxExact)));
  return bucket + Math.min(large, n - 1);
}

/** Buckets `[Tq, Tk]` of query positions `offset … offset+Tq−1` against keys `0 … Tk−1`. */
export function positionBuckets(
  Tq: number,
  Tk: number,
  bidirectional: boolean,
  numBuckets: number,
  maxDistance: number,
  offset = 0,
): Int32Array {
  const out = new Int32Array(Tq * Tk);
  for (let i = 0; i < Tq; i++)
    for (let j = 0; j < Tk; j++)
      out[i * Tk + j] = relativePositionBucket(
        j - (i + offset),
        bidirectional,
        numBuckets,
        maxDistance,
      );
  return out;
}

/** bias[H, Tq, Tk] = table[buckets[i, j], h] (`compute_bias`, batch dimension dropped). */
export function positionBiasForward(
  bias: Float32Array,
  table: Float32Array,
  buckets: Int32Array,
  H: number,
): void {
  const L = buckets.length;
  for (let h = 0; h < H; h++)
    for (let p = 0; p < L; p++) bias[h * L + p] = table[buckets[p] * H + h];
}

/** Backward of {@link positionBiasForward}: dTable[buckets[i, j], h] += dBias[h, i, j]. */
export function positionBiasBackward(
  dTable: Float32Array,
  dBias: Float32Array,
  buckets: Int32Array,
  H: number,
): void {
  const L = buckets.length;
  for (let h = 0; h < H; h++)
    for (let p = 0; p < L; p++) dTable[buckets[p] * H + h] += dBias[h * L + p];
}
