// The committed kernels (src/wasm/kernels-wasm.ts) must be what assembly/ compiles to today:
// a kernel edited without `npm run build:wasm` fails here, not silently in production.
// The generated file records a sha256 of its inputs (asc version, flags, assembly/) and of its
// modules; comparing those costs milliseconds, where compiling costs seconds. The full compile
// and byte comparison (`build-wasm.mjs --check`) runs with KAIROS_WASM_FULL_CHECK=1.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import {
  kernelsSharedBase64,
  kernelsSharedRelaxedBase64,
  kernelsSingleBase64,
  kernelsSingleRelaxedBase64,
} from "../src/wasm/kernels-wasm";

const script = new URL("../scripts/build-wasm.mjs", import.meta.url);
const generated = new URL("../src/wasm/kernels-wasm.ts", import.meta.url);

interface BuildScript {
  sourceHash(): Promise<string>;
  moduleHash(...modules: string[]): string;
  recordedHashes(text: string): { source: string; modules: string } | null;
}

it("src/wasm/kernels-wasm.ts records the sha256 of today's assembly/, compiler and flags, and of its own modules", async () => {
  const build = (await import(/* @vite-ignore */ script.href)) as BuildScript;
  const recorded = build.recordedHashes(await readFile(generated, "utf8"));
  expect(recorded, "kernels-wasm.ts has no sha256 line: run npm run build:wasm").not.toBeNull();
  expect(recorded?.source, "assembly/ changed since the last build: run npm run build:wasm").toBe(
    await build.sourceHash(),
  );
  expect(recorded?.modules, "the embedded modules were edited by hand").toBe(
    build.moduleHash(
      kernelsSharedBase64,
      kernelsSingleBase64,
      kernelsSharedRelaxedBase64,
      kernelsSingleRelaxedBase64,
    ),
  );
});

it.runIf(process.env.KAIROS_WASM_FULL_CHECK === "1")(
  "scripts/build-wasm.mjs --check finds src/wasm/kernels-wasm.ts up to date with assembly/",
  async () => {
    const result = await promisify(execFile)(process.execPath, [fileURLToPath(script), "--check"], {
      timeout: 60_000,
    });
    expect(result.stderr).toBe("");
  },
  60_000,
);
