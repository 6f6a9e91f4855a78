// The training worker: loads kairos-base-tiny, fine-tunes it with LoRA on the page's series,
// forecasts the held-out horizon and hands back the adapter in PEFT's layout. It runs off the
// page's thread so the page keeps drawing while it trains.
import { serializeAdapter } from "@kairos/lora";
import {
  finetune,
  forecast,
  type ModelFiles,
  parameterCount,
  parseModel,
  sequenceLength,
  type TokenizerSettings,
  type TrainingWindow,
  tokenizerFor,
  windowBatch,
} from "@kairos/train";
import { createPageBackend } from "./create-backend";
import type { StartMessage, WorkerMessage } from "./protocol";

const post = (message: WorkerMessage, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer);

async function fetchModel(url: string): Promise<ModelFiles> {
  const get = async (name: string) => {
    const response = await fetch(new URL(name, url));
    if (!response.ok) throw new Error(`fetching ${name}: HTTP ${response.status}`);
    return response;
  };
  const [weights, config] = await Promise.all([get("model.safetensors"), get("config.json")]);
  return {
    "model.safetensors": new Uint8Array(await weights.arrayBuffer()),
    "config.json": await config.text(),
  };
}

/** `count` windows evenly spaced over `series`: the fixed batch the loss is measured on. */
function probeWindows(series: Float64Array, t: TokenizerSettings, count: number): TrainingWindow[] {
  const span = t.contextLength + t.predictionLength;
  if (series.length < span) {
    throw new RangeError(`the series needs at least ${span} values, got ${series.length}`);
  }
  const last = series.length - span;
  return Array.from({ length: count }, (_, i) => {
    const start = Math.round((i * last) / Math.max(1, count - 1));
    return {
      context: series.subarray(start, start + t.contextLength),
      target: series.subarray(start + t.contextLength, start + span),
    };
  });
}

async function run(start: StartMessage): Promise<void> {
  const files = await fetchModel(start.modelUrl);
  const backend = await createPageBackend(start.backend);
  try {
    const model = parseModel(files, { backend });
    const t = model.config.tokenizer;
    if (!t) throw new Error("the model's config.json has no chronos_config");
    const tokensPerStep = start.batchSize * sequenceLength(t);
    post({
      type: "backend",
      name: backend.name,
      parameters: parameterCount(model.config),
      tokensPerStep,
    });
    const probe = windowBatch(tokenizerFor(t), t, probeWindows(start.series, t, 8));
    const probeBefore = await model.loss(probe);
    let began = 0;
    let tokensPerSecond = 0;
    const trainStart = performance.now();
    const { lora, result } = await finetune(model, start.series, {
      backend,
      lora: { rank: start.rank, alpha: 2 * start.rank },
      trainer: {
        steps: start.steps,
        lr: start.lr,
        warmupSteps: Math.min(10, Math.floor(start.steps / 10)),
        onStep: ({ step, loss }) => {
          // The first step's clock starts when finetune() has built its windows and plan.
          if (step === 1) began = performance.now();
          const seconds = (performance.now() - began) / 1000;
          // Steady rate: steps after the first (which also compiles kernels / starts workers).
          tokensPerSecond = step > 1 ? ((step - 1) * tokensPerStep) / seconds : 0;
          post({ type: "step", step, steps: start.steps, loss, tokensPerSecond });
        },
      },
      data: { batchSize: start.batchSize, validation: 0 },
      seed: start.seed,
    });
    lora.setTraining(false);
    post({
      type: "trained",
      seconds: (performance.now() - trainStart) / 1000,
      tokensPerSecond,
      losses: result.losses,
      probeBefore,
      probeAfter: await model.loss(probe),
    });
    const forecastStart = performance.now();
    const f = await forecast(model, start.context, {
      horizon: start.horizon,
      samples: start.samples,
      seed: start.seed,
    });
    post({
      type: "forecast",
      median: f.median,
      levels: f.levels,
      quantiles: f.quantiles,
      seconds: (performance.now() - forecastStart) / 1000,
    });
    const adapter = serializeAdapter(lora.adapter("kairos-base-tiny"));
    const safetensors = adapter["adapter_model.safetensors"];
    post({ type: "adapter", safetensors, config: adapter["adapter_config.json"] }, [
      safetensors.buffer as ArrayBuffer,
    ]);
  } finally {
    await backend.dispose();
  }
}

self.onmessage = (event: MessageEvent<StartMessage>) => {
  if (event.data?.type !== "start") return;
  run(event.data).catch((error: unknown) =>
    post({ type: "error", message: error instanceof Error ? error.message : String(error) }),
  );
};
