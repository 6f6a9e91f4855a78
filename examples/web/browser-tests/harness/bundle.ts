// Bundles a test page's entry for the browser with esbuild: `vitest` resolves to the in-page
// stand-in, the lora suite's `./backends` to the page's backend list, and a `*.test` import
// is kept for its side effects.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const packagesDir = resolve(here, "../../../../packages");

/** Redirects the imports a vitest suite makes to their in-page stand-ins. */
const browserTestAliases: Plugin = {
  name: "browser-test-aliases",
  setup(b) {
    b.onResolve({ filter: /^vitest$/ }, () => ({ path: join(here, "vitest-shim.ts") }));
    // The packages from their sources, as the demo page's Vite config has them.
    b.onResolve({ filter: /^@kairos\/\w+(\/gpu)?$/ }, (args) => {
      const [, pkg, gpu] = /^@kairos\/(\w+)(\/gpu)?$/.exec(args.path) as RegExpExecArray;
      return { path: join(packagesDir, pkg, "src", gpu ? "gpu/index.ts" : "index.ts") };
    });
    // A suite is imported for its side effect (registering tests), which the lora package's
    // `"sideEffects": false` would otherwise let esbuild drop.
    b.onResolve({ filter: /\.test$/ }, (args) => ({
      path: resolve(args.resolveDir, `${args.path}.ts`),
      sideEffects: true,
    }));
    b.onResolve({ filter: /^\.\/backends$/ }, (args) =>
      /[\\/]packages[\\/]lora[\\/]test$/.test(args.resolveDir)
        ? { path: join(here, "browser-backends.ts") }
        : undefined,
    );
  },
};

/**
 * Writes `<outdir>/<name>.js` (the bundled entry) and `<outdir>/<name>.html` (a page loading it).
 * @example await bundlePage("pages/conformance.ts", "/tmp/site"); // → /tmp/site/conformance.html
 */
export async function bundlePage(entry: string, outdir: string): Promise<string> {
  const name = entry.replace(/^.*[\\/]/, "").replace(/\.ts$/, "");
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [resolve(here, "..", entry)],
    outfile: join(outdir, `${name}.js`),
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    sourcemap: "inline",
    logLevel: "error",
    plugins: [browserTestAliases],
  });
  const html = `<!doctype html><meta charset="utf-8"><title>${name}</title><script type="module" src="./${name}.js"></script>`;
  await writeFile(join(outdir, `${name}.html`), html);
  return join(outdir, `${name}.html`);
}
