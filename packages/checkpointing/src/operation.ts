// The operations a schedule is made of, after Rotor (Beaumont et al. 2019): Fₙ, F_ck, F_all, B,
// plus an explicit free. Their memory effect is documented on `Chain`.

/**
 * One step of a schedule over a chain of `n` stages (stage `s` maps `a[s]` to `a[s + 1]`).
 *
 * - `forward` (Rotor Fₙ): runs stage `s` without saving; frees its input `a[s]` afterwards.
 * - `forward-checkpoint` (F_ck): runs stage `s` without saving; keeps `a[s]` as a checkpoint.
 * - `forward-save` (F_all): runs stage `s` in saving mode; keeps `a[s]` (a checkpoint too) and
 *   the context `c[s]`.
 * - `forward-save-lean`: as `forward-save`, keeping the lean context `c'[s]` instead; the
 *   backward rebuilds the rest (see "Lean contexts" on `Chain`).
 * - `forward-context`: runs stage `s` in saving mode for its context alone, right before its
 *   backward (`δ[s + 1]` is alive); builds no output; keeps `a[s]` and `c[s]`. Not for the last
 *   stage, whose output goes to the caller (see "Context forwards" on `Chain`).
 * - `backward` (B): consumes `a[s]`, `c[s]` and `δ[s + 1]`, produces `δ[s]`.
 * - `free`: drops the activation `a[activation]`, which must not be a checkpoint.
 *
 * A checkpoint stays until the backward of its stage (see `Chain` for the full accounting).
 *
 * @example
 * ```ts
 * // one stage, no recomputation
 * const ops: Operation[] = [{ type: "forward-save", stage: 0 }, { type: "backward", stage: 0 }];
 * ```
 */
export type Operation =
  | { readonly type: "forward"; readonly stage: number }
  | { readonly type: "forward-checkpoint"; readonly stage: number }
  | { readonly type: "forward-save"; readonly stage: number }
  | { readonly type: "forward-save-lean"; readonly stage: number }
  | { readonly type: "forward-context"; readonly stage: number }
  | { readonly type: "backward"; readonly stage: number }
  | { readonly type: "free"; readonly activation: number };

/** The `type` of every operation, in the order documented on `Operation`. */
export const operationTypes = [
  "forward",
  "forward-checkpoint",
  "forward-save",
  "forward-save-lean",
  "forward-context",
  "backward",
  "free",
] as const;

/** Names an operation for error messages: `forward-save(3)`, `free(a[2])`. */
export function describeOperation(op: Operation): string {
  return op.type === "free" ? `free(a[${op.activation}])` : `${op.type}(${op.stage})`;
}
