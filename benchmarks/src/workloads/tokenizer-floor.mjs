// tokenizer-floor: the quantisation floor — MASE of decode(encodeLabels(actual future)) over
// seasonal naive's MASE — of three tokenizations on 21 real series from vega-datasets
// (BSD-3-Clause; src/vega-pool.mjs), rolling-origin windows of up to 512 values and a horizon
// by frequency (src/quantisation-floor.mjs). The bar: at most 0.05 on every series for
// Kairos's own tokenizer, which mean scaling cannot meet on a small swing over a high level
// (CO2). Memory: the new tokenizer's floors × 1e6 and its clamped share × 1e6, deterministic,
// so any growth fails bench:check. Timed: its encode of the pool's contexts against Chronos's.
import { readFileSync } from "node:fs";
import {
  CHRONOS_TOKENIZER,
  fromConfigJson,
  seasonFromFrequency,
  tokenizerFor,
} from "@kairos/train";
import { HORIZONS, quantisationFloor, rollingWindows } from "../quantisation-floor.mjs";
import { vegaPool } from "../vega-pool.mjs";

const WINDOWS = 20;
const CONTEXT = 512;

const tinyConfig = new URL(
  "../../../packages/train/models/kairos-base-tiny/config.json",
  import.meta.url,
);

/** Beyond the edge bins: past the outer centre by more than half a bin, in the scheme's units. */
const beyondMeanScale = (tok, x, scale) => {
  const { low, high, nTokens, nSpecialTokens } = tok.config;
  const half = (high - low) / (nTokens - nSpecialTokens - 2) / 2;
  const z = Math.fround(x / scale);
  return z < low - half || z > high + half;
};
const beyondRobust = (tok, x, s) => {
  const z = (x - s.location) / s.scale;
  return z < tok.config.low - tok.width / 2 || z > tok.config.high + tok.width / 2;
};

/** The three tokenizations, as model settings: built through @kairos/train's registry. */
function schemes() {
  const tiny = fromConfigJson(JSON.parse(readFileSync(tinyConfig, "utf8"))).tokenizer;
  return {
    "kairos-base-tiny": { settings: tiny, beyond: beyondMeanScale },
    "chronos-t5": { settings: CHRONOS_TOKENIZER, beyond: beyondMeanScale },
    robust: {
      settings: {
        ...CHRONOS_TOKENIZER,
        tokenizerClass: "RobustScaleUniformBins",
        nTokens: 8193,
        lowLimit: -25,
        highLimit: 25,
      },
      beyond: beyondRobust,
    },
  };
}

const x1e6 = (v) => Math.round(v * 1e6);

export default {
  name: "tokenizer-floor",
  description:
    "quantisation floor (MASE of decode(encode(future)) / seasonal naive) on 21 vega-datasets series",
  async setup() {
    const pool = vegaPool();
    const rows = [];
    for (const series of pool) {
      const horizon = HORIZONS[series.frequency];
      const season = seasonFromFrequency(series.frequency);
      const windows = rollingWindows(series.values, horizon, season, {
        count: WINDOWS,
        contextLength: CONTEXT,
      });
      const row = { series, horizon, season, windows, floors: {} };
      for (const [name, s] of Object.entries(schemes())) {
        const tok = tokenizerFor({ ...s.settings, predictionLength: horizon });
        row.floors[name] = quantisationFloor(tok, s.beyond, windows, season);
      }
      rows.push(row);
    }
    const contexts = rows.flatMap((r) => r.windows.map((w) => w.context));
    const encoders = {
      robust: tokenizerFor({ ...schemes().robust.settings }),
      chronos: tokenizerFor(CHRONOS_TOKENIZER),
    };
    return { rows, contexts, encoders };
  },
  tasks: {
    robustEncode: {
      fn: ({ contexts, encoders }) => {
        let sink = 0;
        for (const c of contexts) sink += encoders.robust.encode(c).ids[0];
        return sink;
      },
      unit: "pools",
    },
    chronosEncode: {
      fn: ({ contexts, encoders }) => {
        let sink = 0;
        for (const c of contexts) sink += encoders.chronos.encode(c).ids[0];
        return sink;
      },
      unit: "pools",
    },
  },
  ratios: [
    {
      name: "robust / chronos encode",
      of: "robustEncode",
      over: "chronosEncode",
      gate: false,
      why: "the robust scale sorts each context where the mean scale sums it: a cost to know",
    },
  ],
  memory({ rows }) {
    const figures = {};
    let worst = 0;
    let clamped = 0;
    let values = 0;
    for (const r of rows) {
      const f = r.floors.robust;
      figures[`floor.${r.series.name}.x1e6`] = x1e6(f.floor);
      worst = Math.max(worst, f.floor);
      const n = r.windows.reduce((sum, w) => sum + w.future.length, 0);
      clamped += f.clamped * n;
      values += n;
    }
    figures["floor.max.x1e6"] = x1e6(worst);
    figures["clamped.all.x1e6"] = x1e6(clamped / values);
    return figures;
  },
  report({ rows }) {
    const pct = (v) => `${(100 * v).toFixed(2)}%`;
    return rows.map((r) => ({
      series: r.series.name,
      freq: r.series.frequency,
      h: r.horizon,
      windows: r.floors.robust.windows,
      "tiny (1024, ±15)": r.floors["kairos-base-tiny"].floor.toFixed(4),
      "chronos-t5 (4096, ±15)": r.floors["chronos-t5"].floor.toFixed(4),
      "robust (8193, ±25)": r.floors.robust.floor.toFixed(4),
      "clamped robust": pct(r.floors.robust.clamped),
      "clamped tiny": pct(r.floors["kairos-base-tiny"].clamped),
      "clamped t5": pct(r.floors["chronos-t5"].clamped),
    }));
  },
};
