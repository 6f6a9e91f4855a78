// The contract between the executor and a model's pieces: a stage with an explicit forward that
// may keep a context, and a backward that consumes it (the Layer contract of ARCHITECTURE.md).

/** What `execute()` passes to a stage's forward. */
export interface StageForwardOptions {
  /** `true`: return in `context` everything `backward` needs beyond the input. `false`: keep nothing. */
  readonly save: boolean;
  /**
   * `false` (a `forward-context` operation, always with `save`): nobody reads the output, so the
   * stage may skip building it and return `output: undefined`; only the context matters. Stages
   * of a chain that declares `contextForwardCost` must honour it (the planner counts no output
   * bytes there); others may ignore it, and an output they return anyway is handed to `release`.
   */
  readonly output: boolean;
  /**
   * `true` (a `forward-save-lean` operation, with `save`): keep only the lean context the chain's
   * `leanContextBytes` counts; `backward` rebuilds the rest from the input. Absent otherwise.
   */
  readonly lean?: boolean;
  /**
   * The stage's random stream for this step, uniform in [0, 1): the same sequence on every
   * recomputation of the stage. A stage must draw all its randomness (dropout) from it.
   */
  readonly rng: () => number;
}

/** What a stage's forward returns. */
export interface StageForwardResult<Output = unknown, Context = unknown> {
  /** The stage's output `a[s + 1]`, the next stage's input; may be undefined with `output: false`. */
  readonly output: Output | undefined;
  /** With `save: true`, what `backward` needs beyond the input (weighs `contextBytes[s]`). */
  readonly context?: Context;
}

/**
 * One stage of a chain, for `execute()`. Either method may return a value or a promise.
 *
 * - `forward(input, { save, rng })` computes the output; with `save` it also returns the
 *   context its backward needs. It may run several times a step (recomputation): given the same
 *   input and `rng` stream it must return the same output.
 * - `backward(context, input, gradOutput)` accumulates parameter gradients (`+=`) and returns
 *   the gradient of the input. It runs once a step, stages in reverse order. For the last stage
 *   `gradOutput` is `execute()`'s `outputGradient`, `undefined` when none is given (a loss stage
 *   then seeds its own gradient).
 *
 * @example
 * ```ts
 * const double: Stage<number, number, null, number, number> = {
 *   forward: (x, { save }) => ({ output: 2 * x, context: save ? null : undefined }),
 *   backward: (_context, _x, dy) => 2 * dy,
 * };
 * ```
 */
export interface Stage<
  Input = unknown,
  Output = unknown,
  Context = unknown,
  InputGradient = unknown,
  OutputGradient = unknown,
> {
  forward(
    input: Input,
    options: StageForwardOptions,
  ): StageForwardResult<Output, Context> | Promise<StageForwardResult<Output, Context>>;
  backward(
    context: Context,
    input: Input,
    gradOutput: OutputGradient,
  ): InputGradient | Promise<InputGradient>;
  /**
   * Optional: `execute()` hands back a value this stage returned once it will not read it again —
   * an output after the schedule frees it or the next stage's backward has consumed it, an input
   * gradient after the previous stage's backward has consumed it. Never the chain's final output
   * or input gradient, which go to the caller. A stage that pools its buffers reuses them from
   * here, so a steady-state step allocates nothing.
   */
  release?(value: Output | InputGradient): void;
}
