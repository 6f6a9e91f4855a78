// bench:check — what counts as a regression against the committed baseline.
// - Deterministic figures (bytes, planned peaks, counts) gate strictly: any growth fails. A
//   measured, noisy figure is given as `{ bytes, tolerance }` and may grow by that much.
// - A gated timing ratio (ours / our own reference, timed side by side) fails only below its
//   band: the baseline records the ratio over several runs (median `value`, lowest `low`), and
//   the band's floor lies twice that downward spread below the median, and never closer than
//   MIN_MARGIN (a fresh machine of the same kind differs from the one that recorded it). The
//   runner re-measures a ratio that falls out before it fails (run.mjs).
// - Ratios over a peer library, and those marked `gate: false`, are reported, not gated.
// Workloads or figures missing from the baseline are reported, not failed.

/** The band's floor lies at least this far below the baseline's median. */
export const MIN_MARGIN = 0.25;
/** Margin for a baseline figure recorded as a bare number (no spread on record). */
export const LEGACY_MARGIN = { full: 0.3, quick: 0.5 };

/**
 * The band a ratio must stay in, from its baseline entry.
 * @param {number | { value: number, low: number, high: number, runs: number }} base
 * @param {"full" | "quick"} mode
 * @returns {{ floor: number, value: number, low: number, high: number, runs: number, margin: number }}
 */
export function bandOf(base, mode = "full") {
  if (typeof base === "number") {
    const margin = LEGACY_MARGIN[mode];
    return { floor: base * (1 - margin), value: base, low: base, high: base, runs: 1, margin };
  }
  const spread = Math.max(0, (base.value - base.low) / base.value);
  const margin = Math.min(0.9, Math.max(MIN_MARGIN, 2 * spread));
  return { ...base, floor: base.value * (1 - margin), margin };
}

/**
 * One ratio against its baseline entry.
 * @returns {{ status: "ok" | "out" | "reported" | "new", band: ReturnType<typeof bandOf> | null }}
 */
export function judgeRatio(ratio, base, mode = "full") {
  if (base == null) return { status: "new", band: null };
  const band = bandOf(base, mode);
  if (!ratio.gated) return { status: "reported", band };
  return { status: ratio.value >= band.floor ? "ok" : "out", band };
}

/** One line per memory figure that grew past what its baseline allows. */
export function memoryProblems(name, memory, base) {
  const problems = [];
  for (const [figure, m] of Object.entries(memory ?? {})) {
    const was = base?.memory?.[figure];
    if (was == null) continue;
    const now = typeof m === "number" ? m : m.bytes;
    const before = typeof was === "number" ? was : was.bytes;
    const tolerance = typeof m === "number" ? 0 : (m.tolerance ?? 0);
    if (now > before * (1 + tolerance)) {
      problems.push(`${name}: memory "${figure}" grew to ${now} bytes from ${before}`);
    }
  }
  return problems;
}

/**
 * Every regression of a run against the baseline section of the same mode, without
 * re-measuring (run.mjs re-measures out-of-band ratios before it calls a regression).
 * @param {Record<string, any>} current results.workloads of this run
 * @param {Record<string, any>} baseline the baseline section for the same mode
 * @param {"full" | "quick"} [mode]
 * @returns {string[]} one line per regression
 */
export function compareWithBaseline(current, baseline, mode = "full") {
  const problems = [];
  for (const [name, w] of Object.entries(current)) {
    const base = baseline[name];
    if (!base) {
      console.log(`bench:check: ${name} has no baseline yet (run with --update-baseline)`);
      continue;
    }
    for (const [ratio, r] of Object.entries(w.ratios ?? {})) {
      const { status, band } = judgeRatio(r, base.ratios?.[ratio], mode);
      if (status === "out") problems.push(ratioProblem(name, ratio, r, band));
    }
    problems.push(...memoryProblems(name, w.memory, base));
  }
  return problems;
}

export function ratioProblem(name, ratio, r, band) {
  return `${name}: ratio "${ratio}" is ${r.value.toFixed(2)}×, below its band ≥ ${band.floor.toFixed(2)}× (baseline ${band.value.toFixed(2)}×, seen ${band.low.toFixed(2)}–${band.high.toFixed(2)}× over ${band.runs} runs) after ${r.rounds} rounds`;
}

/**
 * A baseline entry from the values one ratio took over repeated runs.
 * @param {number[]} values
 */
export function spreadOf(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  const value = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  const r = (x) => Number(x.toPrecision(4));
  return { value: r(value), low: r(s[0]), high: r(s[s.length - 1]), runs: s.length };
}
