// Where the base model and the compute backend come from: `--base DIR` (default the shipped
// kairos-base-tiny, found from this module's folder upwards) and `--backend`.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Backend, type BackendName, createBackend } from "@kairos/lora";
import { UsageError } from "./usage-error.js";

/** The default base model's name, also recorded in adapters trained on it. */
export const DEFAULT_BASE = "kairos-base-tiny";

/** The backends `--backend` accepts. */
export const BACKENDS: readonly BackendName[] = ["auto", "reference", "wasm", "gpu"];

/** `--base`, or the shipped kairos-base-tiny (`models/kairos-base-tiny` above this module). */
export function resolveBase(flag: string | undefined): string {
  if (flag !== undefined) {
    if (!existsSync(join(flag, "config.json"))) {
      throw new UsageError(`--base "${flag}" is not a model directory (no config.json)`);
    }
    return flag;
  }
  const here = typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, "models", DEFAULT_BASE);
    if (existsSync(join(candidate, "config.json"))) return candidate;
  }
  throw new UsageError(`no --base given and models/${DEFAULT_BASE} was not found above ${here}`);
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
