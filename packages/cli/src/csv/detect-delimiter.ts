// Picks a CSV file's field delimiter from its header line: the candidate among , ; tab | that
// occurs most often outside double quotes (ties go to the earlier candidate; none → comma).

/** The delimiters Kairos detects, in order of preference. */
export const DELIMITERS: readonly string[] = [",", ";", "\t", "|"];

/**
 * @param headerLine the first line of the file, without its line break.
 * @example
 * detectDelimiter("date;close;volume"); // ";"
 */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ",";
  let most = 0;
  for (const d of DELIMITERS) {
    const n = counts.get(d) ?? 0;
    if (n > most) {
      best = d;
      most = n;
    }
  }
  return best;
}
