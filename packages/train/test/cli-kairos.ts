// Runs the kairos CLI in-process (main(argv, io)) and collects what it prints.
import type { CliIo } from "../src/cli/io.js";
import { main } from "../src/cli/run.js";

/** The exit code, stdout and stderr of `kairos ...argv`. */
export async function kairos(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: false,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
