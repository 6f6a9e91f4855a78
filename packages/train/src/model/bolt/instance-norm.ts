// Chronos-Bolt's instance norm (`InstanceNorm`, "scaling" in Chronos and GluonTS): each context row
// is standardised by its own NaN-aware mean and standard deviation, and the model's outputs are
// mapped back with the same pair. As published: a row with no observed value gets loc 0 and
// scale 1 (`nan_to_num`), a constant row scale `eps` (1e-5).
// Legend: B rows, L values a row.

/** `InstanceNorm.eps` of chronos_bolt.py. */
export const INSTANCE_NORM_EPS = 1e-5;

/** Per-row location and scale. */
export interface LocScale {
  loc: Float32Array; // [B]
  scale: Float32Array; // [B]
}

/**
 * loc = nanmean(x), scale = sqrt(nanmean((x − loc)²)) of each row of x [B·L] (NaN = missing).
 * @example instanceNorm(Float32Array.of(1, NaN, 3), 1, 3) // { loc: [2], scale: [1] }
 */
export function instanceNorm(x: Float32Array, B: number, L: number): LocScale {
  const loc = new Float32Array(B);
  const scale = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    const row = x.subarray(b * L, b * L + L);
    let sum = 0;
    let n = 0;
    for (const v of row) if (!Number.isNaN(v)) [sum, n] = [sum + v, n + 1];
    const m = n > 0 ? Math.fround(sum / n) : 0;
    let ss = 0;
    for (const v of row) if (!Number.isNaN(v)) ss += (v - m) ** 2;
    const s = n > 0 ? Math.sqrt(ss / n) : 1;
    loc[b] = m;
    scale[b] = s === 0 ? INSTANCE_NORM_EPS : s;
  }
  return { loc, scale };
}

/** (x − loc) / scale of each row of x [B·H], in place (NaN stays NaN). */
export function normalizeRows(x: Float32Array, { loc, scale }: LocScale, H: number): Float32Array {
  for (let i = 0; i < x.length; i++) {
    const b = Math.floor(i / H);
    x[i] = (x[i] - loc[b]) / scale[b];
  }
  return x;
}

/** x · scale + loc of each row of x [B·H], in place (`InstanceNorm.inverse`). */
export function denormalizeRows(
  x: Float32Array,
  { loc, scale }: LocScale,
  H: number,
): Float32Array {
  for (let i = 0; i < x.length; i++) {
    const b = Math.floor(i / H);
    x[i] = x[i] * scale[b] + loc[b];
  }
  return x;
}
