// `kairos merge --adapter DIR --out DIR`: folds a LoRA adapter into its base model's weights
// (W += scaling · B · A, PEFT's `merge_and_unload`) and writes a plain model directory.

import type { BackendName } from "@kairos/lora";
import { loadAdapter } from "@kairos/lora/node";
import { LoraModel } from "../../finetune/lora-model.js";
import type { LinearModule } from "../../model/parameters.js";
import { loadModel, saveModel } from "../../node.js";
import { openBackend, resolveBase } from "../base-model.js";
import { emit } from "../emit.js";
import type { CliIo } from "../io.js";

/** Flags of `kairos merge`. */
export interface MergeFlags {
  adapter: string;
  out: string;
  base?: string;
  backend?: BackendName;
  json?: boolean;
}

/** Runs `kairos merge`. */
export async function merge(flags: MergeFlags, io: CliIo): Promise<void> {
  const baseDir = resolveBase(flags.base);
  const adapter = await loadAdapter(flags.adapter);
  const { config } = adapter;
  if (!Array.isArray(config.targetModules)) {
    throw new Error(
      `${flags.adapter}: target_modules as a pattern (${config.targetModules}) is not supported; list the modules`,
    );
  }
  const backend = await openBackend(flags.backend);
  try {
    const base = await loadModel(baseDir, { backend });
    const lora = new LoraModel(base, backend, {
      targetModules: config.targetModules as LinearModule[],
      rank: config.r,
      alpha: config.loraAlpha,
      useRslora: config.useRslora,
    });
    try {
      lora.loadAdapter(adapter);
    } catch (e) {
      throw new Error(
        `adapter ${flags.adapter} does not fit base model ${baseDir}: ${(e as Error).message}`,
      );
    }
    // The LoRA layers update the base model's weight arrays in place.
    for (const layer of Object.values(lora.layers)) await layer.merge();
    await saveModel(flags.out, base);
  } finally {
    await backend.dispose();
  }
  const modules = Object.keys(adapter.modules).length;
  emit(
    io,
    flags.json,
    { base: baseDir, adapter: flags.adapter, out: flags.out, mergedModules: modules },
    `merged ${modules} modules of ${flags.adapter} into ${baseDir} → ${flags.out}`,
  );
}
