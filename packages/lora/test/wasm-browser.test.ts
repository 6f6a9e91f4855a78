// The wasm backend in a real browser page: headless Chromium (Debian's, driven by playwright-core;
// skipped where either is missing), served cross-origin isolated so SharedArrayBuffer exists.
// A page's main thread cannot block, so matmuls return promises, and Web Workers started from a
// Blob URL must take tiles: the one path Node cannot exercise.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect, it } from "vitest";

const chromiumPath = process.env.KAIROS_CHROMIUM ?? "/usr/bin/chromium";
const playwright = await import("playwright-core").catch(() => null);

/** Runs in the page: 30 threaded matmuls (more until a worker takes a tile), checked against the naive kernel. */
const pageSource = `
import { createWasmBackend } from ${JSON.stringify(fileURLToPath(new URL("../src/wasm/index.ts", import.meta.url)))};
import { naiveMatmul } from ${JSON.stringify(fileURLToPath(new URL("../src/naive-kernels.ts", import.meta.url)))};
window.run = async () => {
  const backend = await createWasmBackend({ threads: 3 });
  const [m, n, k] = [768, 256, 256];
  const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: n * k }, (_, i) => Math.cos(i));
  const out = new Float32Array(m * n);
  let shared = 0;
  let promises = 0;
  let promisesOfFirst30 = 0;
  // 30 calls, then more until a worker has taken a tile: the workers start in the background,
  // and on a loaded machine the page's own thread can take every tile of the first calls.
  const started = performance.now();
  for (let i = 0; i < 30 || (shared === 0 && performance.now() - started < 20000); i++) {
    const call = backend.matmul(a, b, out, { m, n, k, transposeB: true });
    if (call instanceof Promise) promises++;
    await call;
    if (backend.lastMatmul.onCaller < backend.lastMatmul.tiles) shared++;
    if (i === 29) promisesOfFirst30 = promises;
  }
  const want = new Float32Array(m * n);
  naiveMatmul(a, b, want, { m, n, k, transposeB: true });
  let error = 0;
  for (let i = 0; i < want.length; i++) error = Math.max(error, Math.abs(want[i] - out[i]));
  await backend.dispose();
  return {
    ...{ isolated: crossOriginIsolated, threads: backend.threads, shared, error },
    promises: promisesOfFirst30,
  };
};`;

it.skipIf(playwright === null || !existsSync(chromiumPath))(
  "in a cross-origin isolated page, matmul() returns promises and Web Workers take tiles",
  async () => {
    const dir = await mkdtemp(join(tmpdir(), "kairos-wasm-page-"));
    await writeFile(join(dir, "page.ts"), pageSource);
    await build({
      entryPoints: [join(dir, "page.ts")],
      bundle: true,
      format: "iife",
      platform: "browser",
      outfile: join(dir, "page.js"),
      logLevel: "silent",
    });
    const files: Record<string, string> = {
      "/": '<!doctype html><script src="page.js"></script>',
      "/page.js": await readFile(join(dir, "page.js"), "utf8"),
    };
    const server = createServer((request, response) => {
      const body = files[request.url ?? ""];
      response.writeHead(body === undefined ? 404 : 200, {
        "Content-Type": request.url === "/" ? "text/html" : "text/javascript",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Embedder-Policy": "require-corp",
      });
      response.end(body ?? "");
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const browser = await playwright!.chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox"],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => typeof (window as { run?: unknown }).run === "function");
      const result = await page.evaluate(() =>
        (window as unknown as { run: () => Promise<Record<string, number | boolean>> }).run(),
      );
      expect(result.isolated).toBe(true);
      expect(result.threads).toBe(3);
      expect(result.promises).toBe(30);
      expect(result.shared).toBeGreaterThan(0);
      expect(result.error).toBeLessThan(1e-3);
    } finally {
      await browser.close();
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
  60_000,
);
