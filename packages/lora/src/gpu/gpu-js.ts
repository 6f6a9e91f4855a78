// Lazy loading of gpu.js (an optional peer dependency) and the few parts of its API this backend
// uses, typed structurally so the package's types never reference gpu.js. In Node, WebGPU comes
// from the `webgpu` package (Dawn), gpu.js's own dependency, installed as `navigator.gpu`.

/** gpu.js modes this backend accepts (`gpu` lets gpu.js pick the best available). */
export const GPU_MODES = [
  "gpu",
  "webgl2",
  "webgl",
  "headlessgl",
  "webgpu",
  "webasm",
  "cpu",
] as const;
export type GpuMode = (typeof GPU_MODES)[number];

/** A device-side array gpu.js returns from a `pipeline: true` kernel (a texture or GPU buffer). */
export interface GpuTexture {
  delete?(): void;
}

/** A compiled gpu.js kernel (its "run shortcut"). */
export interface GpuKernel {
  (...args: unknown[]): unknown;
  destroy?(removeCanvasReferences?: boolean): void;
  kernel?: { constructor: { mode?: string } };
}

export interface GpuKernelSettings {
  output: number[];
  constants?: Record<string, number>;
  pipeline?: boolean;
  immutable?: boolean;
  asyncMode?: boolean;
  tactic?: "speed" | "balanced" | "precision";
  precision?: "single";
}

/** A gpu.js `GPU` instance. */
export interface GpuInstance {
  readonly mode: string;
  readonly Kernel?: { mode?: string };
  createKernel(fn: (...args: never[]) => number, settings: GpuKernelSettings): GpuKernel;
  destroy(): unknown;
}

type GpuConstructor = new (settings: { mode: string }) => GpuInstance;

/** Installs Dawn's WebGPU as `navigator.gpu` when running in Node without one. */
async function installNodeWebGpu(): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: unknown }; process?: unknown };
  if (g.navigator?.gpu || typeof g.process === "undefined") return;
  // `webgpu` ships a prebuilt dawn.node; it needs a recent libstdc++ (GLIBCXX_3.4.32).
  const name = "webgpu"; // not a dependency of ours: kept out of bundles by the indirection
  const webgpu = (await import(/* @vite-ignore */ name)) as {
    create(flags: string[]): unknown;
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]) as { requestAdapter(): Promise<unknown> };
  if (!(await gpu.requestAdapter())) throw new Error("Dawn found no WebGPU adapter");
  if (g.navigator) Object.assign(g.navigator, { gpu });
  else
    Object.defineProperty(globalThis, "navigator", {
      value: { gpu },
      configurable: true,
      writable: true,
    });
}

/**
 * Imports gpu.js and creates a `GPU` in `mode`. Rejects with an Error saying why the mode is
 * unavailable (gpu.js not installed, no WebGPU adapter, Dawn not loadable, …).
 */
export async function loadGpu(mode: GpuMode): Promise<GpuInstance> {
  let module: { GPU?: GpuConstructor; default?: { GPU?: GpuConstructor } };
  try {
    module = (await import("gpu.js")) as unknown as typeof module;
  } catch (error) {
    throw new Error(`gpu.js is not installed (npm i gpu.js): ${(error as Error).message}`);
  }
  const GPU = module.GPU ?? module.default?.GPU;
  if (!GPU) throw new Error("the gpu.js module has no GPU export");
  if (mode === "webgpu") {
    try {
      await installNodeWebGpu();
    } catch (error) {
      throw new Error(`WebGPU is unavailable in Node: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  const gpu = new GPU({ mode });
  selectedModes.set(gpu, glMode(gpu, module) ?? gpu.Kernel?.mode ?? gpu.mode);
  return gpu;
}

/** The mode each `loadGpu` instance really runs, by instance. */
const selectedModes = new WeakMap<GpuInstance, string>();

/**
 * gpu.js's GL kernel classes all report the mode `gpu`; which one was chosen (`webgl2`, `webgl`,
 * `headlessgl`) is told by identity with the module's exported classes. Undefined when not GL.
 */
function glMode(gpu: GpuInstance, module: Record<string, unknown>): string | undefined {
  const classes = module.default as Record<string, unknown> | undefined;
  const named = (key: string) => module[key] ?? classes?.[key];
  const modes: Array<[string, string]> = [
    ["HeadlessGLKernel", "headlessgl"],
    ["WebGL2Kernel", "webgl2"],
    ["WebGLKernel", "webgl"],
  ];
  return modes.find(([key]) => gpu.Kernel !== undefined && gpu.Kernel === named(key))?.[1];
}

/** The mode gpu.js really selected for `gpu` (e.g. `webgl2` where its kernel reports `gpu`). */
export function selectedMode(gpu: GpuInstance): string {
  return selectedModes.get(gpu) ?? gpu.Kernel?.mode ?? gpu.mode;
}
