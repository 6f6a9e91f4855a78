// Download progress of `kairos pull` and `--base owner/name`: a bar per file on a terminal
// through ./progress.ts, nothing otherwise (logs and CI get only the result).
import type { CliIo } from "../io.js";
import { createProgress } from "../progress.js";
import type { OnDownload } from "./pull-repo.js";

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** A per-file progress bar on a terminal, or undefined (quiet) when stderr is not one. */
export function pullProgress(io: CliIo): OnDownload | undefined {
  if (!io.isTTY) return undefined;
  return (file, bytes) => {
    const bar = createProgress(io, `pull ${file}`, Math.max(bytes, 1));
    return {
      update: (done) => bar.update(done, { of: mib(bytes) }),
      stop: () => bar.stop(),
    };
  };
}
