import { expect, it } from "vitest";
import { DEFAULT_BASE, recordedBase } from "../src/base-model.js";

it("recordedBase() splits a hub id into PEFT's name and revision; a directory and no --base stay names", () => {
  const cache = "/cache/models--amazon--chronos-t5-tiny/snapshots/abc";
  expect(recordedBase("amazon/chronos-t5-tiny@v1", cache)).toEqual({
    baseModelNameOrPath: "amazon/chronos-t5-tiny",
    revision: "v1",
  });
  expect(recordedBase("amazon/chronos-t5-tiny", cache)).toEqual({
    baseModelNameOrPath: "amazon/chronos-t5-tiny",
  });
  // A directory that happens to look like owner/name is recorded as the path given.
  expect(recordedBase("models/tiny", "models/tiny")).toEqual({
    baseModelNameOrPath: "models/tiny",
  });
  expect(recordedBase(undefined, "/x")).toEqual({ baseModelNameOrPath: DEFAULT_BASE });
});
