// Plain-text table and number formats for the benchmark's report.

/** Columns padded to their widest cell; `right` lists the columns aligned right. */
export function table(rows, { right = [] } = {}) {
  const widths = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (right.includes(i) ? String(cell).padStart(widths[i]) : String(cell).padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export const ms = (v) => (v === undefined || Number.isNaN(v) ? '-' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
export const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
export const ratio = (v) => (v === undefined || Number.isNaN(v) ? '-' : `${v.toFixed(2)}x`);
export const rate = (perSecond, unit) => `${perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1)} ${unit}`;
