// LoRA adapters in the Hugging Face PEFT layout, in memory (no file IO: see `./node`).
// Follows peft's `PeftModel.save_pretrained` (peft/peft_model.py, utils/save_and_load.py):
// adapter_model.safetensors holds `base_model.model.<module>.lora_A.weight` [r, in] and
// `.lora_B.weight` [out, r] as F32 with metadata {"format":"pt"}; adapter_config.json is
// `json.dumps(LoraConfig.to_dict(), indent=2, sort_keys=True)` with inference_mode true.

import { type NamedTensor, readSafetensors, writeSafetensors } from "./safetensors";

/** The LoRA hyper-parameters PEFT's `LoraConfig` stores, spelled the Kairos way. */
export interface AdapterConfig {
  /** Default rank (`r`); a module of another rank is listed in PEFT's `rank_pattern`. */
  r: number;
  /** `lora_alpha`: scaling is alpha / r, or alpha / sqrt(r) with `useRslora`. */
  loraAlpha: number;
  loraDropout: number;
  /** PEFT `target_modules`: module-name suffixes (or one regex string). */
  targetModules: string[] | string;
  useRslora: boolean;
  baseModelNameOrPath: string | null;
  /** PEFT `revision`: the base model's hub revision (branch, tag or commit); null or absent: main. */
  revision?: string | null;
  /** PEFT `TaskType` or null. */
  taskType: string | null;
}

/** One adapted module: A `[rank, inFeatures]`, B `[outFeatures, rank]`, row-major. */
export interface AdapterModule {
  loraA: Float32Array;
  loraB: Float32Array;
  rank: number;
  inFeatures: number;
  outFeatures: number;
}

/** A LoRA adapter as plain data: its config and its modules by dotted module path. */
export interface Adapter {
  config: AdapterConfig;
  modules: Record<string, AdapterModule>;
}

/** The two files of an adapter directory. */
export interface AdapterFiles {
  "adapter_model.safetensors": Uint8Array;
  "adapter_config.json": string;
}

/** What a model offers for adapters: module path → Linear dimensions. */
export interface ModelDescription {
  modules: Record<string, { inFeatures: number; outFeatures: number }>;
}

const TASK_TYPES = [
  "SEQ_CLS",
  "SEQ_2_SEQ_LM",
  "CAUSAL_LM",
  "TOKEN_CLS",
  "QUESTION_ANS",
  "FEATURE_EXTRACTION",
];
const PREFIX = "base_model.model.";
const KEY = /^base_model\.model\.(.+)\.lora_([AB])\.weight$/;

const isPositiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/** Checks a config's fields; throws a RangeError naming `where` and the field. */
export function checkConfig(where: string, c: AdapterConfig): void {
  const bad = (field: string, want: string, got: unknown): never => {
    throw new RangeError(`${where}: config.${field} must be ${want}, got ${JSON.stringify(got)}`);
  };
  if (!isPositiveInt(c.r)) bad("r", "a positive integer", c.r);
  if (!Number.isFinite(c.loraAlpha)) bad("loraAlpha", "a finite number", c.loraAlpha);
  if (!(c.loraDropout >= 0 && c.loraDropout < 1)) bad("loraDropout", "in [0, 1)", c.loraDropout);
  const targets = c.targetModules;
  if (
    typeof targets !== "string" &&
    !(Array.isArray(targets) && targets.every((t) => typeof t === "string"))
  ) {
    bad("targetModules", "a list of module names or a regex string", targets);
  }
  if (typeof c.useRslora !== "boolean") bad("useRslora", "a boolean", c.useRslora);
  if (c.baseModelNameOrPath !== null && typeof c.baseModelNameOrPath !== "string") {
    bad("baseModelNameOrPath", "a string or null", c.baseModelNameOrPath);
  }
  if (c.revision != null && typeof c.revision !== "string") {
    bad("revision", "a string or null", c.revision);
  }
  if (c.taskType !== null && !TASK_TYPES.includes(c.taskType)) {
    bad("taskType", `null or one of ${TASK_TYPES.join(", ")}`, c.taskType);
  }
}

