// `kairos merge --adapter DIR --out DIR`: folds a LoRA adapter into its base model's weights
// (W += scaling · B · A, PEFT's `merge_and_unload`) and writes a plain model directory of the
// base's family (a Llama, a Chronos T5).

import type { BackendName } from "@kairos/lora";
import { saveForecastModel } from "@kairos/train/node";
import { openBackend, resolveBase } from "../base-model.js";
import { emit } from "../emit.js";
import type { CliIo } from "../io.js";
import { loadAdapted } from "../load-models.js";

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
  const baseDir = await resolveBase(flags.base, io);
  const backend = await openBackend(flags.backend);
  let modules: number;
  try {
    const adapted = await loadAdapted(baseDir, flags.adapter, backend);
    modules = adapted.modules;
    // The LoRA layers update the base model's weight arrays in place.
    for (const layer of Object.values(adapted.lora.layers)) await layer.merge();
    await saveForecastModel(flags.out, adapted.model);
  } finally {
    await backend.dispose();
  }
  emit(
    io,
    flags.json,
    { base: baseDir, adapter: flags.adapter, out: flags.out, mergedModules: modules },
    `merged ${modules} modules of ${flags.adapter} into ${baseDir} → ${flags.out}`,
  );
}
