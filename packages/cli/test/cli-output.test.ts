import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeOutputDirectory } from "../src/output-directory.js";
import { plotFormat } from "../src/plot-file.js";

const root = mkdtempSync(join(tmpdir(), "kairos-out-"));

describe("CLI output files", () => {
  it("writeOutputDirectory(dir, files) writes every file and replaces an earlier directory whole", async () => {
    const dir = join(root, "a", "run");
    await writeOutputDirectory(dir, { "x.json": "{}", "y.bin": new Uint8Array([1, 2]) });
    expect(readdirSync(dir).sort()).toEqual(["x.json", "y.bin"]);
    await writeOutputDirectory(dir, { "z.txt": "new" });
    expect(readdirSync(dir)).toEqual(["z.txt"]);
    expect(readdirSync(join(root, "a"))).toEqual(["run"]);
  });

  it("writeOutputDirectory(dir, files, produce) that fails leaves the old directory and no temporary", async () => {
    const dir = join(root, "b");
    mkdirSync(dir);
    writeFileSync(join(dir, "old.txt"), "old");
    const failing = writeOutputDirectory(dir, { "adapter_model.safetensors": "half" }, async () => {
      throw new Error("plot failed");
    });
    await expect(failing).rejects.toThrow("plot failed");
    expect(readFileSync(join(dir, "old.txt"), "utf8")).toBe("old");
    expect(readdirSync(root).filter((n) => n.startsWith("."))).toEqual([]);
    const fresh = join(root, "c");
    await expect(
      writeOutputDirectory(fresh, {}, async () => Promise.reject(new Error("x"))),
    ).rejects.toThrow("x");
    expect(existsSync(fresh)).toBe(false);
  });

  it("writeOutputDirectory(file, ...) refuses a path that is a file", async () => {
    const f = join(root, "file");
    writeFileSync(f, "");
    await expect(writeOutputDirectory(f, {})).rejects.toThrow(/exists and is not a directory/);
  });

  it("plotFormat(file) takes .svg and .png and rejects other names", () => {
    expect(plotFormat("a/b.SVG")).toBe("svg");
    expect(plotFormat("p.png")).toBe("png");
    expect(() => plotFormat("p.gif")).toThrow("--plot must name a .svg or .png file, got p.gif");
  });
});
