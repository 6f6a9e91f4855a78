// SwiGLU (Backend.swigluForward/swigluBackward) as tiles of a job (job.ts): a tile is a fixed
// span of elements, 4 lanes a step, with exp as cross-entropy.ts's vectorised polynomial
// (within 2 ulp of float32's). silu(g) = g·σ(g), σ(g) = 1 / (1 + e^−g); semantics: src/swiglu.ts.
// Legend: L elements; gate, up, out, dOut, dgate, dup `[L]`; pointers are byte addresses.
import { exp4 } from "./cross-entropy";
import { at } from "./row-vectors";

/** The descriptor: 4 bytes a field, past RMSNorm's (rms-norm.ts). */
const S: usize = 1024 + 640;

/**
 * Publishes the next SwiGLU job (job.ts `beginTiles`): o is out (forward) or dOut (backward),
 * dgate and dup 0 in the forward.
 */
export function setSwiglu(
  gate: usize,
  up: usize,
  o: usize,
  dgate: usize,
  dup: usize,
  L: i32,
  perTile: i32,
): void {
  store<u32>(S, <u32>gate);
  store<u32>(S, <u32>up, 4);
  store<u32>(S, <u32>o, 8);
  store<u32>(S, <u32>dgate, 12);
  store<u32>(S, <u32>dup, 16);
  store<i32>(S, L, 20);
  store<i32>(S, perTile, 24);
}

/** Tiles of the published SwiGLU job. */
export function swigluTiles(): i32 {
  const perTile = load<i32>(S, 24);
  return (load<i32>(S, 20) + perTile - 1) / perTile;
}

/** σ(g) for 4 lanes. */
function sigmoid4(g: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(g))));
}

/** silu(g)·up, 4 lanes. */
function forward4(g: v128, up: v128): v128 {
  return f32x4.mul(f32x4.mul(g, sigmoid4(g)), up);
}

/**
 * 4 lanes of the backward: dup = dout·g·σ and dgate = dout·up·σ(1 + g·(1 − σ)) (the derivative of
 * g·σ(g)) at dup and dgate, all 4 lanes or, with `one`, lane 0 only. 1 − σ is taken as e^−g·σ:
 * in float32 1 − σ cancels for large g (measured 1.1e-6 relative against float64 that way).
 */
function backward4(g: v128, up: v128, d: v128, dup: usize, dgate: usize, one: bool): void {
  const e = exp4(f32x4.neg(g));
  const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  const vup = f32x4.mul(d, f32x4.mul(g, s));
  const ds = f32x4.mul(s, f32x4.add(f32x4.splat(1), f32x4.mul(g, f32x4.mul(e, s))));
  const vgate = f32x4.mul(f32x4.mul(d, up), ds);
  if (one) {
    store<f32>(dup, f32x4.extract_lane(vup, 0));
    store<f32>(dgate, f32x4.extract_lane(vgate, 0));
    return;
  }
  v128.store(dup, vup);
  v128.store(dgate, vgate);
}

/** Runs tile `tile` of the published SwiGLU job. */
export function swigluTile(tile: i32): void {
  const gate = <usize>load<u32>(S);
  const up = <usize>load<u32>(S, 4);
  const o = <usize>load<u32>(S, 8);
  const dgate = <usize>load<u32>(S, 12);
  const dup = <usize>load<u32>(S, 16);
  const L = load<i32>(S, 20);
  const perTile = load<i32>(S, 24);
  const i0 = tile * perTile;
  const i1 = min(i0 + perTile, L);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const g = v128.load(at(gate, i));
    const u = v128.load(at(up, i));
    if (dgate === 0) {
      v128.store(at(o, i), forward4(g, u));
      continue;
    }
    backward4(g, u, v128.load(at(o, i)), at(dup, i), at(dgate, i), false);
  }
  // The last 1-3 elements one lane at a time through the same vector arithmetic (lane 0), so
  // that an element's result does not depend on where the tiles end.
  for (; i < i1; i++) {
    const g = f32x4.splat(load<f32>(at(gate, i)));
    const u = f32x4.splat(load<f32>(at(up, i)));
    if (dgate === 0) {
      store<f32>(at(o, i), f32x4.extract_lane(forward4(g, u), 0));
      continue;
    }
    backward4(g, u, f32x4.splat(load<f32>(at(o, i))), at(dup, i), at(dgate, i), true);
  }
}
