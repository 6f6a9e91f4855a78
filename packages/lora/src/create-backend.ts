// `createBackend(name)`: the one explicit, asynchronous way to get a Backend. No global
// singletons: every call returns a new backend the caller owns and disposes.
// Each name maps to one factory in `factories`; adding a backend is one line there.
import type { Backend, BackendName } from "./backend";
import type { GpuMode } from "./gpu/gpu-js";
import { ReferenceBackend } from "./reference-backend";
import { createWasmBackend } from "./wasm";

/** Options for `createBackend`; each backend reads the fields it knows and ignores the rest. */
export interface CreateBackendOptions {
  /** wasm: worker threads to use (default: the cores available). */
  threads?: number;
  /** wasm: whether to use the relaxed-SIMD (fused multiply-add) kernels (default: where available). */
  relaxedSimd?: boolean;
  /** gpu: gpu.js mode to request (e.g. `"webgl2"`, `"webgpu"`, `"headlessgl"`). */
  mode?: string;
}

/** Makes one backend, or throws an Error saying why it is unavailable here. */
type BackendFactory = (options: CreateBackendOptions) => Promise<Backend>;

const factories: Record<BackendName, BackendFactory> = {
  reference: async () => new ReferenceBackend(),
  wasm: (options) =>
    createWasmBackend({ threads: options.threads, relaxedSimd: options.relaxedSimd }),
  // gpu.js loads lazily, on first use only: `@kairos/lora` imports anywhere without it.
  gpu: async (options) =>
    (await import("./gpu/create-gpu-backend")).createGpuBackend({
      mode: options.mode as GpuMode | undefined,
    }),
  // The fastest available: gpu on a real GPU (not gpu.js's webasm/cpu fallbacks, slower than
  // wasm), else wasm, else reference. The returned backend's name says which.
  auto: async (options) => {
    try {
      const gpu = await factories.gpu(options);
      if (/^gpu:(webgl|webgl2|headlessgl|webgpu)$/.test(gpu.name)) return gpu;
      await gpu.dispose();
    } catch {
      // no gpu.js or no GPU here: next candidate
    }
    try {
      return await factories.wasm(options);
    } catch {
      return factories.reference(options);
    }
  },
};

/** The names `createBackend` accepts. */
export const backendNames = Object.keys(factories) as BackendName[];

/**
 * Create a backend by name. Rejects with a `RangeError` for an unknown name (listing the valid
 * ones) and with an `Error` saying why when the backend cannot run here. `auto` picks the
 * fastest available; the returned backend's `name` says which.
 *
 * @example
 * const backend = await createBackend("reference");
 * const layer = new LoRALinear({ inFeatures: 256, outFeatures: 256, rank: 8, alpha: 16, weight }, backend);
 */
export async function createBackend(
  name: BackendName,
  options: CreateBackendOptions = {},
): Promise<Backend> {
  if (!Object.hasOwn(factories, name)) {
    throw new RangeError(
      `createBackend(): name must be one of ${backendNames.map((n) => `"${n}"`).join(", ")}, got ${JSON.stringify(name)}`,
    );
  }
  return factories[name](options);
}
