// `createWasmBackend()`: feature detection and set-up of the wasm backend. Threads where a shared
// WebAssembly.Memory can be made and workers exist; one thread otherwise. Nothing starts here
// but the compilation: the workers start on the first matmul big enough to share.
import type { KernelExports } from "./kernels-module";
import { kernelsModule, relaxedSimdAvailable } from "./kernels-module";
import { platformWorkerFactory, ThreadPool } from "./thread-pool";
import { WasmBackend } from "./wasm-backend";
import { workerSource } from "./worker-source";

/** Options of `createWasmBackend`. */
export interface WasmBackendOptions {
  /** Threads computing a large matmul, the calling one included (default: the cores available, at most 8). */
  threads?: number;
  /** Largest wasm memory in MiB (default 1024; at most 4096). Shared memory reserves it up front. */
  maxMemoryMiB?: number;
  /**
   * Whether the calling thread may block in `Atomics.wait` while workers finish (default:
   * detected; false on a browser's main thread, where matmuls then return promises).
   */
  canBlock?: boolean;
  /**
   * Use the kernels built with relaxed SIMD, whose multiply-adds are fused (one rounding; ~1.5×
   * the matmul throughput on an x86 with FMA). Default: where the engine validates them (see
   * `relaxedSimdAvailable`); true throws where it does not; false keeps the plain SIMD build.
   */
  relaxedSimd?: boolean;
}

const PAGE = 65536;

/** Cores a browser reports, at most 8 (matmuls of LoRA size stop scaling well before). */
function browserCores(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const cores = nav?.hardwareConcurrency;
  return typeof cores === "number" && cores > 0 ? Math.min(cores, 8) : 2;
}

/** Cores Node may use, at most 8; null outside Node. */
async function nodeCores(): Promise<number | null> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node === undefined) return null;
  const specifier = "node:os";
  const os = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as {
    availableParallelism?: () => number;
    cpus: () => unknown[];
  };
  return Math.min(os.availableParallelism?.() ?? os.cpus().length, 8);
}

function sharedMemory(maxPages: number): WebAssembly.Memory | null {
  if (typeof SharedArrayBuffer === "undefined") return null;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return null;
  try {
    return new WebAssembly.Memory({ initial: 16, maximum: maxPages, shared: true });
  } catch {
    return null;
  }
}

/** Whether this thread may block in Atomics.wait (false on a browser's main thread). */
function canBlock(memory: WebAssembly.Memory): boolean {
  try {
    Atomics.wait(new Int32Array(memory.buffer, 0, 1), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates the `wasm` backend: SIMD matmul and elementwise kernels in WebAssembly, split across
 * `threads` (workers in Node and browsers) where shared memory is available. Rejects with an
 * Error when this runtime has no WebAssembly SIMD.
 *
 * @example
 * const backend = await createWasmBackend({ threads: 2 });
 * backend.retain(weight); // uploaded once, reused by every matmul
 * await backend.matmul(x, weight, y, { m: rows, n: outF, k: inF, transposeB: true });
 * await backend.dispose();
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const threads = options.threads ?? (await nodeCores()) ?? browserCores();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`createWasmBackend(): threads must be a positive integer, got ${threads}`);
  }
  const maxMiB = options.maxMemoryMiB ?? 1024;
  if (!Number.isInteger(maxMiB) || maxMiB < 1 || maxMiB > 4096) {
    throw new RangeError(
      `createWasmBackend(): maxMemoryMiB must be an integer in [1, 4096], got ${maxMiB}`,
    );
  }
  const maxPages = Math.min((maxMiB * 1024 * 1024) / PAGE, 65536);
  const relaxed = options.relaxedSimd ?? relaxedSimdAvailable();
  if (relaxed && !relaxedSimdAvailable()) {
    throw new Error(
      "createWasmBackend(): relaxedSimd is true, but this runtime has no WebAssembly relaxed SIMD (Node 20: run with --experimental-wasm-relaxed-simd, or call enableRelaxedSimd() from @kairos/lora/node first)",
    );
  }
  const shared = threads > 1 ? sharedMemory(maxPages) : null;
  const memory = shared ?? new WebAssembly.Memory({ initial: 16, maximum: maxPages });
  let module: WebAssembly.Module;
  try {
    module = await kernelsModule(shared !== null, relaxed);
  } catch (error) {
    throw new Error(
      `createWasmBackend(): this runtime cannot compile WebAssembly SIMD kernels (${String(error)})`,
    );
  }
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = instance.exports as unknown as KernelExports;
  const factory = shared !== null ? await platformWorkerFactory() : null;
  const pool =
    factory !== null
      ? new ThreadPool(
          factory,
          workerSource,
          threads - 1,
          module,
          memory,
          kernels.wakeAddress(),
          kernels.stopAddress(),
          kernels.readyAddress(),
        )
      : null;
  return new WasmBackend(kernels, memory, pool, options.canBlock ?? canBlock(memory), relaxed);
}
