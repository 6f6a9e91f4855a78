// Shared test helpers: seeded random tensors and float error bounds.
import type { AttentionShape, AttentionStep } from "../src/backend";
import { Random } from "../src/random";

/** `length` floats uniform in [-1, 1), the same for a seed. */
export function randomArray(length: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = 2 * rng.uniform() - 1;
  return out;
}

/** Largest |got[i] - want[i]| / bound[i] (≤ 1 means within bound) and where it happens. */
export function worstRatio(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  bound: ArrayLike<number>,
): { ratio: number; index: number } {
  let ratio = 0;
  let index = -1;
  for (let i = 0; i < want.length; i++) {
    const r = Math.abs(got[i] - want[i]) / bound[i];
    if (!(r <= ratio)) {
      ratio = r;
      index = i;
    }
  }
  return { ratio, index };
}

/** Largest |got - want| relative to the largest |want| (float32 sums over k terms). */
export function relativeError(got: Float32Array, want: Float32Array): number {
  let err = 0;
  let scale = 1e-30;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return err / scale;
}

/** An attention step of `shape`: q, k, v uniform in ±1 (seeds 11–13), bias ±2 when asked (14). */
export function attentionStep(
  shape: AttentionShape,
  keyMask: Uint8Array | null,
  bias: boolean,
): AttentionStep {
  const { B, Tq, Tk, H, KV, D } = shape;
  const Tkv = shape.Tkv ?? Tk;
  return {
    ...shape,
    q: randomArray(B * Tq * H * D, 11),
    k: randomArray(B * Tkv * KV * D, 12),
    v: randomArray(B * Tkv * KV * D, 13),
    lse: new Float32Array(B * H * Tq),
    keyMask,
    bias: bias ? randomArray(H * Tq * Tk, 14).map((x) => 2 * x) : null,
  };
}
