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

export function renderRecordsTable(columns: string[], records: MappedRecord[], maxCellWidth = 40): string {
  const table = new Table({ head: columns, style: { head: [], border: [] } });
  for (const r of records) table.push(columns.map((c) => clip(cellText(r[c]), maxCellWidth)));
  return table.toString();
}
