// Progress on stderr: a cli-progress bar on a terminal, one plain line every few percent
// otherwise (logs, CI), so stdout stays clean for results and --json.

import { SingleBar } from "cli-progress";
import type { CliIo } from "./io.js";

/** A running task's progress. `fields` are shown as `name value` pairs (loss, tokens/s, memory). */
export interface Progress {
  update(done: number, fields?: Record<string, string>): void;
  stop(): void;
}

/**
 * @param label what is running ("finetune", "backtest").
 * @param total the number of units (steps, folds).
 */
export function createProgress(io: CliIo, label: string, total: number): Progress {
  const started = Date.now();
  const describe = (fields: Record<string, string> = {}) =>
    Object.entries(fields)
      .map(([k, v]) => `${k} ${v}`)
      .join("  ");
  if (io.isTTY && io.stderrStream) {
    const bar = new SingleBar({
      stream: io.stderrStream,
      format: `${label} [{bar}] {value}/{total}  {fields}  ETA {eta_formatted}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
    });
    bar.start(total, 0, { fields: "" });
    return {
      update: (done, fields) => bar.update(done, { fields: describe(fields) }),
      stop: () => bar.stop(),
    };
  }
  let lastShown = -1;
  return {
    update(done, fields) {
      const pct = Math.floor((100 * done) / total);
      if (done !== total && pct < lastShown + 10) return;
      lastShown = pct;
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      io.stderr(
        `${label} ${done}/${total} (${pct}%) ${describe(fields)} ${secs}s\n`.replace(/ {2,}/g, " "),
      );
    },
    stop() {},
  };
}
