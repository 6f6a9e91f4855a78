// One LoRA training step of a small Llama model in headless Chromium, on every backend a browser
// runs (reference, wasm, gpu.js webgl2 and webgpu): loss, every LoRA gradient and the last
// positions' logits must agree with the reference backend's. The kernel suite checks kernels one
// by one; this checks them composed, through the model, runner and schedule the demo uses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestSite, type TestSite } from "./harness/test-site";
import type { AgreementReport } from "./pages/model-agreement";

let site: TestSite;
let reference: AgreementReport;

beforeAll(async () => {
  site = await openTestSite(["pages/model-agreement.ts"]);
  reference = await step("reference");
});
afterAll(() => site?.close());

function step(backend: string): Promise<AgreementReport> {
  return site.evaluate(
    `model-agreement.html?backend=${backend}`,
    "typeof window.kairosAgreement === 'function'",
    () => window.kairosAgreement(),
  );
}

/** Largest |a − b| over the largest |b|: error relative to the vector's scale. */
function relativeError(a: number[], b: number[]): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

describe("a LoRA step of a Llama model in headless Chromium", () => {
  it("the reference step has a finite loss and non-zero gradients and logits", () => {
    expect(reference.backend).toBe("reference");
    expect(Number.isFinite(reference.loss)).toBe(true);
    expect(reference.gradients.length).toBeGreaterThan(1000);
    expect(reference.gradients.some((g) => g !== 0)).toBe(true);
    expect(reference.logits.length).toBe(1024);
  });

  it.each([
    ["wasm", "wasm"],
    ["webgl2", "gpu:webgl2"],
    ["webgpu", "gpu:webgpu"],
  ])(
    "?backend=%s (%s) matches the reference backend's loss, gradients and logits",
    async (backend, name) => {
      const got = await step(backend);
      expect(got.backend).toBe(name);
      // float32 sums of up to a few hundred terms in another order: measured ≤ 3e-7 relative here;
      // 1e-5 leaves room for other GPUs' rounding and fails any wrong transpose, offset or accumulate.
      expect(Math.abs(got.loss - reference.loss) / reference.loss).toBeLessThan(1e-5);
      expect(got.gradients.length).toBe(reference.gradients.length);
      expect(relativeError(got.gradients, reference.gradients)).toBeLessThan(1e-5);
      expect(relativeError(got.logits, reference.logits)).toBeLessThan(1e-5);
    },
  );
});
