// The Chronos-Bolt family: a `ChronosBoltModelForForecasting` as a {@link ForecastModel}. A window's
// context is patched into the encoder and its target is the quantile head's loss target; LoRA goes
// on the T5 core's projections; forecasts are the head's quantiles (no samples), past the
// prediction length by the published long-horizon loop.
import type { Backend } from "@kairos/lora";
import { BoltLoraModel } from "../finetune/bolt-lora-model.js";
import { T5_TARGET_MODULES } from "../finetune/t5-lora-model.js";
import { type BoltBatch, boltBatch } from "../model/bolt/bolt-batch.js";
import { serializeBoltModel } from "../model/bolt/bolt-files.js";
import type { ChronosBoltModel } from "../model/bolt/bolt-model.js";
import { patchCount } from "../model/bolt/patch.js";
import type {
  Forecast,
  ForecastModel,
  ForecastOptions,
  LoraOptions,
  TrainingWindow,
  WindowShape,
} from "./forecast-model.js";

/** A Chronos-Bolt forecaster. */
export class BoltForecastModel implements ForecastModel<BoltBatch> {
  readonly family = "chronos-bolt";
  readonly loraTargets: readonly string[];
  readonly defaultLoraTargets: readonly string[] = ["q", "k", "v", "o"];

  constructor(readonly model: ChronosBoltModel) {
    const gated = model.config.t5.isGated;
    // "wi" names both wi_0 and wi_1 in a gated core; an ungated one has neither.
    this.loraTargets = gated
      ? [...T5_TARGET_MODULES]
      : T5_TARGET_MODULES.filter((m) => m !== "wi_0" && m !== "wi_1");
  }

  get window(): WindowShape {
    const c = this.model.config;
    return { contextLength: c.contextLength, predictionLength: c.predictionLength };
  }

  withLora(backend: Backend, options: LoraOptions = {}): BoltLoraModel {
    // BoltLoraModel checks the names against T5_TARGET_MODULES and names a wrong one.
    return new BoltLoraModel(
      this.model,
      backend,
      options as ConstructorParameters<typeof BoltLoraModel>[2],
    );
  }

  batch(windows: TrainingWindow[], contextLength: number): BoltBatch {
    const c = this.model.config;
    if (!Number.isInteger(contextLength) || contextLength <= 0 || contextLength > c.contextLength)
      throw new RangeError(
        `BoltForecastModel.batch(): contextLength must be an integer in [1, ${c.contextLength}], got ${contextLength}`,
      );
    return boltBatch(
      c,
      windows.map((w) => w.context),
      windows.map((w) => w.target),
      contextLength,
      "BoltForecastModel.batch()",
    );
  }

  /** Encoder positions of a window: its patches and [REG]. */
  positions(contextLength: number): number {
    const c = this.model.config;
    return patchCount(contextLength, c.patchSize, c.patchStride) + (c.useRegToken ? 1 : 0);
  }

  /** The model's quantiles of `context` (sampling options are ignored: Bolt has no samples). */
  async forecast(context: ArrayLike<number>, options: ForecastOptions = {}): Promise<Forecast> {
    const c = this.model.config;
    const horizon = options.horizon ?? c.predictionLength;
    const flat = await this.model.predict([context], horizon);
    const quantiles = c.quantiles.map((_, q) => flat.slice(q * horizon, (q + 1) * horizon));
    // The median: the level nearest 0.5, as ChronosBoltPipeline's central quantile.
    let mid = 0;
    c.quantiles.forEach((q, i) => {
      if (Math.abs(q - 0.5) < Math.abs(c.quantiles[mid] - 0.5)) mid = i;
    });
    return { samples: [], median: quantiles[mid].slice(), levels: [...c.quantiles], quantiles };
  }

  files() {
    return { ...serializeBoltModel(this.model) };
  }

  describe(): string[] {
    const c = this.model.config;
    const t = c.t5;
    return [
      "Chronos-Bolt model (model.safetensors + config.json)",
      `  T5 core: layers ${t.numLayers} + ${t.numDecoderLayers}, d_model ${t.dModel}, heads ${t.numHeads} (d_kv ${t.dKv}), d_ff ${t.dFf}, ${t.feedForwardProj}`,
      `  patches of ${c.patchSize} (stride ${c.patchStride})${c.useRegToken ? " + [REG]" : ""}: context ${c.contextLength}, prediction ${c.predictionLength}, quantiles ${c.quantiles.join(", ")}`,
    ];
  }
}
