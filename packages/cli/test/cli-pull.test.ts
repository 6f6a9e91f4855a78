import { createHash } from "node:crypto";
import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundledModelDir, readModelDirectory } from "@kairos/train/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { writeShardedCopy } from "../../train/test/helpers/sharded-copy.js";
import { kairos } from "./cli-kairos.js";
import { commitOf, type MockHub, type MockRepo, startMockHub } from "./mock-hub.js";

const tiny = bundledModelDir() as string;
const modelBytes = readFileSync(join(tiny, "model.safetensors"));
const configText = readFileSync(join(tiny, "config.json"), "utf8");
const TINY = commitOf("tiny");
let hub: MockHub;
let cache: string;

const folder = (repo: string) => join(cache, `models--${repo.replace("/", "--")}`);
const snapshot = (repo: string, commit: string) => join(folder(repo), "snapshots", commit);
const downloads = () =>
  hub.requests.filter((r) => r.method === "GET" && !r.path.startsWith("/api"));
const forecastJson = ["--backend", "reference", "--samples", "4", "--seed", "1", "--json"];

beforeAll(async () => {
  const sharded = join(await mkdtemp(join(tmpdir(), "kairos-sharded-")), "m");
  const shards = await writeShardedCopy(tiny, sharded, 2);
  const files = (names: string[]) =>
    Object.fromEntries(names.map((n) => [n, readFileSync(join(sharded, n))]));
  const repos: Record<string, MockRepo> = {
    "kairos/tiny": {
      commit: TINY,
      files: {
        "config.json": configText,
        "generation_config.json": "{}\n",
        "model.safetensors": modelBytes,
        "pytorch_model.bin": "not downloaded",
        "README.md": "# tiny\n",
      },
    },
    "kairos/tiny-sharded": {
      commit: commitOf("sharded"),
      files: files(["config.json", "model.safetensors.index.json", ...shards]),
    },
    "kairos/torch-only": {
      commit: commitOf("torch"),
      files: { "config.json": "{}", "pytorch_model.bin": "x" },
    },
  };
  hub = await startMockHub(repos);
});
afterAll(() => hub.close());

beforeEach(async () => {
  cache = await mkdtemp(join(tmpdir(), "kairos-hub-cache-"));
  hub.requests.length = 0;
  hub.faults = {};
  vi.stubEnv("HF_ENDPOINT", hub.endpoint);
  vi.stubEnv("HF_HUB_CACHE", cache);
  vi.stubEnv("HF_TOKEN", "");
  vi.stubEnv("HF_HUB_OFFLINE", "");
});
afterEach(() => vi.unstubAllEnvs());

