import type { ProvisionConfig } from "../config/load";
import type { UserRead, UserStateReader } from "../identity/user-state";
import type { Logger } from "../log/logger";
import { dbUsernameFor } from "../naming/db-username";
import { TransientError } from "../net/retry";
import type { OrdsClient } from "../ords/client";
import type { Grantable, Op, RegistryRow } from "../plan/ops";
import { planAccount, type AccountPlan, type DesiredAccount, type Observed, type PlanContext } from "../plan/planner";
import type { RolePolicy } from "../policy/roles";
import { preview, type StatementReport } from "../provision/execute";
import { generatePassword } from "../provision/password";
import type { AccountLookup } from "../registry/lookup";
import type { DbIdentifier } from "../sql/quote";
import { insertSorted } from "../util/short-lists";
import { ordsAccounts, ordsExecutor, type AccountSource, type UnitExecutor } from "./inputs";

export type Outcome = "applied" | "unchanged" | "planned" | "refused" | "failed";

/** What an event announced about the user: checked against what IAM answers (eventual consistency). */
export type Announcement =
  | { kind: "exists" }
  | { kind: "deleted" }
  | { kind: "member"; groupId: string; present: boolean }
  | { kind: "blocked"; blocked: boolean };

export interface SyncStep {
  step: "read_iam" | "read_database" | "plan" | "execute" | "replan";
  detail: string;
}

export interface SyncResult {
  outcome: Outcome;
  reason: string;
  principal: { iamUserId: string; iamUserName?: string; dbUsername?: string };
  statements: StatementReport[];
  notes: string[];
  /** Each step taken, in order: what provision-on-demand prints. */
  steps: SyncStep[];
}

export interface SyncDeps {
  config: ProvisionConfig;
  log: Logger;
  ords: OrdsClient;
  /** The user's state: the event path reads IAM; reconciliation answers from the page it streamed. */
  reader: UserStateReader;
  roles: Pick<RolePolicy, "refusals">;
  /** The account's state (default: one ORDS look-up per account). */
  accounts?: AccountSource;
  /** Runs the unit (default: one ORDS script call per unit). */
  executor?: UnitExecutor;
}

export interface SyncOptions {
  deadline: Date | null;
  dryRun: boolean;
  /** The event's announcement and time, when an event triggered the sync. */
  announced?: Announcement;
  eventTime?: string;
  /** The user name the event payload carries: a guess to read the database by while IAM answers, nothing more. */
  nameHint?: string;
  now?: () => number;
}

/** IAM does not show yet what the event announced: retry later (the caller sees a retryable 503). */
export class NotYetVisible extends TransientError {
  override name = "NotYetVisible";
}

/** The database name a payload's user name would map to, or undefined (a guess may be anything). */
function safeDbName(name: string, cfg: Pick<ProvisionConfig, "NAMING_RULE" | "NAME_PREFIX">): string | undefined {
  try {
    return dbUsernameFor(name, cfg.NAMING_RULE, cfg.NAME_PREFIX);
  } catch {
    return undefined;
  }
}

/** Plans re-made after a concurrent change won the version race (or a lost reply's change landed). */
const MAX_PLANS = 4;
/** Extra IAM reads when IAM disagrees with the event, the first after REREAD_MS, each wait doubling. */
const REREADS = 2;
const REREAD_MS = 50;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** A re-read only starts with time to spare for the rest of the sync. */
const roomFor = (ms: number, deadline: Date | null) => !deadline || deadline.getTime() - Date.now() > ms + 5_000;

/** Event times this far ahead of our clock are not believed (a forged time must not extend the window). */
const CLOCK_SKEW_MS = 60_000;

/** The mapping keys of the user's groups: by OCID when the mapping is keyed by OCID, else by name. */
export function mappingKeys(groups: readonly { id: string; name: string }[], mapping: ReadonlyMap<string, unknown>): string[] {
  const keys: string[] = [];
  for (const g of groups) {
    if (mapping.has(g.id)) insertSorted(keys, g.id);
    else if (g.name && mapping.has(g.name)) insertSorted(keys, g.name);
  }
  return keys;
}

