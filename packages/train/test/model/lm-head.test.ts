import { ReferenceBackend } from "@kairos/lora";
import { expect, it } from "vitest";
import { crossEntropyWorkspace } from "../../src/model/chunked-cross-entropy.js";
import { type LmHead, lmHeadBackward, lmHeadForward } from "../../src/model/lm-head.js";
import { Scratch } from "../../src/model/scratch.js";
import { maxRelError, randomFloats } from "../helpers/finite-difference.js";

const [N, C, V] = [9, 6, 11];
const x = randomFloats(new Float32Array(N * C), 31);
const labels = Int32Array.from([4, -100, 0, 10, 3, 3, 7, -100, 1]);

function head(weightGrad: Float32Array | null): LmHead {
  return {
    norm: randomFloats(new Float32Array(C), 32, 0.5).map((v) => 1 + v),
    normGrad: new Float32Array(C),
    weight: randomFloats(new Float32Array(V * C), 33, 0.5),
    weightGrad,
    eps: 1e-6,
    scale: 0.7,
    C,
    backend: new ReferenceBackend(),
    workspace: crossEntropyWorkspace(4, V),
    scratch: new Scratch(),
    loss: new Float32Array(1),
  };
}

it("a frozen head's saving forward forms dx early: same loss, dx and norm gradient as recomputing the logits", async () => {
  const run = async (h: LmHead) => {
    const f = await lmHeadForward(h, x, labels, true);
    const loss = f.output?.[0];
    const dx = await lmHeadBackward(h, f.context as never, labels, 0.5);
    return { loss, dx: Array.from(dx), normGrad: Array.from(h.normGrad ?? []), f };
  };
  const frozen = await run(head(null));
  const recomputed = await run(head(new Float32Array(V * C)));
  expect("dhn" in (frozen.f.context as object)).toBe(true);
  expect("dhn" in (recomputed.f.context as object)).toBe(false);
  expect(frozen.loss).toBe(recomputed.loss);
  expect(maxRelError(frozen.dx, recomputed.dx)).toBeLessThan(1e-5);
  expect(maxRelError(frozen.normGrad, recomputed.normGrad)).toBeLessThan(1e-5);
  expect(frozen.dx.some((v) => v !== 0)).toBe(true);
});
