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
  packPanels(b, 4, (<usize>k) << 2, n, k, dst, (<usize>k) << 5, 1);
}

/**
 * Packs k steps of op(b) (element (p, j) at b + p·stepStride + j·colStride, j < n) times
 * `scale` into ceil(n/8) panels of `[k][8]` (panelStride bytes apart), zero-padded past n. Two
 * calls with the same panelStride stack two operands along the shared dimension.
 */
export function packPanels(
  b: usize,
  stepStride: usize,
  colStride: usize,
  n: i32,
  k: i32,
  dst: usize,
  panelStride: usize,
  scale: f32,
): void {
  const panels = (n + 7) >> 3;
  for (let q = 0; q < panels; q++) {
    const panel = dst + <usize>q * panelStride;
    for (let jj = 0; jj < 8; jj++) {
      const j = (q << 3) + jj;
      let src = b + <usize>j * colStride;
      let out = panel + ((<usize>jj) << 2);
      const end = out + ((<usize>k) << 5);
      if (j < n) {
        for (; out < end; out += 32, src += stepStride) store<f32>(out, scale * load<f32>(src));
      } else {
        for (; out < end; out += 32) store<f32>(out, 0);
      }
    }
  }
}
