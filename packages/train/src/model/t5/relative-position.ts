// T5's relative position bias (`T5Attention._relative_position_bucket` and `compute_bias`): the
// distance key − query falls into one of `numBuckets` buckets, exact for small distances and
// logarithmic up to `maxDistance`; each bucket has a learned bias per head, added to the scores.
// The encoder's buckets are bidirectional, the decoder's look back only. Computed in float32 as
// torch does, so a distance on a bucket boundary lands where it does in PyTorch.

const f = Math.fround;

/** The bucket of `relative = key − query` (HF's formula). */
export function relativePositionBucket(
  relative: number,
  bidirectional: boolean,
  numBuckets: number,
  maxDistance: number,
): number {
  let bucket = 0;
  let n = numBuckets;
  let r: number;
  if (bidirectional) {
    n = Math.floor(n / 2);
    if (relative > 0) bucket += n;
    r = Math.abs(relative);
  } else {
    r = -Math.min(relative, 0);
  }
  const maxExact = Math.floor(n / 2);
  if (r < maxExact) return bucket + r;
  const scaled = f(
    f(f(Math.log(f(r / maxExact))) / f(Math.log(maxDistance / maxExact))) * (n - maxExact),
  );
  return bucket + Math.min(maxExact + Math.trunc(scaled), n - 1);
}
