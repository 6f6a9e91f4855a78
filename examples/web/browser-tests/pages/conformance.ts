// Page entry: @kairos/lora's conformance suites (the very files Node runs), registered through the
// vitest stand-in and run on `window.kairosConformance()` against the backend in `?backend=`.
import "../../../../packages/lora/test/conformance.test";
import "../../../../packages/lora/test/attention-conformance.test";
import "../../../../packages/lora/test/rows-conformance.test";
import { createdNames, creationErrors } from "../harness/browser-backends";
import { runRegistered, type TestResult } from "../harness/vitest-shim";

/** What the page hands back to the Node side of the test. */
export interface ConformanceReport {
  backends: string[];
  creationErrors: string[];
  crossOriginIsolated: boolean;
  results: TestResult[];
}

declare global {
  interface Window {
    kairosConformance(): Promise<ConformanceReport>;
  }
}

window.kairosConformance = async () => ({
  backends: createdNames,
  creationErrors,
  crossOriginIsolated: globalThis.crossOriginIsolated,
  results: await runRegistered(),
});
