// `kairos pull OWNER/NAME`: downloads what Kairos needs of a Hugging Face Hub model (config and
// safetensors weights, sharded or not) or adapter into the huggingface_hub cache, shared with
// Python, and prints the snapshot directory, which `--base` and `kairos info` take.
import { emit } from "../emit.js";
import { parseHubId } from "../hub/hub-id.js";
import { hubSettings } from "../hub/hub-settings.js";
import { pullProgress } from "../hub/pull-progress.js";
import { pullRepo } from "../hub/pull-repo.js";
import type { CliIo } from "../io.js";
import { UsageError } from "../usage-error.js";

/** Flags of `kairos pull`. */
export interface PullFlags {
  revision?: string;
  cacheDir?: string;
  json?: boolean;
}

/** Runs `kairos pull HUB-ID`. */
export async function pull(id: string, flags: PullFlags, io: CliIo): Promise<void> {
  const hubId = parseHubId(id);
  if (!hubId) {
    throw new UsageError(`HUB-ID "${id}" must be owner/name or owner/name@revision`);
  }
  if (hubId.revision && flags.revision && hubId.revision !== flags.revision) {
    throw new UsageError(
      `HUB-ID "${id}" names revision ${hubId.revision} but --revision is ${flags.revision}`,
    );
  }
  const revision = flags.revision ?? hubId.revision ?? "main";
  const settings = hubSettings(process.env, flags.cacheDir);
  const snapshot = await pullRepo(settings, hubId.repo, revision, pullProgress(io));
  emit(io, flags.json, { repo: hubId.repo, revision, snapshot }, snapshot);
}
