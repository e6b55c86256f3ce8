import { randomUUID } from "node:crypto";
import type { ProvisionConfig } from "../config/load";
import type { Logger } from "../log/logger";
import type { OrdsClient } from "../ords/client";
import type { Op } from "../plan/ops";
import type { StatementReport } from "../provision/execute";
import { rolePolicyFor, type RolePolicy } from "../policy/roles";
import { ensureRegistry } from "../registry/lookup";
import { migrationFor, readTablesShape, RegistryShapeError } from "../registry/shape";
import { REGISTRY_TABLE } from "../registry/table";
import { SqlValueError } from "../sql/quote";
import type { UnitExecutor, UnitRun } from "../sync/inputs";
import { syncUser, type Settled, type SyncDeps, type SyncResult } from "../sync/sync-user";
import { AccountStream } from "./account-stream";
import { closeRun, loadCheckpoint, saveCheckpoint, startRun, type Checkpoint } from "./checkpoint";
import { checkGuard, type GuardVerdict } from "./guard";
import { readMemberships, usersByOcid } from "./iam-stream";
import { mergeByKey } from "./merge";
import { Rendezvous } from "./rendezvous";
import type { ScimClient } from "./scim-client";
import { settledFromStream, sliceAccounts, SliceAnswers, sliceReader, type SliceInputs } from "./slices";
import { batches, runUnits, type AccountWork } from "./work";

export type ReconcileOutcome = "applied" | "partly_failed" | "incomplete" | "planned" | "unchanged" | "guard_tripped";

export interface ReconcileOptions {
  dryRun: boolean;
  /** Proceed although the deletion guard trips. */
  force: boolean;
  deadline: Date | null;
  now?: () => number;
  /** Time kept free before the deadline (checkpoint + reply). Default 5 s. */
  reserveMs?: number;
  /** Registry rows per ORDS page (default ORDS' own 10,000). */
  pageRows?: number;
  /** plan: both sides streamed and every account planned; apply: the changes. */
  onPhase?: (phase: "plan" | "apply", total?: number) => void;
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
export type OpCounts = Record<Op["op"], number>;

export interface Refusal {
  iamUserId: string;
  dbUsername?: string;
  reason: string;
}

export interface Failure {
  dbUsername: string;
  op: string;
  code: number;
  message: string;
}

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
  /** The checkpoint after this invocation (IAM user OCID order cursor) when the run must go on. */
  resumeAfter?: string | null;
}

