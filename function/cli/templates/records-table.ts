import Table from "cli-table3";
import type { MappedRecord, MappedValue } from "./response-mapping";

/** Mapped records as an aligned text table: one row per record, one column per response attribute. */

function cellText(v: MappedValue | undefined): string {
  if (!v || v.length === 0) return "";
  if (typeof v[0] === "string") return (v as string[]).join(", ");
  return (v as Record<string, string[]>[])
    .map((sub) => {
      const entries = Object.entries(sub);
      return entries.length === 1 ? entries[0][1].join(",") : entries.map(([k, x]) => `${k}=${x.join(",")}`).join(" ");
    })
    .join("; ");
}

const clip = (s: string, width: number) => (s.length > width ? `${s.slice(0, Math.max(1, width - 1))}…` : s);

/** Borders and padding cli-table3 adds around n columns: "│ " before each cell, " " after it, one "│" at the end. */
const frame = (n: number) => 3 * n + 1;

/**
 * The table, with every column as wide as its widest value up to `maxCellWidth`, then the widest columns
 * narrowed until the whole table fits `maxWidth` characters; `clipped` says whether any value was cut.
 */
export function fitRecordsTable(columns: string[], records: MappedRecord[], o: { maxCellWidth?: number; maxWidth?: number } = {}): { text: string; clipped: boolean } {
  const cells = records.map((r) => columns.map((c) => cellText(r[c])));
  const widths = columns.map((c, i) => Math.min(o.maxCellWidth ?? 40, Math.max(c.length, ...cells.map((row) => row[i].length))));
  const budget = (o.maxWidth ?? Infinity) - frame(columns.length);
  while (widths.reduce((a, b) => a + b, 0) > budget) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 4) break;
    widths[widest]--;
  }
  let clipped = false;
  const fit = (s: string, i: number) => {
    if (s.length > widths[i]) clipped = true;
    return clip(s, widths[i]);
  };
  const table = new Table({ head: columns.map(fit), style: { head: [], border: [] } });
  for (const row of cells) table.push(row.map(fit));
  return { text: table.toString(), clipped };
}

export function renderRecordsTable(columns: string[], records: MappedRecord[], maxCellWidth = 40): string {
  return fitRecordsTable(columns, records, { maxCellWidth }).text;
}
