// Page entry: a suite whose outcomes are known, run through the in-page vitest stand-in, so the
// Node side can check that the stand-in reports failures and skips, not only passes.
import { describe, expect, it, runRegistered } from "../harness/vitest-shim";

describe.each([{ name: "row" }])("$name suite", ({ name }) => {
  it("passes on equal values", () => expect(name).toBe("row"));
  it("fails on toBe", () => expect(1).toBe(2));
  it("fails on toBeLessThanOrEqual", () => expect(1.5).toBeLessThanOrEqual(1));
  it("fails on toEqual of arrays", () => expect([1, 2]).toEqual([1, 3]));
  it("fails when a promise resolves instead of rejecting", async () => {
    await expect(async () => undefined).rejects.toThrow(/x/);
  });
  it("passes when a promise rejects as expected", async () => {
    await expect(async () => {
      throw new RangeError("matmul(): a must hold");
    }).rejects.toThrow(/a must hold/);
  });
  it.each([1, 3])("passes with %i", (n) => expect(n % 2).toBe(1));
});
describe.skipIf(true)("skipped suite", () => {
  it("never runs", () => expect(1).toBe(2));
});

declare global {
  interface Window {
    kairosShimCheck(): ReturnType<typeof runRegistered>;
  }
}
window.kairosShimCheck = runRegistered;
