import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadAdapter, saveAdapter } from "../src/node";
import type { Adapter } from "../src/peft-adapter";

// Inject write failures into fs/promises `open` to simulate a crash half-way through a save.
const failure = vi.hoisted(() => ({ on: null as string | null }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...fs,
    open: (
      path: string,
      ...rest: Parameters<typeof fs.open> extends [unknown, ...infer R] ? R : never
    ) => {
      if (failure.on && path.endsWith(failure.on))
        return Promise.reject(new Error("injected: disk full"));
      return fs.open(path, ...rest);
    },
  };
});

const fixtureDir = fileURLToPath(new URL("./fixtures/peft-adapter", import.meta.url));

const adapter = (fill: number): Adapter => ({
  config: {
    r: 2,
    loraAlpha: 4,
    loraDropout: 0,
    targetModules: ["q"],
    useRslora: true,
    baseModelNameOrPath: "base",
    taskType: "FEATURE_EXTRACTION",
  },
  modules: {
    "layer.q": {
      rank: 2,
      inFeatures: 3,
      outFeatures: 2,
      loraA: new Float32Array(6).fill(fill),
      loraB: new Float32Array(4).fill(-fill),
    },
  },
});

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kairos-lora-node-"));
  failure.on = null;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("saveAdapter / loadAdapter", () => {
  it("saveAdapter(dir, adapter) writes the two PEFT files that loadAdapter(dir) reads back", async () => {
    const dir = join(root, "nested", "run");
    await saveAdapter(dir, adapter(0.5));
    expect(readdirSync(dir).sort()).toEqual(["adapter_config.json", "adapter_model.safetensors"]);
    expect(await loadAdapter(dir)).toEqual(adapter(0.5));
    expect(readdirSync(join(root, "nested"))).toEqual(["run"]);
  });

  it("saveAdapter(dir, adapter) replaces an existing adapter and leaves no temporary sibling", async () => {
    const dir = join(root, "run");
    await saveAdapter(dir, adapter(1));
    writeFileSync(join(dir, "stale.txt"), "old");
    await saveAdapter(dir, adapter(2));
    expect((await loadAdapter(dir)).modules["layer.q"].loraA[0]).toBe(2);
    expect(readdirSync(dir)).not.toContain("stale.txt");
    expect(readdirSync(root)).toEqual(["run"]);
  });

  it("saveAdapter(dir, adapter) that fails mid-write keeps the previous adapter intact", async () => {
    const dir = join(root, "run");
    await saveAdapter(dir, adapter(1));
    const before = readFileSync(join(dir, "adapter_model.safetensors"));
    failure.on = "adapter_config.json";
    await expect(saveAdapter(dir, adapter(2))).rejects.toThrow(/injected: disk full/);
    expect(readFileSync(join(dir, "adapter_model.safetensors")).equals(before)).toBe(true);
    expect(readdirSync(root)).toEqual(["run"]);
  });

  it("saveAdapter(dir, adapter) that fails on a new dir leaves nothing behind", async () => {
    failure.on = "adapter_model.safetensors";
    await expect(saveAdapter(join(root, "run"), adapter(1))).rejects.toThrow(/injected/);
    expect(readdirSync(root)).toEqual([]);
  });

  it("saveAdapter(dir, adapter) rejects an invalid adapter before touching the disk", async () => {
    const bad = adapter(1);
    bad.modules["layer.q"].rank = 3;
    await expect(saveAdapter(join(root, "run"), bad)).rejects.toThrow(
      /"layer.q" loraA must be a Float32Array of \[3, 3\]/,
    );
    expect(readdirSync(root)).toEqual([]);
  });

  it("saveAdapter(dir, adapter) refuses a dir that is a file", async () => {
    writeFileSync(join(root, "file"), "x");
    await expect(saveAdapter(join(root, "file"), adapter(1))).rejects.toThrow(
      /exists and is not a directory/,
    );
  });

  it("loadAdapter(dir, { model }) loads the torch reference and names a module that does not fit", async () => {
    const modules = {
      "blocks.0.attn.q_proj": { inFeatures: 6, outFeatures: 5 },
      "blocks.0.attn.v_proj": { inFeatures: 7, outFeatures: 5 },
      "blocks.1.mlp.fc_in": { inFeatures: 6, outFeatures: 9 },
    };
    await expect(loadAdapter(fixtureDir, { model: { modules } })).rejects.toThrow(
      /adapter module "blocks.0.attn.v_proj" is \[out 5, in 6\] but the model's is \[out 5, in 7\]/,
    );
    modules["blocks.0.attn.v_proj"].inFeatures = 6;
    expect(
      Object.keys((await loadAdapter(fixtureDir, { model: { modules } })).modules),
    ).toHaveLength(3);
  });

  it("loadAdapter(dir) names the file it cannot read", async () => {
    await expect(loadAdapter(join(root, "missing"))).rejects.toThrow(
      /cannot read adapter_model.safetensors .* \(ENOENT\)/,
    );
  });
});
