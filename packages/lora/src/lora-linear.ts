// `LoRALinear`: a frozen Linear plus a trainable low-rank update, as PEFT's `lora.Linear`:
//   y = x Wᵀ + b + scaling · (dropout(x) Aᵀ) Bᵀ,  scaling = alpha / rank (alpha / √rank, rsLoRA)
// (Hu et al. 2021; Kalajdzievski 2023 for rsLoRA). W + BA is never formed in forward (as
// Unsloth): the update costs two thin matmuls through the rank-R bottleneck.
// Legend: R rows of x, I inFeatures, O outFeatures, K rank.
import type { Backend, LoRAStep } from "./backend";
import {
  checkFloats,
  checkInteger,
  checkPositiveInteger,
  checkRows,
  outputBuffer,
  wantsOutput,
} from "./check-options";
import { dropout } from "./dropout";
import { kaimingUniform, normal } from "./init";
import { Linear } from "./linear";
import { NO_OUTPUT } from "./no-output";
import type { ForwardOptions, Parameter } from "./parameter";
import { mixSeed, Random } from "./random";
import { ReferenceBackend } from "./reference-backend";

/** Options of `new LoRALinear` (PEFT `LoraConfig` names in camelCase). */
export interface LoRALinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** r: the rank of the update. */
  rank: number;
  /** lora_alpha. */
  alpha: number;
  /** Frozen base weight `[outFeatures, inFeatures]`, used in place (merge/unmerge change it). */
  weight: Float32Array;
  /** Frozen base bias `[outFeatures]`. */
  bias?: Float32Array;
  /** lora_dropout probability on the adapter's input, in [0, 1); default 0. */
  dropout?: number;
  /** scaling = alpha / √rank instead of alpha / rank. */
  useRslora?: boolean;
  /** `"kaiming"` (PEFT default: A Kaiming-uniform a = √5) or `"gaussian"` (A normal, std 1 / rank); B is zero. */
  init?: "kaiming" | "gaussian";
  /** Seed of A's initialisation and of the dropout masks (default 0). */
  seed?: number;
}

/** Options of `LoRALinear.forward`. */
export interface LoRAForwardOptions extends ForwardOptions {
  /** Seed of this call's dropout mask; default `mixSeed(seed, dropoutStep++)`. Pass a result's `dropoutSeed` to replay its mask. */
  dropoutSeed?: number;
}

/**
 * What `LoRALinear.backward` needs: the input, its projection and the mask's seed, nothing else.
 * x is kept by reference, not copied (leave it unchanged until backward); with dropout, backward
 * regenerates dropout(x) from the seed, so no second `[R, I]` buffer lives between the passes.
 */
export interface LoRAContext {
  rows: number;
  /** x `[R, I]`, the caller's buffer. */
  x: Float32Array;
  /** dropout(x) · Aᵀ `[R, K]`, before scaling. */
  xa: Float32Array;
  /** The mask's seed, or null when no dropout was applied. */
  dropoutSeed: number | null;
  /** Bytes this context keeps alive (x and xa). */
  bytes: number;
}

const inits = ["kaiming", "gaussian"];

/**
 * LoRA adapter around a frozen linear layer; only `loraA` and `loraB` train.
 *
 * Dropout is replayable: each forward in training draws its mask from a seed — `forward(x, {
 * dropoutSeed })` if given, else `mixSeed(seed, dropoutStep++)` — and returns it as
 * `dropoutSeed`. To recompute a forward with the same mask (checkpointing), pass that seed back,
 * or set `dropoutStep` back to its value before the first run.
 *
 * @example
 * const layer = new LoRALinear({ inFeatures: 256, outFeatures: 256, rank: 8, alpha: 16, weight });
 * const { output, context } = await layer.forward(x); // x: [rows, 256]
 * const dx = await layer.backward(context!, dOutput); // accumulates layer.gradA, layer.gradB
 */
