// The evaluation pool of real series: 21 series from the npm package vega-datasets (BSD-3-Clause,
// https://github.com/vega/vega-datasets), hourly to yearly, read with csv-parse and JSON.parse.
// Two are aggregated from a finer series where the package has none of that frequency: weekly
// S&P 500 (the last close of each ISO week) and quarterly CO2 (the mean of each quarter's months).
// Each entry: { name, frequency, values: Float64Array, source }.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parse } from "csv-parse/sync";

// The package exports only its build/index.js; the data files sit beside build/.
const data = join(dirname(createRequire(import.meta.url).resolve("vega-datasets")), "..", "data");

/** Rows of a CSV file as objects keyed by the header, cells as strings. */
function csv(file) {
  return parse(readFileSync(join(data, file), "utf8"), { columns: true, skip_empty_lines: true });
}

function json(file) {
  return JSON.parse(readFileSync(join(data, file), "utf8"));
}

/** A column as numbers; an empty or unparsable cell is NaN (missing). */
function column(rows, key) {
  return Float64Array.from(rows, (r) => {
    const v = r[key];
    return v === "" || v == null ? Number.NaN : Number(v);
  });
}

/** Monday-based week number since the epoch (1970-01-01 was a Thursday). */
function weekOf(isoDate) {
  const day = Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / 86400000);
  return Math.floor((day + 3) / 7);
}

/** The last value of each run of rows that share `key(row)`. */
function lastOfEach(rows, key, value) {
  const out = [];
  for (let i = 0; i < rows.length; i++) {
    if (i + 1 === rows.length || key(rows[i + 1]) !== key(rows[i])) out.push(value(rows[i]));
  }
  return Float64Array.from(out);
}

/** The mean of each run of rows that share `key(row)`. */
function meanOfEach(rows, key, value) {
  const out = [];
  let sum = 0;
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    sum += value(rows[i]);
    count++;
    if (i + 1 === rows.length || key(rows[i + 1]) !== key(rows[i])) {
      out.push(sum / count);
      sum = 0;
      count = 0;
    }
  }
  return Float64Array.from(out);
}

/**
 * The pool, oldest value first in each series.
 * @returns {{ name: string, frequency: "h" | "D" | "B" | "W" | "M" | "Q" | "Y", values: Float64Array, source: string }[]}
 */
export function vegaPool() {
  const sp = csv("sp500-2000.csv");
  const stocks = csv("stocks.csv");
  const co2 = csv("co2-concentration.csv");
  const seattle = csv("seattle-weather.csv");
  const hourly = csv("seattle-weather-hourly-normals.csv");
  const employment = csv("us-employment.csv");
  const industries = json("unemployment-across-industries.json");
  const disasters = csv("disasters.csv").filter((r) => r.Entity === "All natural disasters");
  const stock = (symbol) =>
    column(
      stocks.filter((r) => r.symbol === symbol),
      "price",
    );
  const industry = (name) =>
    Float64Array.from(
      industries.filter((r) => r.series === name),
      (r) => r.count,
    );
  const quarter = (r) =>
    `${r.Date.slice(0, 4)}Q${Math.floor((Number(r.Date.slice(5, 7)) - 1) / 3)}`;
  return [
    {
      name: "hourly-temperature",
      frequency: "h",
      values: column(hourly, "temperature"),
      source: "seattle-weather-hourly-normals.csv",
    },
    {
      name: "hourly-pressure",
      frequency: "h",
      values: column(hourly, "pressure"),
      source: "seattle-weather-hourly-normals.csv",
    },
    {
      name: "seattle-temp-max",
      frequency: "D",
      values: column(seattle, "temp_max"),
      source: "seattle-weather.csv",
    },
    {
      name: "seattle-precipitation",
      frequency: "D",
      values: column(seattle, "precipitation"),
      source: "seattle-weather.csv",
    },
    {
      name: "seattle-wind",
      frequency: "D",
      values: column(seattle, "wind"),
      source: "seattle-weather.csv",
    },
    { name: "sp500-daily", frequency: "B", values: column(sp, "close"), source: "sp500-2000.csv" },
    {
      name: "sp500-weekly",
      frequency: "W",
      values: lastOfEach(
        sp,
        (r) => weekOf(r.date),
        (r) => Number(r.close),
      ),
      source: "sp500-2000.csv, last close a week",
    },
    {
      name: "sp500-monthly",
      frequency: "M",
      values: column(csv("sp500.csv"), "price"),
      source: "sp500.csv",
    },
    ...["AAPL", "AMZN", "GOOG", "IBM", "MSFT"].map((s) => ({
      name: s.toLowerCase(),
      frequency: "M",
      values: stock(s),
      source: "stocks.csv",
    })),
    { name: "co2", frequency: "M", values: column(co2, "CO2"), source: "co2-concentration.csv" },
    {
      name: "us-nonfarm",
      frequency: "M",
      values: column(employment, "nonfarm"),
      source: "us-employment.csv",
    },
    {
      name: "us-leisure",
      frequency: "M",
      values: column(employment, "leisure_and_hospitality"),
      source: "us-employment.csv",
    },
    {
      name: "unemployed-construction",
      frequency: "M",
      values: industry("Construction"),
      source: "unemployment-across-industries.json",
    },
    {
      name: "unemployed-agriculture",
      frequency: "M",
      values: industry("Agriculture"),
      source: "unemployment-across-industries.json",
    },
    {
      name: "co2-quarterly",
      frequency: "Q",
      values: meanOfEach(co2, quarter, (r) => Number(r.CO2)),
      source: "co2-concentration.csv, mean a quarter",
    },
    {
      name: "global-temp",
      frequency: "Y",
      values: column(csv("global-temp.csv"), "temp"),
      source: "global-temp.csv",
    },
    {
      name: "disaster-deaths",
      frequency: "Y",
      values: column(disasters, "Deaths"),
      source: "disasters.csv, all natural disasters",
    },
  ];
}
