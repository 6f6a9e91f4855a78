// Headless Chromium for the browser tests: Debian's `chromium` driven by playwright-core (never a
// downloaded browser), with SwiftShader for WebGL2 and WebGPU, and a fresh profile each launch.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** Where Debian installs Chromium; KAIROS_CHROMIUM overrides it. */
export const chromiumPath = process.env.KAIROS_CHROMIUM ?? "/usr/bin/chromium";

/** Flags that give a headless, sandboxless Chromium a software WebGL2 context and WebGPU adapter. */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A launched browser: a page to drive, what it logged, and how to close it all. */
export interface Chromium {
  context: BrowserContext;
  newPage(): Promise<Page>;
  /** Console errors and uncaught page errors, for failure messages. */
  errors: string[];
  close(): Promise<void>;
}

/** Launches Chromium with a fresh user-data-dir; throws naming the path when it is missing. */
export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `launchChromium(): no Chromium at ${chromiumPath} (apt-get install -y chromium, or set KAIROS_CHROMIUM)`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), "kairos-chromium-"));
  // A persistent context is how playwright takes a user-data-dir of our choosing.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 900 },
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console: ${message.text()}`);
    });
  };
  context.on("page", watch);
  for (const page of context.pages()) watch(page);
  return {
    context,
    newPage: () => context.newPage(),
    errors,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
