// The wasm backend's LoRA layer step: the frozen weight with its update merged in, M = W +
// scaling·B·A (O·I·K flops, against R·(I + O)·K for K more steps in each product at R rows),
// multiplies x and dY once each, and the rank-K work rides along those products' tiles: each
// tile writes its rows of xa = x·Aᵀ (forward) or dh = scaling·dY·B (backward) from the rows of
// x or dY it packs anyway, and a backward's tiles reduce their rows into gradB and gradA. So
// x, dY and the outputs cross into and out of the memory once per call, and not at all when
// they were allocated in it (`backend.allocate`).
// Legend: R rows, I inFeatures, O outFeatures, K rank; pointers are byte addresses.
import type { LoRAStep } from "../backend";
import { checkLoRABackward, checkLoRAForward } from "../lora-step";
import type { PointerMatmul } from "./matmul-jobs";
import type { Operands } from "./operands";
import type { WasmBackend } from "./wasm-backend";

type Step = () => void | Promise<void>;

/** Runs `steps` in order, synchronously until one returns a promise. */
function chain(steps: Step[], from = 0): void | Promise<void> {
  for (let i = from; i < steps.length; i++) {
    const result = steps[i]();
    if (result !== undefined) return result.then(() => chain(steps, i + 1));
  }
}

/** Runs `body` with a list of scratch blocks, freed when it ends, failed or not. */
export function withScratch(
  ops: Operands,
  body: (scratch: number[]) => void | Promise<void>,
): void | Promise<void> {
  const scratch: number[] = [];
  let result: void | Promise<void>;
  try {
    result = body(scratch);
  } catch (error) {
    ops.free(scratch);
    throw error;
  }
  if (result === undefined) return ops.free(scratch);
  return result.finally(() => ops.free(scratch));
}

const plain = { transposeA: false, transposeB: false, accumulate: false, alpha: 1 };

/**
 * Writes one float in every 4 KiB of `target`, an output about to be overwritten: the first
 * write to a freshly allocated page faults, and on a virtual machine that costs ~13 µs a page
 * (~13 ms for a new [4096, 256] Float32Array, measured here: more than the matmul that fills
 * it). Done as a job's `meanwhile`, the faults overlap the workers' tiles instead of following
 * them. Never for a target in the memory (`allocate`d): its pages are mapped already, and the
 * job may be writing it, or reading it when it overlaps an input.
 */
function touchPages(ops: Operands, target: Float32Array, floats: number): void {
  if (ops.address(target) !== undefined) return;
  for (let i = 0; i < floats; i += 1024) target[i] = 0;
}

/**
 * Panels of M = W + scaling·B·A, as a forward reads it (op(M) = Mᵀ `[I, O]`) or a backward
 * (op(M) = M `[O, I]`), in a scratch block.
 */
function merged(ops: Operands, step: LoRAStep, forward: boolean, scratch: number[]): number {
  const { inFeatures: I, outFeatures: O, rank: K, scaling } = step;
  const a = ops.factor(step.loraA, [K, I], false, 1, scratch); // A `[K][I8]`
  const sb = ops.factor(step.loraB, [O, K], true, scaling, scratch); // scaling·Bᵀ `[K][O8]`
  // Mᵀ[i, o] = W[o, i] + Σ_k A[k, i]·sBᵀ[k, o]; M[o, i] = W[o, i] + Σ_k sBᵀ[k, o]·A[k, i].
  return forward
    ? ops.mergedPanels(step.weight, true, [I, O, K], a, sb, scratch)
    : ops.mergedPanels(step.weight, false, [O, I, K], sb, a, scratch);
}

/** out = x·Mᵀ = x·Wᵀ + scaling · xa·Bᵀ, each tile writing its rows of xa = x·Aᵀ first. */
export function wasmLoraForward(be: WasmBackend, step: LoRAStep, out: Float32Array) {
  checkLoRAForward(step, out);
  const { rows: R, inFeatures: I, outFeatures: O, rank: K } = step;
  const ops = be.operands;
  const reads = [step.x, step.weight, step.loraA, step.loraB];
  return withScratch(ops, (scratch) => {
    const x = ops.operand(step.x, R * I, scratch);
    const xa = ops.target(step.xa, R * K, scratch, false, [...reads, out]);
    const y = ops.target(out, R * O, scratch, false, [...reads, step.xa]);
    const m = merged(ops, step, true, scratch);
    const side = { c: xa, cols: K, panel: ops.packed(step.loraA, K, I, scratch), alpha: 1 };
    return chain([
      () =>
        be.job({
          ...{ ...plain, transposeB: true, m: R, n: O, k: I, a: x, b: m, c: y, side },
          meanwhile: () => touchPages(ops, out, R * O),
        }),
      () => {
        ops.copyOut(xa, step.xa, R * K);
        ops.copyOut(y, out, R * O);
      },
    ]);
  });
}

