// The windows of one part (train or validation) of several series as one indexable list, so a
// fine-tune over many series draws a window uniformly among all of them — each series weighs as
// many windows as it holds — and thins validation windows evenly across them. One series is its
// own windows, index for index.

import type { Window } from "@kairos/chunking";

/** A list of windows: `length` and `at(i)`, as a `WindowSequence` has. */
export interface WindowList {
  readonly length: number;
  at(index: number): Window;
}

/**
 * The concatenation of `lists`, without copying a window.
 *
 * @example
 * const all = windowPool(splits.map((s) => s.train.windows));
 * all.at(rng.int(all.length));
 */
export function windowPool(lists: readonly WindowList[]): WindowList {
  if (lists.length === 1) return lists[0];
  const starts: number[] = [];
  let length = 0;
  for (const l of lists) {
    starts.push(length);
    length += l.length;
  }
  return {
    length,
    at(index: number): Window {
      if (!(Number.isInteger(index) && index >= 0 && index < length)) {
        throw new RangeError(
          `windowPool.at(): index must be an integer in [0, ${length}), got ${index}`,
        );
      }
      let k = lists.length - 1;
      while (starts[k] > index) k--;
      return lists[k].at(index - starts[k]);
    },
  };
}
