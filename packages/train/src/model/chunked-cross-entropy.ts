// Cross-entropy over the vocabulary in chunks of rows (Unsloth's / Liger's chunked loss): the
// [rows, V] logits exist one chunk at a time, forward keeps only each row's log-sum-exp, and the
// backward recomputes a chunk's logits to form dlogits = softmax − onehot. The pass over a
// chunk's vocabulary (max, log-sum-exp, loss; softmax − onehot in place) is the backend's
// `crossEntropyRows` (fused SIMD on wasm), or lora's naive kernel where a backend has none.
// Legend: N rows, C hidden size, V vocabulary, R rows in a chunk.
import { IGNORE_INDEX, naiveCrossEntropyRows } from "@kairos/lora";
import type { MatmulBackend } from "./matmul.js";
import type { Scratch } from "./scratch.js";

/** Label value whose row is ignored (PyTorch `ignore_index`), @kairos/lora's. */
export { IGNORE_INDEX };

/** Logits in a default loss chunk: 8 MB. */
const LOSS_CHUNK_FLOATS = 1 << 21;

/**
 * Default rows per loss chunk over a V-token vocabulary. Chunks of a fixed 128 rows left a small
 * vocabulary's head as many small jobs, each pass over the logits too short to share across the
 * threads: tiny's step (V 1,024, 8 × 159) ran ~16% faster in one chunk than in chunks of 128.
 */
export function lossChunkRows(V: number): number {
  return Math.max(128, Math.floor(LOSS_CHUNK_FLOATS / V));
}

/** The reusable buffer of a chunked loss: a chunk's logits `[R, V]`. */
export interface CrossEntropyWorkspace {
  chunkRows: number;
  /** A chunk's `[length]` logits buffer, contents undefined (the matmul overwrites it). */
  logits(length: number): Float32Array;
}

/**
 * A workspace for chunks of `chunkRows` rows over a V-token vocabulary: a named buffer of the
 * model's `scratch` when given (on the wasm backend, memory its kernels use in place: no copy of
 * each chunk's logits in and out around every kernel), else a plain array.
 */
export function crossEntropyWorkspace(
  chunkRows: number,
  V: number,
  scratch?: Scratch,
): CrossEntropyWorkspace {
  if (scratch) {
    return { chunkRows, logits: (length) => scratch.get("cross-entropy.logits", length, false) };
  }
  const buffer = new Float32Array(chunkRows * V);
  return { chunkRows, logits: (length) => buffer.subarray(0, length) };
}

function validRows(labels: Int32Array, V: number): number {
  let count = 0;
  for (let n = 0; n < labels.length; n++) {
    const y = labels[n];
    if (y === IGNORE_INDEX) continue;
    if (!(y >= 0 && y < V))
      throw new RangeError(`crossEntropy(): labels must be in [0, ${V}) or -100, got ${y}`);
    count++;
  }
  return count;
}

/** Rows r0 … r0 + R of the pass over a chunk's logits `[R, V]` (see `Backend.crossEntropyRows`). */
function crossEntropyRows(
  backend: MatmulBackend,
  logits: Float32Array,
  labels: Int32Array,
  lse: Float32Array,
  r0: number,
  R: number,
  V: number,
  gradScale?: number,
): number | Promise<number> {
  const [y, l] = [labels.subarray(r0, r0 + R), lse.subarray(r0, r0 + R)];
  if (backend.crossEntropyRows) return backend.crossEntropyRows(logits, y, l, R, V, gradScale);
  return naiveCrossEntropyRows(logits, y, l, R, V, gradScale);
}

/**
 * Mean cross-entropy of logits = x[N, C] · Wᵀ (W `[V, C]`) against labels[N] (−100 ignored).
 * Writes each row's log-sum-exp into lse[N]. Returns `{ loss, count }`; loss is 0 when count is 0.
 * Given `dx` [N, C], also writes the mean loss's gradient there (dLoss 1) from each chunk's logits
 * while they are at hand: for a frozen head (LoRA), whose backward would otherwise recompute
 * every chunk's logits only to form dlogits (a third of the head's flops).
 */
export async function crossEntropyForward(
  x: Float32Array,
  weight: Float32Array,
  labels: Int32Array,
  lse: Float32Array,
  C: number,
  backend: MatmulBackend,
  ws: CrossEntropyWorkspace,
  dx?: Float32Array,
): Promise<{ loss: number; count: number }> {
  const N = labels.length;
  const V = weight.length / C;
  const count = validRows(labels, V);
  const k = count > 0 ? 1 / count : 0;
  let total = 0;
  for (let r0 = 0; r0 < N; r0 += ws.chunkRows) {
    const R = Math.min(ws.chunkRows, N - r0);
    const logits = ws.logits(R * V);
    await backend.matmul(x.subarray(r0 * C, (r0 + R) * C), weight, logits, {
      m: R,
      n: V,
      k: C,
      transposeB: true,
    });
    total += await crossEntropyRows(backend, logits, labels, lse, r0, R, V);
    if (dx === undefined) continue;
    await crossEntropyRows(backend, logits, labels, lse, r0, R, V, k); // dlogits in place
    await backend.matmul(logits, weight, dx.subarray(r0 * C, (r0 + R) * C), { m: R, n: C, k: V });
  }
  return { loss: count > 0 ? total / count : 0, count };
}

/**
 * Backward of {@link crossEntropyForward} scaled by `dLoss`: dx[N, C] (overwritten) and, when
 * given, dWeight[V, C] += dlogitsᵀ x.
 */
export async function crossEntropyBackward(
  dx: Float32Array,
  dWeight: Float32Array | null,
  dLoss: number,
  x: Float32Array,
  weight: Float32Array,
  labels: Int32Array,
  lse: Float32Array,
  C: number,
  backend: MatmulBackend,
  ws: CrossEntropyWorkspace,
): Promise<void> {
  const N = labels.length;
  const V = weight.length / C;
  const count = validRows(labels, V);
  const k = count > 0 ? dLoss / count : 0;
  for (let r0 = 0; r0 < N; r0 += ws.chunkRows) {
    const R = Math.min(ws.chunkRows, N - r0);
    const logits = ws.logits(R * V);
    const xs = x.subarray(r0 * C, (r0 + R) * C);
    await backend.matmul(xs, weight, logits, { m: R, n: V, k: C, transposeB: true });
    await crossEntropyRows(backend, logits, labels, lse, r0, R, V, k); // dlogits in place
    await backend.matmul(logits, weight, dx.subarray(r0 * C, (r0 + R) * C), { m: R, n: C, k: V });
    if (dWeight) {
      await backend.matmul(logits, xs, dWeight, {
        m: V,
        n: C,
        k: R,
        transposeA: true,
        accumulate: true,
      });
    }
  }
}
