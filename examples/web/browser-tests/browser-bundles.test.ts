// Every package's browser entry bundles for the browser platform without a Node built-in: a
// `node:` import (or a bare `fs`, `path`, …) anywhere in what the entry pulls in fails the test,
// naming the file that imports it. Specifiers hidden from bundlers on purpose (lora's
// `import(variable)` of `node:worker_threads`, taken only under Node) are not seen, by design.
import { readdir, readFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { build, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";
import { browserEntries, packagesDir } from "./harness/browser-entries";

const builtins = new Set(builtinModules);

/** Collects each Node built-in import with its importer, and keeps it out of the bundle. */
function nodeImports(found: string[]): Plugin {
  return {
    name: "node-imports",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.replace(/^node:/, "").split("/")[0];
        if (!args.path.startsWith("node:") && !builtins.has(bare)) return undefined;
        found.push(`${args.path} imported by ${relative(packagesDir, args.importer)}`);
        return { path: args.path, external: true };
      });
    },
  };
}

async function bundleForBrowser(entry: string): Promise<{ imports: string[]; bytes: number }> {
  const imports: string[] = [];
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    target: "es2022",
    logLevel: "silent",
    plugins: [nodeImports(imports)],
  });
  return { imports, bytes: result.outputFiles[0].contents.length };
}

describe("browser bundles of the packages", () => {
  it("browserEntries lists every library package under packages/ (apps with a bin left out)", async () => {
    const dirs = (await readdir(packagesDir, { withFileTypes: true })).filter((d) =>
      d.isDirectory(),
    );
    const libraries: string[] = [];
    for (const d of dirs) {
      const manifest = JSON.parse(
        await readFile(join(packagesDir, d.name, "package.json"), "utf8"),
      );
      if (!manifest.bin) libraries.push(manifest.name);
    }
    expect(libraries).not.toContain("@kairos/cli");
    expect(Object.keys(browserEntries).filter((k) => !k.includes("/", 8))).toEqual(
      libraries.sort(),
    );
  });

  it.each(Object.entries(browserEntries))(
    "%s bundles for the browser with no Node built-in",
    async (_name, entry) => {
      const { imports, bytes } = await bundleForBrowser(entry);
      expect(imports).toEqual([]);
      expect(bytes).toBeGreaterThan(0);
    },
  );

  it("a Node built-in in an entry is caught and named", async () => {
    const { imports } = await bundleForBrowser(`${packagesDir}/lora/src/node.ts`);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports[0]).toMatch(/^(node:)?\w+ imported by lora\/src\//);
  });
});
