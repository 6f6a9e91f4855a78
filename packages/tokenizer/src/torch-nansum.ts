/**
 * Chronos's scale, `nansum(|x| * mask) / nansum(mask)`, in float32 exactly as
 * PyTorch sums a contiguous float32 row on a CPU: `cascade_sum` in
 * aten/src/ATen/native/cpu/SumKernel.cpp. The order of the float32 additions
 * decides the last bit of the scale and so, now and then, a token id; a plain
 * float64 sum gives a different float32 scale for about 4 rows in 10.
 *
 * Legend: W = 8 lanes of a vector (`Vectorized<float>`, the same on AVX2 and
 * AVX-512 builds), ILP = 4 vectors summed side by side, so a "row" of the
 * cascade is 32 consecutive values; 4 levels of accumulators, a level carried
 * up every `levelStep` rows. Checked against torch on committed fixtures.
 * PyTorch splits one row across threads only past 32768 values with several
 * threads; this follows its one-thread order.
 */

const W = 8;
const ROW = 32;
const LEVELS = 4;

/** Float32 accumulators for {@link meanAbs}: LEVELS levels of ROW lanes. */
export function meanAbsScratch(): Float32Array {
  return new Float32Array(LEVELS * ROW);
}

/** `CeilLog2` of aten/src/ATen/native/cpu/utils.h. */
function ceilLog2(x: number): number {
  return x <= 2 ? 1 : 32 - Math.clz32(x - 1);
}

/** acc[l] += |x[from + ROW*r + l]| for rows [r0, r1); NaN adds nothing. Returns values seen. */
function addRows(x: Float32Array, from: number, r0: number, r1: number, acc: Float32Array): number {
  let count = 0;
  for (let i = from + r0 * ROW, end = from + r1 * ROW; i < end; i += ROW) {
    for (let l = 0; l < ROW; l++) {
      const v = x[i + l];
      if (!Number.isNaN(v)) {
        acc[l] += Math.abs(v); // a Float32Array store rounds: one float32 addition
        count++;
      }
    }
  }
  return count;
}

/**
 * The mean absolute value of the non-NaN values of `x`, in float32 as torch
 * computes it, or NaN when none is observed (0 / 0).
 *
 * @param x `[T]` values (already float32)
 * @param acc scratch from {@link meanAbsScratch}; overwritten
 */
export function meanAbs(x: Float32Array, acc: Float32Array): number {
  const n = x.length;
  let count = 0;
  let sum = 0;
  if (n < W) {
    // scalar_inner_sum: four scalar accumulators, then the tail, then 1..3 into 0.
    const p = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (Number.isNaN(v)) continue;
      count++;
      const k = i < 4 && n >= 4 ? i : 0;
      p[k] = Math.fround(p[k] + Math.abs(v));
    }
    sum = Math.fround(Math.fround(Math.fround(p[0] + p[1]) + p[2]) + p[3]);
    return Math.fround(sum / count);
  }

  // vectorized_inner_sum -> row_sum -> multi_row_sum over rows of 4 vectors.
  const vectors = Math.floor(n / W);
  const rows = Math.floor(vectors / 4);
  const levelPower = Math.max(4, Math.floor(ceilLog2(rows) / LEVELS));
  const levelStep = 2 ** levelPower;
  const levelMask = levelStep - 1;
  acc.fill(0);
  let r = 0;
  while (r + levelStep <= rows) {
    count += addRows(x, 0, r, r + levelStep, acc);
    r += levelStep;
    for (let j = 1; j < LEVELS; j++) {
      for (let l = 0; l < ROW; l++) {
        acc[j * ROW + l] += acc[(j - 1) * ROW + l];
        acc[(j - 1) * ROW + l] = 0;
      }
      if ((r & (levelMask * 2 ** (j * levelPower))) !== 0) break;
    }
  }
  count += addRows(x, 0, r, rows, acc);
  for (let j = 1; j < LEVELS; j++) {
    for (let l = 0; l < ROW; l++) acc[l] += acc[j * ROW + l];
  }
  // Vectors left over after the rows go into the first vector accumulator,
  // then the other three are added into it, one after the other.
  for (let i = rows * ROW; i < vectors * W; i += W) {
    for (let l = 0; l < W; l++) {
      const v = x[i + l];
      if (!Number.isNaN(v)) {
        acc[l] += Math.abs(v);
        count++;
      }
    }
  }
  for (let k = 1; k < 4; k++) {
    for (let l = 0; l < W; l++) acc[l] += acc[k * W + l];
  }
  // The scalar tail is summed first, then the 8 lanes in order.
  for (let i = vectors * W; i < n; i++) {
    const v = x[i];
    if (!Number.isNaN(v)) {
      sum = Math.fround(sum + Math.abs(v));
      count++;
    }
  }
  for (let l = 0; l < W; l++) sum = Math.fround(sum + acc[l]);
  return Math.fround(sum / count);
}
