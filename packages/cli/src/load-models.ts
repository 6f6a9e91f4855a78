// Loads the models a command forecasts with: the base model alone (zero-shot) or the base with a
// LoRA adapter applied (the fine-tuned model), failing with one line when they do not fit.

import type { Backend } from "@kairos/lora";
import { loadAdapter } from "@kairos/lora/node";
import {
  type Forecast,
  type Forecaster,
  forecast,
  type LinearModule,
  type LlamaModel,
  LoraModel,
} from "@kairos/train";
import { loadModel } from "@kairos/train/node";

/** Loads a model directory; a missing, corrupt or truncated file fails naming the directory. */
export async function openModel(dir: string, backend: Backend): Promise<LlamaModel> {
  try {
    return await loadModel(dir, { backend });
  } catch (e) {
    throw new Error(`model ${dir}: ${(e as Error).message}`);
  }
}

/** The base model with the adapter in `adapterDir` applied (LoRA layers in place, dropout off). */
export async function loadAdapted(
  baseDir: string,
  adapterDir: string,
  backend: Backend,
): Promise<{ model: LlamaModel; lora: LoraModel; modules: number }> {
  const adapter = await loadAdapter(adapterDir);
  const { config } = adapter;
  if (!Array.isArray(config.targetModules)) {
    throw new Error(
      `${adapterDir}: target_modules as a pattern (${config.targetModules}) is not supported; list the modules`,
    );
  }
  const model = await openModel(baseDir, backend);
  const lora = new LoraModel(model, backend, {
    targetModules: config.targetModules as LinearModule[],
    rank: config.r,
    alpha: config.loraAlpha,
    useRslora: config.useRslora,
  });
  try {
    lora.loadAdapter(adapter);
  } catch (e) {
    throw new Error(
      `adapter ${adapterDir} does not fit base model ${baseDir}: ${(e as Error).message}`,
    );
  }
  lora.setTraining(false);
  return { model, lora, modules: Object.keys(adapter.modules).length };
}

/** Sampling settings of the model forecasts. */
export interface SamplingFlags {
  samples: number;
  seed: number;
}

/** A backtest forecaster that samples `model` (quantiles 0.1 … 0.9 of `samples` paths). */
export function modelForecaster(model: LlamaModel, flags: SamplingFlags): Forecaster {
  return (context, horizon): Promise<Forecast> =>
    forecast(model, context, { horizon, samples: flags.samples, seed: flags.seed });
}