export class LoRALinear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly rank: number;
  readonly alpha: number;
  readonly scaling: number;
  readonly dropout: number;
  readonly useRslora: boolean;
  readonly seed: number;
  /** `[K, I]` lora_A.weight. */
  readonly loraA: Float32Array;
  /** `[O, K]` lora_B.weight. */
  readonly loraB: Float32Array;
  /** `[K, I]`, accumulated by `backward`. */
  readonly gradA: Float32Array;
  /** `[O, K]`, accumulated by `backward`. */
  readonly gradB: Float32Array;
  readonly base: Linear;
  readonly backend: Backend;
  /** Dropout is applied only when true (PyTorch `module.train()`); default true. */
  training = true;
  /** Counter behind the default dropout seeds; set it back to replay masks. */
  dropoutStep = 0;
  private mergedState = false;
  private scratch: Float32Array[] = [new Float32Array(0), new Float32Array(0)];
  /** Saved `xa` buffers backward has given back (a context serves one backward), reused by forward. */
  private readonly spare: Float32Array[] = [];

  constructor(options: LoRALinearOptions, backend: Backend = new ReferenceBackend()) {
    const fn = "new LoRALinear()";
    const inF = checkPositiveInteger(fn, "inFeatures", options.inFeatures);
    const outF = checkPositiveInteger(fn, "outFeatures", options.outFeatures);
    const rank = checkPositiveInteger(fn, "rank", options.rank);
    if (typeof options.alpha !== "number" || !Number.isFinite(options.alpha)) {
      throw new RangeError(`${fn}: alpha must be a finite number, got ${options.alpha}`);
    }
    const p = options.dropout ?? 0;
    if (typeof p !== "number" || !(p >= 0 && p < 1)) {
      throw new RangeError(`${fn}: dropout must be a number in [0, 1), got ${p}`);
    }
    const init = options.init ?? "kaiming";
    if (!inits.includes(init)) {
      throw new RangeError(
        `${fn}: init must be "kaiming" or "gaussian", got ${JSON.stringify(init)}`,
      );
    }
    const seed = checkInteger(fn, "seed", options.seed ?? 0);
    checkFloats(fn, "weight", options.weight, outF * inF);
    if (options.bias !== undefined) checkFloats(fn, "bias", options.bias, outF);
    this.base = new Linear(
      { inFeatures: inF, outFeatures: outF, weight: options.weight, bias: options.bias },
      backend,
    );
    this.backend = backend;
    this.inFeatures = inF;
    this.outFeatures = outF;
    this.rank = rank;
    this.alpha = options.alpha;
    this.seed = seed;
    this.dropout = p;
    this.useRslora = options.useRslora ?? false;
    this.scaling = options.alpha / (this.useRslora ? Math.sqrt(rank) : rank);
    const rng = new Random(seed);
    this.loraA = new Float32Array(rank * inF);
    if (init === "gaussian") normal(this.loraA, 1 / rank, rng);
    else kaimingUniform(this.loraA, inF, rng);
    this.loraB = new Float32Array(outF * rank);
    this.gradA = new Float32Array(rank * inF);
    this.gradB = new Float32Array(outF * rank);
  }

  /** The frozen base weight `[O, I]` (merged with the update while `merged`). */
  get weight(): Float32Array {
    return this.base.weight;
  }

  /** The frozen base bias `[O]` or null. */
  get bias(): Float32Array | null {
    return this.base.bias;
  }

  /** True between `merge()` and `unmerge()`. */
  get merged(): boolean {
    return this.mergedState;
  }

  /**
   * y `[R, O]` = x Wᵀ + b + scaling · (dropout(x) Aᵀ) Bᵀ. `dropoutSeed` is the mask's seed
   * (null when no dropout ran). While merged the update is already inside W: one matmul, no
   * dropout, and `context` is null (unmerge() to train). With `output: false` only the context
   * is built (`x · Aᵀ`, the same dropout mask) and `output` is empty.
   */
  async forward(
    x: Float32Array,
    options: LoRAForwardOptions = {},
  ): Promise<{ output: Float32Array; context: LoRAContext | null; dropoutSeed: number | null }> {
    const fn = "LoRALinear.forward()";
    const rows = checkRows(fn, "x", x, this.inFeatures);
    if (this.mergedState) {
      // Merged (inference): the update is inside W; nothing to train, so no context is kept.
      const { output } = await this.base.forward(x, { save: false, out: options.out });
      return { output, context: null, dropoutSeed: null };
    }
    const [I, O, K] = [this.inFeatures, this.outFeatures, this.rank];
    const save = options.save !== false;
    const wanted = wantsOutput(fn, options);
    // [R, K]: a saved one lives until backward, which gives it back to `spare` for the next step.
    const xa = save ? this.spareBuffer(rows * K) : this.work(1, rows * K);
    let dropoutSeed: number | null = null;
    const dropping = this.training && this.dropout > 0;
    if (!wanted || dropping) {
      // xa = dropout(x) · Aᵀ on its own: for the context alone, or through a mask (the fused
      // step below reads x itself, unmasked).
      let xd = x;
      if (dropping) {
        dropoutSeed = options.dropoutSeed ?? mixSeed(this.seed, this.dropoutStep++);
        xd = dropout(x, this.dropout, dropoutSeed, this.work(0, rows * I)); // [R, I]
      }
      await this.backend.matmul(xd, this.loraA, xa, { m: rows, n: K, k: I, transposeB: true });
    }
    let output: Float32Array = NO_OUTPUT;
    if (wanted && !dropping) {
      // The adapter reads x itself: the backend runs x·Wᵀ, xa = x·Aᵀ and y += scaling · xa·Bᵀ
      // in one call.
      output = outputBuffer(fn, "options.out", options.out, rows * O);
      await this.backend.loraForward(this.step(rows, x, xa), output);
      if (this.bias) await this.backend.addBias(output, this.bias, rows, O);
    } else if (wanted) {
      ({ output } = await this.base.forward(x, { save: false, out: options.out }));
      await this.backend.matmul(xa, this.loraB, output, {
        ...{ m: rows, n: O, k: K },
        ...{ transposeB: true, accumulate: true, alpha: this.scaling },
      });
    }
    if (!save) return { output, context: null, dropoutSeed };
    const context = { rows, x, xa, dropoutSeed, bytes: x.byteLength + xa.byteLength };
    return { output, context, dropoutSeed };
  }

  /**
   * dx `[R, I]` = dY · W + dropout'(scaling · dY · B · A) (into `dxOut` when given, overwritten);
   * accumulates gradB += scaling · dYᵀ · xa and gradA += (scaling · dY · B)ᵀ · dropout(x). A
   * context serves one backward: its buffers go back to the layer for later forwards.
   */
  async backward(
    context: LoRAContext,
    dOutput: Float32Array,
    dxOut?: Float32Array,
  ): Promise<Float32Array> {
    const fn = "LoRALinear.backward()";
    if (this.mergedState) throw new Error(`${fn}: layer is merged; unmerge() before training`);
    const { rows, x, xa, dropoutSeed } = context;
    checkFloats(fn, "dOutput", dOutput, rows * this.outFeatures);
    const [I, O, K] = [this.inFeatures, this.outFeatures, this.rank];
    const be = this.backend;
    // xa goes back for later forwards; it is read below, before any forward can take it again.
    if (!this.spare.includes(xa)) this.spare.push(xa);
    if (dropoutSeed === null) {
      // No dropout: the backend runs the whole backward in one call.
      const dx = outputBuffer(fn, "dx", dxOut, rows * I);
      await be.loraBackward(this.step(rows, x, xa), dOutput, dx, this.gradA, this.gradB);
      return dx;
    }
    const dx = await this.base.backward({ rows, x: null, bytes: 0 }, dOutput, dxOut); // dY · W
    // gradB [O, K] += scaling · dYᵀ · xa
    await be.matmul(dOutput, xa, this.gradB, {
      ...{ m: O, n: K, k: rows, alpha: this.scaling },
      ...{ transposeA: true, accumulate: true },
    });
    // dh [R, K] = scaling · dY · B: the gradient at the adapter's bottleneck
    const dh = this.work(1, rows * K);
    await be.matmul(dOutput, this.loraB, dh, { m: rows, n: K, k: O, alpha: this.scaling });
    // gradA [K, I] += dhᵀ · dropout(x), the mask regenerated from its seed
    const xd = dropout(x, this.dropout, dropoutSeed, this.work(0, rows * I));
    await be.matmul(dh, xd, this.gradA, {
      m: K,
      n: I,
      k: rows,
      transposeA: true,
      accumulate: true,
    });
    // dx += dropout'(dh · A): the same mask and scale again (xd's scratch is free now).
    const dxd = this.work(0, rows * I);
    await be.matmul(dh, this.loraA, dxd, { m: rows, n: I, k: K });
    await be.axpy(1, dropout(dxd, this.dropout, dropoutSeed, dxd), dx);
    return dx;
  }

  /** The operands of a fused step (`Backend.loraForward` / `loraBackward`) over x and xa. */
  private step(rows: number, x: Float32Array, xa: Float32Array): LoRAStep {
    const { inFeatures, outFeatures, rank, scaling, loraA, loraB } = this;
    return {
      rows,
      inFeatures,
      outFeatures,
      rank,
      scaling,
      x,
      weight: this.weight,
      loraA,
      loraB,
      xa,
    };
  }

  /** W += scaling · B · A in place (PEFT `merge`): forward then costs one matmul. */
  async merge(): Promise<void> {
    if (this.mergedState) throw new Error("LoRALinear.merge(): already merged");
    await this.addUpdate(this.scaling);
    this.mergedState = true;
  }

  /** W −= scaling · B · A in place, restoring W within float32 round-off (PEFT `unmerge`). */
  async unmerge(): Promise<void> {
    if (!this.mergedState) throw new Error("LoRALinear.unmerge(): not merged");
    await this.addUpdate(-this.scaling);
    this.mergedState = false;
  }

  /** lora_A and lora_B with their gradients, PEFT names. */
  trainableParameters(): Parameter[] {
    return [
      {
        name: "lora_A.weight",
        value: this.loraA,
        grad: this.gradA,
        shape: [this.rank, this.inFeatures],
      },
      {
        name: "lora_B.weight",
        value: this.loraB,
        grad: this.gradB,
        shape: [this.outFeatures, this.rank],
      },
    ];
  }

  /** Set gradA and gradB to zero. */
  zeroGrad(): void {
    this.gradA.fill(0);
    this.gradB.fill(0);
  }

  /** Tell the backend the frozen weight is no longer used by this layer. */
  release(): void {
    this.base.release();
  }

  private async addUpdate(scale: number): Promise<void> {
    const { outFeatures: O, inFeatures: I, rank: K } = this;
    const shape = { m: O, n: I, k: K, accumulate: true, alpha: scale };
    await this.backend.matmul(this.loraB, this.loraA, this.base.weight, shape);
    this.backend.update(this.base.weight);
  }

  /** A saved `xa` buffer of `length` floats from those earlier backwards gave back, or a new one. */
  private spareBuffer(length: number): Float32Array {
    const i = this.spare.findIndex((b) => b.length === length);
    if (i < 0) return this.allocate(length);
    const found = this.spare[i];
    this.spare[i] = this.spare[this.spare.length - 1];
    this.spare.pop();
    return found;
  }

  /** Scratch buffer `slot` reused across calls (never part of a context; one call at a time). */
  private work(slot: 0 | 1, length: number): Float32Array {
    if (this.scratch[slot].length < length) {
      this.backend.free?.(this.scratch[slot]); // a larger batch: the old one is never read again
      this.scratch[slot] = this.allocate(length);
    }
    return this.scratch[slot].subarray(0, length);
  }

  /** `length` zeros from the backend's `allocate` when it has one (the wasm one's kernels use those in place). */
  private allocate(length: number): Float32Array {
    return this.backend.allocate?.(length) ?? new Float32Array(length);
  }
}
