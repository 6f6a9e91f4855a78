// Pulls what Kairos needs of a hub model repository into the huggingface_hub cache and returns
// the snapshot directory: list the revision, fetch each needed file not yet in the snapshot (the
// shard index first, then the shards it names), link it, and only then write refs/{revision}.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseShardIndex, SHARD_INDEX_FILE, shardFiles } from "@kairos/train";
import { UsageError } from "../usage-error.js";
import {
  blobPath,
  cachedSnapshot,
  linkIntoSnapshot,
  snapshotDir,
  writeRef,
} from "./cache-layout.js";
import { downloadBlob } from "./download-blob.js";
import { fileMetadata } from "./file-metadata.js";
import { filesToPull } from "./files-to-pull.js";
import type { HubSettings } from "./hub-settings.js";
import { listRepo } from "./repo-listing.js";

/** Progress of one file's download: `update` with the bytes so far, `stop` at the end. */
export interface FileProgress {
  update(done: number): void;
  stop(): void;
}

/** Called for each file that is downloaded (none for files already cached). */
export type OnDownload = (file: string, bytes: number) => FileProgress;

async function pullFile(
  settings: HubSettings,
  repo: string,
  commit: string,
  file: string,
  onDownload?: OnDownload,
): Promise<void> {
  if (existsSync(join(snapshotDir(settings.cacheDir, repo, commit), file))) return;
  const meta = await fileMetadata(settings, repo, commit, file);
  if (meta.commit !== null && meta.commit !== commit) {
    throw new Error(`${file} of ${repo}: the hub answered commit ${meta.commit}, not ${commit}`);
  }
  const blob = blobPath(settings.cacheDir, repo, meta.etag);
  const progress = existsSync(blob) ? undefined : onDownload?.(file, meta.size);
  let done = 0;
  try {
    await downloadBlob(settings, meta, blob, { repo, revision: commit, file }, (bytes) => {
      done += bytes;
      progress?.update(done);
    });
  } finally {
    progress?.stop();
  }
  await linkIntoSnapshot(settings.cacheDir, repo, commit, file, meta.etag);
}

/**
 * Pulls `repo` at `revision` (default `main`) and returns its snapshot directory. With
 * `settings.offline` it returns the cached snapshot or fails saying it is not cached.
 * @example const dir = await pullRepo(hubSettings(), "amazon/chronos-t5-tiny");
 */
export async function pullRepo(
  settings: HubSettings,
  repo: string,
  revision = "main",
  onDownload?: OnDownload,
): Promise<string> {
  if (revision.split("/").some((part) => part === "" || part === "." || part === "..")) {
    throw new UsageError(`revision "${revision}" is not a branch, tag or commit name`);
  }
  if (settings.offline) {
    const cached = await cachedSnapshot(settings.cacheDir, repo, revision);
    if (cached) return cached;
    throw new Error(
      `${repo}@${revision} is not in the cache ${settings.cacheDir} and HF_HUB_OFFLINE is set`,
    );
  }
  const { commit, files } = await listRepo(settings, repo, revision);
  const wanted = filesToPull(repo, files);
  for (const file of wanted) await pullFile(settings, repo, commit, file, onDownload);
  const dir = snapshotDir(settings.cacheDir, repo, commit);
  if (wanted.includes(SHARD_INDEX_FILE)) {
    const index = parseShardIndex(await readFile(join(dir, SHARD_INDEX_FILE), "utf8"));
    for (const shard of shardFiles(index)) {
      if (!files.includes(shard)) {
        throw new Error(
          `${repo}: ${SHARD_INDEX_FILE} names shard ${shard}, which the repository lacks`,
        );
      }
      await pullFile(settings, repo, commit, shard, onDownload);
    }
  }
  await writeRef(settings.cacheDir, repo, revision, commit);
  return dir;
}
