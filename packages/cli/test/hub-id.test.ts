import { expect, it } from "vitest";
import { parseHubId } from "../src/hub/hub-id.js";

it("parseHubId(text) reads owner/name and owner/name@revision", () => {
  expect(parseHubId("amazon/chronos-t5-tiny")).toEqual({ repo: "amazon/chronos-t5-tiny" });
  expect(parseHubId("amazon/chronos-bolt-small@v1.0")).toEqual({
    repo: "amazon/chronos-bolt-small",
    revision: "v1.0",
  });
});

it("parseHubId(text) is null for what huggingface_hub refuses as a repo id", () => {
  for (const bad of [
    "name",
    "a/b/c",
    "./a",
    "/abs/path",
    "a--b/c",
    "a/b..c",
    "a/-b",
    "a/b@",
    "a b/c",
  ]) {
    expect(parseHubId(bad), bad).toBeNull();
  }
});
