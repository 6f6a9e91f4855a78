// A small stand-in for `vitest` inside a browser page: `describe`/`it` (with `.each` and
// `.skipIf`) register tests, `runRegistered()` runs them in order and returns one result each.
// Assertions are vitest's own (`@vitest/expect` on chai), so a suite bundled with this module in
// place of `vitest` asserts exactly as it does under Node.
import type { ExpectStatic } from "@vitest/expect";
import {
  chai,
  GLOBAL_EXPECT,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from "@vitest/expect";

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

/** vitest's `expect`, without the per-test bookkeeping (assertion counts, soft assertions). */
export const expect = ((value: unknown, message?: string) =>
  chai.expect(value, message)) as unknown as ExpectStatic;
Object.assign(expect, chai.expect);
setState(
  {
    assertionCalls: 0,
    isExpectingAssertions: false,
    isExpectingAssertionsError: null,
    expectedAssertionsNumber: null,
    expectedAssertionsNumberErrorGen: null,
  },
  expect,
);
(globalThis as Record<symbol, unknown>)[GLOBAL_EXPECT] = expect;

/** One test's outcome, as the Node side of the browser tests reads it. */
export interface TestResult {
  /** Suite names and the test name, joined by " > ". */
  name: string;
  status: "pass" | "fail" | "skip";
  /** The error message of a failed test. */
  error?: string;
  milliseconds: number;
}

type TestFn = () => unknown;
interface Registered {
  name: string;
  fn: TestFn;
  skip: boolean;
}

const registered: Registered[] = [];
const suites: string[] = [];
let skipDepth = 0;

/** `$field` from an object row, then `%s`/`%i`/`%d` from a primitive row, as vitest formats titles. */
function title(template: string, row: unknown): string {
  let out = template;
  if (row !== null && typeof row === "object" && !Array.isArray(row)) {
    out = out.replace(/\$(\w+)/g, (_, key: string) =>
      String((row as Record<string, unknown>)[key]),
    );
  }
  const values = Array.isArray(row) ? [...row] : [row];
  return out.replace(/%[sidfj]/g, () => String(values.shift()));
}

/** vitest passes an array row spread into arguments, any other row as the one argument. */
function args(row: unknown): unknown[] {
  return Array.isArray(row) ? row : [row];
}

function suite(name: string, body: () => void, skip: boolean): void {
  suites.push(name);
  if (skip) skipDepth++;
  try {
    body();
  } finally {
    if (skip) skipDepth--;
    suites.pop();
  }
}

function register(name: string, fn: TestFn, skip: boolean): void {
  registered.push({ name: [...suites, name].join(" > "), fn, skip: skip || skipDepth > 0 });
}

type Each<F> = (table: readonly unknown[]) => (name: string, fn: F) => void;
type SuiteBody = (...rowArgs: never[]) => void;
type TestBody = (...rowArgs: never[]) => unknown;

function eachOf<F extends (...a: never[]) => unknown>(
  register: (name: string, fn: () => unknown) => void,
): Each<F> {
  return (table) => (name, fn) => {
    for (const row of table) register(title(name, row), () => fn(...(args(row) as never[])));
  };
}

/** Registers a suite; `describe.each(rows)` one per row, `describe.skipIf(c)` skipped when c. */
export const describe = Object.assign(
  (name: string, body: () => void) => suite(name, body, false),
  {
    each: eachOf<SuiteBody>((name, body) => suite(name, body as () => void, false)),
    skipIf: (condition: unknown) => (name: string, body: () => void) =>
      suite(name, body, Boolean(condition)),
  },
);

/** Registers a test; `it.each(rows)` one per row, `it.skipIf(c)` skipped when c. */
export const it = Object.assign((name: string, fn: TestFn) => register(name, fn, false), {
  each: eachOf<TestBody>((name, fn) => register(name, fn, false)),
  skipIf: (condition: unknown) => (name: string, fn: TestFn) =>
    register(name, fn, Boolean(condition)),
});
export { it as test };

const afterAllHooks: TestFn[] = [];
/** Runs after every registered test (whatever the suite). */
export function afterAll(fn: TestFn): void {
  afterAllHooks.push(fn);
}

/** Runs every registered test in order, then the afterAll hooks; never throws. */
export async function runRegistered(): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const { name, fn, skip } of registered) {
    if (skip) {
      results.push({ name, status: "skip", milliseconds: 0 });
      continue;
    }
    const start = performance.now();
    try {
      await fn();
      results.push({ name, status: "pass", milliseconds: performance.now() - start });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({
        name,
        status: "fail",
        error: message,
        milliseconds: performance.now() - start,
      });
    }
  }
  for (const hook of afterAllHooks) await hook();
  return results;
}
