// LoRA layer step: forward + backward of LoRALinear at rows 4096, in = out = 256, rank 8
// (≈1.17 GFLOP), per @kairos/lora backend, and the same computation in TensorFlow.js
// (tfjs-backend-cpu and tfjs-backend-wasm, gradients by tf.grads) for the ratios. PyTorch's
// figure, recorded by benchmarks/torch/lora_step.py (it needs Debian's python3-torch), is
// printed beside. tfjs-core is a process-wide singleton: each tfjs task switches to its backend
// on its first (warm-up) call and builds its own tensors there, so no data crosses backends
// while timed. The `wasm-resident` row runs the wasm layer on x, dY, y and dx made by
// `backend.allocate` (views on its WebAssembly memory: no copies in or out, as tfjs-backend-wasm
// keeps its tensors in its heap); the `wasm` row passes plain arrays and fresh outputs.
import { createBackend, LoRALinear, linearSizes, loraLinearSizes } from "@kairos/lora";
import { createGpuBackend } from "@kairos/lora/gpu";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { randomArray, setTfjsWasmPaths, torchRecord, useTfjsBackend } from "../peers.mjs";

/**
 * @kairos/lora backends timed here; a backend that cannot be created is left out. `gpu` times
 * gpu.js itself (minWork 0: every matmul on gpu.js) in the mode it picks, reported by name.
 */
const candidates = ["reference", "wasm", "wasm-1t", "gpu"];
const IN = 256;
const OUT = 256;
const RANK = 8;
const ALPHA = 16;

/** FLOPs of one step: frozen matmuls x·Wᵀ and dY·W (4·R·I·O) plus six rank-K matmuls. */
const flopsPerStep = (rows) => 4 * rows * IN * OUT + 6 * rows * RANK * (IN + OUT);

/**
 * tf.grads needs the gradient registry that the `@tensorflow/tfjs` union package fills on import;
 * tfjs-core's own `register_all_gradients` is extensionless ESM Node cannot load. These are
 * tfjs-core 4.22's configs for the three kernels used (dist/gradients/BatchMatMul_grad.js,
 * Add_grad.js, Multiply_grad.js), ported unchanged, registered only where none is.
 */
function registerTfjsGradients() {
  const { getReductionAxes, assertAndGetBroadcastShape } = tf.broadcast_util;
  const reduceTo = (res, shape, outShape) => {
    const axes = getReductionAxes(shape, outShape);
    return tf.reshape(axes.length > 0 ? tf.sum(res, axes) : res, shape);
  };
  const configs = [
    {
      kernelName: tf.BatchMatMul,
      inputsToSave: ["a", "b"],
      gradFunc: (dy, [a, b], { transposeA, transposeB }) => {
        if (!transposeA && !transposeB) {
          return { a: () => tf.matMul(dy, b, false, true), b: () => tf.matMul(a, dy, true, false) };
        }
        if (!transposeA && transposeB) {
          return {
            a: () => tf.matMul(dy, b, false, false),
            b: () => tf.matMul(dy, a, true, false),
          };
        }
        if (transposeA && !transposeB) {
          return {
            a: () => tf.matMul(b, dy, false, true),
            b: () => tf.matMul(a, dy, false, false),
          };
        }
        return { a: () => tf.matMul(b, dy, true, true), b: () => tf.matMul(dy, a, true, true) };
      },
    },
    {
      kernelName: tf.Add,
      inputsToSave: ["a", "b"],
      gradFunc: (dy, [a, b]) => {
        const out = assertAndGetBroadcastShape(a.shape, b.shape);
        return { a: () => reduceTo(dy, a.shape, out), b: () => reduceTo(dy, b.shape, out) };
      },
    },
    {
      kernelName: tf.Multiply,
      inputsToSave: ["a", "b"],
      gradFunc: (dy, [a, b]) => {
        const out = assertAndGetBroadcastShape(a.shape, b.shape);
        return {
          a: () => reduceTo(tf.mul(dy, tf.cast(b, "float32")), a.shape, out),
          b: () => reduceTo(tf.mul(dy, tf.cast(a, "float32")), b.shape, out),
        };
      },
    },
  ];
  for (const config of configs) {
    if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
  }
}

const available = [];
let stepRows = 4096;
const tasks = {};

/** A task timing one step; `items` is read after setup, when the row count is known. */
function stepTask(fn) {
  return {
    fn,
    get items() {
      return stepRows;
    },
    unit: "tokens",
  };
}

async function oursStep(ctx, name) {
  const layer = ctx.layers[name];
  const { context } = await layer.forward(ctx.x);
  await layer.backward(context, ctx.dOutput);
}

