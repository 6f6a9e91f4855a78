// Writes a command's output directory (adapter files, plot, metrics) whole: every file goes into a
// hidden temporary sibling that is renamed into place at the end, so an interrupted run never
// leaves a half-written adapter. An existing directory is replaced only once the new one is ready.

import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

/** File name → contents. Names may not contain a path separator. */
export type OutputFiles = Record<string, Uint8Array | string>;

/**
 * Writes `files` as directory `dir`. `produce` may add more files after the first ones are written
 * (say, a plot rendered last); if it throws, nothing is left at `dir` or beside it.
 *
 * @example
 * await writeOutputDirectory("runs/spx", { "metrics.json": json }, async (put) => put("forecast.png", png));
 */
export async function writeOutputDirectory(
  dir: string,
  files: OutputFiles,
  produce?: (put: (name: string, data: Uint8Array | string) => Promise<void>) => Promise<void>,
): Promise<string> {
  const target = resolve(dir);
  const previous = await stat(target).catch(() => null);
  if (previous && !previous.isDirectory()) {
    throw new Error(`--out "${dir}" exists and is not a directory`);
  }
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const temporary = join(parent, `.${basename(target)}.tmp-${tag}`);
  const aside = join(parent, `.${basename(target)}.old-${tag}`);
  const put = async (name: string, data: Uint8Array | string) => {
    if (name !== basename(name))
      throw new Error(`writeOutputDirectory(): file name must be plain, got ${name}`);
    await writeFile(join(temporary, name), data, { flag: "wx" });
  };
  try {
    await mkdir(temporary);
    for (const [name, data] of Object.entries(files)) await put(name, data);
    await produce?.(put);
    if (previous) await rename(target, aside);
    try {
      await rename(temporary, target);
    } catch (e) {
      if (previous) await rename(aside, target);
      throw e;
    }
  } catch (e) {
    await rm(temporary, { recursive: true, force: true });
    throw e;
  }
  if (previous) await rm(aside, { recursive: true, force: true });
  return target;
}
