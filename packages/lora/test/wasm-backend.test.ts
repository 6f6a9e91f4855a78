// The wasm backend beyond the shared conformance suite: multi-threaded and single-thread
// matmuls on odd sizes and every transpose case against the naive kernel, resident (retained)
// weights through update/release, memory reuse across steps, and disposal.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { MatmulShape } from "../src/backend";
import { createBackend } from "../src/create-backend";
import { naiveCrossEntropyRows } from "../src/cross-entropy-rows";
import { naiveMatmul } from "../src/naive-kernels";
import { createWasmBackend, WasmBackend } from "../src/wasm";
import { type KernelExports, kernelsModule } from "../src/wasm/kernels-module";
import { ThreadPool } from "../src/wasm/thread-pool";
import { randomArray, relativeError } from "./helpers";
import { bundleForNode } from "./node-bundle";

const run = promisify(execFile);
const threaded = await createWasmBackend({ threads: 2 });
const single = await createWasmBackend({ threads: 1 });
afterAll(async () => {
  await threaded.dispose();
  await single.dispose();
});

/** Inputs and naive result of a matmul case, computed once and shared by both thread counts. */
const naiveCases = new Map<
  string,
  { a: Float32Array; b: Float32Array; out0: Float32Array; want: Float32Array }
>();
function naiveCase(shape: MatmulShape) {
  const key = JSON.stringify(shape);
  let c = naiveCases.get(key);
  if (!c) {
    const { m, n, k } = shape;
    const a = randomArray(m * k, m + 7 * k);
    const b = randomArray(k * n, n + 11 * k);
    const out0 = randomArray(m * n, 5);
    const want = out0.slice();
    naiveMatmul(a, b, want, shape);
    c = { a, b, out0, want };
    naiveCases.set(key, c);
  }
  return c;
}

const flags = [false, true].flatMap((transposeA) =>
  [false, true].map((transposeB) => ({ transposeA, transposeB })),
);

describe.each([
  { label: "2 threads", backend: threaded },
  { label: "1 thread", backend: single },
])("wasm backend, $label", ({ backend }) => {
  it.each([
    [1, 1, 1],
    [3, 17, 255],
    [257, 255, 3],
    [255, 257, 17],
    [300, 9, 700],
    [7, 130, 1100],
    [257, 257, 257],
  ])("matmul() m=%i n=%i k=%i agrees with naiveMatmul in every transpose case", async (m, n, k) => {
    for (const { transposeA, transposeB } of flags) {
      for (const [accumulate, alpha] of [
        [false, 1],
        [true, -0.75],
      ] as const) {
        const shape: MatmulShape = { m, n, k, transposeA, transposeB, accumulate, alpha };
        const { a, b, out0, want } = naiveCase(shape);
        const got = out0.slice();
        await backend.matmul(a, b, got, shape);
        expect(relativeError(got, want), JSON.stringify(shape)).toBeLessThan(1e-5);
      }
    }
  });

  it("matmul() with k = 0 writes alpha · 0 (or leaves out when accumulating)", async () => {
    const out = new Float32Array([1, 2, 3, 4]);
    await backend.matmul(new Float32Array(0), new Float32Array(0), out, {
      m: 2,
      n: 2,
      k: 0,
      accumulate: true,
    });
    expect([...out]).toEqual([1, 2, 3, 4]);
    await backend.matmul(new Float32Array(0), new Float32Array(0), out, { m: 2, n: 2, k: 0 });
    expect([...out]).toEqual([0, 0, 0, 0]);
  });
});