/** The wasm layer's step on arrays in the backend's memory, y and dx written in place. */
async function residentStep(ctx) {
  const { x, dOutput, y, dx } = ctx.resident;
  const { context } = await ctx.layers.wasm.forward(x, { out: y });
  await ctx.layers.wasm.backward(context, dOutput, dx);
}

/** x, dY and the outputs y, dx of a step in `backend`'s memory (`backend.allocate`). */
function residentArrays(backend, ctx) {
  const floats = (source) => {
    const array = backend.allocate(source.length);
    array.set(source);
    return array;
  };
  const { rows } = ctx;
  return {
    x: floats(ctx.x),
    dOutput: floats(ctx.dOutput),
    y: backend.allocate(rows * OUT),
    dx: backend.allocate(rows * IN),
  };
}

/** Build (once per tfjs backend) the inputs and the gradient function, then run one step. */
async function tfjsStep(ctx, backend) {
  await useTfjsBackend(ctx, backend);
  if (!ctx.tfjs[backend]) {
    const { rows } = ctx;
    // The frozen weight in both layouts tfjs multiplies fastest, as constants: x·Wᵀ with Wᵀ
    // stored [in, out] and dx = dy·W with W [out, in], both untransposed. tfjs-backend-wasm's
    // transposed-b matmul is ~10× slower than its plain one (see lora-matmul); the peer runs at
    // its best. The custom gradient is the one tf.grads derives for x·Wᵀ, laid out plainly.
    const w = tf.tensor2d(ctx.weight, [OUT, IN]);
    const wT = tf.tensor2d(ctx.weightT, [IN, OUT]);
    const frozen = tf.customGrad((x) => ({
      value: tf.matMul(x, wT),
      gradFunc: (dy) => tf.matMul(dy, w),
    }));
    const scaling = ALPHA / RANK;
    // y = x·Wᵀ + scaling · (x·Aᵀ)·Bᵀ; grads with respect to x, A, B (W frozen, as in the layer).
    const f = (x, a, b) =>
      tf.add(frozen(x), tf.mul(scaling, tf.matMul(tf.matMul(x, a, false, true), b, false, true)));
    ctx.tfjs[backend] = {
      grads: tf.grads(f),
      x: tf.tensor2d(ctx.x, [rows, IN]),
      a: tf.tensor2d(ctx.loraA, [RANK, IN]),
      b: tf.tensor2d(ctx.loraB, [OUT, RANK]),
      dy: tf.tensor2d(ctx.dOutput, [rows, OUT]),
      keep: [w, wT],
    };
  }
  const t = ctx.tfjs[backend];
  tf.tidy(() => {
    const [dx, da, db] = t.grads([t.x, t.a, t.b], t.dy);
    // Reading one value forces any deferred work to finish inside the timed call.
    dx.dataSync();
    da.dataSync();
    db.dataSync();
  });
}

