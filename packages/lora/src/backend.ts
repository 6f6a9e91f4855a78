// The Backend contract: the few kernels LoRA layers (and the trainer's matmuls) need.
// Every backend (reference TypeScript, wasm SIMD, gpu.js) implements it and must agree with
// `reference` within float32 tolerance; the conformance suite in test/ checks that.
// Legend: M, N, K are the matmul dimensions; all buffers are row-major Float32Array. Attention:
// B sequences, Tq query and Tk key positions, Tkv key/value rows a sequence (≥ Tk), H query heads,
// KV key/value heads, D head size.

/** Names accepted by `createBackend`. `auto` picks the fastest available and reports which. */
export type BackendName = "reference" | "wasm" | "gpu" | "auto";

/** Shape and flags of one matmul: `out[M,N] (+)= alpha · op(a) · op(b)`. */
export interface MatmulShape {
  /** Rows of op(a) and of out. */
  m: number;
  /** Columns of op(b) and of out. */
  n: number;
  /** Shared dimension. */
  k: number;
  /** When true, `a` is stored `[K, M]` and used transposed; otherwise `a` is `[M, K]`. */
  transposeA?: boolean;
  /** When true, `b` is stored `[N, K]` (PyTorch `nn.Linear` weight layout) and used transposed; otherwise `b` is `[K, N]`. */
  transposeB?: boolean;
  /** When true, add into `out` instead of overwriting it. */
  accumulate?: boolean;
  /** Scalar multiplier on the product (default 1). */
  alpha?: number;
}

/**
 * The operands of one LoRA layer step (`LoRALinear` without dropout): x `[rows, inFeatures]`,
 * the frozen weight `[outFeatures, inFeatures]`, lora_A `[rank, inFeatures]`, lora_B
 * `[outFeatures, rank]`, and xa = x·Aᵀ `[rows, rank]`, written by the forward and read by the
 * backward.
 */
export interface LoRAStep {
  rows: number;
  inFeatures: number;
  outFeatures: number;
  rank: number;
  scaling: number;
  x: Float32Array;
  weight: Float32Array;
  loraA: Float32Array;
  loraB: Float32Array;
  xa: Float32Array;
}

/**
 * Sizes and masking of one attention call (`Backend.attentionForward`/`attentionBackward`):
 * query head h reads key/value head ⌊h / (H / KV)⌋ (grouped-query attention, Llama's
 * `repeat_kv`; KV = H for plain multi-head attention, as T5's).
 */
export interface AttentionShape {
  B: number;
  Tq: number;
  Tk: number;
  H: number;
  /** Key/value heads; divides H. */
  KV: number;
  D: number;
  /** Rows a sequence in k and v (default Tk): the first Tk are attended (a decoding cache). */
  Tkv?: number;
  /** Query i reads keys j ≤ i only. */
  causal: boolean;
  /** Multiplies q·kᵀ before the bias: 1/√D for Llama, 1 for T5 (folded into its weights). */
  scale: number;
  /**
   * A padded key stays visible to its own query (Llama's kernel here: a padded row attends to
   * itself). Without it (T5), padded keys are hidden from every query.
   */
  keepSelf?: boolean;
}

/**
 * The operands of one attention call: q `[B·Tq, H·D]`, k and v `[B·Tkv, KV·D]`, lse `[B, H, Tq]`
 * (each row's log-sum-exp of its scores, written by the forward and read by the backward),
 * keyMask `[B·Tk]` (1 = a real key; null: all real) and bias `[H, Tq, Tk]` added to the scaled
 * scores (T5's position bias; null: none).
 */
export interface AttentionStep extends AttentionShape {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  lse: Float32Array;
  keyMask: Uint8Array | null;
  bias: Float32Array | null;
}

/** A value or a promise of it: kernels may complete synchronously (reference) or not (workers, GPU). */
export type Awaitable<T> = T | Promise<T>;

/**
 * The kernel interface. Buffers are caller-owned (some may come from `allocate`); kernels
 * never keep a reference to them except buffers passed to `retain` (frozen weights a backend
 * may keep resident on its device or inside its WebAssembly memory until `update` or
 * `release`).
 */
