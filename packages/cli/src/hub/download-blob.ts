// Downloads one file into the cache's blobs/, resumably and checked, as huggingface_hub does:
// the bytes go to blobs/{etag}.incomplete (a later run continues it with a Range request), and
// only a file of the announced size — and sha256, for LFS files — is renamed to blobs/{etag}.
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { FileMetadata } from "./file-metadata.js";
import { failureReason, type HubSubject, hubRequest } from "./hub-request.js";
import type { HubSettings } from "./hub-settings.js";

const SHA256 = /^[0-9a-f]{64}$/;

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const sizeOf = async (path: string) => (existsSync(path) ? (await stat(path)).size : 0);

/**
 * Makes `blob` hold the file `meta` describes, downloading what `blob.incomplete` lacks.
 * @param onBytes called with each count of bytes that arrived (negative when a restart
 * discards a partial file), for progress.
 */
export async function downloadBlob(
  settings: HubSettings,
  meta: FileMetadata,
  blob: string,
  subject: HubSubject & { file: string },
  onBytes: (bytes: number) => void = () => {},
): Promise<void> {
  if (existsSync(blob)) return; // the same bytes, already fetched for another file or revision
  await mkdir(dirname(blob), { recursive: true });
  const partial = `${blob}.incomplete`;
  let have = await sizeOf(partial);
  if (have > meta.size) {
    await rm(partial);
    have = 0;
  }
  onBytes(have);
  if (have < meta.size) {
    const headers: Record<string, string> = { "Accept-Encoding": "identity" };
    if (have > 0) headers.Range = `bytes=${have}-`;
    const res = await hubRequest(settings, meta.location, { headers }, subject);
    // A server that ignores Range answers 200 with the whole file: start over.
    const append = have > 0 && res.status === 206;
    if (!append) {
      onBytes(-have);
      have = 0;
    }
    const handle = await open(partial, append ? "a" : "w");
    try {
      // fetch's web stream as a Node stream: async-iterable in Node 20's types too.
      const body = res.body ? Readable.fromWeb(res.body as WebReadableStream<Uint8Array>) : [];
      for await (const chunk of body as AsyncIterable<Buffer>) {
        await handle.write(chunk);
        have += chunk.length;
        onBytes(chunk.length);
      }
    } catch (e) {
      throw new Error(
        `${subject.file}: download interrupted after ${have} of ${meta.size} bytes (${failureReason(e)}); run again to resume`,
      );
    } finally {
      await handle.close();
    }
  }
  const got = await sizeOf(partial);
  if (got !== meta.size) {
    await rm(partial, { force: true });
    throw new Error(`${subject.file}: expected ${meta.size} bytes, got ${got}`);
  }
  if (SHA256.test(meta.etag)) {
    const digest = await sha256(partial);
    if (digest !== meta.etag) {
      await rm(partial, { force: true });
      throw new Error(`${subject.file}: sha256 mismatch, expected ${meta.etag}, got ${digest}`);
    }
  }
  await rename(partial, blob);
}
