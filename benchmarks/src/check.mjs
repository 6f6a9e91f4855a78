// bench:check — what counts as a regression against the committed baseline:
// - a memory figure that grew (exact figures: any growth; a workload may give
//   `{ bytes, tolerance }` for a measured, noisy one);
// - a throughput ratio (ours / a reference in the same run) that fell by more than its
//   tolerance (default 30% for a full run, 50% for the quick CI form, whose short rounds
//   on a 2-core machine swing that much even in ratios of tasks timed side by side).
// Workloads or figures missing from the baseline are reported, not failed.

export const DEFAULT_RATIO_TOLERANCE = { full: 0.3, quick: 0.5 };

/**
 * @param {Record<string, any>} current results.workloads of this run
 * @param {Record<string, any>} baseline the baseline section for the same mode
 * @param {"full" | "quick"} [mode] which default ratio tolerance applies
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
      const was = base.ratios?.[ratio];
      if (was == null) continue;
      const tolerance = r.tolerance ?? DEFAULT_RATIO_TOLERANCE[mode];
      if (r.value < was * (1 - tolerance)) {
        problems.push(
          `${name}: ratio "${ratio}" fell to ${r.value.toFixed(2)}× from ${was.toFixed(2)}× (tolerance ${tolerance * 100}%)`,
        );
      }
    }
    for (const [figure, m] of Object.entries(w.memory ?? {})) {
      const was = base.memory?.[figure];
      if (was == null) continue;
      const now = typeof m === "number" ? m : m.bytes;
      const before = typeof was === "number" ? was : was.bytes;
      const tolerance = typeof m === "number" ? 0 : (m.tolerance ?? 0);
      if (now > before * (1 + tolerance)) {
        problems.push(`${name}: memory "${figure}" grew to ${now} bytes from ${before}`);
      }
    }
  }
  return problems;
}
