// Relaxed SIMD for the wasm kernels on Node 20, whose V8 (11.3) has it behind a flag: V8 reads
// wasm feature flags when it validates and compiles a module, so setting the flag before the
// first backend is enough (it then holds for every worker of the process too). Node ≥ 21 ships
// the feature and this sets nothing.
import { setFlagsFromString } from "node:v8";
import { validatesRelaxedSimd } from "./wasm/relaxed-probe";

/**
 * Makes the wasm backend's fused multiply-add kernels available in this Node process where its
 * engine needs a flag for them; returns whether they are. Call it before creating a backend. It
 * changes a V8 flag of the whole process (`--experimental-wasm-relaxed-simd`): an app's choice,
 * so a library leaves it to the app (the `kairos` CLI calls it at start).
 */
export function enableRelaxedSimd(): boolean {
  if (validatesRelaxedSimd()) return true;
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  return validatesRelaxedSimd();
}
