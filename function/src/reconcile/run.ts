import { randomUUID } from "node:crypto";
import type { ProvisionConfig } from "../config/load";
import type { Logger } from "../log/logger";
import type { OrdsClient } from "../ords/client";
import { preview, type StatementReport } from "../provision/execute";
import { generatePassword } from "../provision/password";
import { ensureRegistry } from "../registry/lookup";
import { countObjectsOf, readActual } from "./actual";
import { applyWork, type Failure } from "./apply";
import { closeRun, loadCheckpoint, saveCheckpoint, startRun, type Checkpoint } from "./checkpoint";
import { readMemberships, readUsers } from "./desired";
import { checkGuard, type GuardVerdict } from "./guard";
import { RunPlanner, type AccountWork, type Refusal, type RunPlan } from "./plan-run";
import type { ScimClient } from "./scim-client";
import { rolePolicyFor, type RolePolicy } from "../policy/roles";

export type ReconcileOutcome = "applied" | "partly_failed" | "incomplete" | "planned" | "unchanged" | "guard_tripped";

export interface ReconcileOptions {
  dryRun: boolean;
  /** Proceed although the deletion guard trips. */
  force: boolean;
  deadline: Date | null;
  now?: () => number;
  /** Time kept free before the deadline (checkpoint + reply). Default 5 s. */
  reserveMs?: number;
  onPhase?: (phase: "actual" | "desired" | "plan" | "apply", total?: number) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface ReconcileDeps {
  config: ProvisionConfig;
  log: Logger;
  ords: OrdsClient;
  scim: ScimClient;
  /** The transitive role check (a fresh one from the config when absent). */
  roles?: RolePolicy;
}

/** What each kind of operation counts in the plan. */
export type OpCounts = Record<AccountWork["ops"][number]["op"], number>;

export interface ReconcileReport {
  outcome: ReconcileOutcome;
  reason: string;
  dryRun: boolean;
  forced: boolean;
  runId?: string;
  /** This invocation continued an unfinished run from its checkpoint. */
  resumed: boolean;
  iamUsers: number;
  managedAccounts: number;
  unchanged: number;
  /** Accounts with planned work in this invocation. */
  accountsToChange: number;
  /** Accounts an earlier invocation of this run already handled (skipped by the cursor). */
  skippedByCheckpoint: number;
  ops: OpCounts;
  guard: GuardVerdict;
  refused: Refusal[];
  notes: string[];
  applied?: { accounts: number; statements: number; failures: Failure[] };
  /** The checkpoint after this invocation (name order cursor) when the run must go on. */
  resumeAfter?: string | null;
}

export interface ReconcileResult {
  report: ReconcileReport;
  /** The planned work (what a dry run would run); for CLI output. */
  plan: RunPlan;
}

const emptyCounts = (): OpCounts => ({
  claim: 0,
  bump: 0,
  create_user: 0,
  lock: 0,
  unlock: 0,
  drop_user: 0,
  grant: 0,
  revoke: 0,
  registry_insert: 0,
  registry_update: 0,
});

/** The plan's statements as people may see them (passwords masked). */
export function planStatements(work: readonly AccountWork[]): StatementReport[] {
  return preview(work.flatMap((w) => w.ops));
}

/**
 * One reconciliation invocation: read the database's managed accounts, read the identity domain, plan every
 * account with the shared planner, check the deletion guard, then apply in batches within the deadline.
 * Every read happens before the first change, so a failed read changes nothing.
 */
export async function reconcile(deps: ReconcileDeps, o: ReconcileOptions): Promise<ReconcileResult> {
  const { config, ords, scim, log } = deps;
  const now = o.now ?? Date.now;
  const cp = o.dryRun ? null : await loadCheckpoint(ords, o.deadline, now());

  o.onPhase?.("actual");
  const actual = await readActual(ords, config.managed, o.deadline);
  const planner = new RunPlanner(actual, { ...config, newPassword: generatePassword });

  o.onPhase?.("desired");
  const { memberOf, groupsFound } = await readMemberships(scim, [...config.mapping.keys()], o.deadline);
  let read = 0;
  for await (const page of readUsers(scim, memberOf, o.deadline)) {
    for (const u of page.users) planner.addUser(u);
    read += page.users.length;
    o.onProgress?.(read, page.total);
  }

  o.onPhase?.("plan");
  const removals = planner.removals();
  const dropPossible = removals.filter((r) => config.DELETE_POLICY !== "lock" && r.status !== "PENDING" && actual.dbUsers.has(r.dbUsername));
  const objects = await countObjectsOf(
    ords,
    dropPossible.map((r) => r.dbUsername),
    o.deadline,
  );
  for (const row of removals) planner.addRemoval(row, objects.get(row.dbUsername));
  planner.refuseRoles(await (deps.roles ?? rolePolicyFor(config)).refusals(ords, planner.grantedRoles(), o.deadline));
  const plan = planner.finish();
  if (groupsFound < config.mapping.size) {
    plan.notes.push(`${config.mapping.size - groupsFound} of the ${config.mapping.size} GROUP_ROLE_MAP groups were not found in the identity domain`);
  }
  const work = cp?.lastAccount ? plan.work.filter((w) => w.dbUsername > (cp.lastAccount as string)) : plan.work;
  const ops = emptyCounts();
  for (const w of work) for (const op of w.ops) ops[op.op]++;
  const forced = o.force || cp?.forced === true;
  const guard = checkGuard(work, plan.managed, { share: config.RECONCILE_GUARD_SHARE, max: config.RECONCILE_GUARD_MAX });
  const report: ReconcileReport = {
    outcome: "unchanged",
    reason: "the database already matches the identity domain",
    dryRun: o.dryRun,
    forced,
    runId: cp?.runId,
    resumed: cp !== null,
    iamUsers: plan.iamUsers,
    managedAccounts: plan.managed,
    unchanged: plan.unchanged,
    accountsToChange: work.length,
    skippedByCheckpoint: plan.work.length - work.length,
    ops,
    guard,
    refused: plan.refused,
    notes: plan.notes,
  };
  const done = (outcome: ReconcileOutcome, reason: string): ReconcileResult => {
    report.outcome = outcome;
    report.reason = reason;
    return { report, plan: { ...plan, work } };
  };

  if (guard.tripped && !forced) return done("guard_tripped", guard.reason ?? "deletion guard");
  if (o.dryRun) return done(work.length > 0 ? "planned" : "unchanged", work.length > 0 ? "dry run: nothing was executed" : report.reason);
  if (work.length === 0) {
    if (cp) await closeRun(ords, cp.runId, "DONE", cp.progress, o.deadline);
    return done("unchanged", report.reason);
  }

  if (actual.registryMissing) await ensureRegistry(ords, o.deadline);
  const run: Checkpoint = cp ?? {
    runId: randomUUID(),
    lastAccount: null,
    forced,
    progress: { startedAt: now(), invocations: 0, accountsDone: 0, statements: 0, failedAccounts: 0 },
  };
  run.progress.invocations++;
  if (!cp) await startRun(ords, run, o.deadline);
  report.runId = run.runId;
  o.onPhase?.("apply", work.length);
  let applied;
  try {
    applied = await applyWork(work, ords, run, {
      batchSize: config.RECONCILE_BATCH,
      deadline: o.deadline,
      reserveMs: o.reserveMs ?? 5000,
      now,
      checkpointEveryMs: 10_000,
      onProgress: (n) => o.onProgress?.(n, work.length),
    });
  } catch (err) {
    // Keep what was done: the next run continues after the last batch that went through.
    await saveCheckpoint(ords, run, o.deadline).catch((e: unknown) => log.warn({ err: (e as Error).message }, "checkpoint not saved"));
    throw err;
  }
  report.applied = { accounts: applied.accounts, statements: applied.statements, failures: applied.failures };
  if (!applied.complete) {
    await saveCheckpoint(ords, run, o.deadline);
    report.resumeAfter = run.lastAccount;
    return done("incomplete", `stopped before the deadline after ${applied.accounts} of ${work.length} accounts; the next run continues after ${run.lastAccount ?? "the start"}`);
  }
  await closeRun(ords, run.runId, "DONE", run.progress, o.deadline);
  if (applied.failures.length > 0) {
    return done("partly_failed", `${applied.failures.length} statements failed on ${new Set(applied.failures.map((f) => f.dbUsername)).size} accounts; the next run tries them again`);
  }
  return done("applied", `${applied.statements} statements on ${applied.accounts} accounts`);
}
