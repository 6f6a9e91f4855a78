// The configuration of a Chronos-Bolt model (`ChronosBoltModelForForecasting`): config.json's
// `chronos_config` (`ChronosBoltConfig`) over the T5 config of its encoder-decoder core. As the
// published class does, the vocabulary is forced to 2 with a [REG] token (id 1) and 1 without,
// whatever `vocab_size` says, and there is no LM head (so the core is read as tied, never with an
// `lm_head.weight`).
import { type T5Config, t5Config, t5ConfigFromJson, t5ConfigToJson } from "../t5/t5-config.js";

/** Architecture and forecast shape of a Chronos-Bolt model. */
export interface BoltConfig {
  /** The T5 core: vocabulary 2 (decoder start, [REG]) or 1, tied, no LM head. */
  t5: T5Config;
  /** Most context values the model reads (`context_length`); longer contexts are truncated. */
  contextLength: number;
  /** Values a patch (`input_patch_size`). */
  patchSize: number;
  /** Step between patches (`input_patch_stride`). */
  patchStride: number;
  /** Steps forecast at once (`prediction_length`). */
  predictionLength: number;
  /** Levels of the quantile head, increasing in (0, 1). */
  quantiles: number[];
  /** Append the [REG] token (`shared.weight[regTokenId]`) after the patches. */
  useRegToken: boolean;
  /** 1, as `ChronosBoltModelForForecasting` sets it. */
  regTokenId: number;
}

function positiveInt(key: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
    throw new RangeError(
      `boltConfigFromJson(): chronos_config.${key} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  return value;
}

function quantileLevels(value: unknown): number[] {
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((q, i) => typeof q === "number" && q > 0 && q < 1 && (i === 0 || q > value[i - 1]));
  if (!ok)
    throw new RangeError(
      `boltConfigFromJson(): chronos_config.quantiles must be a non-empty increasing array of numbers in (0, 1), got ${JSON.stringify(value)}`,
    );
  return [...(value as number[])];
}

/**
 * Reads a Chronos-Bolt `config.json` object; throws a RangeError naming a missing or bad field.
 * @example const config = boltConfigFromJson(JSON.parse(readFileSync("config.json", "utf8")));
 */
export function boltConfigFromJson(json: Record<string, unknown>): BoltConfig {
  if (json === null || typeof json !== "object")
    throw new TypeError(`boltConfigFromJson(): json must be an object, got ${String(json)}`);
  const cc = json.chronos_config as Record<string, unknown> | undefined;
  if (cc === null || typeof cc !== "object")
    throw new RangeError(
      `boltConfigFromJson(): chronos_config must be an object, got ${JSON.stringify(cc)}`,
    );
  const useRegToken = cc.use_reg_token ?? false;
  if (typeof useRegToken !== "boolean")
    throw new RangeError(
      `boltConfigFromJson(): chronos_config.use_reg_token must be a boolean, got ${JSON.stringify(useRegToken)}`,
    );
  const core = t5ConfigFromJson(json);
  const t5 = { ...core, vocabSize: useRegToken ? 2 : 1, tieWordEmbeddings: true };
  if (t5.decoderStartTokenId >= t5.vocabSize)
    throw new RangeError(
      `boltConfigFromJson(): decoder_start_token_id must be below the vocabulary (${t5.vocabSize}), got ${t5.decoderStartTokenId}`,
    );
  const patchSize = positiveInt("input_patch_size", cc.input_patch_size);
  const contextLength = positiveInt("context_length", cc.context_length);
  return {
    t5,
    contextLength,
    patchSize,
    patchStride: positiveInt("input_patch_stride", cc.input_patch_stride),
    predictionLength: positiveInt("prediction_length", cc.prediction_length),
    quantiles: quantileLevels(cc.quantiles),
    useRegToken,
    regTokenId: 1,
  };
}

/** The config.json object of a Bolt model: the raw json read, with every field of `c` written. */
export function boltConfigToJson(c: BoltConfig): Record<string, unknown> {
  const raw = c.t5.raw;
  return {
    ...t5ConfigToJson(c.t5),
    architectures: ["ChronosBoltModelForForecasting"],
    chronos_config: {
      ...(raw.chronos_config as Record<string, unknown> | undefined),
      context_length: c.contextLength,
      input_patch_size: c.patchSize,
      input_patch_stride: c.patchStride,
      prediction_length: c.predictionLength,
      quantiles: [...c.quantiles],
      use_reg_token: c.useRegToken,
    },
    ...(c.useRegToken ? { reg_token_id: c.regTokenId } : {}),
  };
}

/**
 * A config from T5 fields and `chronos_config` (tests, fresh models); HF defaults elsewhere.
 * @example boltConfig({ d_model: 8, d_kv: 4, d_ff: 12, num_layers: 1, num_heads: 2 },
 *   { context_length: 16, input_patch_size: 4, input_patch_stride: 4, prediction_length: 3,
 *     quantiles: [0.1, 0.5, 0.9], use_reg_token: true })
 */
export function boltConfig(
  t5Fields: Record<string, unknown>,
  chronosConfig: Record<string, unknown>,
): BoltConfig {
  return boltConfigFromJson({ ...t5Config(t5Fields).raw, chronos_config: chronosConfig });
}