function disagreement(read: UserRead, a: Announcement): string | undefined {
  if (a.kind === "deleted") return read.kind === "found" ? "IAM still shows the user the event says was deleted" : undefined;
  if (read.kind === "absent") return "IAM does not show the user the event is about";
  if (a.kind === "member" && read.user.groups.some((g) => g.id === a.groupId) !== a.present) {
    return `IAM does not show the user ${a.present ? "in" : "out of"} group ${a.groupId} yet`;
  }
  if (a.kind === "blocked" && read.user.blocked !== a.blocked) return `IAM does not show the user ${a.blocked ? "blocked" : "unblocked"} yet`;
  return undefined;
}

/** Inside the consistency window after the event: a disagreement is IAM lagging, not the truth. */
function fresh(eventTime: string | undefined, windowSeconds: number, now: number): boolean {
  if (!eventTime) return false;
  const t = Date.parse(eventTime);
  return Number.isFinite(t) && t - now < CLOCK_SKEW_MS && now - t < windowSeconds * 1000;
}

/** The dictionary's view of one account, in the planner's terms. */
function observedFrom(look: AccountLookup, wanted: string | undefined, managed: ReadonlyMap<string, Grantable>): Observed {
  const mine = look.mine;
  if (mine) {
    const dictUser = look.dictUsers.get(mine.dbUsername);
    // One array, not map() and filter()'s two: reconciliation plans every account.
    const actualGrants: Grantable[] = [];
    for (const k of look.grants) {
      const g = managed.get(k);
      if (g) actualGrants.push(g);
    }
    return { dictUser, accountMissing: !dictUser && !look.roles.has(mine.dbUsername), nameIsRole: look.roles.has(mine.dbUsername), actualGrants };
  }
  if (!wanted) return {};
  return {
    nameOwnedBy: look.nameOwner ?? undefined,
    nameIsRole: look.roles.has(wanted),
    foreignAccount: !look.nameOwner && look.dictUsers.has(wanted),
  };
}

/**
 * The desired account for what IAM answered (null: the user is gone). Only members of a mapped group get a
 * new account (undefined: nothing to do); an existing account follows its user whatever its groups.
 */
function desiredFrom(
  user: { ocid: string; userName: string; blocked: boolean } | null,
  groups: string[],
  row: RegistryRow | null,
  cfg: Pick<ProvisionConfig, "NAMING_RULE" | "NAME_PREFIX">,
): DesiredAccount | null | undefined {
  if (!user) return null;
  if (!row && groups.length === 0) return undefined;
  const dbUsername: DbIdentifier = row?.dbUsername ?? dbUsernameFor(user.userName, cfg.NAMING_RULE, cfg.NAME_PREFIX);
  return { iamUserId: user.ocid, iamUserName: user.userName, dbUsername, groups, blocked: user.blocked };
}

/** The planner's context per config, made once: reconciliation plans 100k accounts with one config. */
const contexts = new WeakMap<ProvisionConfig, PlanContext>();
function planContext(config: ProvisionConfig): PlanContext {
  let ctx = contexts.get(config);
  if (!ctx) contexts.set(config, (ctx = { ...config, newPassword: generatePassword }));
  return ctx;
}

const NO_ACCOUNT = "the user is in no mapped group and has no account";

/** The database name IAM's user name maps to (what the look-up asks about); a name that cannot map throws. */
export function wantedName(read: UserRead, config: Pick<ProvisionConfig, "NAMING_RULE" | "NAME_PREFIX">): string | undefined {
  return read.kind === "found" ? dbUsernameFor(read.user.userName, config.NAMING_RULE, config.NAME_PREFIX) : undefined;
}

/** One attempt's plan from what IAM answered and what the database shows, before any change or role check. */
interface Planned {
  /** The account's database name (registered, else the one IAM's name maps to). */
  dbUsername?: string;
  /** Absent: the user is in no mapped group and has no account (nothing to plan). */
  plan?: AccountPlan;
  /** The plan may drop this account: ask its object count and plan again with it. */
  countObjectsOf?: string;
}

function planFrom(read: UserRead, look: AccountLookup, config: ProvisionConfig, objectCount?: number): Planned {
  const row = look.mine;
  const desired = desiredFrom(read.kind === "found" ? read.user : null, read.kind === "found" ? mappingKeys(read.user.groups, config.mapping) : [], row, config);
  const dbUsername = row?.dbUsername ?? desired?.dbUsername;
  if (desired === undefined) return { dbUsername };
  const observed = observedFrom(look, desired?.dbUsername, config.managed);
  if (desired === null && row && config.DELETE_POLICY !== "lock" && observed.dictUser) {
    if (objectCount === undefined) return { dbUsername, countObjectsOf: row.dbUsername };
    observed.objectCount = objectCount;
  }
  return { dbUsername, plan: planAccount(desired, row, observed, planContext(config)) };
}

