#!/usr/bin/env node
// The `kairos` bin: runs the CLI on the process's arguments and sets the exit code. An app may
// set a V8 flag for its whole process, so the bin (not the library) turns on relaxed SIMD where
// Node 20 keeps it behind one: the wasm kernels' fused multiply-adds, ~15% off a LoRA step.

import { enableRelaxedSimd } from "@kairos/lora/node";
import { main } from "./run.js";

enableRelaxedSimd();
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