describe("kairos pull", () => {
  it("main(['pull', id]) lays out blobs, relative snapshot links and refs as huggingface_hub does", async () => {
    const r = await kairos("pull", "kairos/tiny");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${snapshot("kairos/tiny", TINY)}\n`);
    expect(r.stderr).toBe(""); // quiet when not a terminal
    expect(readFileSync(join(folder("kairos/tiny"), "refs", "main"), "utf8")).toBe(TINY);
    const snap = snapshot("kairos/tiny", TINY);
    expect(readdirSync(snap).sort()).toEqual([
      "config.json",
      "generation_config.json",
      "model.safetensors",
    ]);
    const sha = createHash("sha256").update(modelBytes).digest("hex");
    expect(lstatSync(join(snap, "model.safetensors")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(snap, "model.safetensors"))).toBe(`../../blobs/${sha}`);
    expect(readlinkSync(join(snap, "config.json"))).toMatch(/^\.\.\/\.\.\/blobs\/[0-9a-f]{40}$/);
    expect(readFileSync(join(snap, "model.safetensors")).equals(modelBytes)).toBe(true);
    expect(readFileSync(join(snap, "config.json"), "utf8")).toBe(configText);
    expect(readdirSync(join(folder("kairos/tiny"), "blobs"))).toHaveLength(3);
    expect(downloads().map((q) => q.path)).not.toContain("/kairos/tiny/resolve/main/README.md");

    hub.requests.length = 0;
    expect((await kairos("pull", "kairos/tiny", "--cache-dir", cache)).code).toBe(0);
    expect(hub.requests.map((q) => q.method)).toEqual(["GET"]); // the listing only
  });

  it("main(['pull', id]) resumes an interrupted download with a Range request", async () => {
    hub.faults.drop = { file: "model.safetensors", after: 400_000 };
    let r = await kairos("pull", "kairos/tiny");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^kairos pull: model\\.safetensors: download interrupted after \\d+ of ${modelBytes.length} bytes .*; run again to resume\\n$`,
      ),
    );
    const blobs = join(folder("kairos/tiny"), "blobs");
    const partial = readdirSync(blobs).find((f) => f.endsWith(".incomplete")) as string;
    const have = statSync(join(blobs, partial)).size;
    expect(have).toBeGreaterThan(0);
    expect(have).toBeLessThan(modelBytes.length);
    expect(existsSync(join(snapshot("kairos/tiny", TINY), "model.safetensors"))).toBe(false);
    expect(existsSync(join(folder("kairos/tiny"), "refs", "main"))).toBe(false);

    hub.faults = {};
    hub.requests.length = 0;
    r = await kairos("pull", "kairos/tiny");
    expect(r.code, r.stderr).toBe(0);
    expect(downloads().map((q) => q.headers.range)).toEqual([`bytes=${have}-`]);
    const snap = snapshot("kairos/tiny", TINY);
    expect(readFileSync(join(snap, "model.safetensors")).equals(modelBytes)).toBe(true);
    expect(readdirSync(blobs).some((f) => f.endsWith(".incomplete"))).toBe(false);
  });

  it("main(['pull', id]) retries a connection reset before any answer, and names it after the third", async () => {
    hub.faults.reset = 2;
    let r = await kairos("pull", "kairos/tiny");
    expect(r.code, r.stderr).toBe(0);
    expect(hub.faults.reset).toBe(0);
    const snap = snapshot("kairos/tiny", TINY);
    expect(readFileSync(join(snap, "model.safetensors")).equals(modelBytes)).toBe(true);
    rmSync(cache, { recursive: true, force: true });
    hub.faults.reset = 3;
    r = await kairos("pull", "kairos/tiny");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kairos pull: cannot reach http:\/\/127\.0\.0\.1:\d+ \((ECONNRESET|UND_ERR_SOCKET)\)/,
    );
  });

  it("main(['pull', id]) starts over when the server answers a Range request with 200", async () => {
    hub.faults.drop = { file: "model.safetensors", after: 300_000 };
    expect((await kairos("pull", "kairos/tiny")).code).toBe(1);
    hub.faults = { ignoreRange: true };
    expect((await kairos("pull", "kairos/tiny")).code).toBe(0);
    const file = join(snapshot("kairos/tiny", TINY), "model.safetensors");
    expect(readFileSync(file).equals(modelBytes)).toBe(true);
  });

  it("main(['pull', id]) fails naming a corrupted file and leaves no blob, link or ref", async () => {
    hub.faults.corrupt = "model.safetensors";
    const r = await kairos("pull", "kairos/tiny");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kairos pull: model\.safetensors: sha256 mismatch, expected [0-9a-f]{64}, got [0-9a-f]{64}\n$/,
    );
    const blobs = readdirSync(join(folder("kairos/tiny"), "blobs"));
    expect(blobs.some((b) => /^[0-9a-f]{64}/.test(b))).toBe(false);
    expect(existsSync(join(snapshot("kairos/tiny", TINY), "model.safetensors"))).toBe(false);
    expect(existsSync(join(folder("kairos/tiny"), "refs", "main"))).toBe(false);
  });

  it("main(['pull', id]) pulls a sharded model's index and every shard, and readModelDirectory reads it", async () => {
    const r = await kairos("pull", "kairos/tiny-sharded", "--json");
    expect(r.code, r.stderr).toBe(0);
    const { snapshot: dir } = JSON.parse(r.stdout);
    expect(readdirSync(dir).sort()).toEqual([
      "config.json",
      "model-00001-of-00002.safetensors",
      "model-00002-of-00002.safetensors",
      "model.safetensors.index.json",
    ]);
    const whole = await readModelDirectory(tiny);
    const { tensors } = await readModelDirectory(dir);
    expect(tensors.size).toBe(whole.tensors.size);
    for (const [name, t] of whole.tensors) {
      const got = tensors.get(name)?.data as Float32Array;
      expect(Buffer.compare(Buffer.from(got.buffer), Buffer.from(t.data.buffer)), name).toBe(0);
    }
    const info = await kairos("info", dir, "--json");
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout).tensors).toBe(whole.tensors.size);
  });

  it("main(['pull', id]) says what is wrong: bad id, not found, no token, .bin only, no network", async () => {
    let r = await kairos("pull", "just-a-name");
    expect([r.code, r.stderr]).toEqual([
      2,
      'kairos pull: HUB-ID "just-a-name" must be owner/name or owner/name@revision\n',
    ]);
    r = await kairos("pull", "kairos/missing");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `kairos pull: repository kairos/missing not found on ${hub.endpoint} (a private one needs HF_TOKEN)\n`,
    );
    r = await kairos("pull", "kairos/tiny", "--revision", "v9");
    expect([r.code, r.stderr]).toEqual([
      2,
      `kairos pull: revision v9 of kairos/tiny not found on ${hub.endpoint}\n`,
    ]);
    hub.faults.status = 401;
    r = await kairos("pull", "kairos/tiny");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kairos pull: kairos\/tiny needs a token: set HF_TOKEN .*\(HTTP 401\)\n$/,
    );
    vi.stubEnv("HF_TOKEN", "hf_test");
    hub.requests.length = 0;
    r = await kairos("pull", "kairos/tiny");
    expect(r.stderr).toMatch(/the token in HF_TOKEN was refused \(HTTP 401\)/);
    expect(hub.requests[0].headers.authorization).toBe("Bearer hf_test");
    hub.faults = {};
    r = await kairos("pull", "kairos/torch-only");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /kairos\/torch-only has only PyTorch \.bin weights; Kairos reads safetensors only/,
    );
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    vi.stubEnv("HF_ENDPOINT", `http://127.0.0.1:${port}`);
    r = await kairos("pull", "kairos/tiny");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^kairos pull: cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
    );
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("--base owner/name", () => {
  it("main(['forecast', '--base', id]) pulls an uncached sharded model and forecasts as the unsharded one", async () => {
    const shipped = await kairos("forecast", ...forecastJson);
    expect(shipped.code, shipped.stderr).toBe(0);
    const r = await kairos("forecast", "--base", "kairos/tiny-sharded", ...forecastJson);
    expect(r.code, r.stderr).toBe(0);
    const { quantiles, median } = JSON.parse(r.stdout);
    expect({ quantiles, median }).toEqual({
      quantiles: JSON.parse(shipped.stdout).quantiles,
      median: JSON.parse(shipped.stdout).median,
    });
    expect(existsSync(join(folder("kairos/tiny-sharded"), "refs", "main"))).toBe(true);
  });

  it("main(['forecast', '--base', id]) and main(['info', id]) resolve a cached model offline, and forecast fails offline when it is not cached", async () => {
    expect((await kairos("pull", "kairos/tiny")).code).toBe(0);
    vi.stubEnv("HF_HUB_OFFLINE", "1");
    hub.requests.length = 0;
    const r = await kairos("forecast", "--base", "kairos/tiny@main", ...forecastJson);
    expect(r.code, r.stderr).toBe(0);
    expect(hub.requests).toHaveLength(0);
    const described = await kairos("info", "kairos/tiny");
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/snapshots.*: Llama model/);
    const missing = await kairos("forecast", "--base", "kairos/tiny-sharded", ...forecastJson);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `kairos forecast: --base kairos/tiny-sharded is not in the cache ${cache} and HF_HUB_OFFLINE is set: run kairos pull kairos/tiny-sharded while online\n`,
    );
  });

  it("main(['forecast', '--base', path]) still refuses a directory without config.json", async () => {
    const r = await kairos("forecast", "--base", cache, ...forecastJson);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /is not a model directory \(no config\.json\) nor a hub id owner\/name/,
    );
  });
});
