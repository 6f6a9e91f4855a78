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

/**
 * Our backends timed here (all run in every Node this repository supports). `wasm-1t` is the
 * wasm backend on one thread: the gated ratio compares one thread with one thread (the
 * reference is plain JavaScript), so a CPU hog beside the run, which takes a core from the
 * pool, does not move it; the two-thread row is reported.
 */
const ours = {
  wasm: ["wasm", {}],
  "wasm-1t": ["wasm", { threads: 1 }],
  reference: ["reference", {}],
};

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
  "wasm-1t": { fn: (ctx) => oursMatmul(ctx, "wasm-1t"), items: FLOPS, unit: "flop" },
  "tfjs-wasm": {
    fn: (ctx) => tfjsMatmul(ctx, "wasm"),
    items: FLOPS,
    unit: "flop",
    peer: "tfjs-backend-wasm",
  },
  "tfjs-cpu": {
    fn: (ctx) => tfjsMatmul(ctx, "cpu"),
    items: FLOPS,
    unit: "flop",
    peer: "tfjs-backend-cpu",
  },
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
    for (const [name, [kind, options]] of Object.entries(ours)) {
      const backend = await createBackend(kind, options);
      backend.retain(ctx.weight);
      ctx.backends[name] = backend;
    }
    const gpu = await gpuWebasm();
    if (gpu) {
      gpu.retain(ctx.weight);
      ctx.backends["gpu-webasm"] = gpu;
      tasks["gpu-webasm"] = {
        fn: (c) => oursMatmul(c, "gpu-webasm"),
        items: FLOPS,
        unit: "flop",
        peer: "gpu.js",
      };
    }
    setTfjsWasmPaths();
    return ctx;
  },

  tasks,

  ratios: [
    // Gated: our kernel against our reference, one thread each.
    { name: "wasm 1 thread / reference", of: "wasm-1t", over: "reference" },
    {
      name: "wasm / wasm 1 thread",
      of: "wasm",
      over: "wasm-1t",
      gate: false,
      why: "thread scaling: a CPU hog takes a core",
    },
    // Reported: tfjs-backend-wasm itself is bimodal on this VM (7.8 or ~17 ms for this product).
    { name: "wasm / tfjs-wasm", of: "wasm", over: "tfjs-wasm", min: 2 },
    {
      name: "wasm / reference",
      of: "wasm",
      over: "reference",
      gate: false,
      why: "two threads against one",
    },
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
