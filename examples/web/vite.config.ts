// Vite config of the demo page. The @kairos packages resolve to their TypeScript sources (the
// page needs no package build first); the base model and the bundled S&P 500 CSV are served in
// development and copied into the build; COOP/COEP headers give the page SharedArrayBuffer, which
// the wasm backend's threads need.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "../..");
const source = (pkg: string, entry: string) => join(repo, "packages", pkg, "src", entry);

/** The base model's folder; KAIROS_BASE_MODEL points elsewhere (e.g. a model being trained). */
export const baseModelDir =
  process.env.KAIROS_BASE_MODEL ?? join(repo, "packages/train/models/kairos-base-tiny");

/** Files the page fetches, by URL path under the page, and where they come from. */
const assets: Record<string, string> = {
  "models/kairos-base-tiny/config.json": join(baseModelDir, "config.json"),
  "models/kairos-base-tiny/model.safetensors": join(baseModelDir, "model.safetensors"),
  "data/sp500-2000.csv": join(repo, "packages/cli/data/sp500-2000.csv"),
};

function kairosAssets(): Plugin {
  return {
    name: "kairos-assets",
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = (request.url ?? "").split("?")[0].replace(/^\//, "");
        const file = assets[path];
        if (!file) return next();
        response.setHeader("Content-Type", "application/octet-stream");
        response.end(readFileSync(file));
      });
    },
    generateBundle() {
      for (const [fileName, file] of Object.entries(assets)) {
        if (!existsSync(file)) this.error(`kairos-assets: ${file} is missing`);
        this.emitFile({ type: "asset", fileName, source: readFileSync(file) });
      }
    },
  };
}

const isolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  base: "./",
  resolve: {
    alias: [
      { find: /^@kairos\/lora\/gpu$/, replacement: source("lora", "gpu/index.ts") },
      {
        find: /^@kairos\/(lora|train|tokenizer|chunking|checkpointing)$/,
        replacement: `${repo}/packages/$1/src/index.ts`,
      },
    ],
  },
  worker: { format: "es" },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // lora imports its gpu entry lazily from createBackend and eagerly from `@kairos/lora/gpu`;
      // the page uses both, so one chunk is right and the warning says nothing to act on.
      onwarn(warning, warn) {
        if (warning.code !== "INEFFECTIVE_DYNAMIC_IMPORT") warn(warning);
      },
    },
  },
  server: { headers: isolation, host: "127.0.0.1" },
  preview: { headers: isolation, host: "127.0.0.1" },
  plugins: [kairosAssets()],
});
