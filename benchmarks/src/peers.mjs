// What the workloads that compare with peer libraries share: fixed pseudo-random inputs,
// TensorFlow.js backend switching and its wasm paths, and PyTorch's recorded figures.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";

const torchResults = join(dirname(fileURLToPath(import.meta.url)), "../torch/results.json");

/** `[length]` values in [-1, 1) from an LCG: inputs only need to be fixed. */
export function randomArray(length, seed) {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Points tfjs-backend-wasm at its .wasm files in node_modules, unless it already started. */
export function setTfjsWasmPaths() {
  const wasmPackage = createRequire(import.meta.url).resolve(
    "@tensorflow/tfjs-backend-wasm/package.json",
  );
  try {
    setWasmPaths(`${join(dirname(wasmPackage), "dist")}/`);
  } catch {
    // tfjs-wasm already initialised by an earlier workload in this run: its paths stand.
    // (Not guarded by tf.findBackend("wasm"): that call itself starts the initialisation.)
  }
}

/**
 * Switches tfjs (a process-wide singleton) to `backend` when `ctx` last used another one.
 * Tracked in `ctx`, not by tf.getBackend(): an earlier workload may have left tfjs on it.
 * setBackend names the backend at once but initialises it asynchronously: every call awaits
 * the same switch, so none runs on a half-initialised backend.
 */
export async function useTfjsBackend(ctx, backend) {
  if (ctx.current !== backend) {
    ctx.current = backend;
    ctx.switched = tf.setBackend(backend);
  }
  if (!(await ctx.switched)) throw new Error(`tfjs backend ${backend} is unavailable`);
}

/**
 * PyTorch's figures for `workload`, recorded by benchmarks/torch/lora_step.py where Debian's
 * python3-torch is installed, with a label for the table; null when none are recorded.
 */
export async function torchRecord(workload) {
  const torch = JSON.parse(await readFile(torchResults, "utf8").catch(() => "null"));
  const recorded = torch?.workloads?.[workload];
  if (!recorded) return null;
  const blas = /openblas/i.test(torch.blas) ? "OpenBLAS" : torch.blas;
  const label = `pytorch ${torch.torch} (${blas}, ${recorded.threads} threads)`;
  return { ...recorded, label, source: `recorded ${torch.date.slice(0, 10)}` };
}
