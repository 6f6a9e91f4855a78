// @kairos/lora's conformance suite in headless Chromium: the same test file Node runs, bundled
// for the page, once per backend that does its work in a browser (gpu.js webgl2 and webgpu, and
// the wasm backend with threads), each checked against the naive kernels within its tolerance.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundlePage } from "./harness/bundle";
import { type Chromium, launchChromium } from "./harness/chromium";
import { type StaticServer, serveStatic } from "./harness/static-server";
import type { ConformanceReport } from "./pages/conformance";

let site: string;
let server: StaticServer;
let browser: Chromium;

beforeAll(async () => {
  site = await mkdtemp(join(tmpdir(), "kairos-conformance-"));
  await bundlePage("pages/conformance.ts", site);
  await bundlePage("pages/shim-check.ts", site);
  server = await serveStatic(site);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

async function runSuite(backend: string): Promise<ConformanceReport> {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.origin}/conformance.html?backend=${backend}`);
    await page.waitForFunction(() => typeof window.kairosConformance === "function");
    return await page.evaluate(() => window.kairosConformance());
  } finally {
    await page.close();
  }
}

describe("lora conformance suite in headless Chromium", () => {
  it("the in-page vitest stand-in reports passes, failures and skips as vitest would", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/shim-check.html`);
    await page.waitForFunction(() => typeof window.kairosShimCheck === "function");
    const results = await page.evaluate(() => window.kairosShimCheck());
    await page.close();
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["row suite > passes on equal values", "pass"],
      ["row suite > fails on toBe", "fail"],
      ["row suite > fails on toBeLessThanOrEqual", "fail"],
      ["row suite > fails on toEqual of arrays", "fail"],
      ["row suite > fails when a promise resolves instead of rejecting", "fail"],
      ["row suite > passes when a promise rejects as expected", "pass"],
      ["row suite > passes with 1", "pass"],
      ["row suite > passes with 3", "pass"],
      ["skipped suite > never runs", "skip"],
    ]);
    expect(results[1].error).toMatch(/expected 1 to be 2/);
  });

  it.each([
    ["webgl2", "gpu:webgl2"],
    ["webgpu", "gpu:webgpu"],
    ["wasm", "wasm"],
  ])("?backend=%s runs every kernel test on %s and all pass", async (backend, name) => {
    const report = await runSuite(backend);
    expect(report.creationErrors, browser.errors.join("\n")).toEqual([]);
    expect(report.backends).toEqual(["reference", name]);
    const failed = report.results.filter((r) => r.status !== "pass");
    expect(failed.map((r) => `${r.name}: ${r.status} ${r.error ?? ""}`)).toEqual([]);
    // Both describe.each rows ran the whole kernel suite: reference and the backend under test.
    const forBackend = report.results.filter((r) => r.name.startsWith(`${backend} backend > `));
    const forReference = report.results.filter((r) => r.name.startsWith("reference backend > "));
    expect(forBackend.length).toBeGreaterThanOrEqual(30);
    expect(forBackend.length).toBe(forReference.length);
    if (backend === "wasm") expect(report.crossOriginIsolated).toBe(true);
  });
});
