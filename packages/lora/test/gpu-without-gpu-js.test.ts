// Without gpu.js installed: the package and its ./gpu entry still import, and creating the
// backend says what is missing. gpu.js is mocked to fail as a missing module would.
import { describe, expect, it, vi } from "vitest";

const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock("gpu.js", () => {
  loads.count++;
  throw new Error("Cannot find package 'gpu.js'");
});

describe("@kairos/lora without gpu.js", () => {
  it("import('@kairos/lora') and import('@kairos/lora/gpu') do not load gpu.js", async () => {
    const lora = await import("../src/index");
    const gpu = await import("../src/gpu");
    expect(typeof lora.createBackend).toBe("function");
    expect(typeof gpu.createGpuBackend).toBe("function");
    expect(loads.count).toBe(0);
  });

  it("createGpuBackend() rejects, saying gpu.js is not installed", async () => {
    const { createGpuBackend } = await import("../src/gpu");
    await expect(createGpuBackend()).rejects.toThrow(
      /createGpuBackend\(\): mode "gpu" is unavailable: gpu.js is not installed \(npm i gpu.js\)/,
    );
    expect(loads.count).toBe(1);
  });

  it('createBackend("gpu") rejects and createBackend("auto") still gives a backend', async () => {
    const { createBackend } = await import("../src/index");
    await expect(createBackend("gpu")).rejects.toThrow(/gpu.js is not installed/);
    const auto = await createBackend("auto");
    expect(auto.name).not.toMatch(/^gpu/);
    await auto.dispose();
  });
});
