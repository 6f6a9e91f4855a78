// The Chronos family: a Chronos T5 (`T5ForConditionalGeneration` over `MeanScaleUniformBins`
// tokens, `chronos_config.model_type: "seq2seq"`) as a {@link ForecastModel}. A window trains as
// Chronos's training script makes it: the context (left-padded to contextLength with PAD, mask 0,
// as NaN padding tokenizes) and EOS go to the encoder; the target tokenized with the context's
// scale, then EOS, are the labels (−100 where a target is missing); the decoder reads the labels
// shifted right after the start token. LoRA goes on the T5 projections under PEFT's names.
import type { Backend } from "@kairos/lora";
import type { Tokenizer } from "@kairos/tokenizer";
import { T5_TARGET_MODULES, T5LoraModel, type T5TargetModule } from "../finetune/t5-lora-model.js";
import { sampleForecast, type TokenSampler } from "../forecast/forecast.js";
import { IGNORE_INDEX } from "../model/chunked-cross-entropy.js";
import type { TokenizerSettings } from "../model/config.js";
import { definedOnly, samplingFromChronosConfig } from "../model/sampling-config.js";
import { chronosSampler } from "../model/t5/chronos-sampler.js";
import { type Seq2SeqBatch, shiftRight } from "../model/t5/seq2seq-batch.js";
import { serializeT5Model } from "../model/t5/t5-files.js";
import type { T5Model } from "../model/t5/t5-model.js";
import { tokenizerFor } from "../model/tokenizer-registry.js";
import type {
  ForecastModel,
  ForecastOptions,
  LoraOptions,
  TrainingWindow,
  WindowShape,
} from "./forecast-model.js";

/** LoRA's default targets on a Chronos T5: the attention projections, as PEFT users pick. */
const DEFAULT_TARGETS = ["q", "k", "v", "o"] as const;

/** A Chronos T5 forecaster; its config.json must have a seq2seq `chronos_config`. */
export class ChronosForecastModel implements ForecastModel<Seq2SeqBatch> {
  readonly family = "chronos";
  readonly loraTargets: readonly string[] = T5_TARGET_MODULES;
  readonly defaultLoraTargets: readonly string[] = DEFAULT_TARGETS;
  readonly settings: TokenizerSettings;
  /** Tokenizers by context length (a window batch is made every step). */
  private readonly tokenizers = new Map<number, Tokenizer>();

  /** The KV-cached sampler forecasts draw from (it checks the chronos_config). */
  private readonly sampler: TokenSampler;

  /** The checkpoint's sampling settings (chronos_config num_samples, temperature, top_k, top_p). */
  readonly sampling: ForecastOptions;

  constructor(readonly model: T5Model) {
    this.sampler = chronosSampler(model);
    this.settings = this.sampler.tokenizer;
    this.sampling = samplingFromChronosConfig(
      model.config.raw.chronos_config as Record<string, unknown>,
    );
  }

  get window(): WindowShape {
    return {
      contextLength: this.settings.contextLength,
      predictionLength: this.settings.predictionLength,
    };
  }

  withLora(backend: Backend, options: LoraOptions = {}): T5LoraModel {
    // T5LoraModel checks the names against T5_TARGET_MODULES and names a wrong one.
    const { targetModules, ...rest } = options;
    return new T5LoraModel(this.model, backend, {
      ...rest,
      targetModules: (targetModules ?? DEFAULT_TARGETS) as T5TargetModule[],
    });
  }

  private tokenizer(contextLength: number): Tokenizer {
    let tok = this.tokenizers.get(contextLength);
    if (!tok) {
      tok = tokenizerFor({ ...this.settings, contextLength, modelType: "seq2seq" });
      this.tokenizers.set(contextLength, tok);
    }
    return tok;
  }

  batch(windows: TrainingWindow[], contextLength: number): Seq2SeqBatch {
    const tok = this.tokenizer(contextLength);
    const eos = this.settings.useEosToken ? 1 : 0;
    const Te = contextLength + eos;
    const Td = this.settings.predictionLength + eos;
    const B = windows.length;
    const inputIds = new Int32Array(B * Te); // PAD = 0
    const attentionMask = new Uint8Array(B * Te);
    const labels = new Int32Array(B * Td).fill(IGNORE_INDEX);
    windows.forEach((w, b) => {
      const c = tok.encode(w.context);
      const y = tok.encodeLabels(w.target, c.scale);
      if (c.ids.length > Te || y.ids.length !== Td) {
        throw new RangeError(
          `ChronosForecastModel.batch(): windows[${b}] must tokenize to at most ${Te} context ids and ${Td} label ids, got ${c.ids.length} and ${y.ids.length}`,
        );
      }
      const pad = Te - c.ids.length;
      inputIds.set(c.ids, b * Te + pad);
      attentionMask.set(c.mask, b * Te + pad);
      for (let t = 0; t < Td; t++) if (y.mask[t]) labels[b * Td + t] = y.ids[t];
    });
    const c = this.model.config;
    return {
      inputIds,
      attentionMask,
      decoderInputIds: shiftRight(labels, B, c.decoderStartTokenId, c.padTokenId),
      labels,
      batchSize: B,
      encoderLength: Te,
      decoderLength: Td,
    };
  }

  /** Encoder and decoder positions of one window (both run every step). */
  positions(contextLength: number): number {
    const eos = this.settings.useEosToken ? 1 : 0;
    return contextLength + this.settings.predictionLength + 2 * eos;
  }

  /** Sampled paths; unset sampling options default to the chronos_config's, as ChronosPipeline does. */
  forecast(context: ArrayLike<number>, options: ForecastOptions = {}) {
    return sampleForecast(this.sampler, context, { ...this.sampling, ...definedOnly(options) });
  }

  files() {
    return { ...serializeT5Model(this.model) };
  }

  describe(): string[] {
    const c = this.model.config;
    const t = this.settings;
    return [
      "Chronos T5 model (model.safetensors + config.json)",
      `  layers ${c.numLayers} + ${c.numDecoderLayers}, d_model ${c.dModel}, heads ${c.numHeads} × ${c.dKv}, d_ff ${c.dFf} (${c.feedForwardProj}), vocab ${c.vocabSize}`,
      `  MeanScaleUniformBins tokenizer: context ${t.contextLength}, prediction ${t.predictionLength}, limits [${t.lowLimit}, ${t.highLimit}]`,
    ];
  }
}
