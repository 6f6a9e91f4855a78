// A bundled set of test pages served on 127.0.0.1 and a Chromium to open them: what each
// browser test file sets up in beforeAll and tears down in afterAll.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundlePage } from "./bundle";
import { type Chromium, launchChromium } from "./chromium";
import { type StaticServer, serveStatic } from "./static-server";

/** Pages bundled into a temporary folder, its server, and the browser. */
export interface TestSite {
  dir: string;
  server: StaticServer;
  browser: Chromium;
  /** Opens `page` (e.g. `conformance.html?backend=wasm`), waits for `ready` and runs `run` in it. */
  evaluate<T>(path: string, ready: string, run: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Bundles `entries` (paths under browser-tests/), serves them and launches Chromium. `prepare`
 * may add files to the folder before serving.
 */
export async function openTestSite(
  entries: string[],
  prepare?: (dir: string) => Promise<void>,
): Promise<TestSite> {
  const dir = await mkdtemp(join(tmpdir(), "kairos-browser-test-"));
  for (const entry of entries) await bundlePage(entry, dir);
  await prepare?.(dir);
  const server = await serveStatic(dir);
  const browser = await launchChromium();
  return {
    dir,
    server,
    browser,
    async evaluate(path, ready, run) {
      const page = await browser.newPage();
      try {
        await page.goto(`${server.origin}/${path}`);
        await page.waitForFunction(ready);
        return await page.evaluate(run);
      } finally {
        await page.close();
      }
    },
    async close() {
      await browser.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