describe("wasm backend resources", () => {
  it("loraForward() and loraBackward() big enough to share agree with the reference backend", async () => {
    // 2·1024·128·136 flops per frozen matmul: above the threshold, so tiles go to the worker,
    // xa and dh are written inside the tiles and x / dx cross while the worker computes.
    const [rows, I, O, K] = [1024, 128, 128, 8];
    const reference = await createBackend("reference");
    const make = () => ({
      ...{
        rows,
        inFeatures: I,
        outFeatures: O,
        rank: K,
        scaling: 2,
        xa: new Float32Array(rows * K),
      },
      ...{ x: randomArray(rows * I, 1), weight: randomArray(O * I, 2) },
      ...{ loraA: randomArray(K * I, 3), loraB: randomArray(O * K, 4) },
    });
    const dOutput = randomArray(rows * O, 5);
    const results = [];
    for (const backend of [threaded, reference]) {
      const step = make();
      const out = new Float32Array(rows * O);
      const dx = new Float32Array(rows * I);
      const [gradA, gradB] = [randomArray(K * I, 6), randomArray(O * K, 7)];
      await backend.loraForward(step, out);
      await backend.loraBackward(step, dOutput, dx, gradA, gradB);
      results.push({ xa: step.xa, out, dx, gradA, gradB });
    }
    for (const key of ["xa", "out", "dx", "gradA", "gradB"] as const) {
      expect(relativeError(results[0][key], results[1][key]), key).toBeLessThan(1e-5);
    }
  });

  it("loraBackward() gives the same LoRA gradients bit for bit on 1 thread and on 2", async () => {
    // Tiles span every column here, so gradA and gradB are reduced inside the tiles: per tile,
    // summed in tile order, whichever thread ran which tile (per thread, they moved run to run).
    const [rows, I, O, K] = [2000, 128, 96, 8];
    expect(threaded.spansColumns(rows, I, O, K)).toBe(true);
    const dOutput = randomArray(rows * O, 5);
    const backward = async (backend: WasmBackend) => {
      const step = {
        ...{ rows, inFeatures: I, outFeatures: O, rank: K, scaling: 2 },
        ...{ xa: new Float32Array(rows * K), x: randomArray(rows * I, 1) },
        ...{ weight: randomArray(O * I, 2), loraA: randomArray(K * I, 3) },
        loraB: randomArray(O * K, 4),
      };
      await backend.loraForward(step, new Float32Array(rows * O));
      const [gradA, gradB] = [randomArray(K * I, 6), randomArray(O * K, 7)];
      await backend.loraBackward(step, dOutput, new Float32Array(rows * I), gradA, gradB);
      const { onCaller, tiles } = backend.lastMatmul;
      return {
        bytes: Buffer.concat([Buffer.from(gradA.buffer), Buffer.from(gradB.buffer)]),
        onCaller,
        tiles,
      };
    };
    const one = await backward(single);
    expect(one.tiles).toBeGreaterThan(2);
    // Workers join when the OS runs them: retry until the worker took some of the tiles.
    const deadline = Date.now() + 10_000;
    let shared = 0;
    while (shared < 3 && Date.now() < deadline) {
      const two = await backward(threaded);
      if (two.onCaller === two.tiles) continue;
      shared++;
      expect(two.bytes.equals(one.bytes)).toBe(true);
    }
    expect(shared).toBe(3);
  });

  it("crossEntropyRows() shares its rows across threads with the same bits as on 1 thread", async () => {
    const [rows, vocab] = [64, 4099]; // ~6 Mflop: past the threshold for waking the worker
    const logits = randomArray(rows * vocab, 9).map((v) => 4 * v);
    const labels = Int32Array.from({ length: rows }, (_, r) =>
      r % 7 === 3 ? -100 : (r * 613) % vocab,
    );
    const pass = async (backend: WasmBackend) => {
      const lse = new Float32Array(rows);
      const loss = await backend.crossEntropyRows(logits, labels, lse, rows, vocab);
      const dlogits = logits.slice();
      const again = await backend.crossEntropyRows(dlogits, labels, lse, rows, vocab, 0.25);
      const bytes = Buffer.concat([Buffer.from(lse.buffer), Buffer.from(dlogits.buffer)]);
      return { loss, again, bytes, ...backend.lastMatmul };
    };
    const one = await pass(single);
    const lse = new Float32Array(rows);
    const want = naiveCrossEntropyRows(logits, labels, lse, rows, vocab);
    expect(Math.abs(one.loss - want) / want).toBeLessThan(1e-6);
    // Workers join when the OS runs them: retry until the worker took some of the rows.
    const deadline = Date.now() + 10_000;
    let shared = 0;
    while (shared < 3 && Date.now() < deadline) {
      const two = await pass(threaded);
      if (two.onCaller === two.tiles) continue;
      shared++;
      expect(two.loss).toBe(one.loss);
      expect(two.again).toBe(one.again);
      expect(two.bytes.equals(one.bytes)).toBe(true);
    }
    expect(shared).toBe(3);
  });

  it("matmul() on 2 threads hands tiles to the worker pool", async () => {
    const [m, n, k] = [768, 256, 256];
    const a = randomArray(m * k, 1);
    const b = randomArray(k * n, 2);
    const out = new Float32Array(m * n);
    // Workers start on the first large matmul and join when the OS runs them: retry for a while.
    const deadline = Date.now() + 10_000;
    let shared = false;
    while (!shared && Date.now() < deadline) {
      await threaded.matmul(a, b, out, { m, n, k });
      shared = threaded.lastMatmul.onCaller < threaded.lastMatmul.tiles;
    }
    expect(threaded.threads).toBe(2);
    expect(shared).toBe(true);
    const want = new Float32Array(m * n);
    naiveMatmul(a, b, want, { m, n, k });
    expect(relativeError(out, want)).toBeLessThan(1e-5);
  });

  it("matmul() on a thread that cannot block (a browser page) returns promises, run in call order", async () => {
    const backend = await createWasmBackend({ threads: 2, canBlock: false });
    const [m, n, k] = [512, 256, 256]; // 2^26 flops: above the threshold for sharing
    const a = randomArray(m * k, 8);
    const b = randomArray(n * k, 9);
    const outs = [0, 1, 2, 3].map(() => new Float32Array(m * n));
    const calls = outs.map((out, i) =>
      backend.matmul(a, b, out, { m, n, k, transposeB: true, alpha: i + 1 }),
    );
    expect(calls[0]).toBeInstanceOf(Promise);
    // The last call accumulates into the first output: it must run after the first call.
    calls.push(backend.matmul(a, b, outs[0], { m, n, k, transposeB: true, accumulate: true }));
    await Promise.all(calls);
    const want = new Float32Array(m * n);
    naiveMatmul(a, b, want, { m, n, k, transposeB: true });
    for (let i = 1; i < 4; i++) {
      expect(
        relativeError(
          outs[i],
          want.map((v) => v * (i + 1)),
        ),
      ).toBeLessThan(1e-5);
    }
    expect(
      relativeError(
        outs[0],
        want.map((v) => v * 2),
      ),
    ).toBeLessThan(1e-5);
    await backend.dispose();
  });

  it("ThreadPool: workers that cannot be created (a CSP page) leave every tile to the caller", async () => {
    const module = await kernelsModule(true, false);
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 64, shared: true });
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const kernels = instance.exports as unknown as KernelExports;
    const failing = () => {
      throw new Error("Refused to create a worker from 'blob:' (CSP)");
    };
    const pool = new ThreadPool(
      failing,
      "",
      3,
      module,
      memory,
      kernels.wakeAddress(),
      kernels.stopAddress(),
      kernels.readyAddress(),
    );
    const backend = new WasmBackend(kernels, memory, pool, true);
    const [m, n, k] = [256, 256, 512];
    const a = randomArray(m * k, 10);
    const out = new Float32Array(m * n);
    await backend.matmul(a, a, out, { m, n, k, transposeB: true });
    expect(backend.lastMatmul.onCaller).toBe(backend.lastMatmul.tiles);
    const want = new Float32Array(m * n);
    naiveMatmul(a, a, want, { m, n, k, transposeB: true });
    expect(relativeError(out, want)).toBeLessThan(1e-5);
    await backend.dispose();
  });

  it("retain(w) keeps w resident: later changes are seen only after update(w)", async () => {
    const [m, n, k] = [5, 11, 9];
    const x = randomArray(m * k, 3);
    const w = randomArray(n * k, 4); // [N,K], used transposed (packed once)
    const out = new Float32Array(m * n);
    const want = new Float32Array(m * n);
    const shape = { m, n, k, transposeB: true };
    single.retain(w);
    await single.matmul(x, w, out, shape);
    naiveMatmul(x, w, want, shape);
    expect(relativeError(out, want)).toBeLessThan(1e-6);
    const before = out.slice();
    w.fill(0.5); // breaks the promise on purpose: the resident copy is still the old one
    await single.matmul(x, w, out, shape);
    expect(out).toEqual(before);
    single.update(w);
    await single.matmul(x, w, out, shape);
    naiveMatmul(x, w, want, shape);
    expect(relativeError(out, want)).toBeLessThan(1e-6);
    single.release(w);
    w.fill(-1); // released: read from the caller's array again
    await single.matmul(x, w, out, shape);
    naiveMatmul(x, w, want, shape);
    expect(relativeError(out, want)).toBeLessThan(1e-6);
  });

  it("repeated steps of the same shapes reuse wasm memory (no growth after the first)", async () => {
    const [m, n, k] = [300, 64, 48];
    const x = randomArray(m * k, 5);
    const w = randomArray(n * k, 6);
    const y = new Float32Array(m * n);
    const dx = new Float32Array(m * k);
    single.retain(w);
    const step = async () => {
      await single.matmul(x, w, y, { m, n, k, transposeB: true });
      await single.addBias(y, w, m, n);
      await single.matmul(y, w, dx, { m, n: k, k: n });
    };
    await step();
    const bytes = single.memoryBytes;
    for (let i = 0; i < 5; i++) await step();
    expect(single.memoryBytes).toBe(bytes);
    single.release(w);
  });

  it("dispose() stops the backend: later calls throw", async () => {
    const backend = await createWasmBackend({ threads: 2 });
    const a = randomArray(512 * 256, 7);
    await backend.matmul(a, a, new Float32Array(512 * 512), {
      m: 512,
      n: 512,
      k: 256,
      transposeB: true,
    });
    await backend.dispose();
    expect(() => backend.scale(a, 2, a)).toThrow(/after dispose/);
  });

  it("matmul() past maxMemoryMiB throws a RangeError and leaves the backend usable", async () => {
    const backend = await createWasmBackend({ threads: 1, maxMemoryMiB: 2 });
    const big = new Float32Array(1024 * 1024); // 4 MiB: more than the whole memory
    expect(() =>
      backend.matmul(big, big, new Float32Array(1024 * 1024), { m: 1024, n: 1024, k: 1024 }),
    ).toThrow(/out of WebAssembly memory.*maxMemoryMiB/);
    const out = new Float32Array(4);
    await backend.matmul(new Float32Array([1, 2]), new Float32Array([3, 4]), out, {
      m: 2,
      n: 2,
      k: 1,
    });
    expect([...out]).toEqual([3, 4, 6, 8]);
    await backend.dispose();
  });

  it("createWasmBackend() rejects a bad thread count, naming it", async () => {
    await expect(createWasmBackend({ threads: 0 })).rejects.toThrow(
      /createWasmBackend\(\): threads must be a positive integer, got 0/,
    );
  });

  it('createBackend("wasm") and createBackend("auto") resolve to the wasm backend here', async () => {
    const wasm = await createBackend("wasm", { threads: 1 });
    expect(wasm.name).toBe("wasm");
    await wasm.dispose();
    const auto = await createBackend("auto", { threads: 1 });
    // No real GPU in CI: auto must skip gpu.js's webasm/cpu fallbacks and pick wasm.
    expect(auto.name === "wasm" || /^gpu:(webgl|webgl2|headlessgl|webgpu)$/.test(auto.name)).toBe(
      true,
    );
    await auto.dispose();
  });

  it("a Node process that used the pool exits without dispose() (workers are unref'd)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kairos-wasm-"));
    const entry = fileURLToPath(new URL("../src/wasm/index.ts", import.meta.url));
    const bundle = await bundleForNode(entry, join(dir, "wasm.mjs"));
    const script = `
      import { createWasmBackend } from ${JSON.stringify(pathToFileURL(bundle).href)};
      // canBlock false: the promise path must also finish before the process may exit.
      for (const canBlock of [true, false]) {
        const backend = await createWasmBackend({ threads: 2, canBlock });
        const a = new Float32Array(512 * 512).fill(1);
        const out = new Float32Array(512 * 512);
        for (let i = 0; i < 30; i++) await backend.matmul(a, a, out, { m: 512, n: 512, k: 512 });
        console.log(out[0]);
      }`;
    const started = Date.now();
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      timeout: 20_000,
    });
    expect(stdout.trim().split("\n")).toEqual(["512", "512"]);
    expect(Date.now() - started).toBeLessThan(20_000);
    await rm(dir, { recursive: true, force: true });
  }, 30_000);
});
