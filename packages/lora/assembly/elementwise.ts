// The non-matmul kernels of the Backend contract, 4 lanes at a time with a scalar tail, and
// the packing of a transposed b (`[N,K]`, the nn.Linear weight layout) into 8-column panels.
// Legend: R rows, C columns, N elements; all pointers are byte addresses in linear memory.

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
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
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
 * out `[R, C]` = w + scale · b·a for w `[R, C]`, b `[R, K]`, a `[K, C]`: a frozen weight with a
 * rank-K update merged in (W + scaling·B·A), so a LoRA step multiplies by one matrix instead of
 * adding K more steps to each product. out may be w.
 */
export function addLowRank(
  w: usize,
  b: usize,
  a: usize,
  scale: f32,
  rows: i32,
  rank: i32,
  cols: i32,
  out: usize,
): void {
  const c4 = cols & ~3;
  const rowBytes = (<usize>cols) << 2;
  for (let r = 0; r < rows; r++) {
    const or = out + <usize>r * rowBytes;
    const br = b + ((<usize>r * <usize>rank) << 2);
    memory.copy(or, w + <usize>r * rowBytes, rowBytes);
    // Row r of out += Σ_k (scale·b[r, k]) · row k of a, four k at a time: each 4-lane update
    // of out adds one tree of four products, independent of the others.
    let k = 0;
    for (; k + 4 <= rank; k += 4) {
      const s0 = scale * load<f32>(br + ((<usize>k) << 2));
      const s1 = scale * load<f32>(br + ((<usize>k) << 2), 4);
      const s2 = scale * load<f32>(br + ((<usize>k) << 2), 8);
      const s3 = scale * load<f32>(br + ((<usize>k) << 2), 12);
      const v0 = f32x4.splat(s0);
      const v1 = f32x4.splat(s1);
      const v2 = f32x4.splat(s2);
      const v3 = f32x4.splat(s3);
      const a0 = a + <usize>k * rowBytes;
      const a1 = a0 + rowBytes;
      const a2 = a1 + rowBytes;
      const a3 = a2 + rowBytes;
      let c = 0;
      for (; c < c4; c += 4) {
        const o = (<usize>c) << 2;
        const lo = f32x4.add(f32x4.mul(v0, v128.load(a0 + o)), f32x4.mul(v1, v128.load(a1 + o)));
        const hi = f32x4.add(f32x4.mul(v2, v128.load(a2 + o)), f32x4.mul(v3, v128.load(a3 + o)));
        v128.store(or + o, f32x4.add(v128.load(or + o), f32x4.add(lo, hi)));
      }
      for (; c < cols; c++) {
        const o = (<usize>c) << 2;
        const lo = s0 * load<f32>(a0 + o) + s1 * load<f32>(a1 + o);
        const hi = s2 * load<f32>(a2 + o) + s3 * load<f32>(a3 + o);
        store<f32>(or + o, load<f32>(or + o) + (lo + hi));
      }
    }
    for (; k < rank; k++) {
      const s0 = scale * load<f32>(br + ((<usize>k) << 2));
      const v0 = f32x4.splat(s0);
      const a0 = a + <usize>k * rowBytes;
      let c = 0;
      for (; c < c4; c += 4) {
        const o = (<usize>c) << 2;
        v128.store(or + o, f32x4.add(v128.load(or + o), f32x4.mul(v0, v128.load(a0 + o))));
      }
      for (; c < cols; c++) {
        const o = (<usize>c) << 2;
        store<f32>(or + o, load<f32>(or + o) + s0 * load<f32>(a0 + o));
      }
    }
  }
}
