// Probabilistic forecasts from a Chronos-token model (a causal Llama, or a Chronos T5 through its
// own `TokenSampler`): tokenize the context with its scale, sample `samples` continuations token by
// token, decode them with the same scale, and summarise the paths as a median and quantiles. Horizons beyond the model's prediction length
// roll forward as Chronos's `ChronosPipeline.predict` does: append the median and sample again.
// One departure from Chronos: when every observed context value is > 0, sampled values below 0
// are clamped to 0. Chronos does not clamp (its bins span −15…15 times the scale whatever the
// sign of the data), so a price or a count can get a negative 10 % quantile; clamping is monotone,
// so it moves only the quantiles below 0, to 0, and for an actual ≥ 0 that never raises the
// quantile loss.

import { Random } from "@kairos/lora";
import type { Forecast, ForecastOptions } from "../family/forecast-model.js";
import { QUANTILE_LEVELS } from "../metrics/quantile-forecast.js";
import type { TokenizerSettings } from "../model/config.js";
import type { LlamaModel } from "../model/llama.js";
import { definedOnly } from "../model/sampling-config.js";
import { tokenizerFor } from "../model/tokenizer-registry.js";
import { CachedDecoder } from "./cached-decoder.js";
import { pathQuantiles } from "./quantiles.js";
import { sampleToken } from "./sample-token.js";

export type { Forecast, ForecastOptions } from "../family/forecast-model.js";

function check(name: string, value: number, ok: boolean, want: string): void {
  if (!ok) throw new RangeError(`forecast(): ${name} must be ${want}, got ${value}`);
}

/** True when `context` has an observed (non-NaN) value and every observed value is > 0. */
function strictlyPositive(context: ArrayLike<number>): boolean {
  let seen = false;
  for (let t = 0; t < context.length; t++) {
    if (Number.isNaN(context[t])) continue;
    if (!(context[t] > 0)) return false;
    seen = true;
  }
  return seen;
}

/** The decoding of one tokenized context into `samples` continuations, one token a step. */
export interface TokenDecoding {
  /** Logits `[V]` of the first new token (the same for every sample). */
  logits: Float32Array;
  /** Appends `next[s]` to each sample's continuation; returns the next logits `[samples, V]`. */
  step(next: Int32Array): Promise<Float32Array>;
}

/** What {@link sampleForecast} needs of a model: its tokenizer, its vocabulary, a KV-cached decoder. */
export interface TokenSampler {
  readonly tokenizer: TokenizerSettings;
  readonly vocabSize: number;
  /** Runs the context `ids` (mask 0 = missing) once; then up to `maxNew` steps. */
  start(ids: Int32Array, mask: Uint8Array, samples: number, maxNew: number): Promise<TokenDecoding>;
}

/** A causal Llama as a {@link TokenSampler}: the context is the prefix of its continuations. */
export function llamaSampler(model: LlamaModel): TokenSampler {
  const t = model.config.tokenizer;
  if (!t) throw new RangeError("forecast(): model.config.tokenizer must be set, got undefined");
  return {
    tokenizer: t,
    vocabSize: model.config.vocabSize,
    start: async (ids, mask, samples, maxNew) => {
      const { decoder, logits } = await CachedDecoder.start(model, ids, mask, samples, maxNew);
      return { logits, step: (next) => decoder.step(next) };
    },
  };
}

/**
 * Samples forecast paths for `context` (NaN = missing) from a causal Llama forecaster; see
 * {@link sampleForecast}. Unset options default to the model's `config.sampling` (its
 * config.json's chronos_config num_samples, temperature, top_k, top_p), then Chronos's.
 *
 * @example
 * const { median, quantiles } = await forecast(model, closes, { horizon: 30, samples: 20, seed: 1 });
 */
export async function forecast(
  model: LlamaModel,
  context: ArrayLike<number>,
  options: ForecastOptions = {},
): Promise<Forecast> {
  // The checkpoint's own sampling settings (chronos_config) are the defaults, as for Chronos.
  return sampleForecast(llamaSampler(model), context, {
    ...model.config.sampling,
    ...definedOnly(options),
  });
}

/**
 * Samples forecast paths for `context` (NaN = missing) from any {@link TokenSampler}. When every observed context value is
 * > 0, sampled values are clamped at 0, so no quantile is negative (Chronos does not clamp).
 *
 * @example
 * const f = await sampleForecast(llamaSampler(model), closes, { horizon: 30, seed: 1 });
 */
export async function sampleForecast(
  model: TokenSampler,
  context: ArrayLike<number>,
  options: ForecastOptions = {},
): Promise<Forecast> {
  const t = model.tokenizer;
  const {
    horizon = t.predictionLength,
    samples = 20,
    temperature = 1,
    topK = 50,
    topP = 1,
    seed = 0,
  } = options;
  check("horizon", horizon, Number.isInteger(horizon) && horizon > 0, "a positive integer");
  check("samples", samples, Number.isInteger(samples) && samples > 0, "a positive integer");
  check(
    "temperature",
    temperature,
    temperature > 0 && Number.isFinite(temperature),
    "a positive number",
  );
  check("topK", topK, Number.isInteger(topK) && topK >= 0, "an integer >= 0");
  check("topP", topP, topP > 0 && topP <= 1, "in (0, 1]");
  if (context.length === 0)
    throw new RangeError("forecast(): context must hold at least one value, got 0");
  const tok = tokenizerFor(t);
  const rng = new Random(seed);
  const V = model.vocabSize;
  const scratch = new Float64Array(V);
  const order = new Int32Array(V);
  const sampling = { temperature, topK, topP, firstId: t.nSpecialTokens };
  const paths = Array.from({ length: samples }, () => new Float32Array(horizon));
  const floor = strictlyPositive(context) ? 0 : Number.NEGATIVE_INFINITY;
  let history = Float64Array.from(context);
  for (let done = 0; done < horizon; ) {
    const steps = Math.min(t.predictionLength, horizon - done);
    const enc = tok.encode(history);
    const generated = Array.from({ length: samples }, () => new Int32Array(steps));
    // The context runs once; each step then runs only every sample's newest token (KV cache).
    const start = await model.start(enc.ids, enc.mask, samples, steps - 1);
    let logits = start.logits; // [V] at first (the same for every sample), then [samples, V]
    const next = new Int32Array(samples);
    for (let h = 0; h < steps; h++) {
      for (let s = 0; s < samples; s++) {
        const row = h === 0 ? logits : logits.subarray(s * V, (s + 1) * V);
        next[s] = generated[s][h] = sampleToken(row, sampling, rng, scratch, order);
      }
      if (h + 1 < steps) logits = await start.step(next);
    }
    for (let s = 0; s < samples; s++) {
      const decoded = tok.decode(generated[s], enc.scale);
      for (let h = 0; h < steps; h++) paths[s][done + h] = Math.max(floor, decoded[h]);
    }
    done += steps;
    if (done < horizon) {
      const [median] = pathQuantiles(
        paths.map((p) => p.subarray(done - steps, done)),
        [0.5],
      );
      const next = new Float64Array(history.length + steps);
      next.set(history);
      next.set(median, history.length);
      history = next;
    }
  }
  const quantiles = pathQuantiles(paths, QUANTILE_LEVELS);
  return { samples: paths, median: quantiles[4], levels: [...QUANTILE_LEVELS], quantiles };
}
