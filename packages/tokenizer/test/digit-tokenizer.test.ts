import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DigitTokenizer, type DigitTokenizerOptions } from "../src/digit-tokenizer.js";

interface LlmtimeCase {
  name: string;
  options: DigitTokenizerOptions;
  values: (number | null)[];
  history: (number | null)[] | null;
  state: { offset: number; scale: number };
  text: string;
  decodes: {
    label: string;
    text: string;
    ignoreLast: boolean;
    steps: number;
    values: (number | null)[];
  }[];
}

const { cases } = JSON.parse(
  readFileSync(new URL("./fixtures/llmtime_fixtures.json", import.meta.url), "utf8"),
) as { cases: LlmtimeCase[] };
const nums = (vs: (number | null)[]) => vs.map((v) => (v === null ? Number.NaN : v));

/** Equal to within a few float64 roundings of the magnitude involved, NaN equal to NaN. */
function expectClose(actual: Float64Array, expected: number[]) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (Number.isNaN(e)) expect(actual[i]).toBeNaN();
    else expect(Math.abs(actual[i] - e)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)));
  });
}

describe.each(cases.map((c) => [c.name, c]))("DigitTokenizer against LLMTime: %s", (_, c) => {
  const tok = new DigitTokenizer(c.options);
  const values = nums(c.values);

  it("encode(values) writes LLMTime's text with LLMTime's scaling", () => {
    const out =
      c.history === null
        ? tok.encode(values)
        : tok.encode(values, tok.encode(nums(c.history)).state);
    expect(out.text).toBe(c.text);
    expect(out.state).toEqual(c.state);
  });

  it.each(c.decodes.map((d) => [d.label, d]))(
    "decode(text, state) reads as LLMTime does: %s",
    (_, d) => {
      const out = tok.decode(d.text, c.state, { steps: d.steps, ignoreLast: d.ignoreLast });
      expectClose(out, nums(d.values));
    },
  );
});

