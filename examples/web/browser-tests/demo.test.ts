// The demo page end to end in headless Chromium: the Vite build is served, the page fine-tunes
// kairos-base-tiny on the bundled S&P 500 closes for a few steps in its worker, and the test
// checks the loss on fixed windows fell, the forecast was drawn beside the actuals, the page
// stayed responsive, and the downloaded adapter is a PEFT directory @kairos/lora reads back.
// KAIROS_DEMO_BACKENDS (default "wasm") adds backends, e.g. "wasm,webgl2,webgpu": software
// WebGL2/WebGPU here take ~20–40 s a step, too slow for CI on two cores.
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAdapter } from "../../../packages/lora/src/peft-adapter";
import { crc32, zipStored } from "../src/zip";
import { buildDemo } from "./harness/build-demo";
import { type Chromium, launchChromium } from "./harness/chromium";
import { type StaticServer, serveStatic } from "./harness/static-server";

const screenshots = join(import.meta.dirname, "../screenshots/last-run");
const backends = (process.env.KAIROS_DEMO_BACKENDS ?? "wasm").split(",");

/** Settings the test types into the page: few steps, small batches, few forecast paths. */
const wasmSettings = { steps: 6, batch: 4, samples: 4, horizon: 16, rank: 8, timeout: 140_000 };
/** Fewer of everything on software WebGL2/WebGPU (each step ~20–40 s here). */
const gpuSettings = { steps: 3, batch: 4, samples: 2, horizon: 4, rank: 8, timeout: 840_000 };

interface DemoState {
  state: string;
  backend: string;
  available: string[];
  losses: number[];
  tokensPerSecond: number;
  probeBefore: number;
  probeAfter: number;
  forecastDrawn: boolean;
  maxStallMs: number;
  error: string;
}

let dist: string;
let server: StaticServer;
let browser: Chromium;

beforeAll(async () => {
  dist = await buildDemo();
  server = await serveStatic(dist);
  browser = await launchChromium();
  await mkdir(screenshots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dist) await rm(dist, { recursive: true, force: true });
});

