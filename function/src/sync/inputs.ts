import type { OrdsClient } from "../ords/client";
import type { Op } from "../plan/ops";
import { execute, type StatementReport } from "../provision/execute";
import { countObjects, lookupAccount, type AccountLookup } from "../registry/lookup";

/**
 * Where syncUser reads one account from. The event path asks ORDS per account; reconciliation answers from
 * its bulk read first and asks ORDS only when a unit lost its race (attempt > 1 must read fresh).
 */
export interface AccountSource {
  lookup(key: { iamUserId: string; dbUsername?: string }, deadline: Date | null, o: { dryRun: boolean; attempt: number }): Promise<AccountLookup>;
  countObjects(dbUsername: string, deadline: Date | null, attempt: number): Promise<number>;
}

/** One unit's statements as run, and how many sends its ORDS call took (above 1: an earlier reply was lost). */
export interface UnitRun {
  reports: StatementReport[];
  sendAttempts: number;
}

/** Runs one account's version-checked unit. The event path sends it alone; reconciliation batches units. */
export interface UnitExecutor {
  run(ops: readonly Op[], deadline: Date | null): Promise<UnitRun>;
}

/** The event path's account source: one look-up call per account. */
export function ordsAccounts(ords: OrdsClient): AccountSource {
  return {
    lookup: (key, deadline, o) => lookupAccount(ords, key, deadline, { dryRun: o.dryRun }),
    countObjects: (dbUsername, deadline) => countObjects(ords, dbUsername, deadline),
  };
}

/** The event path's executor: one script call per unit. */
export function ordsExecutor(ords: OrdsClient): UnitExecutor {
  return {
    run: async (ops, deadline) => {
      const reports = await execute(ops, ords, deadline);
      return { reports, sendAttempts: ords.lastSendAttempts };
    },
  };
}
