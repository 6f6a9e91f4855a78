// A file's metadata from a HEAD of {endpoint}/{repo}/resolve/{revision}/{file}, read the way
// huggingface_hub's get_hf_file_metadata reads it: from the first answer, before the redirect
// to the CDN that large (LFS) files get, following only relative redirects (renamed repos).
import { hubRequest } from "./hub-request.js";
import type { HubSettings } from "./hub-settings.js";

/** What a download needs to know beforehand. */
export interface FileMetadata {
  /** X-Repo-Commit, when the hub sent it. */
  commit: string | null;
  /** X-Linked-Etag or ETag without quotes: a sha256 (64 hex) for LFS files, a git sha1 otherwise. */
  etag: string;
  /** X-Linked-Size or Content-Length, in bytes. */
  size: number;
  /** Where the bytes are: the CDN location of a redirect, else the resolve URL. */
  location: string;
}

/** The resolve URL of a file, each path segment escaped. */
export const resolveUrl = (settings: HubSettings, repo: string, revision: string, file: string) =>
  `${settings.endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${file
    .split("/")
    .map(encodeURIComponent)
    .join("/")}`;

// huggingface_hub's _normalize_etag: a weak W/ prefix and the quotes dropped.
const normalizeEtag = (etag: string | null) => etag?.replace(/^W\//, "").replace(/"/g, "") ?? "";

/** HEADs `file` of `repo` at `revision`; throws naming the file when a header is missing. */
export async function fileMetadata(
  settings: HubSettings,
  repo: string,
  revision: string,
  file: string,
): Promise<FileMetadata> {
  let url = resolveUrl(settings, repo, revision, file);
  const subject = { repo, revision, file };
  for (let hops = 0; ; hops++) {
    const res = await hubRequest(
      settings,
      url,
      { method: "HEAD", redirect: "manual", headers: { "Accept-Encoding": "identity" } },
      subject,
    );
    const location = res.headers.get("location");
    const redirect = res.status >= 300 && res.status < 400 && location !== null;
    if (redirect && !/^[a-z][a-z\d+.-]*:/i.test(location) && hops < 5) {
      url = new URL(location, url).href;
      continue;
    }
    const h = res.headers;
    const etag = normalizeEtag(h.get("x-linked-etag") ?? h.get("etag"));
    const size = Number(h.get("x-linked-size") ?? h.get("content-length"));
    if (etag === "" || !Number.isSafeInteger(size) || size < 0) {
      throw new Error(
        `${file} of ${repo}: the hub sent no ETag or size (${url}); is HF_ENDPOINT a Hugging Face hub?`,
      );
    }
    return {
      commit: h.get("x-repo-commit"),
      etag,
      size,
      location: redirect ? new URL(location, url).href : url,
    };
  }
}
