// The hub cache as huggingface_hub lays it out (file_download.py), so either can read what the
// other wrote: models--{owner}--{name}/blobs/{etag} holds each file's bytes once,
// snapshots/{commit}/{filename} is a relative symlink to its blob, refs/{revision} holds the commit.
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";

const COMMIT = /^[0-9a-f]{40}$/;

/** The folder of one model repository in the cache. */
export const repoFolder = (cacheDir: string, repo: string) =>
  join(cacheDir, `models--${repo.split("/").join("--")}`);

/** Where the bytes of the file with this etag live. */
export const blobPath = (cacheDir: string, repo: string, etag: string) =>
  join(repoFolder(cacheDir, repo), "blobs", etag);

/** The snapshot folder of a commit. */
export const snapshotDir = (cacheDir: string, repo: string, commit: string) =>
  join(repoFolder(cacheDir, repo), "snapshots", commit);

const temporary = (path: string) => `${path}.tmp-${process.pid}-${Date.now()}`;

/** The cached snapshot of `revision` (a commit, or a name refs/ resolves), or null. */
export async function cachedSnapshot(
  cacheDir: string,
  repo: string,
  revision: string,
): Promise<string | null> {
  let commit = revision;
  if (!COMMIT.test(revision)) {
    const ref = join(repoFolder(cacheDir, repo), "refs", revision);
    if (!existsSync(ref)) return null;
    commit = (await readFile(ref, "utf8")).trim();
  }
  const dir = snapshotDir(cacheDir, repo, commit);
  return existsSync(dir) ? dir : null;
}

/**
 * Links snapshots/{commit}/{file} to blobs/{etag} with a relative target (`../../blobs/…`, one
 * more `../` per folder in `file`), so the cache can move as a whole.
 */
export async function linkIntoSnapshot(
  cacheDir: string,
  repo: string,
  commit: string,
  file: string,
  etag: string,
): Promise<void> {
  const link = join(snapshotDir(cacheDir, repo, commit), file);
  await mkdir(dirname(link), { recursive: true });
  const target = relative(dirname(link), blobPath(cacheDir, repo, etag));
  const tmp = temporary(link);
  await symlink(target, tmp);
  try {
    await rename(tmp, link);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Records that `revision` is `commit` (huggingface_hub writes no ref for a commit itself). */
export async function writeRef(
  cacheDir: string,
  repo: string,
  revision: string,
  commit: string,
): Promise<void> {
  if (revision === commit) return;
  const ref = join(repoFolder(cacheDir, repo), "refs", revision);
  await mkdir(dirname(ref), { recursive: true });
  const tmp = temporary(ref);
  await writeFile(tmp, commit);
  await rename(tmp, ref);
}
