import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { AdamW } from "../../src/train/adamw.js";

const fx = JSON.parse(
  readFileSync(new URL("../fixtures/adamw_fixture.json", import.meta.url), "utf8"),
);

function run(split: boolean) {
  const w = Float32Array.from(fx.w0);
  const b = Float32Array.from(fx.b0);
  const gw = new Float32Array(w.length);
  const gb = new Float32Array(b.length);
  const params = [
    { name: "w", value: w, grad: gw, decay: true },
    { name: "b", value: b, grad: gb, decay: false },
  ];
  let opt = new AdamW(params, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
  fx.lrs.forEach((lr: number, i: number) => {
    if (split && i === 2) {
      const state = opt.state();
      opt = new AdamW(params, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
      opt.load(state);
    }
    gw.set(fx.grads[i].w);
    gb.set(fx.grads[i].b);
    opt.update(lr);
  });
  return { w, b };
}

it("AdamW.update(...) reproduces torch.optim.AdamW with decay on the matrix only", () => {
  const { w, b } = run(false);
  for (let i = 0; i < w.length; i++) expect(w[i]).toBeCloseTo(fx.w[i], 6);
  for (let i = 0; i < b.length; i++) expect(b[i]).toBeCloseTo(fx.b[i], 6);
});

it("AdamW.load(state()) resumes exactly", () => {
  const a = run(false);
  const b = run(true);
  expect(Array.from(b.w)).toEqual(Array.from(a.w));
  expect(Array.from(b.b)).toEqual(Array.from(a.b));
});

it("AdamW(...) rejects beta1 outside [0, 1)", () => {
  expect(() => new AdamW([], { beta1: 1 })).toThrow(/beta1 must be in \[0, 1\), got 1/);
});
