// The wasm backend's RMSNorm and SwiGLU: operands into the memory (in place when `allocate`d),
// the job published (assembly/rms-norm.ts: a block of rows a tile; assembly/swiglu.ts: a span
// of elements a tile) and run across the workers like attention's tiles, results copied out.
// RMSNorm's weight gradient comes back per tile and is summed in tile order (sumRows), so the
// bits do not depend on which thread ran what.
// Legend: N rows, C channels, L elements; pointers are byte addresses.
import { checkRmsNorm } from "../rms-norm";
import { checkSwiglu } from "../swiglu";
import { andThen } from "./matmul-jobs";
import type { AttentionParts } from "./wasm-attention";
import { withScratch } from "./wasm-lora-step";

const [KIND_RMS_NORM, KIND_SWIGLU] = [2, 3];
/**
 * Rows a RMSNorm tile and elements a SwiGLU tile: fixed, so that the split (and the weight
 * gradient's order of summation) depends on the sizes only, never on the threads.
 */
const NORM_ROWS = 32;
const SWIGLU_SPAN = 8192;
/** Rough flops an element, for the job's worth-waking-the-workers test (exp ≈ 20). */
const [NORM_FLOPS, SWIGLU_FLOPS] = [8, 40];

/** Backend.rmsNormForward on the wasm kernels. */
export function wasmRmsNormForward(
  parts: AttentionParts,
  out: Float32Array,
  rstd: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  N: number,
  C: number,
  eps: number,
): void | Promise<void> {
  checkRmsNorm("rmsNormForward()", N, C, { out, rstd, x, weight });
  if (N === 0) return;
  const { ops, kernels, jobs } = parts;
  return withScratch(ops, (scratch) => {
    const px = ops.operand(x, N * C, scratch);
    const pw = ops.operand(weight, C, scratch);
    const po = ops.target(out, N * C, scratch, false, [x, weight, rstd], true);
    const pr = ops.target(rstd, N, scratch, false, [x, weight, out]);
    kernels.setRmsNorm(px, pw, pr, po, 0, 0, N, C, NORM_ROWS, eps);
    const tiles = kernels.beginTiles(KIND_RMS_NORM, kernels.rmsNormTiles());
    return andThen(jobs.tilesJob(tiles, NORM_FLOPS * N * C), () => {
      ops.copyOut(po, out, N * C);
      ops.copyOut(pr, rstd, N);
    });
  });
}

/** Backend.rmsNormBackward on the wasm kernels: dx and dweight accumulated. */
export function wasmRmsNormBackward(
  parts: AttentionParts,
  dx: Float32Array,
  dweight: Float32Array | null,
  dOut: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  rstd: Float32Array,
  N: number,
  C: number,
): void | Promise<void> {
  checkRmsNorm("rmsNormBackward()", N, C, { dx, dweight, dOut, x, weight, rstd });
  if (N === 0) return;
  const { ops, kernels, jobs } = parts;
  const reads = [dOut, x, weight, rstd];
  return withScratch(ops, (scratch) => {
    const px = ops.operand(x, N * C, scratch);
    const pw = ops.operand(weight, C, scratch);
    const pr = ops.operand(rstd, N, scratch);
    const pdo = ops.operand(dOut, N * C, scratch);
    const pdx = ops.target(dx, N * C, scratch, true, dweight ? [...reads, dweight] : reads);
    const tiles = Math.ceil(N / NORM_ROWS);
    const partials = dweight === null ? 0 : ops.alloc(tiles * C, scratch); // [tiles, C]
    kernels.setRmsNorm(px, pw, pr, pdo, pdx, partials, N, C, NORM_ROWS, 0);
    kernels.beginTiles(KIND_RMS_NORM, tiles);
    return andThen(jobs.tilesJob(tiles, 2 * NORM_FLOPS * N * C), () => {
      ops.copyOut(pdx, dx, N * C);
      if (dweight === null) return;
      const pdw = ops.target(dweight, C, scratch, true, [...reads, dx]);
      kernels.sumRows(partials, tiles, C, pdw, 1);
      ops.copyOut(pdw, dweight, C);
    });
  });
}

/** Backend.swigluForward on the wasm kernels. */
export function wasmSwigluForward(
  parts: AttentionParts,
  out: Float32Array,
  gate: Float32Array,
  up: Float32Array,
  L: number,
): void | Promise<void> {
  checkSwiglu("swigluForward()", L, { out, gate, up });
  if (L === 0) return;
  const { ops, kernels, jobs } = parts;
  return withScratch(ops, (scratch) => {
    const pg = ops.operand(gate, L, scratch);
    const pu = ops.operand(up, L, scratch);
    const po = ops.target(out, L, scratch, false, [gate, up], true);
    kernels.setSwiglu(pg, pu, po, 0, 0, L, SWIGLU_SPAN);
    const tiles = kernels.beginTiles(KIND_SWIGLU, kernels.swigluTiles());
    return andThen(jobs.tilesJob(tiles, SWIGLU_FLOPS * L), () => ops.copyOut(po, out, L));
  });
}

/** Backend.swigluBackward on the wasm kernels: dgate and dup overwritten. */
export function wasmSwigluBackward(
  parts: AttentionParts,
  dgate: Float32Array,
  dup: Float32Array,
  dOut: Float32Array,
  gate: Float32Array,
  up: Float32Array,
  L: number,
): void | Promise<void> {
  checkSwiglu("swigluBackward()", L, { dgate, dup, dOut, gate, up });
  if (L === 0) return;
  const { ops, kernels, jobs } = parts;
  const reads = [dOut, gate, up];
  return withScratch(ops, (scratch) => {
    const pg = ops.operand(gate, L, scratch);
    const pu = ops.operand(up, L, scratch);
    const pdo = ops.operand(dOut, L, scratch);
    const pdg = ops.target(dgate, L, scratch, false, [...reads, dup], true);
    const pdu = ops.target(dup, L, scratch, false, [...reads, dgate], true);
    kernels.setSwiglu(pg, pu, pdo, pdg, pdu, L, SWIGLU_SPAN);
    const tiles = kernels.beginTiles(KIND_SWIGLU, kernels.swigluTiles());
    return andThen(jobs.tilesJob(tiles, SWIGLU_FLOPS * L), () => {
      ops.copyOut(pdg, dgate, L);
      ops.copyOut(pdu, dup, L);
    });
  });
}
