// One conformance suite for every backend (tfjs ALL_ENVS style): each kernel, each transpose /
// accumulate / alpha case and odd shapes, against the naive kernels, with an error bound from
// the backend's unit round-off. Unavailable backends are skipped.
import { describe, expect, it } from "vitest";
import type { Backend, LoRAStep, MatmulShape } from "../src/backend";
import { naiveCrossEntropyRows } from "../src/cross-entropy-rows";
import {
  naiveAddBias,
  naiveAxpy,
  naiveMatmul,
  naiveMul,
  naiveScale,
  naiveSumRows,
} from "../src/naive-kernels";
import { loadBackends } from "./backends";
import { randomArray, worstRatio } from "./helpers";

const cases = await loadBackends();

/** Shapes [m, n, k]: every mix of 1, 3, 17, plus 255/257 edges and LoRA-like panels. */
const smallDims = [1, 3, 17];
const shapes: Array<[number, number, number]> = [
  ...smallDims.flatMap((m) => smallDims.flatMap((n) => smallDims.map((k) => [m, n, k]))),
  [255, 257, 17],
  [257, 3, 255],
  [17, 255, 257],
  [1, 257, 255],
  [256, 8, 256],
  [8, 256, 257],
  [64, 64, 64],
] as Array<[number, number, number]>;
/**
 * For backends that compile a kernel per shape: 1, 3, 17, 255 and 257 each appear as m, as n
 * and as k, one large odd output (255×257) and a LoRA-like panel: 9 compiles per transpose
 * case instead of 34 (gpu.js's first run of a kernel costs ~100 ms from ~4k outputs).
 */
const compiledShapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 17, 1],
  [17, 3, 3],
  [1, 1, 17],
  [255, 257, 17],
  [257, 3, 255],
  [1, 255, 257],
  [1, 257, 255],
  [256, 8, 256],
];
const flagCases: MatmulShape[] = [false, true].flatMap((transposeA) =>
  [false, true].flatMap((transposeB) =>
    [false, true].flatMap((accumulate) =>
      [1, -0.375].map((alpha) => ({ m: 0, n: 0, k: 0, transposeA, transposeB, accumulate, alpha })),
    ),
  ),
);

/** A matmul case's inputs, naive result and error bound, computed once and shared by every backend. */
interface MatmulCase {
  x: Float32Array;
  y: Float32Array;
  /** Initial `out` with one sentinel float past the end. */
  out0: Float32Array;
  want: Float32Array;
  /** γ_(k+2) / epsilon · (|alpha| Σ |a||b| + |out0|): multiply by a backend's epsilon. */
  unitBound: Float64Array;
}
const matmulCases = new Map<string, MatmulCase>();

function matmulCase(shape: MatmulShape): MatmulCase {
  const key = JSON.stringify(shape);
  const cached = matmulCases.get(key);
  if (cached) return cached;
  const { m, n, k } = shape;
  const seed = m * 1e6 + n * 1e3 + k;
  const x = randomArray(m * k, seed);
  const y = randomArray(k * n, seed + 1);
  const out0 = randomArray(m * n + 1, seed + 2);
  out0[m * n] = 12345;
  const want = out0.slice(0, m * n);
  naiveMatmul(x, y, want, shape);
  const unitBound = unitMatmulBound(x, y, out0, shape);
  const c = { x, y, out0, want, unitBound };
  matmulCases.set(key, c);
  return c;
}

/** γ_(k+2) / epsilon · (|alpha| Σ_p |a_ip b_pj| + |out0_ij|), the float error bound over epsilon. */
function unitMatmulBound(
  a: Float32Array,
  b: Float32Array,
  out0: Float32Array,
  shape: MatmulShape,
): Float64Array {
  const abs = (x: Float32Array) => x.map(Math.abs);
  const magnitude = new Float32Array(shape.m * shape.n);
  naiveMatmul(abs(a), abs(b), magnitude, { ...shape, alpha: Math.abs(shape.alpha ?? 1) });
  const base = (i: number) => (shape.accumulate ? Math.abs(out0[i]) : 0);
  return Float64Array.from(magnitude, (v, i) => 2 * (shape.k + 2) * (v + base(i)));
}

/**
 * A LoRA step by naive matmuls, every input mapped through `f` first (Math.abs gives the
 * magnitudes the error bounds scale with): xa, out, dx and the accumulated gradA, gradB.
 */
