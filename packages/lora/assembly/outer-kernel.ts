// Rank-K reductions over rows, taken along the way by the tiles of a LoRA backward's frozen
// matmul (see setReductions in job.ts): acc[p, ·] += Σ_r a[r, p] · v[r, ·] for the five rows of
// one micro-panel, v five rows of 8 floats held in ten registers while p streams past.
// Legend: r < 5 rows, p < steps, 8 lanes of v (rank ≤ 8, zero-padded).

/** acc `[steps][8]` += Σ_r a[r, p] · v[r] (a[r, p] at a + r·rs + p·cs; v `[5][8]`, rows 32 B apart). */
export function outer5x8(a: usize, rs: usize, cs: usize, steps: i32, v: usize, acc: usize): void {
  const v0 = v128.load(v);
  const w0 = v128.load(v, 16);
  const v1 = v128.load(v, 32);
  const w1 = v128.load(v, 48);
  const v2 = v128.load(v, 64);
  const w2 = v128.load(v, 80);
  const v3 = v128.load(v, 96);
  const w3 = v128.load(v, 112);
  const v4 = v128.load(v, 128);
  const w4 = v128.load(v, 144);
  const r2 = rs << 1;
  const r3 = rs * 3;
  const r4 = rs << 2;
  let pa = a;
  let pc = acc;
  const end = acc + ((<usize>steps) << 5);
  while (pc < end) {
    let lo = v128.load(pc);
    let hi = v128.load(pc, 16);
    let s = v128.load32_splat(pa);
    lo = f32x4.add(lo, f32x4.mul(s, v0));
    hi = f32x4.add(hi, f32x4.mul(s, w0));
    s = v128.load32_splat(pa + rs);
    lo = f32x4.add(lo, f32x4.mul(s, v1));
    hi = f32x4.add(hi, f32x4.mul(s, w1));
    s = v128.load32_splat(pa + r2);
    lo = f32x4.add(lo, f32x4.mul(s, v2));
    hi = f32x4.add(hi, f32x4.mul(s, w2));
    s = v128.load32_splat(pa + r3);
    lo = f32x4.add(lo, f32x4.mul(s, v3));
    hi = f32x4.add(hi, f32x4.mul(s, w3));
    s = v128.load32_splat(pa + r4);
    lo = f32x4.add(lo, f32x4.mul(s, v4));
    hi = f32x4.add(hi, f32x4.mul(s, w4));
    v128.store(pc, lo);
    v128.store(pc, hi, 16);
    pa += cs;
    pc += 32;
  }
}

/** Copies `rows` ≤ 5 rows of `width` ≤ 8 floats (rs bytes apart) into a zero-padded `[5][8]` block. */
export function gatherRows(src: usize, rs: usize, width: i32, rows: i32, dst: usize): void {
  for (let r = 0; r < 5; r++) {
    const row = dst + ((<usize>r) << 5);
    v128.store(row, f32x4.splat(0));
    v128.store(row, f32x4.splat(0), 16);
    if (r < rows) memory.copy(row, src + <usize>r * rs, (<usize>width) << 2);
  }
}
