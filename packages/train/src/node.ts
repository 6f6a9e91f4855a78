// Node file IO of `@kairos/train` (the `@kairos/train/node` subpath): a model directory holds
// `model.safetensors` + `config.json`, written into a temporary sibling and renamed into place so a
// crash never leaves half a model.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { LlamaModel, LlamaModelOptions } from "./model/llama.js";
import { parseModel, serializeModel } from "./model/model-files.js";

/** Writes `model` to directory `dir` (replacing an existing model directory there). */
export async function saveModel(dir: string, model: LlamaModel): Promise<void> {
  if (typeof dir !== "string" || dir === "")
    throw new TypeError(`saveModel(): dir must be a non-empty path, got ${JSON.stringify(dir)}`);
  const files = serializeModel(model);
  const target = resolve(dir);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await mkdir(tmp);
  try {
    await writeFile(join(tmp, "model.safetensors"), files["model.safetensors"]);
    await writeFile(join(tmp, "config.json"), files["config.json"]);
    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Reads a model directory written by {@link saveModel} (or by transformers in float32). */
export async function loadModel(dir: string, options: LlamaModelOptions): Promise<LlamaModel> {
  const [weights, config] = await Promise.all([
    readFile(join(dir, "model.safetensors")),
    readFile(join(dir, "config.json"), "utf8"),
  ]);
  return parseModel(
    { "model.safetensors": new Uint8Array(weights), "config.json": config },
    options,
  );
}

export { loadAdapter, saveAdapter } from "@kairos/lora/node";
export type { CsvSeries, ReadCsvOptions } from "./data/read-csv.js";
export { readCsv } from "./data/read-csv.js";
export { renderForecastPlot } from "./plot/render-forecast-plot.js";
