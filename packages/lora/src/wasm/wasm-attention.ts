// The wasm backend's fused attention: operands into the memory (in place when `allocate`d), the
// job published (assembly/attention.ts: a tile per sequence and head) and run across the
// workers like a matmul's tiles, results copied out.
// Legend: B sequences, Tq query / Tk key positions, Tkv key/value rows a sequence, H query heads,
// KV key/value heads, D head size; pointers are byte addresses.
import { checkAttention } from "../attention";
import type { AttentionStep } from "../backend";
import type { KernelExports } from "./kernels-module";
import { andThen, type MatmulJobs } from "./matmul-jobs";
import type { Operands } from "./operands";
import { withScratch } from "./wasm-lora-step";

/** What the attention calls use of a WasmBackend. */
export interface AttentionParts {
  ops: Operands;
  kernels: KernelExports;
  jobs: MatmulJobs;
}

const KIND_ATTENTION = 1;
const [CAUSAL, KEEP_SELF, BACKWARD, BLOCKED] = [1, 2, 4, 8];

function sizes(step: AttentionStep) {
  const { B, Tq, Tk, H, KV, D } = step;
  return { rowsQ: B * Tq * H * D, rowsK: B * (step.Tkv ?? Tk) * KV * D, lse: B * H * Tq };
}

/**
 * Copies the read-only operands in (unless in the memory), publishes the job's shape and
 * addresses (o: out or dOut; grads: dq, dk, dv, dBias, 0 for none), opens it and returns its
 * tiles.
 */
function publish(
  parts: AttentionParts,
  step: AttentionStep,
  o: number,
  lse: number,
  grads: [number, number, number, number],
  scratch: number[],
): number {
  const { ops, kernels, jobs } = parts;
  const { B, Tq, Tk, H, KV, D } = step;
  const n = sizes(step);
  const q = ops.operand(step.q, n.rowsQ, scratch);
  const k = ops.operand(step.k, n.rowsK, scratch);
  const v = ops.operand(step.v, n.rowsK, scratch);
  const bias = step.bias === null ? 0 : ops.operand(step.bias, H * Tq * Tk, scratch);
  let mask = 0;
  if (step.keyMask !== null) {
    mask = ops.alloc(Math.ceil((B * Tk) / 4), scratch); // [B·Tk] u8
    new Uint8Array(ops.view().buffer, mask, B * Tk).set(step.keyMask.subarray(0, B * Tk));
  }
  const backward = grads[0] !== 0 ? BACKWARD : 0;
  // Through the microkernel where the kernels can (D a multiple of 8, …), else a row at a time.
  const blocked = kernels.attentionBlocked(Tq, Tk, D, backward, grads[3]) !== 0;
  // Each thread's scratch, a cache line apart: the blocked tile's packed keys and values,
  // scores and matmul buffer, or the row kernels' rows of scores and dp [Tk] and a vector [D].
  const floats = blocked ? kernels.blockedAttentionFloats(Tq, Tk, D, backward) : 2 * Tk + D + 4;
  const stride = Math.ceil((floats * 4) / 64) * 64;
  const rows = ops.alloc((jobs.threads * stride) / 4, scratch);
  kernels.setAttention(q, k, v, o, lse, mask, bias, ...grads, rows, stride);
  const flags =
    (step.causal ? CAUSAL : 0) |
    (step.keepSelf ? KEEP_SELF : 0) |
    backward |
    (blocked ? BLOCKED : 0);
  kernels.setAttentionShape(B, Tq, Tk, step.Tkv ?? Tk, H, KV, D, flags, step.scale);
  return kernels.beginTiles(KIND_ATTENTION, kernels.attentionTiles());
}

/** Operands a call reads, for `Operands.target`'s overlap check. */
function reads(step: AttentionStep, more: Float32Array[]): Float32Array[] {
  return [step.q, step.k, step.v, ...(step.bias === null ? [] : [step.bias]), ...more];
}

/** Backend.attentionForward on the wasm kernels. */
export function wasmAttentionForward(
  parts: AttentionParts,
  step: AttentionStep,
  out: Float32Array,
): void | Promise<void> {
  checkAttention("attentionForward()", step, out);
  const { B, Tq, Tk, H, D } = step;
  const n = sizes(step);
  if (n.rowsQ === 0) return;
  if (Tk === 0) {
    out.fill(0, 0, n.rowsQ);
    step.lse.fill(Number.NEGATIVE_INFINITY, 0, n.lse);
    return;
  }
  const ops = parts.ops;
  return withScratch(ops, (scratch) => {
    const po = ops.target(out, n.rowsQ, scratch, false, reads(step, [step.lse]));
    const pl = ops.target(step.lse, n.lse, scratch, false, reads(step, [out]));
    const tiles = publish(parts, step, po, pl, [0, 0, 0, 0], scratch);
    return andThen(parts.jobs.tilesJob(tiles, 4 * B * H * Tq * Tk * D), () => {
      ops.copyOut(po, out, n.rowsQ);
      ops.copyOut(pl, step.lse, n.lse);
    });
  });
}

/** Backend.attentionBackward on the wasm kernels: dq, dk, dv (and dBias) accumulated. */
export function wasmAttentionBackward(
  parts: AttentionParts,
  step: AttentionStep,
  dOut: Float32Array,
  grads: [Float32Array, Float32Array, Float32Array, Float32Array | null],
): void | Promise<void> {
  const [dq, dk, dv, dBias] = grads;
  checkAttention("attentionBackward()", step, { dOut, dq, dk, dv, dBias });
  const { B, Tq, Tk, H, D } = step;
  const n = sizes(step);
  if (n.rowsQ === 0 || Tk === 0) return;
  const ops = parts.ops;
  const all = grads.filter((g) => g !== null);
  const others = (g: Float32Array) => reads(step, [dOut, step.lse, ...all.filter((a) => a !== g)]);
  return withScratch(ops, (scratch) => {
    const pdo = ops.operand(dOut, n.rowsQ, scratch);
    const pl = ops.operand(step.lse, n.lse, scratch);
    const pq = ops.target(dq, n.rowsQ, scratch, true, others(dq));
    const pk = ops.target(dk, n.rowsK, scratch, true, others(dk));
    const pv = ops.target(dv, n.rowsK, scratch, true, others(dv));
    const pb = dBias === null ? 0 : ops.target(dBias, H * Tq * Tk, scratch, true, others(dBias));
    const tiles = publish(parts, step, pdo, pl, [pq, pk, pv, pb], scratch);
    return andThen(parts.jobs.tilesJob(tiles, 8 * B * H * Tq * Tk * D), () => {
      ops.copyOut(pq, dq, n.rowsQ);
      ops.copyOut(pk, dk, n.rowsK);
      ops.copyOut(pv, dv, n.rowsK);
      if (dBias !== null) ops.copyOut(pb, dBias, H * Tq * Tk);
    });
  });
}
