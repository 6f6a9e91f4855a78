// Stands in for packages/lora/test/backends.ts when the conformance suite runs in a page: the one
// backend under test comes from the page's `?backend=` (a gpu.js mode, `webgl2` or `webgpu`, or
// `wasm`); the suite checks it against the naive kernels, as in Node (where `reference` runs).
// A backend that cannot be created, or that gpu.js creates in another mode than asked, is null
// (its tests skip) and the reason is kept for the Node side.
import type { Backend } from "../../../../packages/lora/src/backend";
import { createBackend } from "../../../../packages/lora/src/create-backend";
import { createGpuBackend } from "../../../../packages/lora/src/gpu";

/** One backend under test, as in the Node suite's backends.ts. */
export interface BackendCase {
  name: string;
  create: () => Promise<Backend | null>;
  /** Unit round-off the error bounds scale with. */
  epsilon: number;
}

/** Unit round-off per backend: float32 for wasm; one ulp per operation on a GPU. */
export const epsilons: Record<string, number> = {
  wasm: 2 ** -24,
  webgl2: 2 ** -23,
  webgpu: 2 ** -23,
};

/** Why the backend under test could not be created, or null when it was. */
export const creationErrors: string[] = [];

const requested = new URLSearchParams(globalThis.location?.search ?? "").get("backend") ?? "";

async function createRequested(): Promise<Backend> {
  if (requested === "wasm") return createBackend("wasm");
  if (requested !== "webgl2" && requested !== "webgpu") {
    throw new RangeError(
      `?backend= must be webgl2, webgpu or wasm, got ${JSON.stringify(requested)}`,
    );
  }
  // minWork 0: every matmul goes through gpu.js, none to the small-problem fallback.
  const backend = await createGpuBackend({ mode: requested, minWork: 0 });
  if (backend.name !== `gpu:${requested}`) {
    await backend.dispose();
    throw new Error(`asked gpu.js for ${requested}, got ${backend.name}`);
  }
  return backend;
}

/** The backend the page asked for. */
export const backendCases: BackendCase[] = [
  { name: requested, create: createRequested, epsilon: epsilons[requested] ?? Number.NaN },
];

/** Names of the backends created, in order (e.g. `gpu:webgl2`), for the Node side to check. */
export const createdNames: string[] = [];

let loaded: Promise<Array<BackendCase & { backend: Backend | null }>> | null = null;

/**
 * Creates every case once a page (the suites it imports share them); one that fails comes back
 * null and its error is kept in creationErrors.
 */
export function loadBackends(): Promise<Array<BackendCase & { backend: Backend | null }>> {
  loaded ??= createAll();
  return loaded;
}

async function createAll(): Promise<Array<BackendCase & { backend: Backend | null }>> {
  const out: Array<BackendCase & { backend: Backend | null }> = [];
  for (const c of backendCases) {
    const backend = await c.create().catch((error: unknown) => {
      creationErrors.push(`${c.name}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    if (backend) createdNames.push(backend.name);
    out.push({ ...c, backend });
  }
  return out;
}
