// Chronos-Bolt's patching (`Patch` and the patch step of `ChronosBoltModelForForecasting.encode`):
// a row is left-padded with NaN to a whole number of patches and cut into windows of `patchSize`
// values every `patchStride` (`unfold`); each patch becomes [values | observed], missing values 0,
// and attends when one of its values is observed. The [REG] position, when used, follows the
// patches and always attends.
// Legend: B rows, L values a row, P patches a row, S patch size, Te encoder positions.

/** Patches of a row of `length` values: left-padded to a multiple of the patch size, then unfolded. */
export function patchCount(length: number, patchSize: number, patchStride: number): number {
  const padded = Math.ceil(length / patchSize) * patchSize;
  return Math.floor((padded - patchSize) / patchStride) + 1;
}

/** The encoder's input of normalised rows. */
export interface Patches {
  /** [B·P·2S]: per patch S values (0 where missing), then S observed flags (1/0). */
  patches: Float32Array;
  /** [B·Te]: 1 where a patch has an observed value; the [REG] position 1. */
  encoderMask: Uint8Array;
  /** P. */
  patchCount: number;
}

/**
 * Patches of normalised rows x [B·L] (NaN = missing).
 * @example patchRows(x, 2, 48, 8, 8, true).patches.length // 2 · 6 · 16
 */
export function patchRows(
  x: Float32Array,
  B: number,
  L: number,
  patchSize: number,
  patchStride: number,
  withReg: boolean,
): Patches {
  const S = patchSize;
  const P = patchCount(L, S, patchStride);
  const pad = Math.ceil(L / S) * S - L;
  const Te = P + (withReg ? 1 : 0);
  const patches = new Float32Array(B * P * 2 * S);
  const encoderMask = new Uint8Array(B * Te);
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < P; p++) {
      const o = (b * P + p) * 2 * S;
      let observed = 0;
      for (let s = 0; s < S; s++) {
        const t = p * patchStride + s - pad; // position in the row; < 0 is padding
        const v = t >= 0 ? x[b * L + t] : Number.NaN;
        if (Number.isNaN(v)) continue;
        patches[o + s] = v;
        patches[o + S + s] = 1;
        observed = 1;
      }
      encoderMask[b * Te + p] = observed;
    }
    if (withReg) encoderMask[b * Te + P] = 1;
  }
  return { patches, encoderMask, patchCount: P };
}
