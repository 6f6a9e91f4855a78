// Node file IO for adapters (the `@kairos/lora/node` subpath): the only module that touches the
// file system, so the rest of the package stays browser-safe. An adapter directory is written
// whole into a temporary sibling and renamed into place, so a crash never leaves half an adapter.
// Also Node 20's switch for the wasm kernels' relaxed SIMD (relaxed-simd-node.ts).

import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import {
  type Adapter,
  type AdapterFiles,
  type ModelDescription,
  parseAdapter,
  serializeAdapter,
} from "./peft-adapter";

const FILE_NAMES = ["adapter_model.safetensors", "adapter_config.json"] as const;

async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const exists = (path: string) =>
  stat(path).then(
    (s) => s,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    },
  );

/**
 * Writes `adapter` as a PEFT adapter directory (`adapter_model.safetensors` +
 * `adapter_config.json`). The files go into a temporary sibling directory that is renamed to
 * `dir`; an existing `dir` is moved aside first and removed only after the new one is in place.
 * @example await saveAdapter("runs/spx-lora", adapterFromLayers(layers));
 */
export async function saveAdapter(dir: string, adapter: Adapter): Promise<void> {
  if (typeof dir !== "string" || dir === "") {
    throw new TypeError(`saveAdapter(): dir must be a non-empty path, got ${JSON.stringify(dir)}`);
  }
  const files = serializeAdapter(adapter); // validates before anything touches the disk
  const target = resolve(dir);
  const previous = await exists(target);
  if (previous && !previous.isDirectory()) {
    throw new Error(`saveAdapter(): dir "${dir}" exists and is not a directory`);
  }
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const temporary = join(parent, `.${basename(target)}.tmp-${tag}`);
  const aside = join(parent, `.${basename(target)}.old-${tag}`);
  try {
    await mkdir(temporary);
    for (const name of FILE_NAMES) await writeDurably(join(temporary, name), files[name]);
    if (previous) await rename(target, aside);
    try {
      await rename(temporary, target);
    } catch (error) {
      if (previous) await rename(aside, target); // put the old adapter back
      throw error;
    }
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  if (previous) await rm(aside, { recursive: true, force: true });
}

/**
 * Reads a PEFT adapter directory. With `model`, checks every module against it and names the
 * first that does not fit.
 * @example const adapter = await loadAdapter("runs/spx-lora", { model: { modules } });
 */
export async function loadAdapter(
  dir: string,
  options: { model?: ModelDescription } = {},
): Promise<Adapter> {
  if (typeof dir !== "string" || dir === "") {
    throw new TypeError(`loadAdapter(): dir must be a non-empty path, got ${JSON.stringify(dir)}`);
  }
  const read = async (name: string, encoding?: "utf8") => {
    try {
      return await readFile(join(dir, name), encoding);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(
        `loadAdapter(): cannot read ${name} in "${dir}" (${code ?? (error as Error).message})`,
      );
    }
  };
  const files: AdapterFiles = {
    "adapter_model.safetensors": (await read(FILE_NAMES[0])) as Uint8Array,
    "adapter_config.json": (await read(FILE_NAMES[1], "utf8")) as string,
  };
  try {
    return parseAdapter(files, options);
  } catch (error) {
    throw new RangeError(`loadAdapter("${dir}"): ${(error as Error).message}`);
  }
}

export type {
  Adapter,
  AdapterConfig,
  AdapterFiles,
  AdapterModule,
  ModelDescription,
} from "./peft-adapter";

export { enableRelaxedSimd } from "./relaxed-simd-node";