/**
 * dx = dY·M = dY·W + dh·A, each tile writing its rows of dh = scaling · dY·B first and, where
 * tiles span every column, also reducing its rows into gradB += scaling · dYᵀ·xa and gradA +=
 * (xᵀ·dh)ᵀ (per-tile partials): one pass over dY and x in all. Elsewhere gradB and gradAᵀ =
 * xᵀ·dh are jobs of their own (eight columns over contiguous dh: ~2× faster than dhᵀ·x, which
 * reads x eight columns at a time), x copied in while the workers start on dx and dx out while
 * they start on gradB.
 */
export function wasmLoraBackward(
  be: WasmBackend,
  step: LoRAStep,
  dOutput: Float32Array,
  dx: Float32Array,
  gradA: Float32Array,
  gradB: Float32Array,
) {
  checkLoRABackward(step, dOutput, dx, gradA, gradB);
  const { rows: R, inFeatures: I, outFeatures: O, rank: K, scaling } = step;
  const ops = be.operands;
  const reads = [dOutput, step.x, step.xa, step.weight, step.loraA, step.loraB];
  return withScratch(ops, (scratch) => {
    const dy = ops.operand(dOutput, R * O, scratch);
    const xa = ops.operand(step.xa, R * K, scratch);
    const dh = ops.alloc(R * K, scratch);
    const d = ops.target(dx, R * I, scratch, false, reads);
    const bPanel = ops.panels(ops.operand(step.loraB, O * K, scratch), K, O, false, scratch);
    const m = merged(ops, step, false, scratch);
    const dxJob: PointerMatmul = {
      ...{ ...plain, m: R, n: I, k: O, a: dy, b: m, transposeB: true, c: d },
      side: { c: dh, cols: K, panel: bPanel, alpha: scaling },
    };
    if (be.spansColumns(R, I, O, K)) {
      // gradB and gradAᵀ too, reduced by the tiles into per-tile partials [O + I][8], summed in
      // tile order: the same gradients whichever thread ran which tile.
      const floats = (O + I) * 8;
      const count = be.rowTiles(R, I) * floats;
      const partials = ops.alloc(count, scratch);
      ops.floats(partials, count).fill(0);
      const x = ops.operand(step.x, R * I, scratch); // read by the tiles: in before they start
      const reduce = { v: xa, x, partials, partialStride: floats * 4 };
      return chain([
        () => be.job({ ...dxJob, reduce, meanwhile: () => touchPages(ops, dx, R * I) }),
        () => {
          ops.copyOut(d, dx, R * I);
          addPartials(ops.floats(partials, count), step, gradA, gradB);
        },
      ]);
    }
    const [x, copyX] = ops.operandLater(step.x, R * I, scratch); // in while workers start dx
    const gAt = ops.alloc(I * K, scratch);
    const gB = ops.target(gradB, O * K, scratch, true, [dOutput, step.xa, dx]);
    const acc = { ...plain, accumulate: true };
    const jobs: PointerMatmul[] = [
      {
        ...dxJob,
        meanwhile: () => {
          copyX();
          touchPages(ops, dx, R * I);
        },
      },
      {
        ...{ ...acc, m: O, n: K, k: R, a: dy, transposeA: true, b: xa, c: gB, alpha: scaling },
        meanwhile: () => ops.copyOut(d, dx, R * I), // dx is final: out while workers start gradB
      },
      { ...plain, m: I, n: K, k: R, a: x, transposeA: true, b: dh, c: gAt },
    ];
    return chain([
      ...jobs.map((job) => () => be.job(job)),
      () => {
        ops.addTransposed(gAt, I, K, gradA);
        ops.copyOut(gB, gradB, O * K);
      },
    ]);
  });
}

/**
 * gradB `[O, K]` += scaling · Σ_t partial_t[o][k] and gradA `[K, I]` += Σ_t partial_t[O + i][k]
 * over the tiles' partials `[O + I][8]`, in tile order (see setReductions).
 */
function addPartials(
  partials: Float32Array,
  step: LoRAStep,
  gradA: Float32Array,
  gradB: Float32Array,
): void {
  const { inFeatures: I, outFeatures: O, rank: K, scaling } = step;
  const floats = (O + I) * 8;
  for (let base = 0; base < partials.length; base += floats) {
    for (let o = 0; o < O; o++) {
      for (let k = 0; k < K; k++) gradB[o * K + k] += scaling * partials[base + o * 8 + k];
    }
    for (let i = 0; i < I; i++) {
      for (let k = 0; k < K; k++) gradA[k * I + i] += partials[base + (O + i) * 8 + k];
    }
  }
}
