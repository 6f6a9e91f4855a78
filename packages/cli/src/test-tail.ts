// `--test`: the held-out tail `kairos finetune` scores. By default it is as many steps as the
// report's backtest uses (--folds × --horizon), but at most a fifth of the series and leaving one
// training window (in whole horizons), and never shorter than the model's prediction length (one
// test window), so a short series still holds out a whole forecast.

import { minFinetuneLength, type WindowShape } from "@kairos/train";
import { UsageError } from "./usage-error.js";

/**
 * Test steps (or fraction, passed on to `finetuneSplit`) for a series of `length` values.
 *
 * @example
 * testTail(undefined, 1260, tokenizer, { horizon: 20, folds: 5 }); // 100
 */
export function testTail(
  flag: number | undefined,
  length: number,
  tokenizer: WindowShape,
  backtest: { horizon: number; folds: number },
): number {
  const { predictionLength } = tokenizer;
  if (flag !== undefined) {
    if (flag >= 1 && flag < predictionLength) {
      throw new UsageError(
        `--test must be at least the model's prediction length ${predictionLength} steps, got ${flag}`,
      );
    }
    return flag;
  }
  const { horizon, folds } = backtest;
  const room = Math.min(length - minFinetuneLength(tokenizer), Math.floor(length / 5));
  const whole = Math.min(folds * horizon, horizon * Math.floor(Math.max(0, room) / horizon));
  return Math.max(whole, predictionLength);
}
