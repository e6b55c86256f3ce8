/** Markdown rendering of the results: pipes in cells are escaped so a note can never break a row. */
export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[], align?: readonly ("l" | "r")[]): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = head.map((_, i) => (align?.[i] === "r" ? "---:" : "---"));
  for (const r of rows) if (r.length !== head.length) throw new Error(`markdownTable: row has ${r.length} cells, expected ${head.length}: ${r.join(", ")}`);
  return [line(head), `| ${rule.join(" | ")} |`, ...rows.map(line)].join("\n");
}

export const ms = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 0)} ms`);
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
/** ours ÷ baseline, the number every row is read by. */
export const ratio = (ours: number, baseline: number): string => (baseline > 0 ? `${(ours / baseline).toFixed(2)}×` : "n/a");
