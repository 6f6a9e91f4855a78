import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fitEts } from "../src/metrics/ets-fit.js";
import { etsForecast, etsQuantiles } from "../src/metrics/ets-forecast.js";
import { etsInitialStates } from "../src/metrics/ets-initial-states.js";
import { etsSmooth } from "../src/metrics/ets-smooth.js";
import { nelderMead } from "../src/metrics/nelder-mead.js";
import { QUANTILE_LEVELS } from "../src/metrics/quantile-forecast.js";

/** statsmodels ETSModel fits written by fixtures/make_ets_fixture.py. */
interface EtsCase {
  name: string;
  series: number[];
  season: number;
  seasonal: boolean;
  initial: { level: number; trend: number; seasonal: number[] };
  params: { alpha: number; beta: number; gamma: number; phi: number };
  sse: number;
  mse: number;
  fitted: number[];
  forecast: number[];
  variance: number[];
  levels: number[];
  quantiles: number[][];
}
const fixture: { horizon: number; cases: EtsCase[] } = JSON.parse(
  readFileSync(new URL("./fixtures/ets_fixture.json", import.meta.url), "utf8"),
);

const closeAll = (got: ArrayLike<number>, want: number[], rel: number) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want[i])));
  }
};

const states = (c: EtsCase) => ({
  level: c.initial.level,
  trend: c.initial.trend,
  seasonal: Float64Array.from(c.initial.seasonal),
});

describe.each(fixture.cases)("ETS against statsmodels ETSModel: $name", (c) => {
  const y = Float64Array.from(c.series);
  const m = c.seasonal ? c.season : 1;

  it("etsInitialStates(y, season) equals statsmodels' heuristic initial states", () => {
    const s = etsInitialStates(y, m);
    closeAll([s.level, s.trend], [c.initial.level, c.initial.trend], 1e-10);
    closeAll(s.seasonal, c.initial.seasonal, 1e-10);
  });

  it("etsSmooth(y, params, initial) gives statsmodels' fitted values and SSE at its parameters", () => {
    const s = etsSmooth(y, c.params, states(c));
    closeAll(s.fitted, c.fitted, 1e-10);
    expect(Math.abs(s.sse - c.sse)).toBeLessThanOrEqual(1e-10 * c.sse);
  });

  it("etsQuantiles(y, params, initial, ...) gives statsmodels' forecasts and intervals at its parameters", () => {
    const f = etsQuantiles(y, c.params, states(c), fixture.horizon, c.levels);
    closeAll(f.median, c.forecast, 1e-10);
    f.quantiles.forEach((q, i) => {
      closeAll(q, c.quantiles[i], 1e-9);
    });
  });

  it("fitEts(y, season) fits at least as well as statsmodels (SSE within 1e-6)", () => {
    const fit = fitEts(y, c.season);
    expect(fit.kind).toBe(c.seasonal ? "A,Ad,A" : "A,Ad,N");
    expect(fit.sse).toBeLessThanOrEqual(c.sse * (1 + 1e-6));
    expect(fit.mse).toBeCloseTo(fit.sse / y.length, 12);
  });
});

describe("etsForecast", () => {
  it("etsForecast(context, horizon, season) returns the fitted model's forecast, median = point", () => {
    const c = fixture.cases[0];
    const y = Float64Array.from(c.series);
    const fit = fitEts(y, c.season);
    const f = etsForecast(y, 6, c.season);
    const want = etsQuantiles(y, fit.params, fit.initial, 6, QUANTILE_LEVELS);
    closeAll(f.median, Array.from(want.median), 0);
    expect(f.quantiles[4]).toEqual(f.median);
    for (let h = 0; h < 6; h++)
      for (let i = 1; i < 9; i++) expect(f.quantiles[i][h]).toBeGreaterThan(f.quantiles[i - 1][h]);
  });

  it("etsForecast(...) drops leading NaNs and treats interior NaNs as missing steps", () => {
    const c = fixture.cases[0];
    const padded = [Number.NaN, Number.NaN, ...c.series];
    closeAll(etsForecast(padded, 4, 12).median, Array.from(etsForecast(c.series, 4, 12).median), 0);
    const holed = c.series.slice();
    holed[50] = Number.NaN;
    const f = etsForecast(holed, 4, 12);
    for (const v of Array.from(f.median)) expect(Number.isFinite(v)).toBe(true);
  });

  it("etsForecast(...) falls back to no season below two seasons and to simple smoothing below 10 values", () => {
    expect(
      fitEts(
        Float64Array.from({ length: 23 }, (_, t) => t),
        12,
      ).kind,
    ).toBe("A,Ad,N");
    expect(fitEts(Float64Array.from([3, 4, 3, 5, 4]), 12).kind).toBe("A,N,N");
    const f = etsForecast([7], 3, 12);
    expect(Array.from(f.median)).toEqual([7, 7, 7]);
    expect(Array.from(f.quantiles[0])).toEqual([7, 7, 7]);
    const flat = etsForecast(new Float64Array(30).fill(2), 5, 7);
    for (const q of flat.quantiles) closeAll(q, [2, 2, 2, 2, 2], 1e-9);
  });

  it("etsForecast(...) rejects a bad horizon, season or all-NaN context", () => {
    expect(() => etsForecast([1, 2], 0, 1)).toThrow(/horizon must be a positive integer, got 0/);
    expect(() => etsForecast([1, 2], 2, 0)).toThrow(/season must be a positive integer, got 0/);
    expect(() => etsForecast([Number.NaN], 2, 1)).toThrow(/at least one non-NaN value/);
  });
});

describe("nelderMead", () => {
  it("nelderMead(f, start, bounds) finds an interior minimum and one on the bounds", () => {
    const bowl = (x: Float64Array) => (x[0] - 0.3) ** 2 + 10 * (x[1] - 0.7) ** 2;
    const inside = nelderMead(bowl, [0.9, 0.1], { lower: [0, 0], upper: [1, 1] });
    closeAll(inside.x, [0.3, 0.7], 1e-5);
    const edge = nelderMead((x) => (x[0] - 2) ** 2 + (x[1] + 1) ** 2, [0.5, 0.5], {
      lower: [0, 0],
      upper: [1, 1],
    });
    closeAll(edge.x, [1, 0], 1e-8);
  });
});
