// Runs the kairos CLI in-process (main(argv, io)) and collects what it prints.
import type { CliIo } from "../src/io.js";
import { main } from "../src/run.js";

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

/** `kairos pretrain` flags of a model small enough to train in a test in well under a second. */
export const TINY_MODEL = [
  "--hidden",
  "16",
  "--layers",
  "1",
  "--heads",
  "2",
  "--vocab",
  "64",
].concat(["--context", "16", "--prediction", "4", "--batch-size", "2", "--backend", "reference"]);
