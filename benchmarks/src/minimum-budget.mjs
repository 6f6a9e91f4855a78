// The least activation budget any schedule of a chain fits in: what `optimal` reports as
// BudgetTooSmallError.minimumBytes when asked for nothing (it weighs bytes only, not costs).
import { BudgetTooSmallError, plan } from "@kairos/checkpointing";

/** Least feasible `budgetBytes` of `chain` for the "optimal" strategy. */
export function minimumBudget(chain) {
  try {
    plan(chain, { strategy: "optimal", budgetBytes: 0 });
    return 0;
  } catch (error) {
    if (!(error instanceof BudgetTooSmallError)) throw error;
    return error.minimumBytes;
  }
}
