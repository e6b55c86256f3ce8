import type { OrdsClient } from "../ords/client";
import { classifyOra } from "../ords/ora-codes";
import type { Op } from "../plan/ops";
import { render } from "../sql/render";

export interface StatementReport {
  op: Op["op"];
  target: string;
  /** The statement as shown to people: passwords masked. */
  sql: string;
  outcome: "ok" | "already" | "failed" | "planned";
  error?: { code: number; message: string; transient: boolean };
}

/** Renders the ops; in a dry run that is all that happens. */
export function preview(ops: readonly Op[]): StatementReport[] {
  return ops.map((op) => {
    const s = render(op);
    return { op: s.op, target: s.target, sql: s.display, outcome: "planned" };
  });
}

/** Sends all ops as one script (one ORDS call) and maps every statement's ORA- code to an outcome. */
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
    const verdict = classifyOra(s.op, o.error.code);
    if (verdict === "already") return { ...base, outcome: "already" };
    return { ...base, outcome: "failed", error: { code: o.error.code, message: o.error.message, transient: verdict === "transient" } };
  });
}
