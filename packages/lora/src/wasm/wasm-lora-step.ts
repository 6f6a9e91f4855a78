// The wasm backend's LoRA layer step: the matmuls of `MatmulLoRAStep` run back to back on
// operands that stay in the WebAssembly memory, so x, dY and the outputs cross into and out of
// it once per call instead of once per matmul (each crossing of a [4096, 256] buffer costs
// about as much as a rank-8 matmul over it), and y and dx are accumulated where they are.
// Legend: R rows, I inFeatures, O outFeatures, K rank; pointers are byte addresses.
import type { LoRAStep } from "../backend";
import { checkLoRABackward, checkLoRAForward } from "../lora-step";
import type { PointerMatmul, WasmBackend } from "./wasm-backend";

type Step = () => void | Promise<void>;

/** Runs `steps` in order, synchronously until one returns a promise. */
function chain(steps: Step[], from = 0): void | Promise<void> {
  for (let i = from; i < steps.length; i++) {
    const result = steps[i]();
    if (result !== undefined) return result.then(() => chain(steps, i + 1));
  }
}

/** Runs `body` with a list of scratch blocks, freed when it ends, failed or not. */
function withScratch(
  be: WasmBackend,
  body: (scratch: number[]) => void | Promise<void>,
): void | Promise<void> {
  const scratch: number[] = [];
  let result: void | Promise<void>;
  try {
    result = body(scratch);
  } catch (error) {
    be.free(scratch);
    throw error;
  }
  if (result === undefined) return be.free(scratch);
  return result.finally(() => be.free(scratch));
}

const plain = { transposeA: false, transposeB: false, accumulate: false, alpha: 1 };

/** xa = x·Aᵀ; out = x·Wᵀ + scaling · xa·Bᵀ, x uploaded once, out accumulated in the memory. */
export function wasmLoraForward(be: WasmBackend, step: LoRAStep, out: Float32Array) {
  checkLoRAForward(step, out);
  const { rows: R, inFeatures: I, outFeatures: O, rank: K, scaling } = step;
  if (R === 0 || O === 0) return;
  return withScratch(be, (scratch) => {
    const x = be.operand(step.x, R * I, scratch);
    const xa = be.alloc(R * K, scratch);
    const y = be.alloc(R * O, scratch);
    const tB = { ...plain, transposeB: true };
    const jobs: PointerMatmul[] = [
      { ...tB, m: R, n: K, k: I, a: x, b: be.packed(step.loraA, K, I, scratch), c: xa },
      { ...tB, m: R, n: O, k: I, a: x, b: be.packed(step.weight, O, I, scratch), c: y },
      {
        ...{ ...tB, m: R, n: O, k: K, a: xa, b: be.packed(step.loraB, O, K, scratch), c: y },
        ...{ accumulate: true, alpha: scaling },
      },
    ];
    return chain([
      ...jobs.map((job) => () => be.job(job)),
      () => {
        be.copyOut(xa, step.xa, R * K);
        be.copyOut(y, out, R * O);
      },
    ]);
  });
}

/**
 * dx = dY·W + dh·A, gradB += scaling · dYᵀ·xa, gradA += dhᵀ·x with dh = scaling · dY·B: dY and
 * x uploaded once each, dh never leaves the memory.
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
  return withScratch(be, (scratch) => {
    const dy = be.operand(dOutput, R * O, scratch);
    const x = be.operand(step.x, R * I, scratch);
    const xa = be.operand(step.xa, R * K, scratch);
    const gA = be.upload(gradA, K * I, scratch);
    const gB = be.upload(gradB, O * K, scratch);
    const dh = be.alloc(R * K, scratch);
    const d = be.alloc(R * I, scratch);
    const acc = { ...plain, accumulate: true };
    const jobs: PointerMatmul[] = [
      { ...plain, m: R, n: I, k: O, a: dy, b: be.operand(step.weight, O * I, scratch), c: d },
      { ...acc, m: O, n: K, k: R, a: dy, transposeA: true, b: xa, c: gB, alpha: scaling },
      {
        ...{ ...plain, m: R, n: K, k: O, a: dy, c: dh, alpha: scaling },
        b: be.operand(step.loraB, O * K, scratch),
      },
      { ...acc, m: K, n: I, k: R, a: dh, transposeA: true, b: x, c: gA },
      { ...acc, m: R, n: I, k: K, a: dh, b: be.operand(step.loraA, K * I, scratch), c: d },
    ];
    return chain([
      ...jobs.map((job) => () => be.job(job)),
      () => {
        be.copyOut(d, dx, R * I);
        be.copyOut(gA, gradA, K * I);
        be.copyOut(gB, gradB, O * K);
      },
    ]);
  });
}
