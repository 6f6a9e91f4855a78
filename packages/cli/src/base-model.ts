// Where the base model and the compute backend come from: `--base DIR` (default the shipped
// kairos-base-tiny of @kairos/train) and `--backend`.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Backend, type BackendName, createBackend } from "@kairos/lora";
import { BUNDLED_MODEL, bundledModelDir } from "@kairos/train/node";
import { UsageError } from "./usage-error.js";

/** The default base model's name, also recorded in adapters trained on it. */
export const DEFAULT_BASE = BUNDLED_MODEL;

/** The backends `--backend` accepts. */
export const BACKENDS: readonly BackendName[] = ["auto", "reference", "wasm", "gpu"];

/** `--base`, or the kairos-base-tiny that @kairos/train ships. */
export function resolveBase(flag: string | undefined): string {
  if (flag !== undefined) {
    if (!existsSync(join(flag, "config.json"))) {
      throw new UsageError(`--base "${flag}" is not a model directory (no config.json)`);
    }
    return flag;
  }
  const shipped = bundledModelDir();
  if (shipped === null) {
    throw new UsageError(`no --base given and @kairos/train ships no models/${DEFAULT_BASE}`);
  }
  return shipped;
}

/** Like {@link resolveBase}, but null when no `--base` is given and none is shipped. */
export function findBase(flag: string | undefined): string | null {
  try {
    return resolveBase(flag);
  } catch (e) {
    if (flag === undefined) return null;
    throw e;
  }
}

/** Creates the backend `--backend` names; the caller disposes it. */
export async function openBackend(name: BackendName = "auto"): Promise<Backend> {
  return createBackend(name);
}