describe("DigitTokenizer", () => {
  const tok = new DigitTokenizer();
  // Subnormal-sized data is left out: scaling it loses the digits the bound speaks of.
  const finite = fc
    .double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true })
    .filter((x) => x === 0 || Math.abs(x) > 1e-100);
  const series = fc.array(
    fc.oneof({ weight: 9, arbitrary: finite }, { weight: 1, arbitrary: fc.constant(Number.NaN) }),
    {
      minLength: 1,
      maxLength: 60,
    },
  );

  it("decode(encode(x)) is within half a step of the precision (× scale) of x, NaN kept", () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 0, max: 5 }), (values, precision) => {
        const t = new DigitTokenizer({ precision });
        const { text, state } = t.encode(values);
        const back = t.decode(text, state);
        expect(back.length).toBe(values.length);
        const bound = 0.5 * 10 ** -precision * state.scale;
        values.forEach((x, i) => {
          if (Number.isNaN(x)) expect(back[i]).toBeNaN();
          else {
            const slack = 1e-9 * (Math.abs(x) + Math.abs(state.offset) + state.scale);
            expect(Math.abs(back[i] - x)).toBeLessThanOrEqual(bound + slack);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it("decode(encode(target, state)) keeps the bound for a target scaled by its context, negative values too", () => {
    fc.assert(
      fc.property(series, series, (context, target) => {
        const { state } = tok.encode(context);
        fc.pre(target.every((x) => !(Math.abs((x - state.offset) / state.scale) > 1e7))); // maxValue
        const { text } = tok.encode(target, state);
        const back = tok.decode(text, state, { steps: target.length });
        target.forEach((x, i) => {
          if (Number.isNaN(x)) expect(back[i]).toBeNaN();
          else
            expect(Math.abs(back[i] - x)).toBeLessThanOrEqual(
              0.0005 * state.scale * (1 + 1e-9) + 1e-9 * Math.abs(x),
            );
        });
      }),
      { numRuns: 200 },
    );
  });

  it("decode(text) never throws on arbitrary text, and gives finite values or NaN", () => {
    const { state } = tok.encode([1, 2, 3]);
    const pieces = fc.constantFrom(
      " ,",
      " ",
      " -",
      "-",
      "1",
      "7",
      "0",
      "Nan",
      " Nan",
      ",",
      "x",
      "",
      "  ",
      "9 9",
      "..",
    );
    const text = fc.oneof(
      fc.string(),
      fc.array(pieces, { maxLength: 40 }).map((p) => p.join("")),
    );
    fc.assert(
      fc.property(
        text,
        fc.option(fc.integer({ min: 0, max: 50 })),
        fc.boolean(),
        (t, steps, ignoreLast) => {
          const out = tok.decode(t, state, steps === null ? { ignoreLast } : { steps, ignoreLast });
          if (steps !== null) expect(out.length).toBe(steps);
          for (const v of out) expect(Number.isNaN(v) || Number.isFinite(v)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("decode(text) makes a value with no digits, an unknown sign or the missing token NaN", () => {
    const state = { offset: 0, scale: 1 };
    const out = tok.decode(" 1 2 , abc , Nan , - , 4 x 5 , + 3 ,", state);
    expectClose(out, [0.0125, Number.NaN, Number.NaN, Number.NaN, 0.0045, Number.NaN]);
  });

  it("decode(text, state, { steps }) pads a short prediction with its last value and cuts a long one", () => {
    const state = { offset: 10, scale: 2 };
    expectClose(tok.decode(" 1 , 2 ,", state, { steps: 4 }), [10.003, 10.005, 10.005, 10.005]);
    expectClose(tok.decode(" 1 , 2 , 3 ,", state, { steps: 1 }), [10.003]);
    expect(Array.from(tok.decode("", state, { steps: 2 }))).toEqual([Number.NaN, Number.NaN]);
  });

  it("encode(values) writes digits without leading zeros, signs and the missing token", () => {
    // -1.25 is "1 2 4 9", not "1 2 5 0": LLMTime peels digits off by float subtraction
    // (0.25 - 0.2 = 0.04999…) and serialize_arr writes exactly this text.
    const { text } = tok.encode([0.5, -1.25, Number.NaN, 0, 12], { offset: 0, scale: 1 });
    expect(text).toBe(" 5 0 0 , - 1 2 4 9 , Nan , 0 , 1 2 0 0 0 ,");
  });

  it("encode(values) gives ids that spell its text, one a symbol, mask 0 at a missing value", () => {
    const t = new DigitTokenizer({ plusSign: " +", digitSeparator: "" });
    const { text, ids, mask, state, scale } = t.encode([1.5, -0.5, Number.NaN], {
      offset: 0,
      scale: 1,
    });
    expect(text).toBe(" +1500 , -500 , Nan ,");
    const [sep, minus, plus, nan] = [12, 13, 14, 15];
    const d = (...digits: number[]) => digits.map((x) => 2 + x);
    expect(Array.from(ids)).toEqual([
      plus,
      ...d(1, 5, 0, 0),
      sep,
      minus,
      ...d(5, 0, 0),
      sep,
      nan,
      sep,
    ]);
    expect(Array.from(mask)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1]);
    expect(scale).toEqual(state);
    expect(tok.encode([]).ids).toEqual(Int32Array.of(sep)); // the text's lone separator
  });

  it("decode(ids, state) reads ids as their text: PAD skipped, EOS ends, an unknown id throws", () => {
    const history = [101.5, 102.25, Number.NaN, 99, 97.5];
    const { text, ids, state } = tok.encode(history);
    expect(tok.decode(ids, state)).toEqual(tok.decode(text, state));
    expect(tok.decode([0, ...ids, 1, 2 + 9, 12], state)).toEqual(tok.decode(text, state));
    expect(tok.decode(Array.from(ids), state, { steps: 2 })).toEqual(
      tok.decode(text, state, { steps: 2 }),
    );
    expect(() => tok.decode([3, 16], state)).toThrow(
      "decode(): ids[1] must be an integer in [0, 16), got 16",
    );
  });

  it("encode(values) with nothing observed uses the identity scaling", () => {
    expect(tok.encode([Number.NaN, Number.NaN])).toMatchObject({
      text: " Nan , Nan ,",
      state: { offset: 0, scale: 1 },
    });
    expect(tok.encode([]).text).toBe(" ,");
  });

  it("new DigitTokenizer(options) rejects bad options, naming them", () => {
    const bad: [object, RegExp][] = [
      [{ precision: -1 }, /precision must be an integer in \[0, 15\], got -1/],
      [{ alpha: 0 }, /alpha must be in \(0, 1\], got 0/],
      [{ alpha: 1.5 }, /alpha must be in \(0, 1\]/],
      [{ beta: -0.1 }, /beta must be >= 0, got -0.1/],
      [{ beta: Infinity }, /beta must be a finite number, got Infinity/],
      [{ maxValue: 1e13 }, /maxValue must be > 0 with maxValue \* 10\^precision <= 2\^53/],
      [{ valueSeparator: "" }, /valueSeparator must not be empty/],
      [{ minusSign: "1" }, /minusSign must hold no digit, got "1"/],
      [{ plusSign: " -+", minusSign: " -" }, /plusSign must not start with minusSign/],
    ];
    for (const [options, message] of bad)
      expect(() => new DigitTokenizer(options)).toThrow(message);
    expect(() => new DigitTokenizer({ digitSeparator: 1 as unknown as string })).toThrow(TypeError);
    expect(() => new DigitTokenizer({ sep: "," } as object)).toThrow(
      /unknown option "sep"; valid options: precision/,
    );
  });

  it("encode(values) and decode(text, state) reject bad arguments, naming them", () => {
    expect(() => tok.encode(5 as unknown as number[])).toThrow(
      /values must be an array of numbers/,
    );
    expect(() => tok.encode([1, Infinity])).toThrow(
      /values\[1\] must be finite or NaN, got Infinity/,
    );
    expect(() => tok.encode([1, 2], { offset: 0, scale: 1e-9 })).toThrow(
      /values\[0\] scales to 999999999.9+, beyond maxValue 10000000/,
    );
    expect(() => tok.encode([1], { offset: 0, scale: 0 })).toThrow(
      /state.scale must be > 0, got 0/,
    );
    expect(() => tok.decode(5 as unknown as string, { offset: 0, scale: 1 })).toThrow(
      /text must be a string, got 5/,
    );
    expect(() => tok.decode("1", null as unknown as { offset: 0; scale: 1 })).toThrow(
      /state must be/,
    );
    expect(() => tok.decode("1", { offset: 0, scale: 1 }, { steps: -1 })).toThrow(
      /steps must be an integer >= 0, got -1/,
    );
  });
});
