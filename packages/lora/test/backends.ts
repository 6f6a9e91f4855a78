// Every backend the conformance suite runs against, and how to create it here. A backend that
// cannot run in this environment creates as null and its tests are skipped, not failed.
// The wasm and gpu backends add one entry each to `backendCases`.
import type { Backend } from "../src/backend";
import { createBackend } from "../src/create-backend";
import { enableRelaxedSimd } from "../src/relaxed-simd-node";

/** One backend under test: how to create it and the unit round-off its kernels compute with. */
export interface BackendCase {
  name: string;
  /** Resolves to null when the backend is unavailable in this environment. */
  create: () => Promise<Backend | null>;
  /** Unit round-off of the arithmetic (float32: 2^-24); error bounds in tests scale with it. */
  epsilon: number;
  /**
   * Compiles a kernel per matmul shape (gpu.js: ~30 ms each). The conformance suite then runs
   * its matmuls on `compiledShapes`, fewer shapes that still cover every transpose case and
   * every odd size in each of m, n and k.
   */
  compilesPerShape?: boolean;
}

/** Backends to test, in order. */
export const backendCases: BackendCase[] = [
  { name: "reference", create: () => createBackend("reference"), epsilon: 2 ** -24 },
  // wasm: f32x4 SIMD in float32, threads on; the kernels must match the reference at float32.
  {
    name: "wasm",
    create: () => createBackend("wasm", { threads: 2, relaxedSimd: false }),
    epsilon: 2 ** -24,
  },
  // One thread: an ordinary (not shared) memory, where allocate() returns plain arrays.
  {
    name: "wasm, 1 thread",
    create: () => createBackend("wasm", { threads: 1, relaxedSimd: false }),
    epsilon: 2 ** -24,
  },
  // The relaxed-SIMD builds (fused multiply-adds: one rounding where there were two), shared
  // and unshared memory, as Node 20 gets them from enableRelaxedSimd().
  {
    name: "wasm, relaxed SIMD",
    create: async () =>
      enableRelaxedSimd() ? createBackend("wasm", { threads: 2, relaxedSimd: true }) : null,
    epsilon: 2 ** -24,
  },
  {
    name: "wasm, relaxed SIMD, 1 thread",
    create: async () =>
      enableRelaxedSimd() ? createBackend("wasm", { threads: 1, relaxedSimd: true }) : null,
    epsilon: 2 ** -24,
  },
  // gpu.js; minWork 0 sends every matmul through gpu.js (not the small-problem fallback).
  // 2^-23: one ulp per operation, allowing GPU drivers that round less carefully than IEEE.
  {
    name: "gpu",
    create: async () => (await import("../src/gpu")).createGpuBackend({ minWork: 0 }),
    epsilon: 2 ** -23,
    compilesPerShape: true,
  },
];

/** Create every backend case; unavailable ones come back with `backend: null`. */
export async function loadBackends(): Promise<Array<BackendCase & { backend: Backend | null }>> {
  return Promise.all(
    backendCases.map(async (c) => ({ ...c, backend: await c.create().catch(() => null) })),
  );
}
