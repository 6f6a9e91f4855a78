import { afterAll, describe, expect, it } from "vitest";
import type { Backend, MatmulShape } from "../src/backend";
import { createGpuBackend } from "../src/gpu";
import { defaultMinGpuWork, GpuBackend } from "../src/gpu/gpu-backend";
import type { GpuInstance, GpuKernelSettings } from "../src/gpu/gpu-js";
import { loadGpu } from "../src/gpu/gpu-js";
import { naiveMatmul } from "../src/naive-kernels";
import { randomArray, worstRatio } from "./helpers";

const opened: Backend[] = [];
afterAll(async () => {
  for (const b of opened) await b.dispose();
});
const open = async (options: Parameters<typeof createGpuBackend>[0]) => {
  const backend = await createGpuBackend(options);
  opened.push(backend);
  return backend;
};

describe("createGpuBackend", () => {
  it("createGpuBackend() reports the mode gpu.js really selected", async () => {
    const backend = await open({});
    expect(backend.name).toMatch(/^gpu:(webgl2|webgl|headlessgl|webasm|cpu)$/);
  });

  it("createGpuBackend({ mode }) rejects an unknown mode, listing the valid ones", async () => {
    await expect(createGpuBackend({ mode: "cuda" as never })).rejects.toThrow(
      /mode must be one of "gpu", "webgl2", .* got "cuda"/,
    );
  });

  it('createGpuBackend({ mode: "webgpu" }) either runs on WebGPU or says why it cannot', async () => {
    const result = await createGpuBackend({ mode: "webgpu" }).then(
      (backend) => {
        opened.push(backend);
        return backend.name;
      },
      (error: Error) => error.message,
    );
    expect(result).toMatch(/^gpu:webgpu$|^createGpuBackend\(\): mode "webgpu" is unavailable: .+/);
  });
});

/** A real gpu.js instance that counts the kernels it compiles and the calls they get. */
async function countingGpu(mode: "webasm" | "cpu") {
  const gpu = await loadGpu(mode);
  const counts = { compiled: 0, calls: 0, settings: [] as GpuKernelSettings[] };
  const wrapped: GpuInstance = {
    mode: gpu.mode,
    Kernel: gpu.Kernel,
    createKernel(fn, settings) {
      counts.compiled++;
      counts.settings.push(settings);
      const kernel = gpu.createKernel(fn, settings);
      const counted = (...args: unknown[]) => {
        counts.calls++;
        return kernel(...args);
      };
      return Object.assign(counted, {
        destroy: kernel.destroy?.bind(kernel),
      });
    },
    destroy: () => gpu.destroy(),
  };
  return { wrapped, counts };
}

/** Checks backend.matmul against the naive kernel within γ(k+2) of float32. */
async function expectMatmul(
  backend: Backend,
  shape: MatmulShape,
  a: Float32Array,
  b: Float32Array,
) {
  const out = randomArray(shape.m * shape.n, 99);
  const want = out.slice();
  naiveMatmul(a, b, want, shape);
  await backend.matmul(a, b, out, shape);
  const magnitude = new Float32Array(out.length);
  naiveMatmul(a.map(Math.abs), b.map(Math.abs), magnitude, {
    ...shape,
    alpha: Math.abs(shape.alpha ?? 1),
  });
  const bound = magnitude.map(
    // |out0| < 1 (randomArray) bounds the accumulated term.
    (v) => 2 * (shape.k + 2) * 2 ** -24 * (v + (shape.accumulate ? 1 : 0)) + 1e-30,
  );
  expect(worstRatio(out, want, bound).ratio).toBeLessThanOrEqual(1);
}

