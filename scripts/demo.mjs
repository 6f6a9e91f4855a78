// The README's main job until the trainer lands: load the bundled S&P 500 daily closes,
// split them by time, cut training windows under a token limit, tokenize them the Chronos
// way, and print what that produced and how exactly the tokens decode back.
import { readFileSync } from "node:fs";
import { splitByTime, windows } from "@kairos/chunking";
import { MeanScaleUniformBins } from "@kairos/tokenizer";
import { parse } from "csv-parse/sync";

const file = new URL("../data/sp500-2000.csv", import.meta.url);
const rows = parse(readFileSync(file), { columns: true, skip_empty_lines: true });
const closes = Float64Array.from(rows, (r) => Number.parseFloat(r.close));
const contextLength = 512;
const predictionLength = 64;

const tokenizer = new MeanScaleUniformBins({ contextLength, predictionLength });
const splits = splitByTime(closes, { validation: 0.1, test: 0.1, contextLength, predictionLength });
const train = windows(closes.subarray(0, splits.train.end), {
  contextLength,
  predictionLength,
  stride: predictionLength,
});

let tokens = 0;
let worst = 0;
let sumRel = 0;
let count = 0;
for (const w of train) {
  const { ids, scale } = tokenizer.encode(w.context);
  const labels = tokenizer.encodeLabels(w.target, scale);
  tokens += ids.length + labels.ids.length;
  const back = tokenizer.decode(ids.subarray(0, w.context.length), scale);
  for (let i = 0; i < w.context.length; i++) {
    const rel = Math.abs(back[i] - w.context[i]) / scale;
    worst = Math.max(worst, rel);
    sumRel += rel;
    count++;
  }
}
const binWidth =
  (tokenizer.config.high - tokenizer.config.low) /
  (tokenizer.config.nTokens - tokenizer.config.nSpecialTokens - 2);
console.log(`S&P 500 daily closes: ${closes.length} days, ${rows[0].date} to ${rows.at(-1).date}`);
console.log(
  `time split: train ${splits.train.end} days, validation ${splits.validation.end - splits.validation.start}, test ${splits.test.end - splits.test.start}`,
);
console.log(
  `training windows: ${train.length} (context ${contextLength} + horizon ${predictionLength}, stride ${predictionLength})`,
);
console.log(`tokens: ${tokens} (vocabulary ${tokenizer.config.nTokens}, EOS appended)`);
console.log(
  `round-trip error (in units of the window's mean scale): mean ${(sumRel / count).toExponential(2)}, max ${worst.toExponential(2)} (half a bin: ${(binWidth / 2).toExponential(2)})`,
);
