// Timestamps of the steps after a series' last one, so a forecast can be drawn on a date axis:
// business days skip Saturday and Sunday (not holidays), months and quarters keep the day of month
// (clamped), the rest add a fixed step.

import type { Frequency } from "@kairos/train";

const MINUTE = 60_000;
const STEP: Partial<Record<Frequency, number>> = {
  min: MINUTE,
  h: 60 * MINUTE,
  D: 86_400_000,
  W: 7 * 86_400_000,
};

function addMonths(t: number, months: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes());
}

/**
 * The `horizon` timestamps (ms, UTC) that follow `last` at `frequency`.
 *
 * @example
 * futureTimestamps(Date.UTC(2020, 0, 3), "B", 2); // Mon 6 and Tue 7 January 2020
 */
export function futureTimestamps(last: number, frequency: Frequency, horizon: number): number[] {
  if (!Number.isInteger(horizon) || horizon < 0) {
    throw new RangeError(
      `futureTimestamps(): horizon must be a non-negative integer, got ${horizon}`,
    );
  }
  const out: number[] = [];
  let t = last;
  for (let h = 0; h < horizon; h++) {
    if (frequency === "B") {
      do t += 86_400_000;
      while ([0, 6].includes(new Date(t).getUTCDay()));
    } else if (frequency === "M" || frequency === "Q" || frequency === "Y") {
      t = addMonths(last, (h + 1) * { M: 1, Q: 3, Y: 12 }[frequency]);
    } else {
      t += STEP[frequency] ?? 0;
    }
    out.push(t);
  }
  return out;
}
