import { z } from "zod";
import type { Bind, OrdsClient } from "../ords/client";
import { OraError } from "../ords/envelope";

/** Reconciliation runs and how far each got, in the REST-enabled schema next to the registry. */
export const CHECKPOINT_TABLE = "IAM_ADB_SYNC_RECONCILE";

const CREATE_CHECKPOINT_TABLE = `CREATE TABLE ${CHECKPOINT_TABLE} (
  RUN_ID VARCHAR2(64) PRIMARY KEY,
  STATUS VARCHAR2(16) NOT NULL,
  LAST_ACCOUNT VARCHAR2(128),
  FORCED VARCHAR2(1) DEFAULT 'N' NOT NULL,
  PROGRESS VARCHAR2(4000) DEFAULT '{}' NOT NULL,
  STARTED_AT TIMESTAMP DEFAULT SYSTIMESTAMP NOT NULL,
  UPDATED_AT TIMESTAMP DEFAULT SYSTIMESTAMP NOT NULL
)`;

/** A run that started longer ago than this is not resumed: a fresh run replans from scratch. */
export const RESUME_WITHIN_MS = 24 * 3600 * 1000;

const progressSchema = z.object({
  startedAt: z.number(),
  invocations: z.number().int(),
  accountsDone: z.number().int(),
  statements: z.number().int(),
  failedAccounts: z.number().int(),
});
export type Progress = z.infer<typeof progressSchema>;

export interface Checkpoint {
  runId: string;
  /** Accounts up to this database user name (in name order) were handled by the run. */
  lastAccount: string | null;
  /** The run was forced past the deletion guard; its continuation is too. */
  forced: boolean;
  progress: Progress;
}

const rowSchema = z.object({
  run_id: z.string(),
  last_account: z.string().nullable().optional(),
  forced: z.enum(["Y", "N"]),
  progress: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${CHECKPOINT_TABLE}.PROGRESS is not JSON` });
        return z.NEVER;
      }
    })
    .pipe(progressSchema),
});

const ORA_TABLE_MISSING = 942;
const ORA_NAME_IN_USE = 955;

const str = (name: string, value: string | null): Bind => ({ name, data_type: "VARCHAR2", value: value ?? "" });

/** The unfinished run to continue, if any (and not older than RESUME_WITHIN_MS). */
export async function loadCheckpoint(ords: OrdsClient, deadline: Date | null, now = Date.now()): Promise<Checkpoint | null> {
  let rows: Record<string, unknown>[];
  try {
    const [r] = await ords.queries(
      [`SELECT RUN_ID, LAST_ACCOUNT, FORCED, PROGRESS FROM ${CHECKPOINT_TABLE} WHERE STATUS = 'RUNNING' ORDER BY STARTED_AT DESC`],
      [],
      deadline,
    );
    rows = r?.rows ?? [];
  } catch (err) {
    if (err instanceof OraError && err.code === ORA_TABLE_MISSING) return null;
    throw err;
  }
  const first = rows[0];
  if (!first) return null;
  const row = rowSchema.parse(first);
  if (now - row.progress.startedAt > RESUME_WITHIN_MS) {
    await closeRun(ords, row.run_id, "ABANDONED", row.progress, deadline);
    return null;
  }
  return { runId: row.run_id, lastAccount: row.last_account ?? null, forced: row.forced === "Y", progress: row.progress };
}

/** Records a new run (creating the table on first use). */
export async function startRun(ords: OrdsClient, cp: Checkpoint, deadline: Date | null): Promise<void> {
  const [created] = await ords.script([CREATE_CHECKPOINT_TABLE], deadline);
  if (created && "error" in created && created.error.code !== ORA_NAME_IN_USE) throw created.error;
  await ords.queries(
    [`INSERT INTO ${CHECKPOINT_TABLE} (RUN_ID, STATUS, FORCED, PROGRESS) VALUES (:run_id, 'RUNNING', :forced, :progress)`],
    [str("run_id", cp.runId), str("forced", cp.forced ? "Y" : "N"), str("progress", JSON.stringify(cp.progress))],
    deadline,
  );
}

/** Moves the run's cursor forward. */
export async function saveCheckpoint(ords: OrdsClient, cp: Checkpoint, deadline: Date | null): Promise<void> {
  await ords.queries(
    [`UPDATE ${CHECKPOINT_TABLE} SET LAST_ACCOUNT = :last_account, PROGRESS = :progress, UPDATED_AT = SYSTIMESTAMP WHERE RUN_ID = :run_id`],
    [str("last_account", cp.lastAccount), str("progress", JSON.stringify(cp.progress)), str("run_id", cp.runId)],
    deadline,
  );
}

/** Marks the run finished (DONE) or given up (ABANDONED); it is never resumed again. */
export async function closeRun(ords: OrdsClient, runId: string, status: "DONE" | "ABANDONED", progress: Progress, deadline: Date | null): Promise<void> {
  await ords.queries(
    [`UPDATE ${CHECKPOINT_TABLE} SET STATUS = :status, PROGRESS = :progress, UPDATED_AT = SYSTIMESTAMP WHERE RUN_ID = :run_id`],
    [str("status", status), str("progress", JSON.stringify(progress)), str("run_id", runId)],
    deadline,
  );
}
