// `main(argv, io)`: runs the CLI in-process and returns the exit code (0 ok, 1 failure, 2 usage),
// printing any error as one line, with its stack only under --debug.

import { CommanderError } from "commander";
import { type CliIo, processIo } from "./io.js";
import { buildProgram } from "./program.js";
import { UsageError } from "./usage-error.js";

/**
 * @param argv the arguments after the program name, e.g. `["info", "runs/spx"]`.
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed help or its one-line error already.
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    const usage = e instanceof UsageError;
    const message = e instanceof Error ? e.message : String(e);
    const command = program.args[0] ? ` ${program.args[0]}` : "";
    io.stderr(`kairos${command}: ${message.split("\n")[0]}\n`);
    if (argv.includes("--debug") && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return usage ? 2 : 1;
  }
}