function naiveLoRAStep(
  step: LoRAStep,
  dOutput: Float32Array,
  gradA0: Float32Array,
  gradB0: Float32Array,
  f: (v: number) => number,
) {
  const { rows: R, inFeatures: I, outFeatures: O, rank: K, scaling } = step;
  const [x, w, a, b, dy] = [step.x, step.weight, step.loraA, step.loraB, dOutput].map((t) =>
    t.map(f),
  );
  const xa = new Float32Array(R * K);
  naiveMatmul(x, a, xa, { m: R, n: K, k: I, transposeB: true });
  const out = new Float32Array(R * O);
  naiveMatmul(x, w, out, { m: R, n: O, k: I, transposeB: true });
  naiveMatmul(xa, b, out, { m: R, n: O, k: K, transposeB: true, accumulate: true, alpha: scaling });
  const dh = new Float32Array(R * K);
  naiveMatmul(dy, b, dh, { m: R, n: K, k: O, alpha: scaling });
  const dx = new Float32Array(R * I);
  naiveMatmul(dy, w, dx, { m: R, n: I, k: O });
  naiveMatmul(dh, a, dx, { m: R, n: I, k: K, accumulate: true });
  const gradB = gradB0.map(f);
  naiveMatmul(dy, xa, gradB, {
    m: O,
    n: K,
    k: R,
    transposeA: true,
    accumulate: true,
    alpha: scaling,
  });
  const gradA = gradA0.map(f);
  naiveMatmul(dh, x, gradA, { m: K, n: I, k: R, transposeA: true, accumulate: true });
  return { xa, out, dx, gradA, gradB };
}

/**
 * A crossEntropyRows case: logits `[rows, vocab]` uniform in ±1 scaled by 1, 30 or 1000 per row,
 * every other row shifted by +5000 (large magnitudes; the pass must subtract the max), labels
 * with every third row ignored (−100), and the naive kernel's lse, loss sum and dlogits.
 */
function crossEntropyCase(rows: number, vocab: number, gradScale: number) {
  const logits = randomArray(rows * vocab, rows * 1e4 + vocab);
  for (let r = 0; r < rows; r++) {
    const [scale, shift] = [[1, 30, 1000][r % 3], r % 2 === 1 ? 5000 : 0];
    for (let v = 0; v < vocab; v++) logits[r * vocab + v] = logits[r * vocab + v] * scale + shift;
  }
  const labels = Int32Array.from({ length: rows }, (_, r) =>
    r % 3 === 1 ? -100 : (r * 7919 + 5) % vocab,
  );
  const lse = new Float32Array(rows);
  const sum = naiveCrossEntropyRows(logits, labels, lse, rows, vocab);
  const dlogits = logits.slice();
  naiveCrossEntropyRows(dlogits, labels, lse, rows, vocab, gradScale);
  return { logits, labels, lse, sum, dlogits };
}

/** `source` copied into an array from `backend.allocate` (a plain copy where it has none). */
function placed(backend: Backend, source: Float32Array): Float32Array {
  const array = backend.allocate?.(source.length) ?? new Float32Array(source.length);
  array.set(source);
  return array;
}

it("compiledShapes cover 1, 3, 17, 255 and 257 as m, as n and as k", () => {
  for (let axis = 0; axis < 3; axis++) {
    const sizes = new Set(compiledShapes.map((shape) => shape[axis]));
    for (const size of [1, 3, 17, 255, 257]) expect(sizes, `axis ${axis}`).toContain(size);
  }
});

