import type { OrdsClient } from "../ords/client";
import { execute } from "../provision/execute";
import { saveCheckpoint, type Checkpoint } from "./checkpoint";
import type { AccountWork } from "./plan-run";

export interface ApplyOptions {
  /** Statements per ORDS call (accounts are never split across calls). */
  batchSize: number;
  deadline: Date | null;
  /** Time left at the deadline for saving the checkpoint and replying. */
  reserveMs: number;
  /** The clock (tests drive it). */
  now: () => number;
  /** The checkpoint is written at least this often while applying, and when the run stops. */
  checkpointEveryMs: number;
  onProgress?: (accountsDone: number) => void;
}

export interface Failure {
  dbUsername: string;
  op: string;
  code: number;
  message: string;
}

export interface ApplyResult {
  /** Every account's work was sent. */
  complete: boolean;
  accounts: number;
  statements: number;
  ordsCalls: number;
  failures: Failure[];
}

/** Whole accounts per batch, up to batchSize statements (an account bigger than that goes alone). */
export function* batches(work: readonly AccountWork[], batchSize: number): Generator<AccountWork[]> {
  let batch: AccountWork[] = [];
  let size = 0;
  for (const w of work) {
    if (batch.length > 0 && size + w.ops.length > batchSize) {
      yield batch;
      batch = [];
      size = 0;
    }
    batch.push(w);
    size += w.ops.length;
  }
  if (batch.length > 0) yield batch;
}

/**
 * Sends the planned work in batches (one ORDS script call each), in name order, moving the checkpoint's
 * cursor as it goes. Before each batch it checks that the batch (timed by the previous one) fits before the
 * deadline; otherwise it saves the checkpoint and stops, and the next run continues after the cursor.
 * Each account's statements are one version-checked unit (planAccount seals them); a unit that fails or
 * finds the account changed under it is reported and planned again by the next run.
 */
export async function applyWork(work: readonly AccountWork[], ords: OrdsClient, cp: Checkpoint, o: ApplyOptions): Promise<ApplyResult> {
  const result: ApplyResult = { complete: true, accounts: 0, statements: 0, ordsCalls: 0, failures: [] };
  let lastBatchMs = 0;
  let savedAt = o.now();
  for (const batch of batches(work, o.batchSize)) {
    if (o.deadline && o.deadline.getTime() - o.now() < o.reserveMs + lastBatchMs) {
      result.complete = false;
      break;
    }
    const started = o.now();
    // A script stops at its first failing statement: the accounts after the failing one go again in a new call.
    for (let rest = batch; rest.length > 0; ) {
      const reports = await execute(
        rest.flatMap((w) => w.ops),
        ords,
        o.deadline,
      );
      result.ordsCalls++;
      let i = 0;
      let next: AccountWork[] = [];
      for (const [k, w] of rest.entries()) {
        const mine = reports.slice(i, i + w.ops.length);
        i += w.ops.length;
        const failed = mine.find((r) => r.outcome === "failed" || r.outcome === "already");
        if (!failed) continue;
        const conflict = failed.outcome === "already" || ((failed.op === "claim" || failed.op === "registry_insert") && failed.error?.code === 1);
        result.failures.push({
          dbUsername: w.dbUsername,
          op: failed.op,
          code: failed.error?.code ?? 0,
          message: conflict ? "the account changed while the run planned it; the next run plans it again" : (failed.error?.message ?? "failed"),
        });
        cp.progress.failedAccounts++;
        next = rest.slice(k + 1);
        break;
      }
      result.statements += reports.filter((r) => r.outcome !== "not_run").length;
      cp.progress.statements += reports.filter((r) => r.outcome !== "not_run").length;
      rest = next;
    }
    lastBatchMs = o.now() - started;
    result.accounts += batch.length;
    cp.lastAccount = batch[batch.length - 1]?.dbUsername ?? cp.lastAccount;
    cp.progress.accountsDone += batch.length;
    o.onProgress?.(result.accounts);
    if (o.now() - savedAt >= o.checkpointEveryMs) {
      await saveCheckpoint(ords, cp, o.deadline);
      result.ordsCalls++;
      savedAt = o.now();
    }
  }
  return result;
}
