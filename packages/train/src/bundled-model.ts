// Where the pretrained model shipped with this package lies on disk (`models/kairos-base-tiny` of
// the npm package, or of packages/train in this repository). Node only.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The name of the bundled pretrained model, also recorded in adapters trained on it. */
export const BUNDLED_MODEL = "kairos-base-tiny";

/**
 * The directory of the bundled model, found from this module's folder upwards (so from `dist/`
 * and from `src/` alike), or null when it is not shipped.
 *
 * @example
 * const model = await loadModel(bundledModelDir() ?? "models/my-base", { backend });
 */
export function bundledModelDir(): string | null {
  const here = typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, "models", BUNDLED_MODEL);
    if (existsSync(join(candidate, "config.json"))) return candidate;
  }
  return null;
}