export interface ReconcileResult {
  report: ReconcileReport;
  /** The planned work (a dry run keeps its statements); for CLI output. */
  plan: { work: AccountWork[] };
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

/** The plan's statements as people may see them (passwords masked; dry runs keep them). */
export function planStatements(work: readonly AccountWork[]): StatementReport[] {
  return work.flatMap((w) => w.statements ?? []);
}

/** Keys synced side by side in the plan pass: their look-ups share ORDS calls, and few enough stay alive across awaits that garbage collection stays cheap (at 100k users in a 256 MB function, 250 cost 1.5× the CPU of 100, 1,000 5× the GC time). */
const PLAN_CHUNK = 100;

/** A name that cannot cross the boundary refuses its own key, not the run. */
function refusedName(err: unknown): SqlValueError {
  if (err instanceof SqlValueError) return err;
  throw err;
}

/** Only the roles the mapping names are granted: judged once per run, then answered from that verdict. */
async function runRoles(roles: RolePolicy, config: ProvisionConfig, ords: OrdsClient, deadline: Date | null): Promise<Pick<RolePolicy, "refusals">> {
  const mapped: string[] = [...new Set([...config.mapping.values()].flat().flatMap((g) => (g.kind === "role" ? [g.name] : [])))];
  const verdicts = await roles.refusals(ords, mapped, deadline);
  const known = new Set<string>(mapped);
  return {
    refusals: async (o, asked, d) => {
      const out = new Map([...asked].flatMap((r) => (verdicts.has(r) ? [[r, verdicts.get(r) as string] as const] : [])));
      const other = asked.filter((r) => !known.has(r));
      if (other.length > 0) for (const [r, why] of await roles.refusals(o, other, d)) out.set(r, why);
      return out;
    },
  };
}

/**
 * One reconciliation invocation: `syncUser` for every IAM user and for every registry row whose user IAM no
 * longer has, fed from two streams merged by IAM user OCID (SCIM sorted by ocid; the registry by
 * IAM_USER_ID, each page with its dictionary facts) instead of one IAM read and one look-up per user.
 * A plan pass (syncUser dry; a key whose streamed inputs settle it without I/O gets the same planner's verdict
 * without syncUser's per-call machinery) covers everything and feeds the deletion guard before the first change; the
 * apply pass syncs the accounts with work again from the same view, several units per ORDS call, within the
 * deadline. Every read happens before the first change, so a failed read changes nothing.
 */
/**
 * A registry an older version made (no VERSION column, missing keys or change table) cannot be read by the
 * plan pass: a real run migrates it first, as the function's start check does; a dry run changes nothing
 * and says what the migration would run. A missing registry is left to the first change (nothing to migrate).
 */
async function migrateOldRegistry(ords: OrdsClient, o: Pick<ReconcileOptions, "dryRun" | "deadline">): Promise<void> {
  const shape = await readTablesShape(ords, o.deadline);
  if (!shape.columns.has(REGISTRY_TABLE) || migrationFor(shape).statements.length === 0) return;
  if (!o.dryRun) {
    await ensureRegistry(ords, o.deadline);
    return;
  }
  const { statements, problems } = migrationFor(shape);
  throw new RegistryShapeError(
    problems.length > 0
      ? problems.join("; ")
      : `the registry tables were made by an older version and a dry run does not migrate them; a real run (or the provisioning function's start check) will run: ${statements.map((st) => st.split("\n")[0]).join("; ")}`,
  );
}

export async function reconcile(deps: ReconcileDeps, o: ReconcileOptions): Promise<ReconcileResult> {
  const { config, ords, scim, log } = deps;
  const now = o.now ?? Date.now;
  await migrateOldRegistry(ords, o);
  const cp = o.dryRun ? null : await loadCheckpoint(ords, o.deadline, now());
  const roles = await runRoles(deps.roles ?? rolePolicyFor(config), config, ords, o.deadline);
  const base: Omit<SyncDeps, "reader" | "accounts" | "executor"> = { config, log, ords, roles };

  o.onPhase?.("plan");
  const { memberOf, groupsFound } = await readMemberships(scim, [...config.mapping.keys()], o.deadline);
  const accounts = new AccountStream(ords, o.deadline, o.pageRows);
  const notes = new Set<string>();
  const refused: Refusal[] = [];
  const work: AccountWork[] = [];
  const ops = emptyCounts();
  let iamUsers = 0;
  let unchanged = 0;
  let skippedByCheckpoint = 0;
  let answers: SliceAnswers | undefined;
  const merged = mergeByKey(usersByOcid(scim, memberOf, o.deadline), accounts.pages(), (u) => u.ocid, (a) => a.row.iamUserId, PLAN_CHUNK);
  for await (const chunk of merged) {
    answers ??= new SliceAnswers(ords, config, accounts.registryMissing);
    const rv = new Rendezvous();
    const queues = answers.queues(rv, o.deadline);
    // Keys the streams answer alone are settled at once; the rest (a change, a name to ask about) go through
    // syncUser side by side, their look-ups batched.
    const inputs = chunk.map((m): SliceInputs => ({ user: m.a, account: m.b }));
    const results: (Settled | SyncResult | SqlValueError)[] = [];
    // Only the keys syncUser runs for are awaited (most keys of a steady run settle without a promise).
    const syncs: Promise<void>[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const m = chunk[i] as (typeof chunk)[number];
      if (m.a) iamUsers++;
      const mine = inputs[i] as SliceInputs;
      let settled: Settled | undefined;
      try {
        settled = settledFromStream(mine, config);
      } catch (err) {
        results[i] = refusedName(err);
        continue;
      }
      if (settled) results[i] = settled;
      else {
        const sync = rv.join(() => syncUser(m.key, { ...base, reader: sliceReader(m.a), accounts: sliceAccounts(mine, ords, queues) }, { dryRun: true, deadline: o.deadline }));
        syncs.push(sync.catch(refusedName).then((r) => void (results[i] = r)));
      }
    }
    if (syncs.length > 0) await Promise.all(syncs);
    for (const [i, result] of results.entries()) {
      const key = (chunk[i] as (typeof chunk)[number]).key;
      if (result instanceof SqlValueError) {
        refused.push({ iamUserId: key, reason: result.message });
        continue;
      }
      for (const n of result.notes) notes.add(n);
      if (result.outcome === "refused") refused.push({ iamUserId: key, dbUsername: result.principal.dbUsername, reason: result.reason });
      else if (result.outcome === "unchanged") {
        if (result.principal.dbUsername) unchanged++;
      } else if (result.outcome === "planned") {
        if (cp?.lastAccount && key <= cp.lastAccount) {
          skippedByCheckpoint++;
          continue;
        }
        for (const s of result.statements) ops[s.op]++;
        work.push({
          iamUserId: key,
          dbUsername: result.principal.dbUsername ?? "",
          size: result.statements.length,
          removesOrLocks: result.statements.some((s) => s.op === "drop_user" || s.op === "lock"),
          statements: o.dryRun ? result.statements : undefined,
          inputs: inputs[i] as SliceInputs,
        });
      }
    }
    o.onProgress?.(iamUsers, iamUsers);
  }
  if (accounts.registryMissing) notes.add(o.dryRun ? "registry table IAM_ADB_SYNC_ACCOUNTS does not exist yet (a real run creates it)" : "created the registry table IAM_ADB_SYNC_ACCOUNTS");
  if (groupsFound < config.mapping.size) {
    notes.add(`${config.mapping.size - groupsFound} of the ${config.mapping.size} GROUP_ROLE_MAP groups were not found in the identity domain`);
  }

  const forced = o.force || cp?.forced === true;
  const guard = checkGuard(work, accounts.managed, { share: config.RECONCILE_GUARD_SHARE, max: config.RECONCILE_GUARD_MAX });
  const report: ReconcileReport = {
    outcome: "unchanged",
    reason: "the database already matches the identity domain",
    dryRun: o.dryRun,
    forced,
    runId: cp?.runId,
    resumed: cp !== null,
    iamUsers,
    managedAccounts: accounts.managed,
    unchanged,
    accountsToChange: work.length,
    skippedByCheckpoint,
    ops,
    guard,
    refused,
    notes: [...notes],
  };
  const done = (outcome: ReconcileOutcome, reason: string): ReconcileResult => {
    report.outcome = outcome;
    report.reason = reason;
    return { report, plan: { work } };
  };

  if (guard.tripped && !forced) return done("guard_tripped", guard.reason ?? "deletion guard");
  if (o.dryRun) return done(work.length > 0 ? "planned" : "unchanged", work.length > 0 ? "dry run: nothing was executed" : report.reason);
  if (work.length === 0) {
    if (cp) await closeRun(ords, cp.runId, "DONE", cp.progress, o.deadline);
    return done("unchanged", report.reason);
  }

  if (accounts.registryMissing) await ensureRegistry(ords, o.deadline);
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
    applied = await applyWork(work, base, run, report.refused, {
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

interface ApplyOptions {
  /** Statements per ORDS call (accounts are never split across calls). */
  batchSize: number;
  deadline: Date | null;
  /** Time left at the deadline for saving the checkpoint and replying. */
  reserveMs: number;
  now: () => number;
  /** The checkpoint is written at least this often while applying, and when the run stops. */
  checkpointEveryMs: number;
  onProgress?: (accountsDone: number) => void;
}

/** A statement outcome that counts as sent. */
const sent = (reports: readonly StatementReport[]) => reports.filter((r) => r.outcome !== "not_run").length;

/**
 * The apply pass: each batch's accounts go through syncUser side by side, their units gathered into one
 * ORDS call; a unit that lost its race is re-read and re-planned by its own syncUser. Before each batch it
 * checks that the batch (timed by the previous one) fits before the deadline; otherwise it stops, and the
 * next run continues after the checkpoint's cursor.
 */
async function applyWork(work: readonly AccountWork[], base: Omit<SyncDeps, "reader" | "accounts" | "executor">, cp: Checkpoint, refused: Refusal[], o: ApplyOptions) {
  const result = { complete: true, accounts: 0, statements: 0, failures: [] as Failure[] };
  let lastBatchMs = 0;
  let savedAt = o.now();
  for (const batch of batches(work, o.batchSize)) {
    if (o.deadline && o.deadline.getTime() - o.now() < o.reserveMs + lastBatchMs) {
      result.complete = false;
      break;
    }
    const started = o.now();
    const rv = new Rendezvous();
    let callError: unknown;
    const unit = rv.queue((units: (readonly Op[])[]) =>
      runUnits(units, base.ords, o.deadline).catch((err: unknown) => {
        callError ??= err;
        throw err;
      }),
    );
    const executor: UnitExecutor = { run: (ops): Promise<UnitRun> => unit(ops) };
    const outcomes = await Promise.allSettled(
      batch.map((w) =>
        rv.join(() => syncUser(w.iamUserId, { ...base, reader: sliceReader(w.inputs.user), accounts: sliceAccounts(w.inputs, base.ords, undefined), executor }, { dryRun: false, deadline: o.deadline })),
      ),
    );
    if (callError) throw callError;
    for (const [k, out] of outcomes.entries()) {
      const w = batch[k] as AccountWork;
      if (out.status === "rejected") {
        result.failures.push({ dbUsername: w.dbUsername, op: "unit", code: 0, message: (out.reason as Error).message });
        cp.progress.failedAccounts++;
        continue;
      }
      const r: SyncResult = out.value;
      const n = sent(r.statements);
      result.statements += n;
      cp.progress.statements += n;
      if (r.outcome === "refused") refused.push({ iamUserId: w.iamUserId, dbUsername: w.dbUsername, reason: r.reason });
      if (r.outcome === "failed") {
        const f = r.statements.find((s) => s.outcome === "failed");
        result.failures.push({ dbUsername: w.dbUsername, op: f?.op ?? "unit", code: f?.error?.code ?? 0, message: f?.error?.message ?? r.reason });
        cp.progress.failedAccounts++;
      }
    }
    lastBatchMs = o.now() - started;
    result.accounts += batch.length;
    cp.lastAccount = batch[batch.length - 1]?.iamUserId ?? cp.lastAccount;
    cp.progress.accountsDone += batch.length;
    o.onProgress?.(result.accounts);
    if (o.now() - savedAt >= o.checkpointEveryMs) {
      await saveCheckpoint(base.ords, cp, o.deadline);
      savedAt = o.now();
    }
  }
  return result;
}
