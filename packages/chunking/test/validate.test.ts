import { describe, expect, it } from "vitest";
import { checkInteger, checkSeries, show } from "../src/validate.js";

describe("validate", () => {
  it("show(value) formats what came for an error message", () => {
    expect([show("a"), show(-3), show(Number.NaN), show(null), show(undefined)]).toEqual([
      '"a"',
      "-3",
      "NaN",
      "null",
      "undefined",
    ]);
    expect(show([1, 2])).toBe("an array of length 2");
    expect(show(new Int8Array(2))).toBe("object [object Int8Array]");
  });

  it("checkInteger(fn, name, value, min) throws RangeError for numbers, TypeError otherwise", () => {
    expect(checkInteger("f", "n", 0, 0)).toBe(0);
    expect(() => checkInteger("f", "n", -1, 0)).toThrow(
      new RangeError("f(): n must be an integer >= 0, got -1"),
    );
    expect(() => checkInteger("f", "n", Number.NaN)).toThrow(
      new RangeError("f(): n must be a positive integer, got NaN"),
    );
    expect(() => checkInteger("f", "n", undefined)).toThrow(
      new TypeError("f(): n must be a positive integer, got undefined"),
    );
  });

  it("checkSeries(fn, series) keeps typed arrays and copies plain arrays once", () => {
    const f32 = new Float32Array(3);
    expect(checkSeries("f", f32)).toBe(f32);
    const copied = checkSeries("f", [1, Number.NaN]);
    expect(copied).toBeInstanceOf(Float64Array);
    expect([...copied]).toEqual([1, Number.NaN]);
    expect(() => checkSeries("f", "abc")).toThrow(
      'f(): series must be a Float32Array, Float64Array or array of numbers, got "abc"',
    );
  });
});
