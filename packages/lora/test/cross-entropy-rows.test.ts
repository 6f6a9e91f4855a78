// The naive cross-entropy kernel against values worked out by hand (softmax of [0, ln 3] is
// [1/4, 3/4]), and its argument check.
import { describe, expect, it } from "vitest";
import { checkCrossEntropyRows, naiveCrossEntropyRows } from "../src/cross-entropy-rows";

describe("naiveCrossEntropyRows", () => {
  // Row 0: [0, ln 3] labelled 0; row 1 ignored; row 2: row 0 shifted by +1000, labelled 1.
  const logits0 = Float32Array.from([0, Math.log(3), 5, -5, 1000, 1000 + Math.log(3)]);
  const labels = Int32Array.from([0, -100, 1]);

  it("naiveCrossEntropyRows(logits, labels, lse, rows, vocab) writes log-sum-exps and returns the loss sum", () => {
    const lse = new Float32Array(3);
    const sum = naiveCrossEntropyRows(logits0.slice(), labels, lse, 3, 2);
    expect(lse[0]).toBeCloseTo(Math.log(4), 6);
    expect(lse[1]).toBeCloseTo(5 + Math.log(1 + Math.exp(-10)), 6);
    expect(lse[2]).toBeCloseTo(1000 + Math.log(4), 3); // no overflow: through the row's max
    // −ln(1/4) for row 0, −ln(3/4) for row 2; the ignored row adds nothing.
    expect(sum).toBeCloseTo(Math.log(4) - Math.log(3 / 4), 3);
  });

  it("naiveCrossEntropyRows(..., gradScale) overwrites logits with gradScale · (softmax − onehot)", () => {
    const logits = logits0.slice();
    const lse = new Float32Array(3);
    naiveCrossEntropyRows(logits, labels, lse, 3, 2);
    naiveCrossEntropyRows(logits, labels, lse, 3, 2, 2);
    const want = [2 * (1 / 4 - 1), 2 * (3 / 4), 0, 0, 2 * (1 / 4), 2 * (3 / 4 - 1)];
    for (let i = 0; i < 6; i++) expect(logits[i]).toBeCloseTo(want[i], 3);
  });

  it("checkCrossEntropyRows(...) names a bad label, a short buffer and a bad vocab", () => {
    const [logits, lse] = [new Float32Array(6), new Float32Array(3)];
    const check =
      (y: Int32Array, vocab = 2, gradScale?: number) =>
      () =>
        checkCrossEntropyRows("f()", logits, y, lse, 3, vocab, gradScale);
    expect(check(Int32Array.from([0, -1, 1]))).toThrow(
      /f\(\): labels must be in \[0, 2\) or -100, got -1 at row 1/,
    );
    expect(check(Int32Array.from([0, 1]))).toThrow(/labels must hold at least 3 labels, got 2/);
    expect(check(labels, 3)).toThrow(/logits must hold at least 9 floats/);
    expect(check(labels, 0)).toThrow(/vocab must be a positive integer, got 0/);
    expect(check(labels, 2, Number.POSITIVE_INFINITY)).toThrow(/gradScale must be a finite number/);
    expect(check(labels)).not.toThrow();
  });
});
