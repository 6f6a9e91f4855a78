// Where the base model and the compute backend come from: `--base DIR` or `--base owner/name`
// (a hub model, cached as huggingface_hub caches it; default the shipped kairos-base-tiny of
// @kairos/train) and `--backend`.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Backend, type BackendName, createBackend } from "@kairos/lora";
import { BUNDLED_MODEL, bundledModelDir } from "@kairos/train/node";
import { cachedSnapshot } from "./hub/cache-layout.js";
import { parseHubId } from "./hub/hub-id.js";
import { hubSettings } from "./hub/hub-settings.js";
import { pullProgress } from "./hub/pull-progress.js";
import { pullRepo } from "./hub/pull-repo.js";
import type { CliIo } from "./io.js";
import { UsageError } from "./usage-error.js";

/** The default base model's name, also recorded in adapters trained on it. */
export const DEFAULT_BASE = BUNDLED_MODEL;

/** The backends `--backend` accepts. */
export const BACKENDS: readonly BackendName[] = ["auto", "reference", "wasm", "gpu"];

/**
 * `--base`: a model directory (with config.json) as is, else a hub id `owner/name[@revision]`
 * from the huggingface_hub cache, pulled first when not cached (unless HF_HUB_OFFLINE); without
 * `--base`, the kairos-base-tiny that @kairos/train ships.
 * @param io where pull progress goes, when a hub model is downloaded.
 * @example const dir = await resolveBase("amazon/chronos-t5-tiny@main", io);
 */
export async function resolveBase(flag: string | undefined, io?: CliIo): Promise<string> {
  if (flag === undefined) {
    const shipped = bundledModelDir();
    if (shipped === null) {
      throw new UsageError(`no --base given and @kairos/train ships no models/${DEFAULT_BASE}`);
    }
    return shipped;
  }
  if (existsSync(join(flag, "config.json"))) return flag;
  // A path that exists but holds no model is a mistake, not a hub id.
  const id = existsSync(flag) ? null : parseHubId(flag);
  if (!id) {
    throw new UsageError(
      `--base "${flag}" is not a model directory (no config.json) nor a hub id owner/name`,
    );
  }
  const settings = hubSettings();
  const revision = id.revision ?? "main";
  const cached = await cachedSnapshot(settings.cacheDir, id.repo, revision);
  if (cached && existsSync(join(cached, "config.json"))) return cached;
  if (settings.offline) {
    throw new UsageError(
      `--base ${flag} is not in the cache ${settings.cacheDir} and HF_HUB_OFFLINE is set: run kairos pull ${flag} while online`,
    );
  }
  try {
    return await pullRepo(settings, id.repo, revision, io && pullProgress(io));
  } catch (e) {
    const message = `--base ${flag}: ${(e as Error).message}`;
    throw e instanceof UsageError ? new UsageError(message) : new Error(message);
  }
}

/**
 * What an adapter trained on `--base flag` (resolved to `dir`) records as its base, as PEFT reads
 * it: a hub id as `base_model_name_or_path` owner/name plus `revision` (PEFT would not resolve
 * `owner/name@rev`), a directory as given, the shipped model's name without `--base`.
 */
export function recordedBase(
  flag: string | undefined,
  dir: string,
): { baseModelNameOrPath: string; revision?: string } {
  if (flag === undefined) return { baseModelNameOrPath: DEFAULT_BASE };
  const id = dir === flag ? null : parseHubId(flag);
  if (!id) return { baseModelNameOrPath: flag };
  return { baseModelNameOrPath: id.repo, ...(id.revision && { revision: id.revision }) };
}

/** Like {@link resolveBase}, but null when no `--base` is given and none is shipped. */
export async function findBase(flag: string | undefined, io?: CliIo): Promise<string | null> {
  try {
    return await resolveBase(flag, io);
  } catch (e) {
    if (flag === undefined) return null;
    throw e;
  }
}

/** Creates the backend `--backend` names; the caller disposes it. */
export async function openBackend(name: BackendName = "auto"): Promise<Backend> {
  return createBackend(name);
}
