// Moving adapters between plain data and live layers: `adapterFromLayers` snapshots A and B
// into an `Adapter`, `loadAdapterIntoLayers` copies them back after checking every layer.

import {
  type Adapter,
  type AdapterConfig,
  type AdapterModule,
  checkConfig,
  checkModule,
} from "./peft-adapter";

/** The parts of a `LoRALinear` the adapter helpers use (structural, so any such layer fits). */
export interface LoraLayerLike {
  readonly loraA: Float32Array;
  readonly loraB: Float32Array;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly rank: number;
  readonly alpha: number;
  readonly useRslora?: boolean;
  /** LoRA dropout probability, the default for `loraDropout`. */
  readonly dropout?: number;
  /** True while W holds W + scaling·BA: loading new A and B then would leave W stale. */
  readonly merged?: boolean;
}

/**
 * Snapshots layers into an adapter (A and B are copied). All layers must share alpha and
 * useRslora, as PEFT's single `lora_alpha` requires; ranks may differ (written as `rank_pattern`).
 * `targetModules` defaults to the sorted last segments of the module paths.
 * @example const adapter = adapterFromLayers({ "blocks.0.q_proj": layer }, { loraDropout: 0.05 });
 */
export function adapterFromLayers(
  layers: Record<string, LoraLayerLike>,
  config: Partial<AdapterConfig> = {},
): Adapter {
  const where = "adapterFromLayers()";
  const entries = Object.entries(layers);
  if (entries.length === 0)
    throw new RangeError(`${where}: layers must hold at least one layer, got none`);
  const [, first] = entries[0];
  const modules: [string, AdapterModule][] = [];
  for (const [path, layer] of entries) {
    if (layer.alpha !== first.alpha || Boolean(layer.useRslora) !== Boolean(first.useRslora)) {
      throw new RangeError(
        `${where}: layer "${path}" has alpha ${layer.alpha}, useRslora ${Boolean(layer.useRslora)} but "${entries[0][0]}" has ${first.alpha}, ${Boolean(first.useRslora)}; PEFT stores one lora_alpha`,
      );
    }
    const { rank, inFeatures, outFeatures } = layer;
    const module = {
      loraA: layer.loraA.slice(),
      loraB: layer.loraB.slice(),
      rank,
      inFeatures,
      outFeatures,
    };
    checkModule(where, path, module);
    modules.push([path, module]);
  }
  const full: AdapterConfig = {
    r: config.r ?? first.rank,
    loraAlpha: first.alpha,
    loraDropout: config.loraDropout ?? first.dropout ?? 0,
    targetModules:
      config.targetModules ?? [...new Set(entries.map(([p]) => p.split(".").pop()!))].sort(),
    useRslora: Boolean(first.useRslora),
    baseModelNameOrPath: config.baseModelNameOrPath ?? null,
    ...(config.revision != null && { revision: config.revision }),
    taskType: config.taskType ?? null,
  };
  checkConfig(where, full);
  return { config: full, modules: Object.fromEntries(modules) };
}

/**
 * Copies an adapter's A and B into layers in place, after checking every layer first (so a
 * mismatch changes nothing): same module paths, dimensions, rank, alpha and useRslora.
 * @example loadAdapterIntoLayers(await loadAdapter(dir), { "blocks.0.q_proj": layer });
 */
export function loadAdapterIntoLayers(
  adapter: Adapter,
  layers: Record<string, LoraLayerLike>,
): void {
  const where = "loadAdapterIntoLayers()";
  for (const path of Object.keys(layers)) {
    if (!Object.hasOwn(adapter.modules, path))
      throw new RangeError(`${where}: layer "${path}" has no module in the adapter`);
  }
  const { loraAlpha, useRslora } = adapter.config;
  for (const [path, m] of Object.entries(adapter.modules)) {
    if (!Object.hasOwn(layers, path))
      throw new RangeError(`${where}: adapter module "${path}" has no layer`);
    const layer = layers[path];
    if (layer.merged)
      throw new RangeError(`${where}: layer "${path}" is merged; unmerge() it first`);
    const got = [
      layer.rank,
      layer.inFeatures,
      layer.outFeatures,
      layer.alpha,
      Boolean(layer.useRslora),
    ];
    const want = [m.rank, m.inFeatures, m.outFeatures, loraAlpha, useRslora];
    if (got.some((v, i) => v !== want[i])) {
      throw new RangeError(
        `${where}: layer "${path}" has rank, in, out, alpha, useRslora ${got.join(", ")} but the adapter has ${want.join(", ")}`,
      );
    }
  }
  for (const [path, m] of Object.entries(adapter.modules)) {
    layers[path].loraA.set(m.loraA);
    layers[path].loraB.set(m.loraB);
  }
}
