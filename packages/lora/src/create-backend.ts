// `createBackend(name)`: the one explicit, asynchronous way to get a Backend. No global
// singletons: every call returns a new backend the caller owns and disposes.
// Each name maps to one factory in `factories`; adding a backend is one line there.
import type { Backend, BackendName } from "./backend";
import { ReferenceBackend } from "./reference-backend";

/** Options for `createBackend`; each backend reads the fields it knows and ignores the rest. */
export interface CreateBackendOptions {
  /** wasm: worker threads to use (default: the cores available). */
  threads?: number;
  /** gpu: gpu.js mode to request (e.g. `"webgl2"`, `"webgpu"`, `"headlessgl"`). */
  mode?: string;
}

/** Makes one backend, or throws an Error saying why it is unavailable here. */
type BackendFactory = (options: CreateBackendOptions) => Promise<Backend>;

function unavailable(name: string, why: string): BackendFactory {
  return async () => {
    throw new Error(`createBackend(): backend "${name}" is unavailable: ${why}`);
  };
}

const factories: Record<BackendName, BackendFactory> = {
  reference: async () => new ReferenceBackend(),
  wasm: unavailable("wasm", "the WebAssembly kernels are not part of this build"),
  gpu: unavailable("gpu", "the @kairos/lora/gpu entry is not part of this build"),
  // The fastest backend available; until wasm lands that is the reference backend.
  auto: async (options) => factories.reference(options),
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
