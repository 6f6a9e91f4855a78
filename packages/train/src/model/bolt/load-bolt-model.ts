// Reading a Chronos-Bolt model directory (Node only, exported from `@kairos/train/node`):
// config.json + model.safetensors, or sharded, through readModelDirectory.
import { readModelDirectory } from "../../model-directory.js";
import { boltModelFromTensors } from "./bolt-files.js";
import type { ChronosBoltModel, ChronosBoltModelOptions } from "./bolt-model.js";

/**
 * Reads a Chronos-Bolt checkpoint (`amazon/chronos-bolt-*` as saved by transformers).
 * @example const model = await loadBoltModel("models/chronos-bolt-tiny", { backend });
 */
export async function loadBoltModel(
  dir: string,
  options: ChronosBoltModelOptions,
): Promise<ChronosBoltModel> {
  const { config, tensors } = await readModelDirectory(dir);
  try {
    return boltModelFromTensors(config, tensors, options, "loadBoltModel()");
  } catch (e) {
    throw new Error(`loadBoltModel(): ${dir}: ${(e as Error).message}`);
  }
}
