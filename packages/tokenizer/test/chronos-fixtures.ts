// Loads test/fixtures/chronos_fixtures.json, written by make_chronos_fixtures.py with PyTorch.
import { readFileSync } from "node:fs";
import type { MeanScaleUniformBinsOptions } from "../src/chronos-options.js";

type Num = number | null | "Infinity" | "-Infinity";

export interface FixtureCase {
  name: string;
  context: Float32Array;
  ids: number[];
  mask: number[];
  scale: number;
  label?: Float32Array;
  labelScale?: number;
  labelIds?: number[];
  labelMask?: number[];
}

export interface FixtureConfig {
  options: MeanScaleUniformBinsOptions;
  centers: Float32Array;
  boundaries: Float32Array;
  cases: FixtureCase[];
  batch: {
    contexts: Float32Array[];
    shape: [number, number];
    ids: number[];
    mask: number[];
    scale: Float32Array;
  };
  decode: { ids: number[]; scale: number; values: Float32Array };
}

const num = (v: Num): number =>
  v === null ? Number.NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v;
const f32 = (vs: Num[]): Float32Array => Float32Array.from(vs, num);

// biome-ignore lint/suspicious/noExplicitAny: raw JSON
function config(raw: any): FixtureConfig {
  const c = raw.config;
  return {
    options: {
      nTokens: c.n_tokens,
      nSpecialTokens: c.n_special_tokens,
      padTokenId: c.pad_token_id,
      eosTokenId: c.eos_token_id,
      low: c.low,
      high: c.high,
      contextLength: c.context_length,
      predictionLength: c.prediction_length,
      useEosToken: c.use_eos_token,
      modelType: c.model_type,
    },
    centers: f32(raw.centers),
    boundaries: f32(raw.boundaries),
    // biome-ignore lint/suspicious/noExplicitAny: raw JSON
    cases: raw.cases.map((k: any) => ({
      ...k,
      context: f32(k.context),
      scale: Math.fround(num(k.scale)),
      label: k.label && f32(k.label),
      labelScale: k.labelScale === undefined ? undefined : Math.fround(num(k.labelScale)),
    })),
    batch: { ...raw.batch, contexts: raw.batch.contexts.map(f32), scale: f32(raw.batch.scale) },
    decode: { ...raw.decode, scale: Math.fround(raw.decode.scale), values: f32(raw.decode.values) },
  };
}

const raw = JSON.parse(
  readFileSync(new URL("./fixtures/chronos_fixtures.json", import.meta.url), "utf8"),
);

/** The default (Chronos-T5) configuration first, then an odd causal one. */
export const fixtures: FixtureConfig[] = raw.configs.map(config);
