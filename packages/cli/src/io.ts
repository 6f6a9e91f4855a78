// Where the CLI writes: stdout for results (only JSON with --json), stderr for progress and
// errors. Tests pass an in-memory io; the bin passes the process's streams.

/** The CLI's outputs and terminal facts, injectable for in-process tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress bar) or not (plain progress lines). */
  isTTY: boolean;
  /** The stderr stream itself, for the progress bar on a terminal. */
  stderrStream?: NodeJS.WriteStream;
}

/** The process's own stdout and stderr. */
export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: process.stderr.isTTY === true,
    stderrStream: process.stderr,
  };
}
