// Writes a command's result: JSON alone on stdout with --json, readable text otherwise.

import type { CliIo } from "./io.js";

/** Prints `text` or, with `json`, `data` as one JSON document. */
export function emit(io: CliIo, json: boolean | undefined, data: unknown, text: string): void {
  if (json) io.stdout(`${JSON.stringify(data, null, 2)}\n`);
  else io.stdout(text.endsWith("\n") ? text : `${text}\n`);
}
