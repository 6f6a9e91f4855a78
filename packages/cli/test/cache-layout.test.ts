import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import {
  blobPath,
  cachedSnapshot,
  linkIntoSnapshot,
  repoFolder,
  snapshotDir,
  writeRef,
} from "../src/hub/cache-layout.js";

const commit = "a".repeat(40);

it("linkIntoSnapshot(...) links nested files to their blob with one ../ per folder", async () => {
  const cache = mkdtempSync(join(tmpdir(), "kairos-layout-"));
  mkdirSync(join(repoFolder(cache, "o/n"), "blobs"), { recursive: true });
  writeFileSync(blobPath(cache, "o/n", "e1"), "bytes");
  await linkIntoSnapshot(cache, "o/n", commit, "sub/dir/f.json", "e1");
  const link = join(snapshotDir(cache, "o/n", commit), "sub/dir/f.json");
  expect(readlinkSync(link)).toBe("../../../../blobs/e1");
  expect(readFileSync(link, "utf8")).toBe("bytes");
  expect(repoFolder(cache, "o/n")).toBe(join(cache, "models--o--n"));
});

it("writeRef(...)/cachedSnapshot(...) resolve a branch through refs/ and a commit directly", async () => {
  const cache = mkdtempSync(join(tmpdir(), "kairos-layout-"));
  expect(await cachedSnapshot(cache, "o/n", "main")).toBeNull();
  mkdirSync(snapshotDir(cache, "o/n", commit), { recursive: true });
  await writeRef(cache, "o/n", "main", commit);
  await writeRef(cache, "o/n", commit, commit); // huggingface_hub writes no ref for a commit
  expect(readFileSync(join(repoFolder(cache, "o/n"), "refs", "main"), "utf8")).toBe(commit);
  expect(await cachedSnapshot(cache, "o/n", "main")).toBe(snapshotDir(cache, "o/n", commit));
  expect(await cachedSnapshot(cache, "o/n", commit)).toBe(snapshotDir(cache, "o/n", commit));
  expect(await cachedSnapshot(cache, "o/n", "b".repeat(40))).toBeNull();
});
