/**
 * `torch.linspace(start, end, steps)` in float32, bit for bit as PyTorch 2.x
 * computes it on a CPU (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp):
 * `step = (end - start) / (steps - 1)` in float, then `start + step * i` for the
 * first half and `end - step * (steps - 1 - i)` for the second. PyTorch's
 * AVX2/AVX-512 kernels (what x86-64 machines run) contract each of those into
 * one fused multiply-add, so each value is rounded once; {@link fma32} does the
 * same. (PyTorch 1.x and the non-vectorised build differ in the last bit.)
 */

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The float32 next to `x` (a nonzero float32) in the direction of `toward`. */
export function nextFloat32(x: number, toward: number): number {
  if (x === toward) return x;
  f32[0] = x;
  if (x === 0)
    i32[0] = 1; // the smallest subnormal, signed below
  else i32[0] += x < toward === x > 0 ? 1 : -1;
  return x === 0 && toward < 0 ? -f32[0] : f32[0];
}

/**
 * `a * b + c` rounded once to float32, as a hardware FMA does, for a float32
 * `a` and `c` and an integer `b` below 2^24. `a * b` is exact in a double; the
 * sum is exact too except when its bits span more than a double holds, and
 * then the only case where rounding the double to float32 differs from
 * rounding the exact value is a double that lies exactly halfway between two
 * float32s: the rounding error of the sum (Knuth's TwoSum) breaks that tie.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const t = s - p;
  const error = p - (s - t) + (c - t);
  const r = Math.fround(s);
  if (error === 0 || r === s) return r;
  const other = nextFloat32(r, s);
  if ((r + other) / 2 !== s) return r;
  return error > 0 === other > r ? other : r;
}

/**
 * `torch.linspace(start, end, steps)` for float32 on a CPU.
 *
 * @returns `[steps]` values, `start` and `end` rounded to float32 first.
 * @example linspaceFloat32(-15, 15, 4093) // Chronos's bin centres
 */
export function linspaceFloat32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  const s = Math.fround(start);
  const e = Math.fround(end);
  if (steps === 1) {
    out[0] = s;
    return out;
  }
  const step = Math.fround(Math.fround(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    out[i] = i < halfway ? fma32(step, i, s) : fma32(-step, steps - 1 - i, e);
  }
  return out;
}
