// Messages between the page (main.ts) and the training worker (train-worker.ts).

/** Backends the page offers; `auto` lets `@kairos/lora` pick the fastest it finds. */
export type BackendChoice = "auto" | "webgpu" | "webgl2" | "wasm";

/** Page → worker: fine-tune on `series`, then forecast `horizon` steps after `context`. */
export interface StartMessage {
  type: "start";
  /** The history to fine-tune on (the held-out actuals excluded). */
  series: Float64Array;
  /** The values the forecast starts after (the end of `series`). */
  context: Float64Array;
  horizon: number;
  rank: number;
  steps: number;
  batchSize: number;
  lr: number;
  samples: number;
  backend: BackendChoice;
  /** Base URL of the model directory (`config.json`, `model.safetensors`). */
  modelUrl: string;
  seed: number;
}

/** Worker → page. */
export type WorkerMessage =
  | { type: "backend"; name: string; parameters: number; tokensPerStep: number }
  | { type: "step"; step: number; steps: number; loss: number; tokensPerSecond: number }
  | {
      type: "trained";
      seconds: number;
      /** Tokens a second over the steps after the first. */
      tokensPerSecond: number;
      losses: number[];
      /** Loss on 8 fixed windows of the series before and after fine-tuning. */
      probeBefore: number;
      probeAfter: number;
    }
  | {
      type: "forecast";
      median: Float32Array;
      /** Quantile levels 0.1 … 0.9 and their `[9][horizon]` values. */
      levels: number[];
      quantiles: Float32Array[];
      seconds: number;
    }
  | { type: "adapter"; safetensors: Uint8Array; config: string }
  | { type: "error"; message: string };
