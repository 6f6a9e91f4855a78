#!/usr/bin/env node
// The `kairos` bin: runs the CLI on the process's arguments and sets the exit code.

import { main } from "./run.js";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
