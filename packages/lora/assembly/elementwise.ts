// The non-matmul kernels of the Backend contract, 4 lanes at a time with a scalar tail; the
// packing of b into the microkernel's 8-column panels (plain, or with a LoRA update merged in);
// and the zero-padding of narrow rows to 8 lanes.
// Legend: R rows, C columns, N elements; all pointers are byte addresses in linear memory.
import { madd } from "./microkernel";

/** x[r, c] += bias[c] for x `[R, C]`, in place. */
export function addBias(x: usize, bias: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>cols) << 2);
    let c = 0;
    for (; c < c4; c += 4) {
      const p = row + ((<usize>c) << 2);
      v128.store(p, f32x4.add(v128.load(p), v128.load(bias + ((<usize>c) << 2))));
    }
    for (; c < cols; c++) {
      const p = row + ((<usize>c) << 2);
      store<f32>(p, load<f32>(p) + load<f32>(bias + ((<usize>c) << 2)));
    }
  }
}

/** out[c] (+)= Σ_r x[r, c] for x `[R, C]`: rows are added into out one after another. */
export function sumRows(x: usize, rows: i32, cols: i32, out: usize, accumulate: bool): void {
  if (!accumulate) memory.fill(out, 0, (<usize>cols) << 2);
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>cols) << 2);
    let c = 0;
    for (; c < c4; c += 4) {
      const p = out + ((<usize>c) << 2);
      v128.store(p, f32x4.add(v128.load(p), v128.load(row + ((<usize>c) << 2))));
    }
    for (; c < cols; c++) {
      const p = out + ((<usize>c) << 2);
      store<f32>(p, load<f32>(p) + load<f32>(row + ((<usize>c) << 2)));
    }
  }
}

