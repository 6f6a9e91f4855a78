// Vector pieces over rows of D floats (and one of n scores) for the attention kernels
// (attention.ts): dot products and axpys 4 lanes at a time, 4 rows at a time where a row meets
// several others, and a row's exps. Pointers are byte addresses in linear memory.

import { exp1, exp4 } from "./cross-entropy";
import { madd } from "./microkernel";

/** The address of float i from p. */
export function at(p: usize, i: i32): usize {
  return p + ((<usize>i) << 2);
}

/** Σ_d a[d]·b[d] over D floats. */
export function dot(a: usize, b: usize, D: i32): f32 {
  let acc = f32x4.splat(0);
  let d = 0;
  for (; d + 4 <= D; d += 4) {
    acc = madd(v128.load(at(a, d)), v128.load(at(b, d)), acc);
  }
  let s =
    f32x4.extract_lane(acc, 0) +
    f32x4.extract_lane(acc, 1) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; d < D; d++) s += load<f32>(at(a, d)) * load<f32>(at(b, d));
  return s;
}

/** y[d] += alpha · x[d] over D floats. */
export function axpy(alpha: f32, x: usize, y: usize, D: i32): void {
  const a = f32x4.splat(alpha);
  let d = 0;
  for (; d + 4 <= D; d += 4) {
    v128.store(at(y, d), madd(a, v128.load(at(x, d)), v128.load(at(y, d))));
  }
  for (; d < D; d++) store<f32>(at(y, d), load<f32>(at(y, d)) + alpha * load<f32>(at(x, d)));
}

/**
 * The 4 dots a·b_r for rows b_r = b + r·stride (r < 4), as one vector: 4 keys a step, so that
 * the lanes are summed once for 4 keys (a transpose of the 4 accumulators) instead of each.
 */
export function dot4(a: usize, b: usize, stride: usize, D: i32): v128 {
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let d = 0;
  for (; d + 4 <= D; d += 4) {
    const x = v128.load(at(a, d));
    const o = at(b, d);
    a0 = madd(x, v128.load(o), a0);
    a1 = madd(x, v128.load(o + stride), a1);
    a2 = madd(x, v128.load(o + 2 * stride), a2);
    a3 = madd(x, v128.load(o + 3 * stride), a3);
  }
  const s01 = f32x4.add(f32x4.shuffle(a0, a1, 0, 4, 2, 6), f32x4.shuffle(a0, a1, 1, 5, 3, 7));
  const s23 = f32x4.add(f32x4.shuffle(a2, a3, 0, 4, 2, 6), f32x4.shuffle(a2, a3, 1, 5, 3, 7));
  let r = f32x4.add(f32x4.shuffle(s01, s23, 0, 1, 4, 5), f32x4.shuffle(s01, s23, 2, 3, 6, 7));
  for (; d < D; d++) {
    const x = load<f32>(at(a, d));
    const o = at(b, d);
    const t = f32x4(
      x * load<f32>(o),
      x * load<f32>(o + stride),
      x * load<f32>(o + 2 * stride),
      x * load<f32>(o + 3 * stride),
    );
    r = f32x4.add(r, t);
  }
  return r;
}

/** y[d] += Σ_r w[r] · x_r[d] for rows x_r = x + r·stride (r < 4): y read and written once. */
export function axpy4(w: v128, x: usize, stride: usize, y: usize, D: i32): void {
  const w0 = f32x4.splat(f32x4.extract_lane(w, 0));
  const w1 = f32x4.splat(f32x4.extract_lane(w, 1));
  const w2 = f32x4.splat(f32x4.extract_lane(w, 2));
  const w3 = f32x4.splat(f32x4.extract_lane(w, 3));
  let d = 0;
  for (; d + 4 <= D; d += 4) {
    const o = at(x, d);
    let t = madd(w0, v128.load(o), v128.load(at(y, d)));
    t = madd(w1, v128.load(o + stride), t);
    t = madd(w2, v128.load(o + 2 * stride), t);
    v128.store(at(y, d), madd(w3, v128.load(o + 3 * stride), t));
  }
  for (; d < D; d++) {
    const o = at(x, d);
    let t = load<f32>(at(y, d)) + f32x4.extract_lane(w, 0) * load<f32>(o);
    t += f32x4.extract_lane(w, 1) * load<f32>(o + stride);
    t += f32x4.extract_lane(w, 2) * load<f32>(o + 2 * stride);
    store<f32>(at(y, d), t + f32x4.extract_lane(w, 3) * load<f32>(o + 3 * stride));
  }
}

/** s[j] = e^(s[j] − shift) for j < n, in place; returns their float32 sum. */
export function expRow(s: usize, n: i32, shift: f32): f32 {
  const m = f32x4.splat(shift);
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const e = exp4(f32x4.sub(v128.load(at(s, j)), m));
    v128.store(at(s, j), e);
    acc = f32x4.add(acc, e);
  }
  let sum =
    f32x4.extract_lane(acc, 0) +
    f32x4.extract_lane(acc, 1) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; j < n; j++) {
    const e = exp1(load<f32>(at(s, j)) - shift);
    store<f32>(at(s, j), e);
    sum += e;
  }
  return sum;
}
