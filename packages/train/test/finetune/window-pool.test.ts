import { windows } from "@kairos/chunking";
import { describe, expect, it } from "vitest";
import { windowPool } from "../../src/finetune/window-pool.js";

const w = (n: number) =>
  windows(
    Float64Array.from({ length: n }, (_, i) => i),
    { contextLength: 2, predictionLength: 1 },
  );

describe("windowPool", () => {
  it("windowPool([a, empty, b]) indexes a's windows, then b's, without copies", () => {
    const a = w(5); // 3 windows
    const b = w(4); // 2 windows
    const empty = { length: 0, at: () => a.at(0) };
    const pool = windowPool([a, empty, b]);
    expect(pool.length).toBe(5);
    expect([0, 1, 2, 3, 4].map((i) => pool.at(i).targetStart)).toEqual([2, 3, 4, 2, 3]);
    expect(pool.at(3).context).toEqual(b.at(0).context);
    expect(windowPool([a])).toBe(a);
    expect(() => pool.at(5)).toThrow("windowPool.at(): index must be an integer in [0, 5), got 5");
  });
});
