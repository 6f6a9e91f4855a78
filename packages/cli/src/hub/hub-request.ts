// One HTTP request to the hub with the token attached, turning every failure into one line that
// says what to do: not found (check the id and revision), 401/403 (set HF_TOKEN), no network.
import { UsageError } from "../usage-error.js";
import type { HubSettings } from "./hub-settings.js";

/** What a request is for, to name it in errors. */
export interface HubSubject {
  repo: string;
  revision: string;
  /** The file, when the request is for one. */
  file?: string;
}

/** Attempts of a request that fails with a transient network error, 100 ms, then 400 ms apart. */
const RETRIES = 3;
/** Network failures worth another attempt (a refused connection or an unknown host is not). */
const TRANSIENT = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "other side closed",
]);

/** The reason a fetch() failed, e.g. ECONNREFUSED, from its cause when there is one. */
export const failureReason = (e: unknown): string => {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message;
};

function failure(settings: HubSettings, subject: HubSubject, res: Response): Error {
  const { repo, revision, file } = subject;
  const code = res.headers.get("x-error-code");
  const where = `on ${settings.endpoint}`;
  // The hub answers 401 RepoNotFound for a repo that is missing or private to others.
  if (code === "RepoNotFound") {
    return new UsageError(
      `repository ${repo} not found ${where}${settings.token ? "" : " (a private one needs HF_TOKEN)"}`,
    );
  }
  if (code === "RevisionNotFound")
    return new UsageError(`revision ${revision} of ${repo} not found ${where}`);
  if (res.status === 401 || res.status === 403) {
    const gated = code === "GatedRepo" ? "; it is gated: accept its conditions on the hub" : "";
    return new Error(
      settings.token
        ? `${repo}: the token in HF_TOKEN was refused (HTTP ${res.status})${gated}`
        : `${repo} needs a token: set HF_TOKEN to a Hugging Face access token (HTTP ${res.status})${gated}`,
    );
  }
  if (res.status === 404) {
    return new UsageError(
      file
        ? `${file} of ${repo} at ${revision} not found ${where}`
        : `repository ${repo} or revision ${revision} not found ${where}`,
    );
  }
  return new Error(
    `${file ?? repo}: HTTP ${res.status} ${res.statusText} from ${settings.endpoint}`,
  );
}

/**
 * Fetches `url`, with `Authorization: Bearer $HF_TOKEN` when it is on the hub; resolves to any 2xx or 3xx response
 * and throws one clear error for the rest and for network failures.
 */
export async function hubRequest(
  settings: HubSettings,
  url: string,
  init: RequestInit,
  subject: HubSubject,
): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("User-Agent", "kairos-cli");
  // The token goes to the hub only, never to the CDN a large file's redirect points at.
  const toHub = new URL(url).origin === new URL(settings.endpoint).origin;
  if (settings.token && toHub) headers.set("Authorization", `Bearer ${settings.token}`);
  let res: Response | undefined;
  for (let attempt = 1; res === undefined; attempt++) {
    try {
      res = await fetch(url, { ...init, headers });
    } catch (e) {
      // A reset before any answer (a kept-alive socket the server had just closed, a flaky
      // link) is retried: hub requests are GET/HEAD and downloads resume by Range.
      if (attempt < RETRIES && TRANSIENT.has(failureReason(e))) {
        await new Promise((done) => setTimeout(done, 100 * 4 ** (attempt - 1)));
        continue;
      }
      throw new Error(
        `cannot reach ${new URL(url).origin} (${failureReason(e)}) for ${subject.file ?? subject.repo}; check the network or HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use the cache`,
      );
    }
  }
  if (res.status >= 400) {
    await res.body?.cancel();
    throw failure(settings, subject, res);
  }
  return res;
}
