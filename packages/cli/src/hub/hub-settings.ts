// Where the hub is and where its files are cached, from the environment variables huggingface_hub
// reads (constants.py), so Python and Kairos share one cache and one configuration.
import { homedir } from "node:os";
import { join } from "node:path";

/** The hub endpoint, the token, the cache directory and whether to stay offline. */
export interface HubSettings {
  /** `HF_ENDPOINT`, default https://huggingface.co, without a trailing slash. */
  endpoint: string;
  /** `HF_TOKEN`, sent as `Authorization: Bearer`. */
  token?: string;
  /** The hub cache root: `models--owner--name/` folders live here. */
  cacheDir: string;
  /** `HF_HUB_OFFLINE`: use the cache only. */
  offline: boolean;
}

const expandHome = (path: string) =>
  path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;

// huggingface_hub's _is_true: "1", "ON", "YES", "TRUE", any case.
const isTrue = (value: string | undefined) =>
  value !== undefined && ["1", "ON", "YES", "TRUE"].includes(value.toUpperCase());

/**
 * The settings from `env`: the cache root is `cacheDir` if given, else `HF_HUB_CACHE`
 * (or the older `HUGGINGFACE_HUB_CACHE`), else `$HF_HOME/hub`, else
 * `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`.
 */
export function hubSettings(env: NodeJS.ProcessEnv = process.env, cacheDir?: string): HubSettings {
  const home = env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "huggingface");
  const root = cacheDir ?? env.HF_HUB_CACHE ?? env.HUGGINGFACE_HUB_CACHE ?? join(home, "hub");
  return {
    endpoint: (env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, ""),
    token: env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || undefined,
    cacheDir: expandHome(root),
    offline: isTrue(env.HF_HUB_OFFLINE),
  };
}