describe.each(cases)("$name backend", ({ backend, epsilon, compilesPerShape }) => {
  const b = backend as Backend;
  const matmulShapes = compilesPerShape ? compiledShapes : shapes;
  describe.skipIf(backend === null)("kernels", () => {
    it.each(flagCases)(
      "matmul(a, b, out, shape) matches the naive kernel for transposeA=$transposeA transposeB=$transposeB accumulate=$accumulate alpha=$alpha",
      async (flags) => {
        for (const [m, n, k] of matmulShapes) {
          const shape = { ...flags, m, n, k };
          const c = matmulCase(shape);
          const out = c.out0.slice();
          await b.matmul(c.x, c.y, out, shape);
          const bound = c.unitBound.map((v) => epsilon * v + 1e-30);
          const worst = worstRatio(out, c.want, bound);
          expect(worst.ratio, `shape ${m}x${n}x${k} at ${worst.index}`).toBeLessThanOrEqual(1);
          expect(out[m * n]).toBe(12345); // the sentinel past the end is untouched
        }
      },
    );

    it.each(flagCases)(
      "matmul(a, b, out, shape) on operands from allocate(), mixed with plain ones, matches the naive kernel for transposeA=$transposeA transposeB=$transposeB accumulate=$accumulate alpha=$alpha",
      async (flags) => {
        for (const [index, [m, n, k]] of matmulShapes.entries()) {
          const shape = { ...flags, m, n, k };
          const c = matmulCase(shape);
          const mix = 1 + (index % 7); // bits: a, b, out from allocate(); never all plain
          const x = mix & 1 ? placed(b, c.x) : c.x;
          const y = mix & 2 ? placed(b, c.y) : c.y;
          const out = mix & 4 ? placed(b, c.out0) : c.out0.slice();
          await b.matmul(x, y, out, shape);
          const bound = c.unitBound.map((v) => epsilon * v + 1e-30);
          const worst = worstRatio(out, c.want, bound);
          expect(worst.ratio, `shape ${m}x${n}x${k} mix ${mix}`).toBeLessThanOrEqual(1);
          expect(out[m * n]).toBe(12345); // the sentinel past the end is untouched
          for (const [bit, a] of [x, y, out].entries()) if (mix & (1 << bit)) b.free?.(a);
        }
      },
    );

    it("allocate(length) returns length zeros (again after free), and rejects a bad length", () => {
      if (b.allocate === undefined) return;
      const first = b.allocate(1000);
      first.fill(7);
      b.free?.(first);
      const again = b.allocate(1000);
      expect(again.length).toBe(1000);
      expect(again.every((v) => v === 0)).toBe(true);
      b.free?.(again);
      expect(b.allocate(0).length).toBe(0);
      expect(() => b.allocate?.(-1)).toThrow(
        /allocate\(\): length must be a non-negative integer, got -1/,
      );
      expect(() => b.allocate?.(2.5)).toThrow(RangeError);
    });

    it.each([1, 3, 17, 255, 257])(
      "addBias, sumRows, axpy, mul and scale on %i floats from allocate(), outputs aliasing inputs",
      async (n) => {
        const rows = 3;
        const [x0, y0, bias] = [
          randomArray(rows * n, n),
          randomArray(rows * n, n + 1),
          randomArray(n, 2),
        ];
        const [x, y] = [placed(b, x0), placed(b, y0)];
        const sums = placed(b, randomArray(n, 3));
        const bound = new Float64Array(rows * n).fill(16 * epsilon);
        const want = x0.slice();
        naiveAddBias(want, bias, rows, n);
        await b.addBias(x, bias, rows, n); // x in the memory, bias plain
        expect(worstRatio(x, want, bound).ratio).toBeLessThanOrEqual(1);
        const wantSums = sums.slice();
        naiveSumRows(x, rows, n, wantSums, true);
        await b.sumRows(x, rows, n, sums, true);
        expect(worstRatio(sums, wantSums, bound).ratio).toBeLessThanOrEqual(1);
        const wantAxpy = y.slice();
        naiveAxpy(0.5, wantAxpy.slice(), wantAxpy);
        await b.axpy(0.5, y, y); // x aliases y
        expect(worstRatio(y, wantAxpy, bound).ratio).toBeLessThanOrEqual(1);
        const wantMul = new Float32Array(rows * n);
        naiveMul(x, y, wantMul);
        await b.mul(x, y, x); // out aliases a
        expect(worstRatio(x, wantMul, bound).ratio).toBeLessThanOrEqual(1);
        const wantScale = new Float32Array(rows * n);
        naiveScale(y0, -2, wantScale);
        await b.scale(y0, -2, y); // plain x into an allocated out
        expect(worstRatio(y, wantScale, bound).ratio).toBeLessThanOrEqual(1);
        for (const a of [x, y, sums]) b.free?.(a);
      },
    );

    it("matmul() with a retained operand sees its new contents after update()", async () => {
      const w = randomArray(17 * 9, 1);
      const x = randomArray(5 * 9, 2);
      const shape = { m: 5, n: 17, k: 9, transposeB: true };
      b.retain(w);
      const before = new Float32Array(5 * 17);
      await b.matmul(x, w, before, shape);
      w.set(randomArray(17 * 9, 3));
      b.update(w);
      const after = new Float32Array(5 * 17);
      await b.matmul(x, w, after, shape);
      const want = new Float32Array(5 * 17);
      naiveMatmul(x, w, want, shape);
      const bound = unitMatmulBound(x, w, want, shape).map((v) => epsilon * v + 1e-30);
      expect(worstRatio(after, want, bound).ratio).toBeLessThanOrEqual(1);
      expect(before).not.toEqual(after);
      b.release(w);
    });

    it("matmul() rejects a buffer shorter than its shape, naming it", async () => {
      const shape = { m: 4, n: 4, k: 4 };
      const ok = new Float32Array(16);
      await expect(async () => b.matmul(new Float32Array(15), ok, ok, shape)).rejects.toThrow(
        /matmul\(\): a must hold at least 16 floats/,
      );
      await expect(async () => b.matmul(ok, ok, ok, { ...shape, k: 2.5 })).rejects.toThrow(
        RangeError,
      );
    });

    it.each([1, 3, 17, 255, 257])(
      "addBias(x, bias, rows, %i) adds bias to every row",
      async (cols) => {
        const rows = 5;
        const x = randomArray(rows * cols, cols);
        const bias = randomArray(cols, cols + 1);
        const want = x.slice();
        naiveAddBias(want, bias, rows, cols);
        await b.addBias(x, bias, rows, cols);
        expect(
          worstRatio(
            x,
            want,
            want.map((v) => 4 * epsilon * (Math.abs(v) + 2)),
          ).ratio,
        ).toBeLessThanOrEqual(1);
      },
    );

    it.each([false, true])(
      "sumRows(x, rows, cols, out, accumulate=%s) sums columns",
      async (acc) => {
        for (const [rows, cols] of [
          [1, 1],
          [3, 17],
          [257, 255],
          [17, 3],
        ]) {
          const x = randomArray(rows * cols, rows + cols);
          const out = randomArray(cols, 7);
          const want = out.slice();
          naiveSumRows(x, rows, cols, want, acc);
          await b.sumRows(x, rows, cols, out, acc);
          const bound = want.map(() => 2 * (rows + 2) * epsilon * (rows + 1));
          expect(worstRatio(out, want, bound).ratio).toBeLessThanOrEqual(1);
        }
      },
    );

    it.each([1, 3, 17, 255, 257])(
      "axpy(alpha, x, y), mul(a, b, out) and scale(x, alpha, out) on %i floats",
      async (n) => {
        const x = randomArray(n, n);
        const y = randomArray(n, n + 1);
        const bound = new Float64Array(n).fill(8 * epsilon);
        const wantAxpy = y.slice();
        naiveAxpy(-0.75, x, wantAxpy);
        await b.axpy(-0.75, x, y);
        expect(worstRatio(y, wantAxpy, bound).ratio).toBeLessThanOrEqual(1);
        const wantMul = new Float32Array(n);
        naiveMul(x, y, wantMul);
        await b.mul(x, y, y); // out aliases b
        expect(worstRatio(y, wantMul, bound).ratio).toBeLessThanOrEqual(1);
        const wantScale = new Float32Array(n);
        naiveScale(x, 1.5, wantScale);
        await b.scale(x, 1.5, x); // out aliases x
        expect(worstRatio(x, wantScale, bound).ratio).toBeLessThanOrEqual(1);
      },
    );

    it.each([
      [1, 1],
      [6, 7],
      [9, 255],
      [8, 1024],
      [4, 8193],
    ])(
      "crossEntropyRows(logits, labels, lse, %i, %i) (forward, then backward in place) matches the naive kernel",
      async (rows, vocab) => {
        const gradScale = -0.375;
        const c = crossEntropyCase(rows, vocab, gradScale);
        // Float32 error bounds: exps within a few ulp of their argument |d| = |z − max| or
        // |z − lse|, float32 sums of vocab/8 terms a lane, lse rounded to float32.
        const lseBound = c.lse.map((l) => 2 * epsilon * (Math.abs(l) + vocab + 16));
        const sumBound = lseBound.reduce((a, v, r) => a + (c.labels[r] === -100 ? 0 : v), 1e-30);
        const gradBound = c.logits.map((z, i) => {
          const r = Math.floor(i / vocab);
          const d = Math.abs(z - c.lse[r]);
          const hot = c.labels[r] === i - r * vocab ? 1 : 0;
          const g = Math.abs(gradScale) * (Math.exp(-d) * (d + 4) + hot);
          return 2 * epsilon * g + Math.abs(gradScale) * 2 ** -125;
        });
        for (const allocated of [false, true]) {
          const place = (a: Float32Array) => (allocated ? placed(b, a) : a.slice());
          const logits = place(c.logits);
          const lse = place(new Float32Array(rows + 1).fill(7)); // one sentinel past the end
          const sum = await b.crossEntropyRows(logits, c.labels, lse, rows, vocab);
          expect(Math.abs(sum - c.sum)).toBeLessThanOrEqual(sumBound);
          const worst = worstRatio(lse, c.lse, lseBound);
          expect(worst.ratio, `lse at ${worst.index}`).toBeLessThanOrEqual(1);
          expect(lse[rows]).toBe(7);
          expect(logits).toEqual(c.logits); // the forward only reads them
          const given = place(c.lse); // the backward from the naive forward's lse
          const again = await b.crossEntropyRows(logits, c.labels, given, rows, vocab, gradScale);
          expect(Math.abs(again - c.sum)).toBeLessThanOrEqual(sumBound);
          const worstGrad = worstRatio(logits, c.dlogits, gradBound);
          expect(worstGrad.ratio, `dlogits at ${worstGrad.index}`).toBeLessThanOrEqual(1);
          for (let r = 1; r < rows; r += 3) {
            expect(logits.subarray(r * vocab, (r + 1) * vocab).every((v) => v === 0)).toBe(true);
          }
          if (allocated) for (const a of [logits, lse, given]) b.free?.(a);
        }
      },
    );

    it("crossEntropyRows() rejects a label outside the vocabulary and short buffers, naming them", async () => {
      const [logits, lse] = [new Float32Array(10), new Float32Array(2)];
      await expect(async () =>
        b.crossEntropyRows(logits, Int32Array.from([4, 5]), lse, 2, 5),
      ).rejects.toThrow(/crossEntropyRows\(\): labels must be in \[0, 5\) or -100, got 5 at row 1/);
      await expect(async () =>
        b.crossEntropyRows(logits, Int32Array.from([0, 0]), lse, 2, 6),
      ).rejects.toThrow(/logits must hold at least 12 floats/);
      await expect(async () =>
        b.crossEntropyRows(logits, Int32Array.from([0, 0]), lse, 2, 5, Number.NaN),
      ).rejects.toThrow(/gradScale must be a finite number, got NaN/);
    });

    it.each([
      [1, 1, 1, 1],
      [5, 17, 3, 2],
      [257, 9, 17, 8],
      [64, 40, 48, 8],
      [203, 33, 20, 16], // rank past one 8-column panel
    ])(
      "loraForward(step, out) and loraBackward(step, dOutput, dx, gradA, gradB) match naive matmuls at rows=%i in=%i out=%i rank=%i",
      async (rows, inFeatures, outFeatures, rank) => {
        const seed = rows * 1000 + inFeatures;
        const [R, I, O, K] = [rows, inFeatures, outFeatures, rank];
        // Plain arrays, then x, dOutput, out, dx, gradA (and W) from allocate() beside plain
        // xa, A, B and gradB, each with W retained or not.
        for (const [retained, allocated] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true],
        ]) {
          const place = (a: Float32Array) => (allocated ? placed(b, a) : a);
          const weight = place(randomArray(O * I, seed + 1));
          if (retained) b.retain(weight);
          const step = {
            ...{ rows, inFeatures, outFeatures, rank, scaling: 1.5, weight },
            ...{ x: place(randomArray(R * I, seed)), xa: new Float32Array(R * K) },
            ...{ loraA: randomArray(K * I, seed + 2), loraB: randomArray(O * K, seed + 3) },
          };
          const dOutput = place(randomArray(R * O, seed + 4));
          const gradA = place(randomArray(K * I, seed + 5));
          const gradB = randomArray(O * K, seed + 6);
          const want = naiveLoRAStep(step, dOutput, gradA, gradB, (v) => v);
          const size = naiveLoRAStep(step, dOutput, gradA, gradB, Math.abs);
          const out = place(new Float32Array(R * O));
          await b.loraForward(step, out);
          const dx = place(new Float32Array(R * I));
          await b.loraBackward(step, dOutput, dx, gradA, gradB);
          if (retained) b.release(weight);
          const got = { xa: step.xa, out, dx, gradA, gradB };
          for (const key of Object.keys(want) as Array<keyof typeof want>) {
            const bound = size[key].map((v) => 4 * (I + O + K + 2) * epsilon * v + 1e-30);
            const worst = worstRatio(got[key], want[key], bound);
            expect(worst.ratio, `${key} at ${worst.index}`).toBeLessThanOrEqual(1);
          }
          if (allocated) for (const a of [weight, step.x, dOutput, gradA, out, dx]) b.free?.(a);
        }
      },
    );
  });
});
