// Probabilistic forecasts from a causal Chronos-token model: tokenize the context with its mean
// scale, sample `samples` continuations token by token, decode them with the same scale, and
// summarise the paths as a median and quantiles. Horizons beyond the model's prediction length
// roll forward as Chronos's `ChronosPipeline.predict` does: append the median and sample again.

import { tokenizerFor } from "../finetune/token-windows.js";
import type { LlamaModel } from "../model/llama.js";
import { Random } from "../random.js";
import { pathQuantiles } from "./quantiles.js";
import { sampleToken } from "./sample-token.js";

/** Options of {@link forecast}. */
export interface ForecastOptions {
  /** Steps to forecast (default: the model's prediction length). */
  horizon?: number;
  /** Sample paths (default 20, as Chronos). */
  samples?: number;
  temperature?: number;
  /** Keep only the k most likely tokens (default 50, as Chronos; 0 = all). */
  topK?: number;
  /** Nucleus mass (default 1 = off). */
  topP?: number;
  seed?: number;
}

/** Quantile levels reported: 0.1, 0.2, …, 0.9. */
export const FORECAST_LEVELS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** What {@link forecast} returns: `[samples][horizon]` paths, the median and `[9][horizon]` quantiles. */
export interface Forecast {
  samples: Float32Array[];
  median: Float32Array;
  levels: number[];
  quantiles: Float32Array[];
}

function check(name: string, value: number, ok: boolean, want: string): void {
  if (!ok) throw new RangeError(`forecast(): ${name} must be ${want}, got ${value}`);
}

/**
 * Samples forecast paths for `context` (NaN = missing).
 *
 * @example
 * const { median, quantiles } = await forecast(model, closes, { horizon: 30, samples: 20, seed: 1 });
 */
export async function forecast(
  model: LlamaModel,
  context: ArrayLike<number>,
  options: ForecastOptions = {},
): Promise<Forecast> {
  const t = model.config.tokenizer;
  if (!t) throw new RangeError("forecast(): model.config.tokenizer must be set, got undefined");
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
  const V = model.config.vocabSize;
  const scratch = new Float64Array(V);
  const order = new Int32Array(V);
  const sampling = { temperature, topK, topP, firstId: t.nSpecialTokens };
  const paths = Array.from({ length: samples }, () => new Float32Array(horizon));
  let history = Float64Array.from(context);
  for (let done = 0; done < horizon; ) {
    const steps = Math.min(t.predictionLength, horizon - done);
    const enc = tok.encode(history);
    const L = enc.ids.length;
    const T = L + steps - 1;
    const ids = new Int32Array(samples * T);
    const mask = new Uint8Array(samples * T).fill(1);
    for (let s = 0; s < samples; s++) {
      ids.set(enc.ids, s * T);
      mask.set(enc.mask, s * T);
    }
    const generated = Array.from({ length: samples }, () => new Int32Array(steps));
    for (let h = 0; h < steps; h++) {
      // Positions L+h..T-1 are not written yet; causal attention never lets earlier rows see them.
      const rows = Array.from({ length: samples }, (_, s) => s * T + L - 1 + h);
      const logits = await model.logits(ids, samples, T, rows, mask);
      for (let s = 0; s < samples; s++) {
        const id = sampleToken(logits.subarray(s * V, (s + 1) * V), sampling, rng, scratch, order);
        generated[s][h] = id;
        if (L + h < T) ids[s * T + L + h] = id;
      }
    }
    for (let s = 0; s < samples; s++) paths[s].set(tok.decode(generated[s], enc.scale), done);
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
  const quantiles = pathQuantiles(paths, FORECAST_LEVELS);
  return { samples: paths, median: quantiles[4], levels: [...FORECAST_LEVELS], quantiles };
}
