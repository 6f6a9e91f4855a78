// Register-blocked matmul microkernel: a 5×8 block of the output held in ten 128-bit registers
// while the shared dimension streams past (the BLIS/XNNPACK "splat" scheme: broadcast one a
// value, multiply by 8 b values), with a packed into micro-panels `[kc][5]` first (`packA`) so
// its five values of a step sit at constant offsets. Why 5×8: V8 (Node 20) allocates at most 15
// SIMD registers; 5×8 uses 10 accumulators, 2 of b, 1 splat and 1 product, while 6×8 or a
// 2-step unroll spill to the stack on every step. Measured on this machine (one core), 5×8 on
// packed a runs ~50 GFLOP/s against ~41 for the former 4×8 reading a through strides and ~27
// for 6×8. No FMA: relaxed SIMD is not on by default in Node 20, so it is f32x4.mul + f32x4.add.
// Legend: MR rows of op(a) times one panel of 8 columns of op(b), kc steps of the shared dimension.
// a is packed from any two byte strides (rsA between rows, csA between steps), which covers both
// a `[M,K]` and a transposed `[K,M]` layout; b is a panel whose rows of 8 floats are ldb bytes apart.

/**
 * a·b + c: fused where the module is built with relaxed SIMD (one rounding; the runtime picks
 * that build where the engine validates it), else a multiply then an add. Small enough that
 * binaryen inlines it at -O3 (no call in the built kernels).
 */
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Rows of the microkernel. */
export const MR: i32 = 5;

/** Writes (or adds) alpha·acc into one output row of 8 lanes, only the first nvalid of them. */
export function storeRow(
  c: usize,
  lo: v128,
  hi: v128,
  va: v128,
  accumulate: bool,
  nvalid: i32,
): void {
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

/**
 * Packs `rows` rows, steps 0..kc of a (element (i, p) at a + i·rsA + p·csA) into
 * ceil(rows / MR) micro-panels `[·][MR]` at dst, panelBytes apart, rows past the last as zeros.
 */
export function packA(
  a: usize,
  rsA: usize,
  csA: usize,
  rows: i32,
  kc: i32,
  dst: usize,
  panelBytes: usize,
): void {
  for (let i = 0; i < rows; i += MR) {
    const src = a + <usize>i * rsA;
    if (i + MR > rows) packRows(src, rsA, csA, rows - i, kc, dst);
    else if (csA === 4) packFiveRows(src, rsA, kc, dst);
    else if (rsA === 4) {
      // op(a) stored transposed: a step's five values are contiguous.
      let from = src;
      let out = dst;
      const end = dst + <usize>kc * <usize>(MR << 2);
      for (; out < end; out += MR << 2, from += csA) {
        v128.store(out, v128.load(from));
        store<f32>(out, load<f32>(from, 16), 16);
      }
    } else packRows(src, rsA, csA, MR, kc, dst);
    dst += panelBytes;
  }
}

/**
 * One micro-panel from five rows whose steps are contiguous: four steps of four rows at a time
 * through a 4×4 transpose in registers (the fifth row's four values stored one by one), instead
 * of a load and a store per value.
 */
function packFiveRows(a: usize, rsA: usize, kc: i32, dst: usize): void {
  const stride: usize = MR << 2;
  const k4 = kc & ~3;
  let p = 0;
  let out = dst;
  for (; p < k4; p += 4) {
    const src = a + ((<usize>p) << 2);
    const r0 = v128.load(src);
    const r1 = v128.load(src + rsA);
    const r2 = v128.load(src + rsA * 2);
    const r3 = v128.load(src + rsA * 3);
    const r4 = v128.load(src + rsA * 4);
    const lo01 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
    const hi01 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
    const lo23 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
    const hi23 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
    v128.store(out, f32x4.shuffle(lo01, lo23, 0, 1, 4, 5));
    store<f32>(out, f32x4.extract_lane(r4, 0), 16);
    v128.store(out, f32x4.shuffle(lo01, lo23, 2, 3, 6, 7), 20);
    store<f32>(out, f32x4.extract_lane(r4, 1), 36);
    v128.store(out, f32x4.shuffle(hi01, hi23, 0, 1, 4, 5), 40);
    store<f32>(out, f32x4.extract_lane(r4, 2), 56);
    v128.store(out, f32x4.shuffle(hi01, hi23, 2, 3, 6, 7), 60);
    store<f32>(out, f32x4.extract_lane(r4, 3), 76);
    out += stride << 2;
  }
  if (p < kc) packRows(a + ((<usize>p) << 2), rsA, 4, MR, kc - p, out);
}

/** One micro-panel `[kc][MR]` at dst from `rows` ≤ MR rows, value by value, zeros past them. */
function packRows(a: usize, rsA: usize, csA: usize, rows: i32, kc: i32, dst: usize): void {
  const stride: usize = MR << 2;
  for (let r = 0; r < MR; r++) {
    let out = dst + ((<usize>r) << 2);
    const end = out + <usize>kc * stride;
    if (r < rows) {
      let src = a + <usize>r * rsA;
      for (; out < end; out += stride, src += csA) store<f32>(out, load<f32>(src));
    } else {
      for (; out < end; out += stride) store<f32>(out, 0);
    }
  }
}

/**
 * out[5 rows, 8 cols] = Σ_p a[row, p] · b[p, col], p < kc, with a one micro-panel `[kc][5]`
 * from packA; out's rows ldc bytes apart. Nothing else is live across the loop (no alpha, no
 * flags): with them as parameters V8 hoisted the five splats, ran out of SIMD registers and
 * spilled an accumulator every step (~2× slower). Scaling, accumulating and partial blocks go
 * through a scratch block and storeBlock.
 */
export function kernel5x8(a: usize, b: usize, ldb: usize, kc: i32, c: usize, ldc: usize): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0),
    c41 = f32x4.splat(0);
  let pa = a,
    pb = b;
  const end = a + <usize>kc * <usize>(MR << 2);
  while (pa < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(pa, 4);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(pa, 8);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(pa, 12);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    av = v128.load32_splat(pa, 16);
    c40 = madd(av, b0, c40);
    c41 = madd(av, b1, c41);
    pa += MR << 2;
    pb += ldb;
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  c += ldc;
  v128.store(c, c10);
  v128.store(c, c11, 16);
  c += ldc;
  v128.store(c, c20);
  v128.store(c, c21, 16);
  c += ldc;
  v128.store(c, c30);
  v128.store(c, c31, 16);
  c += ldc;
  v128.store(c, c40);
  v128.store(c, c41, 16);
}

