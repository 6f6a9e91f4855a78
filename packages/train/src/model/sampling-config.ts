// A checkpoint's own sampling settings, as Chronos checkpoints carry them in `chronos_config`
// (`num_samples`, `temperature`, `top_k`, `top_p`): the defaults of its forecasts, which a
// caller's options override key by key.

/** Sampling defaults a model's config.json may carry. */
export interface SamplingDefaults {
  samples?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
}

const KEYS = [
  ["samples", "num_samples"],
  ["temperature", "temperature"],
  ["topK", "top_k"],
  ["topP", "top_p"],
] as const;

/** The sampling settings of a `chronos_config` object (only the keys it has as numbers). */
export function samplingFromChronosConfig(cc: Record<string, unknown>): SamplingDefaults {
  const out: SamplingDefaults = {};
  for (const [key, json] of KEYS) if (typeof cc[json] === "number") out[key] = cc[json] as number;
  return out;
}

/** `chronos_config` keys of sampling defaults (only those set). */
export function samplingToChronosConfig(s: SamplingDefaults | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, json] of KEYS) if (s?.[key] !== undefined) out[json] = s[key] as number;
  return out;
}

/** `o` without its undefined entries (so they do not override a default when spread). */
export function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
