// Register-blocked matmul microkernels: a 4×8 (and a 1×8 for leftover rows) block of the output
// held in eight 128-bit registers while the shared dimension streams past (the BLIS/XNNPACK
// "splat" scheme: broadcast one a value, multiply by 8 b values). Why 4×8 and no unrolling:
// V8 (Node 20) allocates at most 15 SIMD registers and schedules loads early, so 6×8 or a
// 2-step unroll spill accumulators to the stack on every step; measured on this machine's
// 2048×256×256, 4×8 runs ~39 GFLOP/s a core against ~25 for 6×8 (unrolled or not). No FMA: relaxed SIMD is not
// on by default in Node 20, so it is f32x4.mul + f32x4.add.
// Legend: MR rows of op(a) times one panel of 8 columns of op(b), kc steps of the shared dimension.
// a is read through two byte strides (rsA between rows, csA between steps), which covers both
// a `[M,K]` and a transposed `[K,M]` layout; b is a panel whose rows of 8 floats are ldb bytes apart.

/** Writes (or adds) alpha·acc into one output row of 8 lanes, only the first nvalid of them. */
function storeRow(c: usize, lo: v128, hi: v128, va: v128, accumulate: bool, nvalid: i32): void {
  lo = f32x4.mul(lo, va);
  hi = f32x4.mul(hi, va);
  if (nvalid === 8) {
    if (accumulate) {
      lo = f32x4.add(lo, v128.load(c));
      hi = f32x4.add(hi, v128.load(c, 16));
    }
    v128.store(c, lo);
    v128.store(c, hi, 16);
    return;
  }
  // Partial panel (n % 8 columns): lane by lane, lanes must be constants.
  storeLane(c, 0, f32x4.extract_lane(lo, 0), accumulate, nvalid);
  storeLane(c, 1, f32x4.extract_lane(lo, 1), accumulate, nvalid);
  storeLane(c, 2, f32x4.extract_lane(lo, 2), accumulate, nvalid);
  storeLane(c, 3, f32x4.extract_lane(lo, 3), accumulate, nvalid);
  storeLane(c, 4, f32x4.extract_lane(hi, 0), accumulate, nvalid);
  storeLane(c, 5, f32x4.extract_lane(hi, 1), accumulate, nvalid);
  storeLane(c, 6, f32x4.extract_lane(hi, 2), accumulate, nvalid);
}

function storeLane(c: usize, lane: i32, v: f32, accumulate: bool, nvalid: i32): void {
  if (lane < nvalid) {
    const p = c + ((<usize>lane) << 2);
    store<f32>(p, accumulate ? load<f32>(p) + v : v);
  }
}

/** out[4 rows, 8 cols] (+)= alpha · Σ_p a[row, p] · b[p, col], p < kc. */
export function kernel4x8(
  a: usize,
  rsA: usize,
  csA: usize,
  b: usize,
  ldb: usize,
  c: usize,
  ldc: usize,
  kc: i32,
  alpha: f32,
  accumulate: bool,
  nvalid: i32,
): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  const r2 = rsA << 1,
    r3 = rsA * 3;
  let pa = a,
    pb = b;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(pa + rsA);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(pa + r2);
    c20 = f32x4.add(c20, f32x4.mul(av, b0));
    c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(pa + r3);
    c30 = f32x4.add(c30, f32x4.mul(av, b0));
    c31 = f32x4.add(c31, f32x4.mul(av, b1));
    pa += csA;
    pb += ldb;
  }
  const va = f32x4.splat(alpha);
  storeRow(c, c00, c01, va, accumulate, nvalid);
  storeRow(c + ldc, c10, c11, va, accumulate, nvalid);
  storeRow(c + (ldc << 1), c20, c21, va, accumulate, nvalid);
  storeRow(c + ldc * 3, c30, c31, va, accumulate, nvalid);
}

/** out[1 row, 8 cols] (+)= alpha · Σ_p a[row, p] · b[p, col]: the rows left over after the 6×8 blocks. */
export function kernel1x8(
  a: usize,
  csA: usize,
  b: usize,
  ldb: usize,
  c: usize,
  kc: i32,
  alpha: f32,
  accumulate: bool,
  nvalid: i32,
): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let pa = a,
    pb = b;
  for (let p = 0; p < kc; p++) {
    const av = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(av, v128.load(pb)));
    c01 = f32x4.add(c01, f32x4.mul(av, v128.load(pb, 16)));
    pa += csA;
    pb += ldb;
  }
  storeRow(c, c00, c01, f32x4.splat(alpha), accumulate, nvalid);
}