/** What a dry syncUser answers for one account without I/O (no role check, no object count, no change). */
export interface Settled extends Pick<SyncResult, "reason" | "notes"> {
  outcome: "unchanged" | "refused";
  principal: Pick<SyncResult["principal"], "dbUsername">;
}

/**
 * A dry syncUser's answer from an IAM read and a look-up already in hand (reconciliation's plan pass, for the
 * accounts its streams answer), or undefined when syncUser itself must run (a change, a role check, a count).
 * The same planner and the same verdicts as syncUser's first attempt; a bad name throws as there.
 */
export function settledWithoutIo(read: UserRead, look: AccountLookup, config: ProvisionConfig): Settled | undefined {
  const { dbUsername, plan, countObjectsOf } = planFrom(read, look, config);
  if (countObjectsOf !== undefined) return undefined;
  const principal = { dbUsername };
  if (!plan) return { outcome: "unchanged", reason: NO_ACCOUNT, principal, notes: [] };
  if (plan.refused) return { outcome: "refused", reason: plan.refused, principal, notes: plan.notes };
  return plan.ops.length === 0 ? { outcome: "unchanged", reason: "database already matches", principal, notes: plan.notes } : undefined;
}

/** Roles a plan grants: what the transitive role check must clear first. */
function grantedRoles(ops: readonly Op[]): string[] {
  return ops.flatMap((op) => (op.op === "grant" && op.what.kind === "role" ? [op.what.name] : []));
}

/** A plan granting a role the transitive role check refuses is refused as a whole. */
async function roleRefusal(plan: AccountPlan, deps: SyncDeps, deadline: Date | null): Promise<string | undefined> {
  const roles = grantedRoles(plan.ops);
  if (roles.length === 0) return undefined;
  const refused = await deps.roles.refusals(deps.ords, roles, deadline);
  return refused.size > 0 ? [...refused.values()].join("; ") : undefined;
}

/** The first failure of a unit decides: lost the version race or found the state moved → plan again. */
function conflictOf(reports: readonly StatementReport[]): StatementReport | undefined {
  const first = reports.find((r) => r.outcome === "failed" || r.outcome === "already");
  if (!first) return undefined;
  const lostRace = (first.op === "claim" || first.op === "registry_insert") && first.error?.code === 1;
  return lostRace || first.outcome === "already" || first.error?.transient ? first : undefined;
}

/**
 * The one unit of work: read the user's state from IAM, read the account from the database, plan with the
 * shared planner, and apply it as one version-checked script that stops at its first error. A change that
 * lost a race (or whose earlier, lost-reply attempt already landed) is re-read and re-planned.
 */
