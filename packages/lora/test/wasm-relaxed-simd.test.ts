// The relaxed-SIMD kernel builds: chosen where the engine validates them, refused with a clear
// error where it does not, switched on in Node 20 by enableRelaxedSimd(), and really fused (a
// product whose rounding the plain build cannot avoid comes out exact).
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { enableRelaxedSimd } from "../src/relaxed-simd-node";
import { createWasmBackend, relaxedSimdAvailable } from "../src/wasm";
import { bundleForNode } from "./node-bundle";

it("a matmul on the relaxed build rounds a multiply-add once (plain: twice)", async () => {
  expect(enableRelaxedSimd()).toBe(true); // this machine's Node has relaxed SIMD, maybe by flag
  expect(relaxedSimdAvailable()).toBe(true);
  // [1, 1 + 2^-12] · [−(1 + 2^-11), 1 + 2^-12]: exactly 2^-24. The plain build rounds the
  // second product to 1 + 2^-11 first (2^-24 is half an ulp there, ties to even) and gets 0.
  const a = new Float32Array([1, 1 + 2 ** -12]);
  const b = new Float32Array([-(1 + 2 ** -11), 1 + 2 ** -12]);
  const results: Record<string, number> = {};
  for (const relaxedSimd of [false, true]) {
    for (const threads of [1, 2]) {
      const backend = await createWasmBackend({ threads, relaxedSimd });
      expect(backend.relaxedSimd).toBe(relaxedSimd);
      const out = new Float32Array(1);
      await backend.matmul(a, b, out, { m: 1, n: 1, k: 2 });
      results[`${relaxedSimd ? "relaxed" : "plain"}, ${threads}`] = out[0];
      await backend.dispose();
    }
  }
  expect(results).toEqual({
    "plain, 1": 0,
    "plain, 2": 0,
    "relaxed, 1": 2 ** -24,
    "relaxed, 2": 2 ** -24,
  });
  const byDefault = await createWasmBackend({ threads: 1 });
  expect(byDefault.relaxedSimd).toBe(true); // the default takes it where available
  await byDefault.dispose();
});

it("a fresh Node process: the default follows the engine, relaxedSimd: true is refused by name where it is missing, enableRelaxedSimd() turns it on", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kairos-relaxed-"));
  const entry = join(dir, "entry.ts");
  const src = (path: string) => JSON.stringify(fileURLToPath(new URL(path, import.meta.url)));
  await writeFile(
    entry,
    `export { createWasmBackend, relaxedSimdAvailable } from ${src("../src/wasm/index.ts")};
     export { enableRelaxedSimd } from ${src("../src/relaxed-simd-node.ts")};`,
  );
  const bundle = await bundleForNode(entry, join(dir, "relaxed.mjs"));
  const script = `
    import { createWasmBackend, enableRelaxedSimd, relaxedSimdAvailable } from ${JSON.stringify(pathToFileURL(bundle).href)};
    const before = relaxedSimdAvailable();
    const plain = await createWasmBackend({ threads: 1 });
    const refused = await createWasmBackend({ threads: 1, relaxedSimd: true }).then(
      () => null,
      (error) => error.message,
    );
    const enabled = enableRelaxedSimd();
    const after = await createWasmBackend({ threads: 1 });
    console.log(JSON.stringify({ before, plain: plain.relaxedSimd, refused, enabled, after: after.relaxedSimd }));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", script],
    { timeout: 20_000 },
  );
  const seen = JSON.parse(stdout);
  expect(seen.plain).toBe(seen.before);
  if (seen.before) expect(seen.refused).toBeNull();
  else
    expect(seen.refused).toMatch(
      /relaxedSimd is true, but this runtime has no WebAssembly relaxed SIMD/,
    );
  expect(seen.enabled).toBe(true);
  expect(seen.after).toBe(true);
  await rm(dir, { recursive: true, force: true });
}, 30_000);
