// Which family a model directory's config.json describes (a Kairos Llama, a Chronos T5, a
// Chronos-Bolt), and its forecaster from the tensors read: one entry a family, tried in order.
// Commands load every base through here, so a new family is one entry, not a branch in each
// command.
import type { Backend, NamedTensor } from "@kairos/lora";
import { boltConfigFromJson } from "../model/bolt/bolt-config.js";
import { boltModelFromTensors } from "../model/bolt/bolt-files.js";
import { boltParameterShapes } from "../model/bolt/bolt-parameters.js";
import { fromConfigJson } from "../model/config.js";
import { modelFromTensors } from "../model/model-files.js";
import { parameterShapes } from "../model/parameters.js";
import { t5ConfigFromJson } from "../model/t5/t5-config.js";
import { t5WeightsFromTensors } from "../model/t5/t5-files.js";
import { T5Model } from "../model/t5/t5-model.js";
import { t5ParameterShapes } from "../model/t5/t5-parameters.js";
import { BoltForecastModel } from "./bolt-forecast-model.js";
import { ChronosForecastModel } from "./chronos-forecast-model.js";
import type { ForecastModel } from "./forecast-model.js";
import { LlamaForecastModel } from "./llama-forecast-model.js";

/** A config.json as parsed. */
type ConfigJson = Record<string, unknown>;

/** One family: which configs are its own, and how its forecaster is built. */
export interface ModelFamily {
  readonly name: string;
  /** True when `config` is this family's (by `model_type` and `chronos_config`). */
  matches(config: ConfigJson): boolean;
  /** The tensors (key → shape) the config needs, aliases aside. */
  shapes(config: ConfigJson): Map<string, number[]>;
  /** The forecaster; throws naming a missing or mis-shaped tensor or a bad config field. */
  build(
    config: ConfigJson,
    tensors: Map<string, NamedTensor>,
    backend: Backend,
  ): ForecastModel<unknown>;
}

const chronosConfig = (c: ConfigJson) =>
  (c.chronos_config ?? undefined) as Record<string, unknown> | undefined;

/** The families Kairos loads, in the order they are tried. */
export const MODEL_FAMILIES: ModelFamily[] = [
  {
    name: "llama",
    matches: (c) => c.model_type === "llama",
    shapes: (c) => parameterShapes(fromConfigJson(c as Parameters<typeof fromConfigJson>[0])),
    build(config, tensors, backend) {
      const model = modelFromTensors(config, tensors, { backend }, "loadForecastModel()");
      if (!model.config.tokenizer)
        throw new RangeError("config.json has no chronos_config: not a forecasting model");
      return new LlamaForecastModel(model) as ForecastModel<unknown>;
    },
  },
  {
    name: "chronos",
    matches: (c) => c.model_type === "t5" && chronosConfig(c)?.model_type === "seq2seq",
    shapes: (c) => t5ParameterShapes(t5ConfigFromJson(c)),
    build(config, tensors, backend) {
      const c = t5ConfigFromJson(config);
      const weights = t5WeightsFromTensors(c, tensors, "loadForecastModel()");
      return new ChronosForecastModel(
        new T5Model(c, weights, { backend }),
      ) as ForecastModel<unknown>;
    },
  },
  {
    // A `ChronosBoltModelForForecasting`: its chronos_config has patches, not a model_type.
    name: "chronos-bolt",
    matches: (c) =>
      c.model_type === "t5" &&
      ((c.architectures as unknown[] | undefined)?.includes("ChronosBoltModelForForecasting") ||
        chronosConfig(c)?.input_patch_size !== undefined),
    shapes: (c) => boltParameterShapes(boltConfigFromJson(c)),
    build(config, tensors, backend) {
      const model = boltModelFromTensors(config, tensors, { backend }, "loadForecastModel()");
      return new BoltForecastModel(model) as ForecastModel<unknown>;
    },
  },
];

/**
 * The family of a config.json: the first that claims it.
 * @throws RangeError naming `model_type` (and the chronos_config kind) when none does.
 */
export function modelFamily(config: unknown): ModelFamily {
  if (typeof config !== "object" || config === null || Array.isArray(config))
    throw new RangeError(`config.json must hold an object, got ${JSON.stringify(config)}`);
  const c = config as ConfigJson;
  const family = MODEL_FAMILIES.find((f) => f.matches(c));
  if (!family) {
    const kind = chronosConfig(c)?.model_type;
    throw new RangeError(
      `config.json: model_type ${JSON.stringify(c.model_type)}${kind === undefined ? "" : ` with chronos_config.model_type ${JSON.stringify(kind)}`} is no family Kairos loads (${MODEL_FAMILIES.map((f) => f.name).join(", ")})`,
    );
  }
  return family;
}

/** The forecaster of a config.json and its tensors, by {@link modelFamily}. */
export function forecastModelFromTensors(
  config: unknown,
  tensors: Map<string, NamedTensor>,
  backend: Backend,
): ForecastModel<unknown> {
  return modelFamily(config).build(config as ConfigJson, tensors, backend);
}