export async function syncUser(userId: string, deps: SyncDeps, o: SyncOptions): Promise<SyncResult> {
  const { config } = deps;
  const accounts = deps.accounts ?? ordsAccounts(deps.ords);
  const executor = deps.executor ?? ordsExecutor(deps.ords);
  const steps: SyncStep[] = [];
  const principal: SyncResult["principal"] = { iamUserId: userId };
  const notes: string[] = [];
  const done = (outcome: Outcome, reason: string, statements: StatementReport[] = []): SyncResult => ({ outcome, reason, principal, statements, notes, steps });

  // The database is read while IAM answers: keyed by the OCID (the registry row, if the user has an account,
  // is all a plan reads) and, as a guess only, the name a payload carries. The guess never reaches a plan: if
  // the user has no account yet and will get one, the database is read again with IAM's name (a forged or
  // missing name costs one more call, nothing else).
  // The IAM read goes first: its RSA signature is made on the thread pool while the look-up is put together.
  const firstRead = deps.reader.read(userId);
  const guess = o.nameHint ? safeDbName(o.nameHint, config) : undefined;
  const early = accounts.lookup({ iamUserId: userId, dbUsername: guess }, o.deadline, { dryRun: o.dryRun, attempt: 1 });
  early.catch(() => undefined);
  let read = await firstRead;
  // IAM reads are eventually consistent: when IAM does not show what the event announced, read again a few
  // times (short backoff) before deciding. Still different: inside the window after the event that is IAM
  // lagging (retry later); later than that, IAM is the truth (a forged or superseded event).
  let differs = o.announced ? disagreement(read, o.announced) : undefined;
  for (let i = 0; differs && o.announced && i < REREADS && roomFor(REREAD_MS << i, o.deadline); i++) {
    await sleep(REREAD_MS << i);
    read = await deps.reader.read(userId);
    differs = disagreement(read, o.announced);
  }
  steps.push({
    step: "read_iam",
    detail:
      read.kind === "absent"
        ? `IAM has no user ${userId}`
        : `${read.user.userName}: ${read.user.blocked ? "blocked" : "active"}, groups [${read.user.groups.map((g) => g.name || g.id).join(", ")}]`,
  });
  if (read.kind === "found") principal.iamUserName = read.user.userName;
  if (differs && fresh(o.eventTime, config.CONSISTENCY_WINDOW_SECONDS, (o.now ?? Date.now)())) {
    throw new NotYetVisible(`${differs} (event at ${o.eventTime}); nothing was changed, retry later`);
  }
  if (differs) notes.push(`${differs}: the account follows IAM, not the event`);

  let lastSendAttempts = 0;
  for (let attempt = 1; ; attempt++) {
    const wanted = wantedName(read, config);
    let look = attempt === 1 ? await early : undefined;
    // Without a registry row the wanted name matters only when an account is to be made (a mapped group).
    if (!look || (!look.mine && wanted !== guess && read.kind === "found" && mappingKeys(read.user.groups, config.mapping).length > 0)) {
      look = await accounts.lookup({ iamUserId: userId, dbUsername: wanted }, o.deadline, { dryRun: o.dryRun, attempt });
    }
    if (look.registryWasMissing && attempt === 1) {
      notes.push(o.dryRun ? "registry table IAM_ADB_SYNC_ACCOUNTS does not exist yet (a real run creates it)" : "created the registry table IAM_ADB_SYNC_ACCOUNTS");
    }
    const row = look.mine;
    steps.push({ step: "read_database", detail: row ? `registry: ${row.dbUsername} ${row.status} v${row.version}` : `registry: no account for ${userId}` });
    let planned = planFrom(read, look, config);
    if (planned.countObjectsOf !== undefined) planned = planFrom(read, look, config, await accounts.countObjects(planned.countObjectsOf, o.deadline, attempt));
    principal.dbUsername = planned.dbUsername;
    const plan = planned.plan;
    if (!plan) return done("unchanged", NO_ACCOUNT);
    notes.push(...plan.notes.filter((n) => !notes.includes(n)));
    const refused = plan.refused ?? (await roleRefusal(plan, deps, o.deadline));
    steps.push({ step: "plan", detail: refused ? `refused: ${refused}` : `${plan.ops.length} statements` });
    if (refused) return done("refused", refused);
    if (plan.ops.length === 0) {
      if (attempt > 1 && lastSendAttempts > 1) return done("applied", "an earlier attempt whose reply was lost had already made the change; the database matches IAM");
      return done("unchanged", attempt > 1 ? "a concurrent change already brought the database in line with IAM" : "database already matches");
    }
    if (o.dryRun) return done("planned", "dry run: nothing was executed", preview(plan.ops));

    const { reports, sendAttempts } = await executor.run(plan.ops, o.deadline);
    lastSendAttempts = sendAttempts;
    const conflict = conflictOf(reports);
    steps.push({ step: "execute", detail: reports.map((r) => `${r.op} ${r.target}: ${r.outcome}`).join("; ") });
    if (conflict && attempt < MAX_PLANS && (!o.deadline || o.deadline.getTime() > Date.now())) {
      steps.push({ step: "replan", detail: `${conflict.op} ${conflict.target}: ${conflict.error?.message ?? conflict.outcome}; reading again` });
      continue;
    }
    const failed = reports.filter((r) => r.outcome === "failed");
    if (failed.length > 0) {
      const reason = failed.map((s) => `${s.op} ${s.target}: ${s.error?.message}`).join("; ");
      if (failed.some((f) => f.error?.transient)) throw new TransientError(`${reason} (nothing after it ran)`);
      return done("failed", `${reason}; nothing after it ran`, reports);
    }
    return done("applied", `${reports.length} statements`, reports);
  }
}