export interface Backend {
  /** Which implementation runs, e.g. `"reference"`, `"wasm"`, `"gpu:webgl2"`. */
  readonly name: string;
  /** out[M,N] (+)= alpha · op(a)[M,K] · op(b)[K,N]. */
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, shape: MatmulShape): Awaitable<void>;
  /** x[r, c] += bias[c] for x `[rows, cols]`, in place. */
  addBias(x: Float32Array, bias: Float32Array, rows: number, cols: number): Awaitable<void>;
  /** out[c] (+)= Σ_r x[r, c] for x `[rows, cols]` (column sums: bias gradients). */
  sumRows(
    x: Float32Array,
    rows: number,
    cols: number,
    out: Float32Array,
    accumulate?: boolean,
  ): Awaitable<void>;
  /** y += alpha · x, elementwise, in place. */
  axpy(alpha: number, x: Float32Array, y: Float32Array): Awaitable<void>;
  /** out = a ⊙ b, elementwise (`out` may alias `a` or `b`). */
  mul(a: Float32Array, b: Float32Array, out: Float32Array): Awaitable<void>;
  /** out = alpha · x, elementwise (`out` may alias `x`). */
  scale(x: Float32Array, alpha: number, out: Float32Array): Awaitable<void>;
  /**
   * The forward of a LoRA layer in one call: xa = x·Aᵀ and out `[rows, outFeatures]` =
   * x·Wᵀ + scaling · xa·Bᵀ (the matmuls `LoRALinear` would make, fused where a backend can).
   */
  loraForward(step: LoRAStep, out: Float32Array): Awaitable<void>;
  /**
   * The backward of a LoRA layer in one call, with dh = scaling · dOutput·B `[rows, rank]`:
   * dx `[rows, inFeatures]` = dOutput·W + dh·A, gradB += scaling · dOutputᵀ·xa,
   * gradA += dhᵀ·x.
   */
  loraBackward(
    step: LoRAStep,
    dOutput: Float32Array,
    dx: Float32Array,
    gradA: Float32Array,
    gradB: Float32Array,
  ): Awaitable<void>;
  /**
   * Softmax cross-entropy over `rows` rows of logits `[rows, vocab]` against labels `[rows]`
   * (−100: the row is ignored), in two modes, as a chunked loss calls it:
   * - forward (no `gradScale`): writes lse[r] = log Σ_v exp(logits[r, v]) for every row;
   *   logits are only read;
   * - backward (`gradScale` given): reads lse from the forward and overwrites logits, in place,
   *   with dlogits = gradScale · (softmax − onehot(label)); ignored rows become zeros.
   *
   * Either way returns the sum of the rows' losses, Σ (lse[r] − logits[r, label[r]]) over rows
   * not ignored. A label outside [0, vocab) other than −100 throws a RangeError. The naive
   * kernel is `naiveCrossEntropyRows`.
   *
   * @example
   * const sum = await backend.crossEntropyRows(logits, labels, lse, rows, vocab);
   * // … recompute the same logits …
   * await backend.crossEntropyRows(logits, labels, lse, rows, vocab, 1 / count); // dlogits
   */
  crossEntropyRows(
    logits: Float32Array,
    labels: Int32Array,
    lse: Float32Array,
    rows: number,
    vocab: number,
    gradScale?: number,
  ): Awaitable<number>;
  /**
   * Attention forward: out `[B·Tq, H·D]` (overwritten) = softmax(scale · q·kᵀ + bias + mask)·v per
   * head, and lse[b, h, i] = log Σ_j exp(score) over the keys row i sees. Key j is visible to
   * query i when it is real (keyMask, or j = i with `keepSelf`) and, if causal, j ≤ i. A row
   * with no visible key attends uniformly to all Tk keys with lse = log Tk (HF's `finfo.min`
   * mask: every score equal). The naive kernel is `naiveAttentionForward`.
   *
   * @example
   * const step = { B, Tq: T, Tk: T, H, KV, D, causal: true, scale: 1 / Math.sqrt(D), keepSelf: true,
   *   q, k, v, lse, keyMask, bias: null };
   * await backend.attentionForward(step, out);
   */
  attentionForward(step: AttentionStep, out: Float32Array): Awaitable<void>;
  /**
   * Attention backward from the forward's lse (probabilities recomputed, FlashAttention's
   * trade; renormalised to sum 1): accumulates (+=) dq `[B·Tq, H·D]`, dk and dv `[B·Tkv, KV·D]` (first Tk rows a
   * sequence) and, when given, dBias `[H, Tq, Tk]` summed over sequences, from dOut
   * `[B·Tq, H·D]`. A row with no visible key passes gradient to v only. The naive kernel is
   * `naiveAttentionBackward`.
   */
  attentionBackward(
    step: AttentionStep,
    dOut: Float32Array,
    dq: Float32Array,
    dk: Float32Array,
    dv: Float32Array,
    dBias: Float32Array | null,
  ): Awaitable<void>;
  /**
   * RMSNorm over rows (Llama's `LlamaRMSNorm`, T5's `T5LayerNorm`): out `[rows, cols]`
   * (overwritten) = weight `[cols]` ⊙ x · rstd, with rstd[r] = 1 / √(mean(x[r]²) + eps) written
   * for the backward. The naive kernel is `naiveRmsNormForward`.
   *
   * @example
   * await backend.rmsNormForward(out, rstd, x, weight, rows, cols, 1e-6);
   */
  rmsNormForward(
    out: Float32Array,
    rstd: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rows: number,
    cols: number,
    eps: number,
  ): Awaitable<void>;
  /**
   * RMSNorm backward from the forward's rstd: accumulates (+=) dx `[rows, cols]` and, when given,
   * dweight `[cols]` from dOut `[rows, cols]`. The weight gradient is summed in an order that
   * depends on the sizes only, so a run repeats bit for bit. The naive kernel is
   * `naiveRmsNormBackward`.
   */
  rmsNormBackward(
    dx: Float32Array,
    dweight: Float32Array | null,
    dOut: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rstd: Float32Array,
    rows: number,
    cols: number,
  ): Awaitable<void>;
  /**
   * SwiGLU (Llama's MLP gate): out[i] = silu(gate[i]) · up[i], silu(g) = g / (1 + e^−g), over
   * `length` elements. The naive kernel is `naiveSwigluForward`.
   */
  swigluForward(
    out: Float32Array,
    gate: Float32Array,
    up: Float32Array,
    length: number,
  ): Awaitable<void>;
  /**
   * SwiGLU backward: overwrites dgate and dup (`length` each) from dOut, gate and up. The naive
   * kernel is `naiveSwigluBackward`.
   */
  swigluBackward(
    dgate: Float32Array,
    dup: Float32Array,
    dOut: Float32Array,
    gate: Float32Array,
    up: Float32Array,
    length: number,
  ): Awaitable<void>;
  /**
   * `length` floats, zero-filled, where this backend's kernels read and write them in place: the
   * wasm backend (with threads) hands out a view on its WebAssembly memory, so operands and
   * outputs made this way cross into and out of it with no copy. Elsewhere a plain
   * Float32Array. Optional: where absent, use `new Float32Array(length)`.
   *
   * @example
   * const x = backend.allocate?.(rows * inFeatures) ?? new Float32Array(rows * inFeatures);
   * // … fill x, use it in any kernel, as often as needed …
   * backend.free?.(x);
   */
  allocate?(length: number): Float32Array;
  /** Gives back an array from `allocate`; it must not be used afterwards. */
  free?(array: Float32Array): void;
  /** Promise that `buffer` will not change until `update`/`release`: the backend may keep a resident copy. */
  retain(buffer: Float32Array): void;
  /** The contents of a retained buffer changed (merge/unmerge): refresh any resident copy. */
  update(buffer: Float32Array): void;
  /** Forget a retained buffer and free its resident copy. */
  release(buffer: Float32Array): void;
  /** Free every resource (workers, GPU memory). The backend is unusable afterwards. */
  dispose(): Awaitable<void>;
}
