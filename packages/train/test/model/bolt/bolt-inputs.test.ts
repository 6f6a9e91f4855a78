import { ReferenceBackend } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import { boltBatch } from "../../../src/model/bolt/bolt-batch.js";
import { boltConfigFromJson, boltConfigToJson } from "../../../src/model/bolt/bolt-config.js";
import { ChronosBoltModel } from "../../../src/model/bolt/bolt-model.js";
import { INSTANCE_NORM_EPS, instanceNorm } from "../../../src/model/bolt/instance-norm.js";
import { patchCount, patchRows } from "../../../src/model/bolt/patch.js";
import { tinyBoltConfig, tinyBoltWeights } from "../../helpers/tiny-bolt.js";

describe("Chronos-Bolt inputs", () => {
  it("instanceNorm(x) is NaN-aware: loc 0, scale 1 for a NaN-only row, eps for a constant one", () => {
    const x = Float32Array.of(1, Number.NaN, 3, Number.NaN, Number.NaN, Number.NaN, 5, 5, 5);
    const { loc, scale } = instanceNorm(x, 3, 3);
    expect([...loc]).toEqual([2, 0, 5]);
    expect([...scale]).toEqual([1, 1, Math.fround(INSTANCE_NORM_EPS)]);
  });

  it("patchRows(x) left-pads with NaN to whole patches and marks patches that attend, then [REG]", () => {
    const x = Float32Array.of(Number.NaN, 1, 2, 3, 4, 5);
    expect(patchCount(6, 4, 4)).toBe(2);
    expect(patchCount(6, 4, 2)).toBe(3); // padded to 8: windows at 0, 2, 4
    const { patches, encoderMask } = patchRows(x, 1, 6, 4, 4, true);
    // pad 2: [NaN NaN NaN 1] [2 3 4 5], values then observed flags.
    expect([...patches]).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 2, 3, 4, 5, 1, 1, 1, 1]);
    expect([...encoderMask]).toEqual([1, 1, 1]);
    expect([...patchRows(Float32Array.of(Number.NaN, 1), 1, 2, 1, 1, false).encoderMask]).toEqual([
      0, 1,
    ]);
  });

  it("boltBatch(config, contexts, targets, length) truncates, pads and normalises targets by the context", () => {
    const config = tinyBoltConfig();
    const b = boltBatch(config, [[1, 2, 3, 4, 5, 6]], [[7, Number.NaN]], 4);
    expect(b.contextLength).toBe(4);
    expect(b.locScale.loc[0]).toBe(4.5); // the last 4 values
    const s = b.locScale.scale[0];
    expect(Array.from(b.target as Float32Array)).toEqual([Math.fround(2.5 / s), 0, 0]);
    expect(Array.from(b.targetMask as Uint8Array)).toEqual([1, 0, 0]);
    expect(b.encoderLength).toBe(2); // one patch and [REG]
  });

  it("boltBatch() and predict() refuse bad contexts and targets, naming them", async () => {
    const config = tinyBoltConfig();
    expect(() => boltBatch(config, "abc" as never)).toThrow(/contexts must be a non-empty array/);
    expect(() => boltBatch(config, [[1, 2], "x" as never])).toThrow(
      /contexts\[1\] must be an array of numbers, got string/,
    );
    expect(() => boltBatch(config, [[1, "2" as never]])).toThrow(
      /contexts\[0\]\[1\] must be a number/,
    );
    expect(() => boltBatch(config, [[1, 2]], [[1, 2, 3, 4]])).toThrow(
      /targets\[0\] must hold at most 3 values, got 4/,
    );
    const model = new ChronosBoltModel(config, tinyBoltWeights(config), {
      backend: new ReferenceBackend(),
    });
    await expect(
      model.predict([
        [1, 2, 3],
        [Number.NaN, Number.NaN],
      ]),
    ).rejects.toThrow(/contexts\[1\] must hold an observed \(non-NaN\) value/);
    await expect(model.predict([[1, 2, 3]], 0)).rejects.toThrow(
      /horizon must be a positive integer/,
    );
    expect(() => model.stages(boltBatch(config, [[1, 2, 3]]))).toThrow(/batch.target must be set/);
  });

  it("boltConfigFromJson(json) names a bad chronos_config field, and round-trips through boltConfigToJson", () => {
    const json = boltConfigToJson(tinyBoltConfig());
    expect(boltConfigFromJson(JSON.parse(JSON.stringify(json)))).toEqual(boltConfigFromJson(json));
    const cc = json.chronos_config as Record<string, unknown>;
    const bad = (patch: Record<string, unknown>) =>
      boltConfigFromJson({ ...json, chronos_config: { ...cc, ...patch } });
    expect(() => boltConfigFromJson({ ...json, chronos_config: undefined })).toThrow(
      /chronos_config must be an object/,
    );
    expect(() => bad({ input_patch_size: 0 })).toThrow(
      /chronos_config.input_patch_size must be a positive integer, got 0/,
    );
    expect(() => bad({ context_length: 2.5 })).toThrow(/chronos_config.context_length/);
    expect(() => bad({ quantiles: [0.5, 0.1] })).toThrow(/chronos_config.quantiles must be/);
    expect(() => bad({ use_reg_token: "yes" })).toThrow(/use_reg_token must be a boolean/);
    expect(() => boltConfigFromJson({ ...json, d_model: -1 })).toThrow(/d_model must be/);
  });
});
