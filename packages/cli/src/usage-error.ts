// A mistake in how the CLI was called (a flag out of range, an unknown column name): exit code 2,
// where a failure while doing the work (a corrupt file, a training error) exits with 1.

/** A usage error: the message names the flag or argument and the value it got. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
