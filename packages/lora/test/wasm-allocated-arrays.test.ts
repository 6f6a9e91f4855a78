// Arrays from the wasm backend's `allocate` beyond the conformance suite: views on its shared
// memory used in place (also after the memory grew), plain arrays on one thread, outputs that
// overlap inputs, steps big enough to share with the workers, and reuse of the memory.
import { afterAll, describe, expect, it } from "vitest";
import type { LoRAStep } from "../src/backend";
import { createBackend } from "../src/create-backend";
import { naiveMatmul } from "../src/naive-kernels";
import { createWasmBackend } from "../src/wasm";
import { randomArray, relativeError } from "./helpers";

const threaded = await createWasmBackend({ threads: 2 });
const single = await createWasmBackend({ threads: 1 });
afterAll(async () => {
  await threaded.dispose();
  await single.dispose();
});

/** `source` copied into an array from `threaded.allocate`. */
function placed(source: Float32Array): Float32Array {
  const array = threaded.allocate(source.length);
  array.set(source);
  return array;
}

describe("WasmBackend.allocate", () => {
  it("allocate(length) with threads returns a view on the shared memory, used in place", () => {
    const x = threaded.allocate(100);
    expect(x.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(threaded.operands.address(x)).toBe(x.byteOffset);
    expect(threaded.operands.address(x.subarray(10))).toBe(x.byteOffset + 40);
    expect(threaded.operands.address(new Float32Array(100))).toBeUndefined();
    threaded.free(x);
  });

  it("allocate(length) on one thread (an ordinary memory, which growth detaches) returns a plain array", async () => {
    const x = single.allocate(64);
    expect(x.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(single.operands.address(x)).toBeUndefined();
    x.set(randomArray(64, 1));
    const out = single.allocate(64);
    await single.matmul(x, x, out, { m: 8, n: 8, k: 8 });
    const want = new Float32Array(64);
    naiveMatmul(x, x, want, { m: 8, n: 8, k: 8 });
    expect(relativeError(out, want)).toBeLessThan(1e-6);
    single.free(x); // nothing to give back: left to the garbage collector
    single.free(out);
  });

  it("views allocated before the memory grows stay valid and in place after it", async () => {
    const [m, n, k] = [33, 40, 24];
    const a = placed(randomArray(m * k, 2));
    const before = threaded.memoryBytes;
    const big = threaded.allocate(before / 4 + 1024); // more than the whole memory: it grows
    expect(threaded.memoryBytes).toBeGreaterThan(before);
    expect(a.buffer).not.toBe(big.buffer); // a new SharedArrayBuffer object for the same memory
    const b = placed(randomArray(k * n, 3));
    const out = threaded.allocate(m * n);
    expect(threaded.operands.address(a)).toBe(a.byteOffset);
    await threaded.matmul(a, b, out, { m, n, k });
    const want = new Float32Array(m * n);
    naiveMatmul(a, b, want, { m, n, k });
    expect(relativeError(out, want)).toBeLessThan(1e-6);
    for (const array of [a, b, out, big]) threaded.free(array);
  });

  it("matmul() into an output that overlaps an input computes from the input as it was", async () => {
    // 100 rows of 128 columns: tiles of 40 rows × 64 columns, so a tile written in place would
    // overwrite rows or columns of a that another tile packs after it.
    const [m, k] = [100, 128];
    const a0 = randomArray(m * k, 4);
    const b0 = randomArray(k * k, 5);
    const want = new Float32Array(m * k);
    naiveMatmul(a0, b0, want, { m, n: k, k, transposeB: true });
    const a = placed(a0);
    await threaded.matmul(a, b0, a, { m, n: k, k, transposeB: true }); // out is a
    expect(relativeError(a, want)).toBeLessThan(1e-5);
    const wide = placed(new Float32Array((m + 1) * k));
    wide.set(a0);
    const below = wide.subarray(k); // out starts one row after a
    await threaded.matmul(wide.subarray(0, m * k), b0, below, { m, n: k, k, transposeB: true });
    expect(relativeError(below, want)).toBeLessThan(1e-5);
    threaded.free(a);
    threaded.free(wide);
  });

  it("mul() into an output one float past its input is not computed in place", async () => {
    const base = placed(randomArray(257, 6));
    const want = base.slice(0, 256).map((v) => v * v);
    await threaded.mul(base.subarray(0, 256), base.subarray(0, 256), base.subarray(1));
    expect(relativeError(base.subarray(1), want)).toBeLessThan(1e-6);
    threaded.free(base);
  });

  it("loraForward() and loraBackward() on allocated operands big enough to share agree with the reference backend", async () => {
    // Above the threshold for sharing: the worker writes tiles of out and dx in place while the
    // calling thread takes its own (and must not touch their pages as it does for plain outputs).
    const [rows, I, O, K] = [1024, 128, 128, 8];
    const reference = await createBackend("reference");
    const inputs = {
      x: randomArray(rows * I, 1),
      weight: randomArray(O * I, 2),
      dOutput: randomArray(rows * O, 5),
    };
    const results = [];
    for (const backend of [threaded, reference]) {
      const allocate = (source: Float32Array) =>
        backend === threaded ? placed(source) : source.slice();
      const step: LoRAStep = {
        ...{ rows, inFeatures: I, outFeatures: O, rank: K, scaling: 2 },
        ...{ x: allocate(inputs.x), weight: allocate(inputs.weight) },
        ...{ loraA: randomArray(K * I, 3), loraB: randomArray(O * K, 4) },
        xa: allocate(new Float32Array(rows * K)),
      };
      const out = allocate(new Float32Array(rows * O));
      const dx = allocate(new Float32Array(rows * I));
      const dOutput = allocate(inputs.dOutput);
      const [gradA, gradB] = [allocate(randomArray(K * I, 6)), randomArray(O * K, 7)];
      await backend.loraForward(step, out);
      await backend.loraBackward(step, dOutput, dx, gradA, gradB);
      results.push({
        xa: step.xa.slice(),
        out: out.slice(),
        dx: dx.slice(),
        gradA: gradA.slice(),
        gradB,
      });
    }
    for (const key of ["xa", "out", "dx", "gradA", "gradB"] as const) {
      expect(relativeError(results[0][key], results[1][key]), key).toBeLessThan(1e-5);
    }
  });

  it("loraForward() into x itself and loraBackward() into dOutput itself match plain arrays", async () => {
    const [rows, F, K] = [200, 96, 4]; // in = out: out may be x, dx may be dOutput
    const make = (x: Float32Array): LoRAStep => ({
      ...{ rows, inFeatures: F, outFeatures: F, rank: K, scaling: 0.5, x },
      ...{ weight: randomArray(F * F, 21), loraA: randomArray(K * F, 22) },
      ...{ loraB: randomArray(F * K, 23), xa: new Float32Array(rows * K) },
    });
    const [x0, dy0] = [randomArray(rows * F, 24), randomArray(rows * F, 25)];
    const plain = make(x0.slice());
    const [out, dx, grads] = [new Float32Array(rows * F), new Float32Array(rows * F), [0, 1]];
    const [gradA, gradB] = grads.map(() => new Float32Array(K * F));
    await threaded.loraForward(plain, out);
    await threaded.loraBackward(plain, dy0, dx, gradA, gradB);
    const inPlace = make(placed(x0));
    const dy = placed(dy0);
    const [gradA2, gradB2] = grads.map(() => new Float32Array(K * F));
    await threaded.loraBackward(inPlace, dy, dy, gradA2, gradB2); // dx does not read xa
    await threaded.loraForward(inPlace, inPlace.x);
    expect(relativeError(inPlace.x, out)).toBeLessThan(1e-6);
    expect(relativeError(dy, dx)).toBeLessThan(1e-6);
    threaded.free(inPlace.x);
    threaded.free(dy);
  });

  it("retain() of an allocated weight, changed and update()d, is seen by the next matmul", async () => {
    const [m, n, k] = [6, 17, 9];
    const w = placed(randomArray(n * k, 8));
    const x = randomArray(m * k, 9);
    threaded.retain(w);
    const out = new Float32Array(m * n);
    await threaded.matmul(x, w, out, { m, n, k, transposeB: true });
    w.set(randomArray(n * k, 10));
    threaded.update(w);
    await threaded.matmul(x, w, out, { m, n, k, transposeB: true });
    const want = new Float32Array(m * n);
    naiveMatmul(x, w, want, { m, n, k, transposeB: true });
    expect(relativeError(out, want)).toBeLessThan(1e-6);
    threaded.release(w);
    threaded.free(w);
  });

  it("free() rejects a subarray or an array freed already, naming the problem", () => {
    const x = threaded.allocate(32);
    expect(() => threaded.free(x.subarray(4))).toThrow(/free\(\): array is not one allocate\(\)/);
    threaded.free(x);
    expect(() => threaded.free(x)).toThrow(/already freed/);
    threaded.free(new Float32Array(4)); // a plain array: nothing to give back
  });

  it("repeated steps that allocate and free their arrays reuse the memory (no growth after the first)", async () => {
    const [rows, I, O, K] = [300, 64, 48, 8];
    const weight = randomArray(O * I, 11);
    threaded.retain(weight);
    const step = async () => {
      const x = threaded.allocate(rows * I);
      const dOutput = threaded.allocate(rows * O);
      const out = threaded.allocate(rows * O);
      const dx = threaded.allocate(rows * I);
      const lora: LoRAStep = {
        ...{ rows, inFeatures: I, outFeatures: O, rank: K, scaling: 1, x, weight },
        ...{ loraA: randomArray(K * I, 12), loraB: randomArray(O * K, 13) },
        xa: new Float32Array(rows * K),
      };
      await threaded.loraForward(lora, out);
      await threaded.loraBackward(
        lora,
        dOutput,
        dx,
        new Float32Array(K * I),
        new Float32Array(O * K),
      );
      await threaded.matmul(out, weight, dx, { m: rows, n: I, k: O, accumulate: true });
      for (const array of [x, dOutput, out, dx]) threaded.free(array);
    };
    await step();
    const bytes = threaded.memoryBytes;
    for (let i = 0; i < 5; i++) await step();
    expect(threaded.memoryBytes).toBe(bytes);
    threaded.release(weight);
  });

  it("allocate() after dispose() throws; free() after dispose() does nothing", async () => {
    const backend = await createWasmBackend({ threads: 2 });
    const x = backend.allocate(8);
    await backend.dispose();
    expect(() => backend.allocate(8)).toThrow(/used after dispose/);
    backend.free(x);
  });
});
