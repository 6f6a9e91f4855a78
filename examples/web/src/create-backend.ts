// The backend the page asked for. `auto` is @kairos/lora's own choice (a real GPU through gpu.js,
// else wasm, else reference); a named gpu.js mode must be the one gpu.js really runs, or it fails
// with a message rather than training on a fallback the page would then mislabel.
import { type Backend, createBackend } from "@kairos/lora";
import { createGpuBackend } from "@kairos/lora/gpu";
import type { BackendChoice } from "./protocol";

/** Creates the backend for `choice`; rejects saying why it is unavailable here. */
export async function createPageBackend(choice: BackendChoice): Promise<Backend> {
  if (choice === "auto") return createBackend("auto");
  if (choice === "wasm") return createBackend("wasm");
  const backend = await createGpuBackend({ mode: choice });
  if (backend.name !== `gpu:${choice}`) {
    await backend.dispose();
    throw new Error(`${choice} is unavailable here (gpu.js runs ${backend.name})`);
  }
  return backend;
}
