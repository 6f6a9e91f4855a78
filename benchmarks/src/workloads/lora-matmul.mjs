// Plain matmul out[2048,256] = x[2048,256] · Wᵀ (W `[256,256]`, the nn.Linear layout, frozen and
// retained), the kernel that dominates a LoRA layer step: @kairos/lora's wasm and reference
// backends beside TensorFlow.js (tfjs-backend-wasm, XNNPACK; tfjs-backend-cpu) in the same run,
// gpu.js's `webasm` engine runs too where @kairos/lora/gpu can create it. PyTorch's figure,
// recorded by benchmarks/torch/lora_step.py (it needs Debian's python3-torch), is printed beside.
import { createBackend } from "@kairos/lora";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { randomArray, setTfjsWasmPaths, torchRecord, useTfjsBackend } from "../peers.mjs";

const M = 2048;
const N = 256;
const K = 256;
const FLOPS = 2 * M * N * K;

/** Our backends timed here (both run in every Node this repository supports). */
const ours = ["wasm", "reference"];

async function oursMatmul(ctx, name) {
  await ctx.backends[name].matmul(ctx.x, ctx.weight, ctx.out, {
    m: M,
    n: N,
    k: K,
    transposeB: true,
  });
}

/**
 * Switch tfjs (a process-wide singleton) to `backend` on first use, then x · Wᵀ, read back.
 * tfjs gets Wᵀ stored `[K,N]` (transposed outside timing): its transposeB path is ~10× slower
 * on tfjs-backend-wasm (~1.2 against ~14 GFLOP/s here), and the peer should run at its best.
 */
async function tfjsMatmul(ctx, backend) {
  await useTfjsBackend(ctx, backend);
  ctx.tfjs[backend] ??= { x: tf.tensor2d(ctx.x, [M, K]), w: tf.tensor2d(ctx.weightT, [K, N]) };
  const t = ctx.tfjs[backend];
  const y = tf.matMul(t.x, t.w);
  y.dataSync(); // the result in JavaScript memory, as ours is
  y.dispose();
}

/** Filled in setup: the harness reads this object after setup, so tasks may depend on it. */
const tasks = {
  wasm: { fn: (ctx) => oursMatmul(ctx, "wasm"), items: FLOPS, unit: "flop" },
  reference: { fn: (ctx) => oursMatmul(ctx, "reference"), items: FLOPS, unit: "flop" },
  "tfjs-wasm": { fn: (ctx) => tfjsMatmul(ctx, "wasm"), items: FLOPS, unit: "flop" },
  "tfjs-cpu": { fn: (ctx) => tfjsMatmul(ctx, "cpu"), items: FLOPS, unit: "flop" },
};

/** gpu.js webasm forced onto every matmul (minWork 0), or null where gpu.js is missing. */
async function gpuWebasm() {
  try {
    const { createGpuBackend } = await import("@kairos/lora/gpu");
    const backend = await createGpuBackend({ mode: "webasm", minWork: 0 });
    return backend.name === "gpu:webasm" ? backend : null;
  } catch {
    return null;
  }
}

const workload = {
  name: "lora-matmul",
  description: "matmul 2048×256×256 (x·Wᵀ, W retained): wasm vs reference and tfjs wasm/cpu",

  async setup() {
    const ctx = {
      x: randomArray(M * K, 1),
      weight: randomArray(N * K, 2), // [N,K], nn.Linear layout
      weightT: null, // [K,N], for tfjs
      out: new Float32Array(M * N),
      backends: {},
      tfjs: {},
      current: null,
      switched: Promise.resolve(false),
    };
    ctx.weightT = new Float32Array(K * N);
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++) ctx.weightT[k * N + n] = ctx.weight[n * K + k];
    }
    for (const name of ours) {
      const backend = await createBackend(name);
      backend.retain(ctx.weight);
      ctx.backends[name] = backend;
    }
    const gpu = await gpuWebasm();
    if (gpu) {
      gpu.retain(ctx.weight);
      ctx.backends["gpu-webasm"] = gpu;
      tasks["gpu-webasm"] = { fn: (c) => oursMatmul(c, "gpu-webasm"), items: FLOPS, unit: "flop" };
    }
    setTfjsWasmPaths();
    return ctx;
  },

  tasks,

  ratios: [
    // tfjs-backend-wasm itself is bimodal on this VM (7.8 or ~17 ms for this product, run to
    // run), which swings the ratio 2–4.6× in the quick form: only a fall past 60% is a regression.
    { name: "wasm / tfjs-wasm", of: "wasm", over: "tfjs-wasm", min: 2, tolerance: 0.6 },
    { name: "wasm / reference", of: "wasm", over: "reference" },
    { name: "wasm / tfjs-cpu", of: "wasm", over: "tfjs-cpu" },
    { name: "wasm / gpu-webasm", of: "wasm", over: "gpu-webasm" },
  ],

  async report(_ctx, { tasks }) {
    const rows = Object.entries(tasks).map(([impl, t]) => ({
      impl,
      "ms/matmul": t.medianMs,
      "GFLOP/s": Number((FLOPS / t.medianMs / 1e6).toFixed(2)),
      source: "this run",
    }));
    const recorded = await torchRecord("lora-matmul");
    if (recorded) {
      rows.push({
        impl: recorded.label,
        "ms/matmul": recorded.medianMs,
        "GFLOP/s": recorded.gflops,
        source: recorded.source,
      });
    }
    return rows;
  },

  async teardown(ctx) {
    for (const t of Object.values(ctx.tfjs)) tf.dispose([t.x, t.w]);
    for (const backend of Object.values(ctx.backends)) await backend.dispose();
    delete tasks["gpu-webasm"];
  },
};

export default workload;
