// Central finite differences over chosen entries of a buffer, for gradient checks.
import type { Floats } from "../../src/model/floats.js";

/** ∂f/∂buf[i] ≈ (f(buf[i]+eps) − f(buf[i]−eps)) / 2eps for each index. */
export async function numericGradient(
  f: () => number | Promise<number>,
  buf: Floats,
  indices: number[],
  eps: number,
): Promise<number[]> {
  const out: number[] = [];
  for (const i of indices) {
    const v = buf[i];
    buf[i] = v + eps;
    const fp = await f();
    buf[i] = v - eps;
    const fm = await f();
    buf[i] = v;
    out.push((fp - fm) / (2 * eps));
  }
  return out;
}

/** Largest |a−b| / max(1, |b|) style error with an absolute floor. */
export function maxRelError(analytic: number[], numeric: number[], floor = 1e-3): number {
  let m = 0;
  for (let i = 0; i < analytic.length; i++) {
    const e = Math.abs(analytic[i] - numeric[i]) / Math.max(floor, Math.abs(numeric[i]));
    if (e > m) m = e;
  }
  return m;
}

/** A seeded float64 buffer of standard-normal-ish values (deterministic LCG). */
export function randomFloats<T extends Floats>(buf: T, seed: number, scale = 1): T {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < buf.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u1 = (s + 1) / 4294967297;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u2 = s / 4294967296;
    buf[i] = scale * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return buf;
}

/** Every index of a buffer of length n, or `count` spread evenly over it. */
export function spread(n: number, count: number): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
}

/** Σ r ⊙ y: a random linear functional, so its gradient wrt y is r. */
export function dotWith(y: Floats, r: Floats): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * r[i];
  return s;
}