/** Checks one module's shapes and lengths; throws a RangeError naming `where` and the path. */
export function checkModule(where: string, path: string, m: AdapterModule): void {
  const { rank, inFeatures, outFeatures, loraA, loraB } = m;
  if (![rank, inFeatures, outFeatures].every(isPositiveInt)) {
    throw new RangeError(
      `${where}: module "${path}" rank, inFeatures, outFeatures must be positive integers, got ${rank}, ${inFeatures}, ${outFeatures}`,
    );
  }
  if (!(loraA instanceof Float32Array) || loraA.length !== rank * inFeatures) {
    throw new RangeError(
      `${where}: module "${path}" loraA must be a Float32Array of [${rank}, ${inFeatures}]`,
    );
  }
  if (!(loraB instanceof Float32Array) || loraB.length !== outFeatures * rank) {
    throw new RangeError(
      `${where}: module "${path}" loraB must be a Float32Array of [${outFeatures}, ${rank}]`,
    );
  }
}

/**
 * Checks that every adapter module exists in the model with the same dimensions.
 * @throws RangeError naming the first module that does not fit.
 */
export function checkAdapterFits(
  adapter: Adapter,
  model: ModelDescription,
  where = "checkAdapterFits()",
): void {
  for (const [path, m] of Object.entries(adapter.modules)) {
    if (!Object.hasOwn(model.modules, path)) {
      throw new RangeError(`${where}: adapter module "${path}" is not in the model`);
    }
    const want = model.modules[path];
    if (want.inFeatures !== m.inFeatures || want.outFeatures !== m.outFeatures) {
      throw new RangeError(
        `${where}: adapter module "${path}" is [out ${m.outFeatures}, in ${m.inFeatures}] but the model's is [out ${want.outFeatures}, in ${want.inFeatures}]`,
      );
    }
  }
}

/**
 * Serialises an adapter into PEFT's two files, byte for byte as PEFT writes them.
 * @example const files = serializeAdapter(adapter); files["adapter_config.json"]
 */
export function serializeAdapter(adapter: Adapter): AdapterFiles {
  const where = "serializeAdapter()";
  checkConfig(where, adapter.config);
  const tensors = new Map<string, NamedTensor>();
  const rankPattern: Record<string, number> = {};
  for (const [path, m] of Object.entries(adapter.modules)) {
    checkModule(where, path, m);
    tensors.set(`${PREFIX}${path}.lora_A.weight`, { shape: [m.rank, m.inFeatures], data: m.loraA });
    tensors.set(`${PREFIX}${path}.lora_B.weight`, {
      shape: [m.outFeatures, m.rank],
      data: m.loraB,
    });
    if (m.rank !== adapter.config.r) rankPattern[path] = m.rank;
  }
  const c = adapter.config;
  // LoraConfig.to_dict() fields PEFT has written since 0.10, at PEFT's defaults where Kairos has no say.
  const config: Record<string, unknown> = {
    alpha_pattern: {},
    auto_mapping: null,
    base_model_name_or_path: c.baseModelNameOrPath,
    bias: "none",
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    loftq_config: {},
    lora_alpha: c.loraAlpha,
    lora_dropout: c.loraDropout,
    megatron_config: null,
    megatron_core: "megatron.core",
    modules_to_save: null,
    peft_type: "LORA",
    r: c.r,
    rank_pattern: Object.fromEntries(Object.entries(rankPattern).sort()),
    revision: c.revision ?? null,
    target_modules: c.targetModules,
    task_type: c.taskType,
    use_dora: false,
    use_rslora: c.useRslora,
  };
  return {
    "adapter_model.safetensors": writeSafetensors(tensors, { format: "pt" }),
    "adapter_config.json": JSON.stringify(config, null, 2),
  };
}

