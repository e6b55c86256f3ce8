import type { OrdsClient } from "../ords/client";
import { classifyOra } from "../ords/ora-codes";
import type { Op } from "../plan/ops";
import { render } from "../sql/render";

export interface StatementReport {
  op: Op["op"];
  target: string;
  /** The statement as shown to people: passwords masked. */
  sql: string;
  /** already: the database was already so (the script stopped there); not_run: an earlier statement failed. */
  outcome: "ok" | "already" | "failed" | "planned" | "not_run";
  error?: { code: number; message: string; transient: boolean };
}

/** Renders the ops; in a dry run that is all that happens. */
export function preview(ops: readonly Op[]): StatementReport[] {
  return ops.map((op) => {
    const s = render(op);
    return { op: s.op, target: s.target, sql: s.display, outcome: "planned" };
  });
}

/**
 * Sends all ops as one script (one ORDS call) that stops at the first failing statement, and maps that
 * statement's ORA- code to an outcome; the statements after it are not_run.
 */
export async function execute(ops: readonly Op[], ords: OrdsClient, deadline: Date | null): Promise<StatementReport[]> {
  const statements = ops.map(render);
  const outcomes = await ords.script(
    statements.map((s) => s.sql),
    deadline,
  );
  return statements.map((s, i) => {
    const o = outcomes[i];
    const base = { op: s.op, target: s.target, sql: s.display };
    if (!o || o.ok) return { ...base, outcome: "ok" };
    if ("notRun" in o) return { ...base, outcome: "not_run" };
    const verdict = classifyOra(s.op, o.error.code);
    if (verdict === "already") return { ...base, outcome: "already" };
    return { ...base, outcome: "failed", error: { code: o.error.code, message: o.error.message, transient: verdict === "transient" } };
  });
}
