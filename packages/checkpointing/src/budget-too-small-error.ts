// The error a planner throws when no schedule fits the budget; it says how much would fit.

/**
 * Thrown by `plan()` when the budget is below the least peak the strategy can reach.
 * `minimumBytes` is the smallest budget that works (for `optimal`: over every schedule).
 *
 * @example
 * ```ts
 * try { plan(chain, { strategy: "optimal", budgetBytes: 10 }); }
 * catch (error) { if (error instanceof BudgetTooSmallError) retryWith(error.minimumBytes); }
 * ```
 */
export class BudgetTooSmallError extends RangeError {
  override readonly name = "BudgetTooSmallError";
  /** The budget asked for, in bytes. */
  readonly budgetBytes: number;
  /** The least budget, in bytes, under which a schedule exists. */
  readonly minimumBytes: number;

  constructor(fn: string, budgetBytes: number, minimumBytes: number) {
    super(
      `${fn}: budgetBytes must be at least ${minimumBytes} (the least feasible peak), got ${budgetBytes}`,
    );
    this.budgetBytes = budgetBytes;
    this.minimumBytes = minimumBytes;
  }
}
