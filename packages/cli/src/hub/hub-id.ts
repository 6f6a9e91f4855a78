// A Hugging Face Hub model id as `kairos pull` and `--base` take it: `owner/name`, optionally
// `owner/name@revision` (a branch, tag or commit).

/** A repository and the revision asked for. */
export interface HubId {
  /** `owner/name`. */
  repo: string;
  /** The revision after `@`, or undefined when none was given. */
  revision?: string;
}

// huggingface_hub's validate_repo_id: letters, digits, `-`, `_`, `.`; no `--` or `..`; ≤ 96.
const PART = /^[\w.-]+$/;

/**
 * Parses `owner/name[@revision]`, or returns null when `text` is not shaped like one.
 * @example parseHubId("amazon/chronos-t5-tiny@main") // { repo: "amazon/chronos-t5-tiny", revision: "main" }
 */
export function parseHubId(text: string): HubId | null {
  const at = text.indexOf("@");
  const repo = at < 0 ? text : text.slice(0, at);
  const revision = at < 0 ? undefined : text.slice(at + 1);
  const parts = repo.split("/");
  if (parts.length !== 2 || !parts.every((p) => PART.test(p))) return null;
  if (repo.includes("--") || repo.includes("..") || repo.length > 96) return null;
  if (parts.some((p) => /^[-.]|[-.]$/.test(p))) return null;
  if (revision === "") return null;
  return { repo, revision };
}
