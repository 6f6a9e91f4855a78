// @kairos/lora's conformance suite in headless Chromium: the same test file Node runs, bundled
// for the page, once per backend that does its work in a browser (gpu.js webgl2 and webgpu, and
// the wasm backend with threads), each checked against the naive kernels within its tolerance.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestSite, type TestSite } from "./harness/test-site";

let site: TestSite;
beforeAll(async () => {
  site = await openTestSite(["pages/conformance.ts", "pages/shim-check.ts"]);
});
afterAll(() => site?.close());

describe("lora conformance suite in headless Chromium", () => {
  it("the in-page vitest stand-in reports passes, failures and skips as vitest would", async () => {
    const results = await site.evaluate(
      "shim-check.html",
      "typeof window.kairosShimCheck === 'function'",
      () => window.kairosShimCheck(),
    );
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
    const report = await site.evaluate(
      `conformance.html?backend=${backend}`,
      "typeof window.kairosConformance === 'function'",
      () => window.kairosConformance(),
    );
    expect(report.creationErrors, site.browser.errors.join("\n")).toEqual([]);
    expect(report.backends).toEqual([name]);
    const failed = report.results.filter((r) => r.status !== "pass");
    expect(failed.map((r) => `${r.name}: ${r.status} ${r.error ?? ""}`)).toEqual([]);
    // Every kernel test of the suite ran on the backend: 16 matmul flag cases, 2 more matmul
    // tests, 5 addBias widths, 2 sumRows cases, 5 elementwise lengths, 5 LoRA step shapes (and
    // rank 16), 5 crossEntropyRows shapes and its argument check, 13 attention cases (5 for the
    // blocked path), 3 with a bias but no bias gradient and its
    // argument check, 5 RMSNorm shapes, its weight gradient's repeatability, 5 SwiGLU lengths and
    // their argument check; and on allocate()d arrays: the 16 flag cases again, allocate itself,
    // 5 aliased elementwise.
    // (Tests outside the per-backend block, such as the shape-coverage check, may run too.)
    const onBackend = report.results.filter((r) => r.name.startsWith(`${backend} backend > `));
    expect(onBackend).toHaveLength(92);
    if (backend === "wasm") expect(report.crossOriginIsolated).toBe(true);
  });
});
