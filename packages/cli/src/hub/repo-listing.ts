// What a revision of a model repository holds: GET /api/models/{repo}/revision/{revision}, the
// call huggingface_hub's model_info makes, answers the commit (`sha`) and every file (`siblings`).
import { hubRequest } from "./hub-request.js";
import type { HubSettings } from "./hub-settings.js";

/** A revision's commit hash and file names. */
export interface RepoListing {
  commit: string;
  files: string[];
}

/** Lists `repo` at `revision` (a branch, tag or commit). */
export async function listRepo(
  settings: HubSettings,
  repo: string,
  revision: string,
): Promise<RepoListing> {
  const url = `${settings.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}`;
  const res = await hubRequest(settings, url, {}, { repo, revision });
  let json: { sha?: unknown; siblings?: { rfilename?: unknown }[] };
  try {
    json = await res.json();
  } catch (e) {
    throw new Error(`${url}: the hub's answer is not JSON (${(e as Error).message})`);
  }
  const files = Array.isArray(json.siblings) ? json.siblings.map((s) => s?.rfilename) : null;
  if (typeof json.sha !== "string" || !/^[0-9a-f]{40}$/.test(json.sha) || !files) {
    throw new Error(`${url}: the hub's answer has no commit sha and file list`);
  }
  return { commit: json.sha, files: files.filter((f): f is string => typeof f === "string") };
}
