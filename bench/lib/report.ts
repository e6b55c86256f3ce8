import { cpus } from "node:os";
import { markdownTable } from "./markdown";

/** One line of the main table: our figure against a baseline measured in the same run. */
export interface Row {
  measure: string;
  ours: string;
  baseline: string;
  /** ours ÷ baseline. */
  ratio: string;
  /** How many runs or samples the figures summarise. */
  runs: string;
  note: string;
}

/** A titled part of the report: the main table, or a detail table such as remote calls per event. */
export interface Section {
  title: string;
  table: string;
  /** Definitions the reader needs (what "naive" means, how a figure was taken). */
  notes: string[];
}

export function rowsSection(title: string, rows: readonly Row[], notes: string[]): Section {
  const table = markdownTable(
    ["measure", "ours", "baseline", "ours ÷ baseline", "runs", "note"],
    rows.map((r) => [r.measure, r.ours, r.baseline, r.ratio, r.runs, r.note]),
    ["l", "r", "r", "r", "r", "l"],
  );
  return { title, table, notes };
}

export function machineLine(now: Date = new Date()): string {
  const cpu = cpus();
  return `${now.toISOString().replace(/\.\d+Z$/, "Z")} · node ${process.version} · ${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown cpu"}) · ${process.platform}/${process.arch}`;
}

export function renderReport(o: { mode: string; machine: string; seconds: number; sections: readonly Section[] }): string {
  const parts = [`# iam-adb-sync benchmarks`, "", `${o.machine} · ${o.mode} run in ${o.seconds.toFixed(0)} s`];
  for (const s of o.sections) {
    parts.push("", `## ${s.title}`, "", s.table);
    if (s.notes.length) parts.push("", ...s.notes.map((n) => `- ${n}`));
  }
  return `${parts.join("\n")}\n`;
}
