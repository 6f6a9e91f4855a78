// Loads the models a command forecasts with: the base model alone (zero-shot) or the base with a
// LoRA adapter applied (the fine-tuned model), failing with one line when they do not fit. Any
// family `@kairos/train` loads (a Kairos Llama, a Chronos T5) comes back as its ForecastModel, so
// no command branches on the architecture.

import type { Backend } from "@kairos/lora";
import { loadAdapter } from "@kairos/lora/node";
import type { AdaptedModel, Forecast, Forecaster, ForecastModel } from "@kairos/train";
import { loadForecastModel } from "@kairos/train/node";
import { UsageError } from "./usage-error.js";

/** A base model of any family. */
export type BaseModel = ForecastModel<unknown>;

/** Loads a model directory; a missing, corrupt or truncated file fails naming the directory. */
export async function openModel(dir: string, backend: Backend): Promise<BaseModel> {
  try {
    return await loadForecastModel(dir, { backend });
  } catch (e) {
    throw new Error(
      `model ${dir}: ${(e as Error).message.replace(/^loadForecastModel\(\): /, "")}`,
    );
  }
}

/**
 * `--target-modules` checked against the family's module names (its default when not given), so
 * a Llama name on a T5 is a usage error naming both lists, not a failure inside the model.
 */
export function targetModules(model: BaseModel, flag: readonly string[] | undefined): string[] {
  if (flag === undefined) return [...model.defaultLoraTargets];
  for (const m of flag) {
    if (!model.loraTargets.includes(m)) {
      throw new UsageError(
        `--target-modules items must be among ${model.loraTargets.join(", ")} for a ${model.family} model, got ${m}`,
      );
    }
  }
  return [...flag];
}

/** The base model with the adapter in `adapterDir` applied (LoRA layers in place, dropout off). */
export async function loadAdapted(
  baseDir: string,
  adapterDir: string,
  backend: Backend,
): Promise<{ model: BaseModel; lora: AdaptedModel<unknown>; modules: number }> {
  const adapter = await loadAdapter(adapterDir);
  const { config } = adapter;
  if (!Array.isArray(config.targetModules)) {
    throw new Error(
      `${adapterDir}: target_modules as a pattern (${config.targetModules}) is not supported; list the modules`,
    );
  }
  const model = await openModel(baseDir, backend);
  let lora: AdaptedModel<unknown>;
  try {
    lora = model.withLora(backend, {
      targetModules: config.targetModules,
      rank: config.r,
      alpha: config.loraAlpha,
      useRslora: config.useRslora,
    });
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

/** A backtest forecaster of `model` (quantiles 0.1 … 0.9; sampled from `samples` paths). */
export function modelForecaster(model: BaseModel, flags: SamplingFlags): Forecaster {
  return (context, horizon): Promise<Forecast> =>
    model.forecast(context, { horizon, samples: flags.samples, seed: flags.seed });
}