/** y[i] += alpha · x[i] for i < N. */
export function axpy(alpha: f32, x: usize, y: usize, count: i32): void {
  const va = f32x4.splat(alpha);
  const n4 = count & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(y + o, madd(va, v128.load(x + o), v128.load(y + o)));
  }
  for (; i < count; i++) {
    const o = (<usize>i) << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

/** out[i] = a[i] · b[i] for i < N. */
export function mul(a: usize, b: usize, out: usize, count: i32): void {
  const n4 = count & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < count; i++) {
    const o = (<usize>i) << 2;
    store<f32>(out + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

/** out[i] = alpha · x[i] for i < N. */
export function scale(x: usize, alpha: f32, out: usize, count: i32): void {
  const va = f32x4.splat(alpha);
  const n4 = count & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, f32x4.mul(va, v128.load(x + o)));
  }
  for (; i < count; i++) {
    const o = (<usize>i) << 2;
    store<f32>(out + o, alpha * load<f32>(x + o));
  }
}

/**
 * Packs b `[N,K]` (used transposed) into ceil(N/8) panels of `[K][8]`, zero-padded past N, so
 * the microkernel reads 8 consecutive output columns with two vector loads.
 */
export function packTransposed(b: usize, n: i32, k: i32, dst: usize): void {
  packPanels(b, 4, (<usize>k) << 2, n, k, dst, (<usize>k) << 5);
}

/**
 * Packs k steps of op(b) (element (p, j) at b + p·stepStride + j·colStride, j < n) into
 * ceil(n/8) panels of `[k][8]` (panelStride bytes apart), zero-padded past n.
 */
export function packPanels(
  b: usize,
  stepStride: usize,
  colStride: usize,
  n: i32,
  k: i32,
  dst: usize,
  panelStride: usize,
): void {
  const panels = (n + 7) >> 3;
  if (colStride === 4) {
    // Each step's 8 columns are contiguous: two vector copies per step, not 8 strided loops.
    for (let q = 0; q < n >> 3; q++) {
      let src = b + ((<usize>q) << 5);
      let out = dst + <usize>q * panelStride;
      const end = out + ((<usize>k) << 5);
      for (; out < end; out += 32, src += stepStride) {
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
      }
    }
    if ((n & 7) === 0) return;
  }
  for (let q = colStride === 4 ? n >> 3 : 0; q < panels; q++) {
    const panel = dst + <usize>q * panelStride;
    for (let jj = 0; jj < 8; jj++) {
      const j = (q << 3) + jj;
      let src = b + <usize>j * colStride;
      let out = panel + ((<usize>jj) << 2);
      const end = out + ((<usize>k) << 5);
      if (j < n) {
        for (; out < end; out += 32, src += stepStride) store<f32>(out, load<f32>(src));
      } else {
        for (; out < end; out += 32) store<f32>(out, 0);
      }
    }
  }
}

/**
 * Panels `[ceil(n/8)][steps][8]` at out of op(M) = op(W) + u ᵀ·v, a frozen weight with a rank-K
 * update merged in, so a LoRA step multiplies by one matrix instead of adding K more steps to
 * each product. op(W)'s element (p, j) is at base + (j >> 3)·basePanel + p·baseStep + (j & 7)·4
 * (the 8 lanes of a panel step contiguous: W's own rows, or panels packed already); u `[K][steps]`
 * and v `[K][n8]` (rows ldu and ldv bytes apart, v zero-padded to n8 = ceil(n/8)·8 columns).
 * Lanes past n are zero.
 */
export function mergePanels(
  base: usize,
  basePanel: usize,
  baseStep: usize,
  u: usize,
  ldu: usize,
  v: usize,
  ldv: usize,
  rank: i32,
  steps: i32,
  n: i32,
  out: usize,
): void {
  const panels = (n + 7) >> 3;
  for (let q = 0; q < panels; q++) {
    const lanes = min(8, n - (q << 3));
    const vq = v + ((<usize>q) << 5);
    let src = base + <usize>q * basePanel;
    let dst = out + <usize>q * <usize>steps * 32;
    for (let p = 0; p < steps; p++) {
      let lo: v128;
      let hi: v128;
      if (lanes === 8) {
        lo = v128.load(src);
        hi = v128.load(src, 16);
      } else {
        // The last, partial panel: lanes past n read as zeros (W's rows may go on past them).
        padRows(src, lanes, 1, dst);
        lo = v128.load(dst);
        hi = v128.load(dst, 16);
      }
      // Two partial sums over k: each add waits on its own chain only.
      let lo2 = f32x4.splat(0);
      let hi2 = f32x4.splat(0);
      let k = 0;
      const up = u + ((<usize>p) << 2);
      for (; k + 2 <= rank; k += 2) {
        const s0 = v128.load32_splat(up + <usize>k * ldu);
        const s1 = v128.load32_splat(up + <usize>(k + 1) * ldu);
        const v0 = vq + <usize>k * ldv;
        const v1 = v0 + ldv;
        lo = madd(s0, v128.load(v0), lo);
        hi = madd(s0, v128.load(v0, 16), hi);
        lo2 = madd(s1, v128.load(v1), lo2);
        hi2 = madd(s1, v128.load(v1, 16), hi2);
      }
      if (k < rank) {
        const s0 = v128.load32_splat(up + <usize>k * ldu);
        const v0 = vq + <usize>k * ldv;
        lo = madd(s0, v128.load(v0), lo);
        hi = madd(s0, v128.load(v0, 16), hi);
      }
      v128.store(dst, f32x4.add(lo, lo2));
      v128.store(dst, f32x4.add(hi, hi2), 16);
      src += baseStep;
      dst += 32;
    }
  }
}

/** Copies `rows` rows of `width` ≤ 8 floats (`[rows][width]` at src) into `[rows][8]`, zero-padded. */
export function padRows(src: usize, width: i32, rows: i32, dst: usize): void {
  const bytes = (<usize>width) << 2;
  for (let r = 0; r < rows; r++) {
    const row = dst + ((<usize>r) << 5);
    v128.store(row, f32x4.splat(0));
    v128.store(row, f32x4.splat(0), 16);
    memory.copy(row, src + <usize>r * bytes, bytes);
  }
}
