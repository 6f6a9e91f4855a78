// A plain text table: the first column left-aligned, the rest right-aligned, two spaces apart.

/** Formats rows of cells (the first row is the header) as aligned text lines. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows
    .map((r) =>
      r.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join("  "),
    )
    .join("\n");
}
