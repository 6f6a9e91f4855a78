// The committed kernels (src/wasm/kernels-wasm.ts) must be what assembly/ compiles to today:
// a kernel edited without `npm run build:wasm` fails here, not silently in production.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);

it("scripts/build-wasm.mjs --check finds src/wasm/kernels-wasm.ts up to date with assembly/", async () => {
  const script = fileURLToPath(new URL("../scripts/build-wasm.mjs", import.meta.url));
  const result = await run(process.execPath, [script, "--check"], { timeout: 60_000 });
  expect(result.stderr).toBe("");
}, 60_000);
