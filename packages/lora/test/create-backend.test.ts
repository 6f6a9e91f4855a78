import { describe, expect, it } from "vitest";
import { backendNames, createBackend } from "../src/create-backend";

describe("createBackend", () => {
  it('createBackend("reference") resolves to a fresh reference backend each call', async () => {
    const one = await createBackend("reference");
    const two = await createBackend("reference");
    expect(one.name).toBe("reference");
    expect(one).not.toBe(two);
  });

  it('createBackend("auto") resolves to an available backend and names it', async () => {
    const backend = await createBackend("auto");
    expect(backendNames).toContain(backend.name.split(":")[0]);
  });

  it("createBackend(name) rejects an unknown name, listing the valid ones", async () => {
    // @ts-expect-error: not a backend name
    await expect(createBackend("cuda")).rejects.toThrow(
      /createBackend\(\): name must be one of "reference", .*got "cuda"/,
    );
  });
});
