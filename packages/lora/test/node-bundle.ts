// Bundles TypeScript sources into one ESM file that a child Node process imports: for tests that
// need a fresh process (its own V8 flags, its exit behaviour) running this package's source.
import { build } from "esbuild";

/** Bundles `entry` (a path) to `outfile` for Node; returns outfile. */
export async function bundleForNode(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "node",
    outfile,
    logLevel: "silent",
  });
  return outfile;
}
