import { ReferenceBackend } from "@kairos/lora";
import { expect, it } from "vitest";
import { allocatorOf, Scratch } from "../../src/model/scratch.js";
import { naiveBackend } from "../helpers/naive-backend.js";

/** An allocator that records what it hands out and what comes back. */
function recordingAllocator() {
  const live = new Set<Float32Array>();
  let allocated = 0;
  return {
    live,
    allocated: () => allocated,
    allocate(length: number) {
      allocated++;
      const a = new Float32Array(length);
      live.add(a);
      return a;
    },
    free(a: Float32Array) {
      expect(live.delete(a)).toBe(true); // only its own arrays, each once
    },
  };
}

it("new Scratch(allocator) takes named and pooled buffers from it, reuses them, and clear() frees them", () => {
  const allocator = recordingAllocator();
  const scratch = new Scratch(allocator);
  const a = scratch.get("a", 8);
  a.fill(3);
  const again = scratch.get("a", 6);
  expect(again.buffer).toBe(a.buffer);
  expect(Array.from(again)).toEqual(new Array(6).fill(0)); // zeroed on reuse
  const p = scratch.acquire(4);
  scratch.release(p);
  expect(scratch.acquire(4)).toBe(p);
  expect(allocator.allocated()).toBe(2);
  expect(scratch.allocations).toBe(2);
  scratch.get("a", 16); // grows: the old one goes back at once
  expect(allocator.live.has(a)).toBe(false);
  expect(allocator.live.size).toBe(2);
  scratch.clear();
  expect(allocator.live.size).toBe(0);
  expect(scratch.get("a", 2).length).toBe(2);
  expect(allocator.allocated()).toBe(4);
});

it("allocatorOf(backend) is the backend when it has allocate, else undefined", () => {
  const backend = new ReferenceBackend();
  expect(allocatorOf(backend)).toBe(backend);
  expect(allocatorOf(naiveBackend)).toBeUndefined();
  expect(new Scratch(allocatorOf(naiveBackend)).get("x", 3)).toEqual(new Float32Array(3));
});