const workload = {
  name: "lora-layer-step",
  description:
    "LoRALinear forward+backward, rows 4096 (1024 quick), in=out=256, rank 8, vs TensorFlow.js cpu/wasm",

  async setup({ quick }) {
    const rows = quick ? 1024 : 4096;
    stepRows = rows;
    const ctx = {
      rows,
      x: randomArray(rows * IN, 1),
      dOutput: randomArray(rows * OUT, 2),
      weight: randomArray(OUT * IN, 3), // [out, in], nn.Linear layout
      weightT: new Float32Array(IN * OUT), // [in, out], for tfjs (filled below, outside timing)
      loraA: null,
      loraB: randomArray(OUT * RANK, 4), // non-zero B: every matmul does real work
      layers: {},
      tfjs: {},
      resident: null,
      switched: Promise.resolve(false),
      contextBytes: 0,
    };
    for (let o = 0; o < OUT; o++) {
      for (let i = 0; i < IN; i++) ctx.weightT[i * OUT + o] = ctx.weight[o * IN + i];
    }
    for (const name of candidates) {
      const create =
        name === "gpu"
          ? createGpuBackend({ minWork: 0 })
          : name === "wasm-1t"
            ? createBackend("wasm", { threads: 1 })
            : createBackend(name);
      const backend = await create.catch(() => null);
      if (!backend) continue;
      const layer = new LoRALinear(
        {
          inFeatures: IN,
          outFeatures: OUT,
          rank: RANK,
          alpha: ALPHA,
          weight: ctx.weight.slice(),
          seed: 5,
        },
        backend,
      );
      layer.loraB.set(ctx.loraB);
      ctx.loraA ??= layer.loraA.slice();
      ctx.layers[name] = layer;
      available.push(name);
    }
    for (const name of Object.keys(tasks)) delete tasks[name];
    for (const name of available) tasks[name] = stepTask((c) => oursStep(c, name));
    // gpu.js (in its cpu or webasm engine here) does the gpu row's arithmetic: a peer's speed.
    if (tasks.gpu) tasks.gpu.peer = "gpu.js";
    if (ctx.layers.wasm) {
      ctx.resident = residentArrays(ctx.layers.wasm.backend, ctx);
      tasks["wasm-resident"] = stepTask(residentStep);
    }
    tasks["tfjs-cpu"] = { ...stepTask((c) => tfjsStep(c, "cpu")), peer: "tfjs-backend-cpu" };
    tasks["tfjs-wasm"] = { ...stepTask((c) => tfjsStep(c, "wasm")), peer: "tfjs-backend-wasm" };
    // One step outside timing to measure what a context keeps.
    const first = ctx.layers[available[0]];
    const { context } = await first.forward(ctx.x);
    ctx.contextBytes = context.bytes;
    registerTfjsGradients();
    setTfjsWasmPaths();
    return ctx;
  },

  // Filled by setup (the harness reads it after setup): one task per backend created there.
  tasks,

  ratios: [
    // Gated: our layer step against our reference, one thread each.
    { name: "wasm 1 thread / reference", of: "wasm-1t", over: "reference" },
    { name: "wasm resident / wasm", of: "wasm-resident", over: "wasm" },
    // Reported: the ratios over peers (tfjs, gpu.js) and across thread counts.
    { name: "reference / tfjs-cpu", of: "reference", over: "tfjs-cpu", min: 3 },
    { name: "reference / tfjs-wasm", of: "reference", over: "tfjs-wasm" },
    { name: "gpu / reference", of: "gpu", over: "reference" },
    { name: "wasm / tfjs-wasm", of: "wasm", over: "tfjs-wasm" },
    // The wasm backend's target, on the best wasm row: operands in its memory, as tfjs-wasm's are.
    { name: "wasm resident / tfjs-wasm", of: "wasm-resident", over: "tfjs-wasm", min: 5 },
    {
      name: "wasm / reference",
      of: "wasm",
      over: "reference",
      gate: false,
      why: "two threads against one",
    },
  ],

  memory(ctx) {
    const lora = loraLinearSizes({ inFeatures: IN, outFeatures: OUT, rank: RANK }, ctx.rows);
    const full = linearSizes({ inFeatures: IN, outFeatures: OUT, trainable: true }, ctx.rows);
    if (lora.contextBytes !== ctx.contextBytes) {
      throw new Error(
        `context bytes ${ctx.contextBytes} differ from loraLinearSizes ${lora.contextBytes}`,
      );
    }
    return {
      loraTrainableBytes: lora.trainableBytes,
      loraGradientBytes: lora.gradientBytes,
      loraAdamWStateBytes: lora.adamWStateBytes,
      loraContextBytesPerStep: ctx.contextBytes,
      fullTrainableBytes: full.trainableBytes,
      fullGradientBytes: full.gradientBytes,
      fullAdamWStateBytes: full.adamWStateBytes,
      fullContextBytesPerStep: full.contextBytes,
    };
  },

  async report(ctx, { tasks }) {
    const flops = flopsPerStep(ctx.rows);
    const labels = { "wasm-resident": "wasm, x/dY/y/dx from backend.allocate (no copies)" };
    const rows = Object.entries(tasks).map(([backend, t]) => ({
      backend: ctx.layers[backend]?.backend.name ?? labels[backend] ?? backend, // e.g. gpu:webasm
      rows: ctx.rows,
      "ms/step": t.medianMs,
      "tokens/s": Math.round((ctx.rows * 1000) / t.medianMs),
      "GFLOP/s": Number((flops / t.medianMs / 1e6).toFixed(2)),
      source: "this run",
    }));
    const recorded = await torchRecord("lora-layer-step");
    if (recorded) {
      // Recorded at its own row count (4096): compare GFLOP/s, not ms, against a --quick run.
      rows.push({
        backend: recorded.label,
        rows: recorded.rows,
        "ms/step": recorded.medianMs,
        "tokens/s": recorded.tokensPerSecond,
        "GFLOP/s": recorded.gflops,
        source: recorded.source,
      });
    }
    return rows;
  },

  teardown(ctx) {
    for (const t of Object.values(ctx.tfjs)) tf.dispose([t.x, t.a, t.b, t.dy, ...t.keep]);
    for (const array of Object.values(ctx.resident ?? {})) ctx.layers.wasm.backend.free(array);
    available.length = 0;
  },
};

export default workload;