function parseConfig(text: string): {
  config: AdapterConfig;
  rankPattern: Record<string, unknown>;
} {
  const where = "parseAdapter()";
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RangeError(
      `${where}: adapter_config.json is not valid JSON (${(error as Error).message})`,
    );
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new RangeError(`${where}: adapter_config.json must hold a JSON object`);
  }
  if (raw.peft_type !== "LORA") {
    throw new RangeError(
      `${where}: adapter_config.json peft_type must be "LORA", got ${JSON.stringify(raw.peft_type)}`,
    );
  }
  // Settings that change what the tensors mean; Kairos supports PEFT's plain LoRA only.
  const plain: [string, unknown][] = [
    ["bias", "none"],
    ["fan_in_fan_out", false],
    ["use_dora", false],
    ["lora_bias", false],
  ];
  for (const [field, want] of plain) {
    if (raw[field] !== undefined && raw[field] !== want) {
      throw new RangeError(
        `${where}: adapter_config.json ${field} must be ${JSON.stringify(want)}, got ${JSON.stringify(raw[field])}`,
      );
    }
  }
  const alphaPattern = raw.alpha_pattern ?? {};
  if (typeof alphaPattern !== "object" || Object.keys(alphaPattern as object).length > 0) {
    throw new RangeError(
      `${where}: adapter_config.json alpha_pattern is not supported, got ${JSON.stringify(alphaPattern)}`,
    );
  }
  const config: AdapterConfig = {
    r: raw.r as number,
    loraAlpha: (raw.lora_alpha ?? 8) as number,
    loraDropout: (raw.lora_dropout ?? 0) as number,
    targetModules: (raw.target_modules ?? []) as string[],
    useRslora: (raw.use_rslora ?? false) as boolean,
    baseModelNameOrPath: (raw.base_model_name_or_path ?? null) as string | null,
    ...(raw.revision != null && { revision: raw.revision as string }),
    taskType: (raw.task_type ?? null) as string | null,
  };
  checkConfig(`${where}: adapter_config.json`, config);
  const rankPattern = raw.rank_pattern ?? {};
  if (typeof rankPattern !== "object" || Array.isArray(rankPattern)) {
    throw new RangeError(
      `${where}: adapter_config.json rank_pattern must be an object, got ${JSON.stringify(rankPattern)}`,
    );
  }
  return { config, rankPattern: rankPattern as Record<string, unknown> };
}

/**
 * Parses PEFT's two adapter files. With `model`, also checks that every module fits it.
 * @throws RangeError naming the file, key or module at fault.
 * @example const adapter = parseAdapter(files, { model: { modules: { "blocks.0.q": { inFeatures: 64, outFeatures: 64 } } } });
 */
export function parseAdapter(
  files: AdapterFiles,
  options: { model?: ModelDescription } = {},
): Adapter {
  const where = "parseAdapter()";
  const { config, rankPattern } = parseConfig(files["adapter_config.json"]);
  const { tensors } = readSafetensors(files["adapter_model.safetensors"]);
  const pairs = new Map<string, { A?: NamedTensor; B?: NamedTensor }>();
  for (const [key, tensor] of tensors) {
    const match = KEY.exec(key);
    if (!match) {
      throw new RangeError(
        `${where}: adapter_model.safetensors key "${key}" is not ${PREFIX}<module>.lora_A|lora_B.weight`,
      );
    }
    const pair = pairs.get(match[1]) ?? {};
    pair[match[2] as "A" | "B"] = tensor;
    pairs.set(match[1], pair);
  }
  const modules: [string, AdapterModule][] = [];
  for (const [path, { A, B }] of pairs) {
    if (!A || !B)
      throw new RangeError(
        `${where}: module "${path}" has lora_${A ? "A" : "B"} but no lora_${A ? "B" : "A"}`,
      );
    if (A.shape.length !== 2 || B.shape.length !== 2 || A.shape[0] !== B.shape[1]) {
      throw new RangeError(
        `${where}: module "${path}" lora_A [${A.shape}] and lora_B [${B.shape}] are not [r, in] and [out, r]`,
      );
    }
    const [rank, inFeatures] = A.shape;
    const patternKey = Object.keys(rankPattern).find((k) => path === k || path.endsWith(`.${k}`));
    const wantRank = patternKey === undefined ? config.r : rankPattern[patternKey];
    if (rank !== wantRank) {
      throw new RangeError(
        `${where}: module "${path}" has rank ${rank} but adapter_config.json gives ${wantRank}`,
      );
    }
    const module = { loraA: A.data, loraB: B.data, rank, inFeatures, outFeatures: B.shape[0] };
    checkModule(where, path, module);
    modules.push([path, module]);
  }
  const adapter = { config, modules: Object.fromEntries(modules) };
  if (options.model) checkAdapterFits(adapter, options.model, where);
  return adapter;
}