describe("the demo page", () => {
  it("zipStored() writes the CRC-32 check value of '123456789' (0xCBF43926) and fflate reads it", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    const files = unzipSync(zipStored({ "a.txt": "hello", "b.bin": Uint8Array.of(1, 2, 3) }));
    expect(new TextDecoder().decode(files["a.txt"])).toBe("hello");
    expect(Array.from(files["b.bin"])).toEqual([1, 2, 3]);
  });

  it("a picked CSV lists its numeric columns; a dropped one too; a series too short fails with a message", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(
      () => (window as unknown as { kairosDemo: DemoState }).kairosDemo.state === "ready",
    );
    // Semicolons, a quoted text column, a missing cell: two numeric columns, the last one chosen.
    const rows = Array.from(
      { length: 60 },
      (_, i) => `2024-01-${i};"a;b";${i === 7 ? "NA" : 100 + i};${i * 2}`,
    );
    const csv = `day;note;price;volume\n${rows.join("\n")}\n`;
    await page.setInputFiles("#file", {
      name: "prices.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await page.waitForFunction(() =>
      document.getElementById("source")?.textContent?.startsWith("prices.csv"),
    );
    expect(await page.locator("#column option").allTextContents()).toEqual(["price", "volume"]);
    expect(await page.locator("#column").inputValue()).toBe("volume");
    expect(await page.locator("#source").textContent()).toBe(
      "prices.csv: 60 rows, numeric columns price, volume",
    );
    // The same file dropped on the drop zone.
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(
        new File([text.replace("price", "close")], "dropped.csv", { type: "text/csv" }),
      );
      document
        .getElementById("drop")
        ?.dispatchEvent(
          new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }),
        );
    }, csv);
    await page.waitForFunction(() =>
      document.getElementById("source")?.textContent?.startsWith("dropped.csv"),
    );
    expect(await page.locator("#column").inputValue()).toBe("close");
    // 60 values cannot hold one 128 + 32 window: the worker says so and the page shows it.
    await page.fill("#horizon", "4");
    await page.click("#train");
    await page.waitForFunction(
      () => (window as unknown as { kairosDemo: DemoState }).kairosDemo.state === "error",
    );
    expect(await page.locator("#status").textContent()).toMatch(
      /^Error: .*at least 160 values, got 56/,
    );
    await page.close();
  });

  it.each(backends)(
    "fine-tunes on the bundled S&P 500 closes with %s in a worker, the loss falls and the forecast is drawn",
    async (backend) => {
      const settings = backend === "wasm" ? wasmSettings : gpuSettings;
      const page = await browser.newPage();
      await page.goto(`${server.origin}/index.html`);
      await page.waitForFunction(
        () => (window as unknown as { kairosDemo: DemoState }).kairosDemo.state === "ready",
      );
      expect(await page.locator("#column").inputValue()).toBe("close");
      await page.fill("#steps", String(settings.steps));
      await page.fill("#batch", String(settings.batch));
      await page.fill("#samples", String(settings.samples));
      await page.fill("#horizon", String(settings.horizon));
      await page.selectOption("#rank", String(settings.rank));
      await page.selectOption("#backend", backend);
      await page.click("#train");
      // Training runs in a Web Worker, not on the page's thread.
      await page.waitForFunction(
        () => (window as unknown as { kairosDemo: DemoState }).kairosDemo.state !== "ready",
      );
      expect(page.workers().some((w) => /train-worker/.test(w.url()))).toBe(true);
      await page.waitForFunction(
        () =>
          ["done", "error"].includes(
            (window as unknown as { kairosDemo: DemoState }).kairosDemo.state,
          ),
        null,
        { timeout: settings.timeout, polling: 250 },
      );
      const demo = await page.evaluate(
        () => (window as unknown as { kairosDemo: DemoState }).kairosDemo,
      );
      await page.screenshot({ path: join(screenshots, `demo-${backend}.png`) });
      expect(demo.error).toBe("");
      expect(demo.state).toBe("done");
      expect(demo.backend).toBe(backend === "wasm" ? "wasm" : `gpu:${backend}`);
      expect(demo.available).toEqual(
        expect.arrayContaining(["WebGPU", "WebGL2", "wasm (threads)"]),
      );
      expect(demo.losses).toHaveLength(settings.steps);
      expect(demo.losses.every(Number.isFinite)).toBe(true);
      // The loss on 8 fixed windows of the series, before and after the steps.
      expect(demo.probeAfter).toBeLessThan(demo.probeBefore);
      expect(demo.tokensPerSecond).toBeGreaterThan(0);
      expect(await page.locator("#tokens-per-second").textContent()).toMatch(/^\d+$/);
      // The page's 50 ms ticks never waited a second: the page stayed responsive.
      expect(demo.maxStallMs).toBeLessThan(1000);
      // The forecast: a median with one point a step, its bands, the actuals beside it.
      expect(demo.forecastDrawn).toBe(true);
      const median = await page.locator("#forecast-chart .median-line").getAttribute("d");
      expect(median?.match(/[ML]/g)).toHaveLength(settings.horizon);
      expect(await page.locator("#forecast-chart .band-outer").count()).toBe(1);
      const actuals = await page.locator("#forecast-chart .actual-line").getAttribute("d");
      expect(actuals?.match(/[ML]/g)).toHaveLength(settings.horizon);
      expect(await page.locator("#loss-chart .loss-line").getAttribute("d")).toMatch(/^M/);
      // The adapter: a zip of PEFT's two files that @kairos/lora parses, rank as chosen, trained.
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("#download"),
      ]);
      expect(download.suggestedFilename()).toBe("kairos-adapter.zip");
      const files = unzipSync(new Uint8Array(await readFile(await download.path())));
      expect(Object.keys(files).sort()).toEqual([
        "adapter_config.json",
        "adapter_model.safetensors",
      ]);
      const adapter = parseAdapter({
        "adapter_model.safetensors": files["adapter_model.safetensors"],
        "adapter_config.json": new TextDecoder().decode(files["adapter_config.json"]),
      });
      expect(adapter.config.r).toBe(settings.rank);
      expect(adapter.config.baseModelNameOrPath).toBe("kairos-base-tiny");
      const modules = Object.values(adapter.modules);
      expect(modules.length).toBe(16); // kairos-base-tiny's 4 layers × q, k, v, o
      expect(modules.every((m) => m.loraB.some((v) => v !== 0))).toBe(true);
      await page.close();
    },
    (backends.every((b) => b === "wasm") ? wasmSettings : gpuSettings).timeout + 60_000,
  );
});
