/**
 * Chronos's bins and the values-to-ids kernel. Centres are
 * `torch.linspace(low, high, n)` in float32; boundaries are
 * `[-1e20, (c[1:] + c[:-1]) / 2, 1e20]` in float32; a value's bucket is
 * `torch.bucketize(y, boundaries, right=True)`, the number of boundaries <= y.
 *
 * {@link bucketizeRight} is the clear binary search. {@link tokenizeInto} gets
 * the same answer without a search: the bins are uniform, so
 * `floor((y - low) / width + 1.5)` lands on the bucket or next to it, and one
 * comparison against the float32 boundary on each side settles it, so ids
 * match torch's on float32 values exactly. The construction checks that the
 * estimate is never off by more than one for these boundaries, and falls back
 * to the search when it could be (bins finer than float32 resolves).
 */
import { linspaceFloat32 } from "./torch-linspace.js";

/** The bins of one tokenizer, computed once. */
export interface UniformBins {
  /** `[n]` bin centres. */
  readonly centers: Float32Array;
  /** `[n + 1]` boundaries: -1e20, the n - 1 midpoints, 1e20. */
  readonly boundaries: Float32Array;
  /** `centers[0]`, origin of the estimate. */
  readonly low: number;
  /** `1 / (centers[1] - centers[0])` as torch's linspace step, in a double. */
  readonly invWidth: number;
  /** The estimate is within one bucket for every value: the fast kernel is exact. */
  readonly uniform: boolean;
}

/** Builds Chronos's centres and boundaries for `n` bins. */
export function uniformBins(low: number, high: number, n: number): UniformBins {
  const centers = linspaceFloat32(low, high, n);
  const boundaries = new Float32Array(n + 1);
  boundaries[0] = -1e20;
  for (let i = 1; i < n; i++) boundaries[i] = Math.fround(centers[i] + centers[i - 1]) / 2;
  boundaries[n] = 1e20;
  const width = Math.fround(Math.fround(centers[n - 1] - centers[0]) / (n - 1));
  const bins = { centers, boundaries, low: centers[0], invWidth: 1 / width, uniform: true };
  // Boundary j (1..n-1) is where the count becomes j + 1; the kernel's estimate
  // there must be in [j, j + 2) so that every value is at most one bucket off.
  for (let j = 1; j < n; j++) {
    const t = estimate(bins, boundaries[j]);
    if (!(t >= j && t < j + 2)) return { ...bins, uniform: false };
  }
  return bins;
}

/** The kernel's estimate of the bucket count, before clamping and correction. */
function estimate(bins: UniformBins, y: number): number {
  return (y - bins.low) * bins.invWidth + 1.5;
}

/**
 * `torch.bucketize(y, boundaries, right=True)` for one value: the number of
 * boundaries <= `y`, by binary search. The reference for {@link tokenizeInto}.
 */
export function bucketizeRight(y: number, boundaries: Float32Array): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (boundaries[mid] <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Writes the ids of `x / scale` into `ids[at..]` and the mask into `mask[at..]`:
 * `min(bucket + firstId, lastId)`, or `padId` with mask 0 where `x` is NaN.
 * `mask[at..]` must hold zeros.
 *
 * @param x `[T]` float32 values
 * @param scale a float32 scale, > 0
 */
export function tokenizeInto(
  bins: UniformBins,
  x: Float32Array,
  scale: number,
  firstId: number,
  lastId: number,
  padId: number,
  ids: Int32Array,
  mask: Uint8Array,
  at: number,
): void {
  const b = bins.boundaries;
  const n = x.length;
  if (!bins.uniform) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (Number.isNaN(v)) {
        ids[at + i] = padId;
        continue;
      }
      const id = bucketizeRight(Math.fround(v / scale), b) + firstId;
      ids[at + i] = Math.min(id, lastId);
      mask[at + i] = 1;
    }
    return;
  }
  const low = bins.low;
  const invWidth = bins.invWidth;
  const top = b.length - 1;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (Number.isNaN(v)) {
      ids[at + i] = padId;
      continue;
    }
    const y = Math.fround(v / scale); // torch divides in float32
    const t = (y - low) * invWidth + 1.5;
    let k = t < 1 ? 1 : t > top ? top : t | 0;
    if (y < b[k - 1]) k--;
    else if (y >= b[k]) k++;
    const id = k + firstId;
    ids[at + i] = Math.min(id, lastId);
    mask[at + i] = 1;
  }
}
