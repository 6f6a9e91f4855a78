// Rotary position embeddings (Su et al. 2021) in Llama's rotate-half layout: a head vector's first
// half pairs with its second half, q' = q·cos + rotate_half(q)·sin, rotate_half(x) = [−x₂, x₁],
// with inverse frequencies θ^(−2i/D) as `LlamaRotaryEmbedding` (default rope type).
// Legend: N rows (tokens), T positions per sequence, H heads, D head size.
import type { Floats } from "./floats.js";

/** cos/sin tables `[positions, D/2]` (the second half of Llama's duplicated table is the same). */
export interface RotaryTables {
  cos: Float64Array;
  sin: Float64Array;
  headDim: number;
  positions: number;
}

/** Builds the tables for `positions` positions of a `headDim`-sized head with base `theta`. */
export function rotaryTables(headDim: number, positions: number, theta: number): RotaryTables {
  const half = headDim / 2;
  const cos = new Float64Array(positions * half);
  const sin = new Float64Array(positions * half);
  for (let i = 0; i < half; i++) {
    // As PyTorch: inv_freq in float32, position × inv_freq in float32.
    const invFreq = Math.fround(1 / theta ** Math.fround((2 * i) / headDim));
    for (let p = 0; p < positions; p++) {
      const angle = Math.fround(p * invFreq);
      cos[p * half + i] = Math.cos(angle);
      sin[p * half + i] = Math.sin(angle);
    }
  }
  return { cos, sin, headDim, positions };
}

/**
 * Rotates x[N, H·D] in place; row n sits at position `offset` + n mod T (offset: where cached
 * decoding resumes). `sign` = 1 applies the rotation, −1 applies its transpose (the backward: the
 * rotation is orthogonal).
 */
export function rotaryApply(
  x: Floats,
  tables: RotaryTables,
  N: number,
  T: number,
  H: number,
  sign: 1 | -1,
  offset = 0,
): void {
  const D = tables.headDim;
  const half = D / 2;
  if (offset + T > tables.positions) {
    throw new RangeError(
      `rotaryApply(): sequence length must be at most ${tables.positions}, got ${offset + T}`,
    );
  }
  for (let n = 0; n < N; n++) {
    const p = (offset + (n % T)) * half;
    for (let h = 0; h < H; h++) {
      const o = n * H * D + h * D;
      for (let i = 0; i < half; i++) {
        const c = tables.cos[p + i];
        const s = sign * tables.sin[p + i];
        const x1 = x[o + i];
        const x2 = x[o + half + i];
        x[o + i] = x1 * c - x2 * s;
        x[o + half + i] = x2 * c + x1 * s;
      }
    }
  }
}