/**
 * out[5 rows, 8 cols] += Σ_p a[row, p] · b[p, col]: kernel5x8 adding into out where it stores,
 * for an accumulating product at alpha 1 (a backward's +=, a second block of the shared
 * dimension) without the round trip through a scratch block and storeBlock.
 */
export function kernel5x8Add(a: usize, b: usize, ldb: usize, kc: i32, c: usize, ldc: usize): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0),
    c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0),
    c41 = f32x4.splat(0);
  let pa = a,
    pb = b;
  const end = a + <usize>kc * <usize>(MR << 2);
  while (pa < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(pa, 4);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(pa, 8);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(pa, 12);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    av = v128.load32_splat(pa, 16);
    c40 = madd(av, b0, c40);
    c41 = madd(av, b1, c41);
    pa += MR << 2;
    pb += ldb;
  }
  v128.store(c, f32x4.add(v128.load(c), c00));
  v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
  c += ldc;
  v128.store(c, f32x4.add(v128.load(c), c10));
  v128.store(c, f32x4.add(v128.load(c, 16), c11), 16);
  c += ldc;
  v128.store(c, f32x4.add(v128.load(c), c20));
  v128.store(c, f32x4.add(v128.load(c, 16), c21), 16);
  c += ldc;
  v128.store(c, f32x4.add(v128.load(c), c30));
  v128.store(c, f32x4.add(v128.load(c, 16), c31), 16);
  c += ldc;
  v128.store(c, f32x4.add(v128.load(c), c40));
  v128.store(c, f32x4.add(v128.load(c, 16), c41), 16);
}

/** out[mvalid ≤ 5 rows, nvalid ≤ 8 cols] (+)= alpha · acc, acc a 5×8 block kernel5x8 wrote. */
export function storeBlock(
  acc: usize,
  c: usize,
  ldc: usize,
  alpha: f32,
  accumulate: bool,
  mvalid: i32,
  nvalid: i32,
): void {
  const va = f32x4.splat(alpha);
  for (let r = 0; r < mvalid; r++) {
    const row = acc + ((<usize>r) << 5);
    storeRow(c + <usize>r * ldc, v128.load(row), v128.load(row, 16), va, accumulate, nvalid);
  }
}
