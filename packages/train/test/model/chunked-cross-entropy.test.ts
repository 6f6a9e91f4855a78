import { createBackend, ReferenceBackend } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import {
  crossEntropyBackward,
  crossEntropyForward,
  crossEntropyWorkspace,
} from "../../src/model/chunked-cross-entropy.js";
import type { MatmulBackend } from "../../src/model/matmul.js";
import {
  maxRelError,
  numericGradient,
  randomFloats,
  spread,
} from "../helpers/finite-difference.js";
import { naiveBackend } from "../helpers/naive-backend.js";

const N = 7;
const C = 5;
const V = 9;
const x = randomFloats(new Float32Array(N * C), 21);
const w = randomFloats(new Float32Array(V * C), 22, 0.5);
const labels = Int32Array.from([3, -100, 0, 8, 8, 1, -100]);

function direct(): number {
  // Full [N, V] logits and log-softmax, as torch.nn.functional.cross_entropy(ignore_index=-100).
  let total = 0;
  let count = 0;
  for (let n = 0; n < N; n++) {
    if (labels[n] === -100) continue;
    const z = Array.from({ length: V }, (_, v) => {
      let s = 0;
      for (let c = 0; c < C; c++) s += x[n * C + c] * w[v * C + c];
      return s;
    });
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((a, b) => a + Math.exp(b - m), 0));
    total += lse - z[labels[n]];
    count++;
  }
  return total / count;
}

// The naive test backend has no crossEntropyRows (the loss falls back to lora's naive kernel);
// the reference and wasm backends run their own.
const backends: Array<{ name: string; backend: MatmulBackend }> = [
  { name: "naive", backend: naiveBackend },
  { name: "reference", backend: new ReferenceBackend() },
  { name: "wasm", backend: await createBackend("wasm", { threads: 1 }) },
];

describe.each(backends)("on the $name backend", ({ backend }) => {
  it("crossEntropyForward(...) in chunks of 3 rows equals the full-logits cross-entropy", async () => {
    const ws = crossEntropyWorkspace(3, V);
    const { loss, count } = await crossEntropyForward(
      x,
      w,
      labels,
      new Float32Array(N),
      C,
      backend,
      ws,
    );
    expect(count).toBe(5);
    expect(loss).toBeCloseTo(direct(), 5);
  });

  it("crossEntropyBackward(...) matches finite differences for x and the head weight", async () => {
    const ws = crossEntropyWorkspace(2, V);
    const lse = new Float32Array(N);
    await crossEntropyForward(x, w, labels, lse, C, backend, ws);
    const dx = new Float32Array(N * C);
    const dw = new Float32Array(V * C);
    await crossEntropyBackward(dx, dw, 1, x, w, labels, lse, C, backend, ws);
    const gx = await numericGradient(direct, x, spread(N * C, N * C), 1e-2);
    const gw = await numericGradient(direct, w, spread(V * C, V * C), 1e-2);
    expect(maxRelError(Array.from(dx), gx, 1e-2)).toBeLessThan(2e-2);
    expect(maxRelError(Array.from(dw), gw, 1e-2)).toBeLessThan(2e-2);
    // ignored rows get no gradient
    for (let c = 0; c < C; c++) expect(dx[1 * C + c]).toBe(0);
  });

  it("crossEntropyForward(..., dx) gives the forward's loss and lse and the backward's dx, bit for bit", async () => {
    const ws = crossEntropyWorkspace(3, V);
    const [lse, dx] = [new Float32Array(N), new Float32Array(N * C)];
    const apart = await crossEntropyForward(x, w, labels, lse, C, backend, ws);
    await crossEntropyBackward(dx, null, 1, x, w, labels, lse, C, backend, ws);
    const [lse2, dx2] = [new Float32Array(N), new Float32Array(N * C).fill(7)];
    const fused = await crossEntropyForward(x, w, labels, lse2, C, backend, ws, dx2);
    expect(fused).toEqual(apart);
    expect(Array.from(lse2)).toEqual(Array.from(lse));
    expect(Array.from(dx2)).toEqual(Array.from(dx)); // overwritten, not accumulated
  });
});

it("crossEntropyForward(...) rejects a label outside the vocabulary", async () => {
  const bad = Int32Array.from([3, 9, 0, 0, 0, 0, 0]);
  await expect(
    crossEntropyForward(
      x,
      w,
      bad,
      new Float32Array(N),
      C,
      naiveBackend,
      crossEntropyWorkspace(3, V),
    ),
  ).rejects.toThrow(/labels must be in \[0, 9\) or -100, got 9/);
});
