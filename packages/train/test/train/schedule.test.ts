import { expect, it } from "vitest";
import { learningRate } from "../../src/train/schedule.js";

const o = { lr: 1e-3, warmupSteps: 10, totalSteps: 110 };

it("learningRate(...) warms up linearly over warmupSteps", () => {
  expect(learningRate(0, { ...o, decay: "cosine" })).toBeCloseTo(1e-4, 12);
  expect(learningRate(9, { ...o, decay: "cosine" })).toBeCloseTo(1e-3, 12);
});

it("learningRate(...) follows a half cosine to zero after warmup", () => {
  // transformers get_cosine_schedule_with_warmup: 0.5·(1 + cos(π·progress))
  expect(learningRate(60, { ...o, decay: "cosine" })).toBeCloseTo(0.5e-3, 12);
  expect(learningRate(35, { ...o, decay: "cosine" })).toBeCloseTo(
    1e-3 * 0.5 * (1 + Math.cos(Math.PI / 4)),
    12,
  );
  expect(learningRate(110, { ...o, decay: "cosine" })).toBeCloseTo(0, 12);
});

it("learningRate(...) decays linearly to minLr", () => {
  expect(learningRate(60, { ...o, decay: "linear", minLr: 1e-4 })).toBeCloseTo(
    1e-4 + 0.9e-3 * 0.5,
    12,
  );
});
