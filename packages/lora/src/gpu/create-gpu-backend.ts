// `createGpuBackend(options)`: loads gpu.js lazily, creates a GPU in the requested mode and
// reports the mode gpu.js actually selected (`gpu` falls back to `webasm` where no GL works).

import type { Backend } from "../backend";
import { defaultMinGpuWork, GpuBackend } from "./gpu-backend";
import { GPU_MODES, type GpuMode, loadGpu, selectedMode } from "./gpu-js";

/** Options for `createGpuBackend`. */
export interface GpuBackendOptions {
  /** gpu.js mode (default `gpu`: gpu.js picks WebGL2/WebGL/headless-gl, else `webasm`). */
  mode?: GpuMode;
  /**
   * Matmuls with fewer multiply-adds (m·n·k) run on the reference backend. Default 2^18 on a
   * device; on gpu.js's host engines (`webasm`, `cpu`), measured slower than the reference at
   * every size, Infinity. `0` sends every matmul through gpu.js.
   */
  minWork?: number;
}

/**
 * Creates the gpu.js backend. Rejects with an Error saying why when gpu.js or the requested
 * mode is unavailable (`webgpu` in Node needs the `webgpu` package's Dawn and a GPU adapter).
 * @example
 * const backend = await createGpuBackend({ mode: "webgl2" });
 * backend.name; // "gpu:webgl2"
 */
export async function createGpuBackend(options: GpuBackendOptions = {}): Promise<Backend> {
  const { mode = "gpu", minWork } = options;
  if (!GPU_MODES.includes(mode)) {
    throw new RangeError(
      `createGpuBackend(): mode must be one of ${GPU_MODES.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(mode)}`,
    );
  }
  if (minWork !== undefined && !(minWork >= 0)) {
    throw new RangeError(
      `createGpuBackend(): minWork must be a non-negative number, got ${minWork}`,
    );
  }
  let gpu: Awaited<ReturnType<typeof loadGpu>>;
  try {
    gpu = await loadGpu(mode);
  } catch (error) {
    throw new Error(
      `createGpuBackend(): mode "${mode}" is unavailable: ${(error as Error).message}`,
    );
  }
  // gpu.js picks its Kernel class in the constructor; the class tells the real mode.
  const real = selectedMode(gpu);
  return new GpuBackend(gpu, real, minWork ?? defaultMinGpuWork(real));
}
