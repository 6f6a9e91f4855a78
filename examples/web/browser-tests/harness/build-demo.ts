// Builds the demo page with Vite into a temporary folder, for the browser tests to serve.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs `vite build` of examples/web; resolves to the output folder. */
export async function buildDemo(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), "kairos-demo-"));
  await build({
    root,
    configFile: join(root, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
