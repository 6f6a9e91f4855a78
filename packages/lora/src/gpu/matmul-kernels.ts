// gpu.js matmul kernels, one a transpose case, compiled per shape and cached.
// Legend: M, N, K matmul dimensions; a is [M,K] (or [K,M] transposed), b is [K,N] (or [N,K]).
// Each thread computes one out[i][j] = Σ_p op(a)[i,p] · op(b)[p,j]; alpha and accumulate are
// applied on the host while copying the result out, so the kernels stay minimal.
// gpu.js compiles these functions from their source text: plain loops, `this.thread`,
// `this.constants`, flat 1-D inputs indexed row-major; no closures.

import type { GpuInstance, GpuKernel } from "./gpu-js";

type Kernel = (this: KernelThis, a: Float32Array, b: Float32Array) => number;
interface KernelThis {
  thread: { x: number; y: number };
  constants: { m: number; n: number; k: number };
}

// out[i,j] = Σ a[i,p] b[p,j]
const nn: Kernel = function (a, b) {
  let sum = 0;
  for (let p = 0; p < this.constants.k; p++) {
    sum += a[this.thread.y * this.constants.k + p] * b[p * this.constants.n + this.thread.x];
  }
  return sum;
};
// out[i,j] = Σ a[i,p] b[j,p]   (b is a PyTorch nn.Linear weight [out, in])
const nt: Kernel = function (a, b) {
  let sum = 0;
  for (let p = 0; p < this.constants.k; p++) {
    sum += a[this.thread.y * this.constants.k + p] * b[this.thread.x * this.constants.k + p];
  }
  return sum;
};
// out[i,j] = Σ a[p,i] b[p,j]
const tn: Kernel = function (a, b) {
  let sum = 0;
  for (let p = 0; p < this.constants.k; p++) {
    sum += a[p * this.constants.m + this.thread.y] * b[p * this.constants.n + this.thread.x];
  }
  return sum;
};
// out[i,j] = Σ a[p,i] b[j,p]
const tt: Kernel = function (a, b) {
  let sum = 0;
  for (let p = 0; p < this.constants.k; p++) {
    sum += a[p * this.constants.m + this.thread.y] * b[this.thread.x * this.constants.k + p];
  }
  return sum;
};

const KERNELS = { nn, nt, tn, tt };

/** Compiled kernels by shape; the oldest is destroyed past `capacity` (gpu.js compiles per shape). */
export class MatmulKernels {
  private readonly cache = new Map<string, GpuKernel>();

  constructor(
    private readonly gpu: GpuInstance,
    private readonly capacity = 64,
  ) {}

  /** The kernel for out[M,N] = op(a)·op(b); `inputs` tells host arrays from device textures apart. */
  get(
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    inputs: string,
  ): GpuKernel {
    const variant = `${transposeA ? "t" : "n"}${transposeB ? "t" : "n"}` as keyof typeof KERNELS;
    const key = `${variant}:${m}:${n}:${k}:${inputs}`;
    let kernel = this.cache.get(key);
    if (kernel) {
      this.cache.delete(key); // re-insert: Map order is recency order
    } else {
      kernel = this.gpu.createKernel(KERNELS[variant] as never, {
        output: [n, m],
        constants: { m, n, k },
        asyncMode: true,
        precision: "single",
        tactic: "precision",
      });
      if (this.cache.size >= this.capacity) {
        const [oldest, evicted] = this.cache.entries().next().value!;
        this.cache.delete(oldest);
        evicted.destroy?.();
      }
    }
    this.cache.set(key, kernel);
    return kernel;
  }

  /** Destroys every compiled kernel. */
  clear(): void {
    for (const kernel of this.cache.values()) kernel.destroy?.();
    this.cache.clear();
  }
}
