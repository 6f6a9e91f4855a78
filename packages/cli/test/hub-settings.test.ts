import { homedir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { hubSettings } from "../src/hub/hub-settings.js";

it("hubSettings(env) finds the cache as huggingface_hub does", () => {
  const home = join(homedir(), ".cache", "huggingface", "hub");
  expect(hubSettings({}).cacheDir).toBe(home);
  expect(hubSettings({ XDG_CACHE_HOME: "/x" }).cacheDir).toBe("/x/huggingface/hub");
  expect(hubSettings({ HF_HOME: "/h", XDG_CACHE_HOME: "/x" }).cacheDir).toBe("/h/hub");
  expect(hubSettings({ HF_HUB_CACHE: "/c", HF_HOME: "/h" }).cacheDir).toBe("/c");
  expect(hubSettings({ HF_HUB_CACHE: "/c" }, "/flag").cacheDir).toBe("/flag");
});

it("hubSettings(env) reads the endpoint, the token and HF_HUB_OFFLINE", () => {
  expect(hubSettings({})).toMatchObject({ endpoint: "https://huggingface.co", offline: false });
  expect(hubSettings({}).token).toBeUndefined();
  const s = hubSettings({ HF_ENDPOINT: "http://mirror/", HF_TOKEN: "hf_x", HF_HUB_OFFLINE: "yes" });
  expect(s).toMatchObject({ endpoint: "http://mirror", token: "hf_x", offline: true });
  expect(hubSettings({ HF_HUB_OFFLINE: "0" }).offline).toBe(false);
});
