// The Llama family: a Kairos causal forecaster (`LlamaForCausalLM` over Chronos-style tokens) as a
// {@link ForecastModel}. Context and target form one token sequence; LoRA goes on its projections.
import type { Backend } from "@kairos/lora";
import type { Tokenizer } from "@kairos/tokenizer";
import { DEFAULT_TARGET_MODULES, LoraModel } from "../finetune/lora-model.js";
import { sequenceLength, windowBatch } from "../finetune/token-windows.js";
import { forecast } from "../forecast/forecast.js";
import type { TokenBatch } from "../model/batch.js";
import type { TokenizerSettings } from "../model/config.js";
import type { LlamaModel } from "../model/llama.js";
import { serializeModel } from "../model/model-files.js";
import { LINEAR_MODULES } from "../model/parameters.js";
import { tokenizerFor } from "../model/tokenizer-registry.js";
import type {
  ForecastModel,
  ForecastOptions,
  LoraOptions,
  TrainingWindow,
  WindowShape,
} from "./forecast-model.js";

/** A Llama forecaster; `model.config.tokenizer` must be set. */
export class LlamaForecastModel implements ForecastModel<TokenBatch> {
  readonly family = "llama";
  readonly loraTargets: readonly string[] = LINEAR_MODULES;
  readonly defaultLoraTargets: readonly string[] = DEFAULT_TARGET_MODULES;
  readonly settings: TokenizerSettings;
  /** Tokenizers by context length (a window batch is made every step). */
  private readonly tokenizers = new Map<number, Tokenizer>();

  constructor(readonly model: LlamaModel) {
    const t = model.config.tokenizer;
    if (!t) {
      throw new RangeError(
        "LlamaForecastModel(): model.config.tokenizer must be set (config.json's chronos_config), got undefined",
      );
    }
    this.settings = t;
  }

  get window(): WindowShape {
    return {
      contextLength: this.settings.contextLength,
      predictionLength: this.settings.predictionLength,
    };
  }

  withLora(backend: Backend, options: LoraOptions = {}): LoraModel {
    // LoraModel checks the names against LINEAR_MODULES and names a wrong one.
    return new LoraModel(
      this.model,
      backend,
      options as ConstructorParameters<typeof LoraModel>[2],
    );
  }

  batch(windows: TrainingWindow[], contextLength: number): TokenBatch {
    const t = { ...this.settings, contextLength };
    let tok = this.tokenizers.get(contextLength);
    if (!tok) this.tokenizers.set(contextLength, (tok = tokenizerFor(t)));
    return windowBatch(tok, t, windows);
  }

  positions(contextLength: number): number {
    return sequenceLength({ ...this.settings, contextLength });
  }

  forecast(context: ArrayLike<number>, options?: ForecastOptions) {
    return forecast(this.model, context, options);
  }

  files() {
    return { ...serializeModel(this.model) };
  }

  describe(): string[] {
    const c = this.model.config;
    const t = this.settings;
    return [
      "Llama model (model.safetensors + config.json)",
      `  layers ${c.numHiddenLayers}, hidden ${c.hiddenSize}, heads ${c.numAttentionHeads} (kv ${c.numKeyValueHeads}), intermediate ${c.intermediateSize}, vocab ${c.vocabSize}`,
      `  ${t.tokenizerClass ?? "MeanScaleUniformBins"} tokenizer: context ${t.contextLength}, prediction ${t.predictionLength}, limits [${t.lowLimit}, ${t.highLimit}]`,
    ];
  }
}