describe("GpuBackend", () => {
  it.each(["webasm", "cpu"] as const)(
    "createGpuBackend({ mode: %j }) runs the LoRA matmuls through gpu.js",
    async (mode) => {
      const backend = await open({ mode, minWork: 0 });
      expect(backend.name).toBe(`gpu:${mode}`);
      const [rows, inF, outF, rank] = [33, 40, 24, 4];
      const x = randomArray(rows * inF, 1);
      const w = randomArray(outF * inF, 2);
      const a = randomArray(rank * inF, 3);
      const dy = randomArray(rows * outF, 4);
      await expectMatmul(backend, { m: rows, n: outF, k: inF, transposeB: true }, x, w); // x Wᵀ
      await expectMatmul(
        backend,
        { m: rank, n: inF, k: rows, transposeA: true, accumulate: true, alpha: 0.5 },
        dy.subarray(0, rows * rank),
        x,
      ); // dA-like
      await expectMatmul(backend, { m: rows, n: inF, k: outF }, dy, w); // dx = dy W
      await expectMatmul(
        backend,
        { m: rank, n: rows, k: inF, transposeA: false, transposeB: true },
        a,
        x,
      );
      await expectMatmul(
        backend,
        { m: inF, n: rank, k: rows, transposeA: true, transposeB: true },
        x,
        dy.subarray(0, rank * rows),
      );
    },
  );

  it("matmul() runs problems under minWork on the reference backend, larger ones through gpu.js", async () => {
    const { wrapped, counts } = await countingGpu("webasm");
    const backend = new GpuBackend(wrapped, "webasm", 64 * 64 * 64);
    opened.push(backend);
    const a = randomArray(64 * 64, 5);
    await expectMatmul(backend, { m: 63, n: 64, k: 64 }, a, a);
    expect(counts.compiled).toBe(0);
    await expectMatmul(backend, { m: 64, n: 64, k: 64 }, a, a);
    await expectMatmul(backend, { m: 64, n: 64, k: 64, accumulate: true, alpha: -2 }, a, a);
    expect(counts).toMatchObject({ compiled: 1, calls: 2 });
    expect(counts.settings[0]).toMatchObject({
      output: [64, 64],
      constants: { m: 64, n: 64, k: 64 },
    });
  });

  it("matmul() by default stays on the reference in gpu.js's host engines, where it measured faster", async () => {
    const { wrapped, counts } = await countingGpu("webasm");
    const backend = new GpuBackend(wrapped, "webasm");
    opened.push(backend);
    const a = randomArray(128 * 128, 9);
    await expectMatmul(backend, { m: 128, n: 128, k: 128 }, a, a);
    expect(counts.compiled).toBe(0);
    expect(defaultMinGpuWork("webasm")).toBe(Number.POSITIVE_INFINITY);
    expect(defaultMinGpuWork("webgl2")).toBe(2 ** 18);
  });

  it("matmul() keeps operands past 2^24 floats off GL shaders, whose float indices lose integers", async () => {
    const { wrapped, counts } = await countingGpu("webasm");
    const backend = new GpuBackend(wrapped, "webgl2", 0);
    opened.push(backend);
    const [m, k] = [2 ** 12 + 1, 2 ** 12];
    const a = new Float32Array(m * k).fill(0.5);
    const out = new Float32Array(m);
    await backend.matmul(a, new Float32Array(k).fill(2), out, { m, n: 1, k });
    expect(out.every((v) => v === k)).toBe(true);
    expect(counts.compiled).toBe(0);
  });

  it("retain(w) uploads once where gpu.js has device memory; update(w) re-uploads; release(w) drops it", async () => {
    // gpu.js's webasm engine standing in for a device mode: it returns pipeline results as arrays.
    const { wrapped, counts } = await countingGpu("webasm");
    const backend = new GpuBackend(wrapped, "webgl2", 0);
    opened.push(backend);
    const w = randomArray(20 * 30, 6);
    const x = randomArray(10 * 30, 7);
    const shape = { m: 10, n: 20, k: 30, transposeB: true };
    backend.retain(w);
    const original = w.slice();
    await expectMatmul(backend, shape, x, w);
    w.fill(3); // changed without update(): the kernel still reads the resident copy
    const stale = new Float32Array(10 * 20);
    await backend.matmul(x, w, stale, shape);
    const want = new Float32Array(10 * 20);
    naiveMatmul(x, original, want, shape);
    expect(
      worstRatio(
        stale,
        want,
        want.map(() => 1e-5),
      ).ratio,
    ).toBeLessThanOrEqual(1);
    expect(counts.settings.filter((s) => s.pipeline && s.immutable)).toHaveLength(1);
    expect(counts.calls).toBe(3); // one upload, two matmuls
    w.fill(0.25);
    backend.update(w);
    await expectMatmul(backend, shape, x, w); // sees the new contents
    expect(counts.calls).toBe(5);
    backend.release(w);
    w.fill(-1);
    await expectMatmul(backend, shape, x, w); // host copy again, no upload
    expect(counts.calls).toBe(6);
  });

  it("retain(w) keeps nothing resident in webasm mode (gpu.js has no device memory there)", async () => {
    const { wrapped, counts } = await countingGpu("webasm");
    const backend = new GpuBackend(wrapped, "webasm", 0);
    opened.push(backend);
    const w = randomArray(16 * 16, 8);
    backend.retain(w);
    w.fill(0.5); // without update: the host array is what the kernel reads
    await expectMatmul(backend, { m: 16, n: 16, k: 16 }, w, w);
    expect(counts.settings.some((s) => s.pipeline)).toBe(false);
  });
});
