import type { OrdsClient } from "../ords/client";
import type { Op } from "../plan/ops";
import { execute, type StatementReport } from "../provision/execute";
import type { UnitRun } from "../sync/inputs";
import type { SliceInputs } from "./slices";

/** The planned change of one account (from the plan pass's syncUser). */
export interface AccountWork {
  iamUserId: string;
  dbUsername: string;
  /** Statements the plan pass counted (the batch budget). */
  size: number;
  /** The change removes (drops) or locks the account: what the deletion guard counts. */
  removesOrLocks: boolean;
  /** The planned statements, passwords masked (dry runs only: what people see). */
  statements?: StatementReport[];
  /** What the plan was made from: the apply pass syncs the account again from the same view. */
  inputs: SliceInputs;
}

/** Whole accounts per batch, up to batchSize statements (an account bigger than that goes alone). */
export function* batches<W extends { size: number }>(work: readonly W[], batchSize: number): Generator<W[]> {
  let batch: W[] = [];
  let size = 0;
  for (const w of work) {
    if (batch.length > 0 && size + w.size > batchSize) {
      yield batch;
      batch = [];
      size = 0;
    }
    batch.push(w);
    size += w.size;
  }
  if (batch.length > 0) yield batch;
}

/**
 * Runs several accounts' units as one script (one ORDS call). Each unit keeps its own version check; the
 * script stops at the first failing statement (WHENEVER SQLERROR EXIT), so the units after the one that
 * stopped it did not run at all and go again in the next call. Every unit gets its own reports.
 */
export async function runUnits(units: readonly (readonly Op[])[], ords: OrdsClient, deadline: Date | null): Promise<UnitRun[]> {
  const out: UnitRun[] = new Array<UnitRun>(units.length);
  let rest = units.map((_, i) => i);
  while (rest.length > 0) {
    const reports = await execute(
      rest.flatMap((i) => units[i] as Op[]),
      ords,
      deadline,
    );
    const sendAttempts = ords.lastSendAttempts;
    let at = 0;
    let next: number[] = [];
    for (const [k, i] of rest.entries()) {
      const mine = reports.slice(at, at + (units[i] as Op[]).length);
      at += mine.length;
      out[i] = { reports: mine, sendAttempts };
      if (mine.some((r) => r.outcome === "failed" || r.outcome === "already")) {
        next = rest.slice(k + 1);
        break;
      }
    }
    rest = next;
  }
  return out;
}
