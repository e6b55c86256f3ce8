import { grantableKey, type ProvisionConfig } from "../config/load";
import { iamPrincipal, ownershipRefusal, type DictUser } from "../registry/ownership";
import type { DbIdentifier } from "../sql/quote";
import { sameMembers } from "../util/short-lists";
import { TOMBSTONES, type Grantable, type Op, type RegistryRow } from "./ops";

/** What IAM says the account should be; null = the IAM user is gone. */
export interface DesiredAccount {
  iamUserId: string;
  iamUserName: string;
  dbUsername: DbIdentifier;
  /** Mapping keys of the user's mapped groups. */
  groups: string[];
  blocked: boolean;
}

/** What the database says, beyond the registry row of this IAM user. */
export interface Observed {
  /** The registry row that holds the desired database name, when another IAM user owns it. */
  nameOwnedBy?: RegistryRow;
  /** The database user of that name exists and is not in the registry (not ours). */
  foreignAccount?: boolean;
  /** The wanted (or registered) name exists as a role: users and roles share one namespace. */
  nameIsRole?: boolean;
  /** Objects owned by the account (asked only when a drop is possible). */
  objectCount?: number;
  /** Managed grants the dictionary shows; without them, derived from the registry's groups. */
  actualGrants?: readonly Grantable[];
  /** The registry row's database user no longer exists (dropped by hand). */
  accountMissing?: boolean;
  /** The registry row's database user as DBA_USERS shows it: the ownership proof's evidence. */
  dictUser?: DictUser;
}

export type PlanContext = Pick<
  ProvisionConfig,
  "mapping" | "defaultGrants" | "managed" | "ACCOUNT_AUTH" | "IDENTITY_DOMAIN" | "DELETE_POLICY"
> & { newPassword: () => string };

export interface AccountPlan {
  ops: Op[];
  /** The change is refused (collision, foreign account, failed ownership proof …); nothing may run. */
  refused?: string;
  /** Things a person should know (an account kept instead of dropped …). */
  notes: string[];
}

/** Grantables come from the config (one object per grant for the run): their keys are made once. */
const keys = new WeakMap<Grantable, string>();
function keyOf(g: Grantable): string {
  let key = keys.get(g);
  if (key === undefined) keys.set(g, (key = grantableKey(g)));
  return key;
}

function grantsFor(groups: readonly string[], ctx: PlanContext): Map<string, Grantable> {
  const out = new Map<string, Grantable>();
  for (const g of ctx.defaultGrants) out.set(keyOf(g), g);
  for (const group of groups) for (const g of ctx.mapping.get(group) ?? []) out.set(keyOf(g), g);
  return out;
}

/** Grants held now; from the dictionary when known (only those the product manages), else from the registry. */
function heldGrants(row: RegistryRow, observed: Observed, ctx: PlanContext): Map<string, Grantable> {
  if (!observed.actualGrants) return grantsFor(row.groups, ctx);
  const out = new Map<string, Grantable>();
  for (const g of observed.actualGrants) {
    const key = keyOf(g);
    if (ctx.managed.has(key)) out.set(key, g);
  }
  return out;
}

const refuse = (refused: string): AccountPlan => ({ ops: [], notes: [], refused });

/** ACCOUNT_STATUS says locked (by an administrator or by us); LOCKED(TIMED) after failed logins does not count. */
export function isLockedStatus(accountStatus: string): boolean {
  return /(^|& )LOCKED$/.test(accountStatus);
}

function planCreate(d: DesiredAccount, pending: RegistryRow | null, observed: Observed, ctx: PlanContext): AccountPlan {
  if (observed.nameOwnedBy) {
    return refuse(
      `database user ${d.dbUsername} already belongs to IAM user ${observed.nameOwnedBy.iamUserId} (${observed.nameOwnedBy.iamUserName}); two IAM names map to the same database name`,
    );
  }
  if (observed.nameIsRole) return refuse(`${d.dbUsername} exists as a database role; no account of that name is created and nothing is granted to it`);
  if (observed.foreignAccount) return refuse(`database user ${d.dbUsername} exists and was not created by iam-adb-sync; it is left untouched`);
  const authMode = ctx.ACCOUNT_AUTH === "iam" ? "IAM" : "PASSWORD";
  const row: RegistryRow = pending
    ? { ...pending, groups: d.groups }
    : { dbUsername: d.dbUsername, iamUserId: d.iamUserId, iamUserName: d.iamUserName, authMode, groups: d.groups, status: "PENDING", version: 0 };
  const ops: Op[] = [];
  // The registry row comes first: it claims the name (its keys stop a concurrent twin) and proves later that
  // the account is ours (the account is created after it).
  if (!pending) ops.push({ op: "registry_insert", row });
  ops.push({
    op: "create_user",
    user: row.dbUsername,
    auth: row.authMode === "IAM" ? { mode: "IAM", principal: iamPrincipal(row.iamUserName, ctx.IDENTITY_DOMAIN) } : { mode: "PASSWORD", password: ctx.newPassword() },
  });
  for (const g of grantsFor(d.groups, ctx).values()) ops.push({ op: "grant", user: row.dbUsername, what: g });
  if (d.blocked) ops.push({ op: "lock", user: row.dbUsername });
  ops.push({ op: "registry_update", row: { ...row, status: d.blocked ? "LOCKED" : "OPEN" } });
  return { ops, notes: [] };
}

function planDelete(row: RegistryRow, observed: Observed, ctx: PlanContext): AccountPlan {
  const user = row.dbUsername;
  const notes: string[] = [];
  const tombstone = (status: "DELETED" | "DROPPED"): Op => ({ op: "registry_update", row: { ...row, groups: [], status } });
  if (ctx.DELETE_POLICY === "drop_cascade") {
    notes.push(`dropping ${user} with everything it owns (${observed.objectCount ?? "unknown number of"} objects): DELETE_POLICY=drop_cascade`);
    return { ops: [{ op: "drop_user", user, cascade: true }, tombstone("DROPPED")], notes };
  }
  if (ctx.DELETE_POLICY === "drop") {
    if (observed.objectCount === 0) return { ops: [{ op: "drop_user", user, cascade: false }, tombstone("DROPPED")], notes };
    notes.push(
      `kept ${user} locked instead of dropping it: it owns ${observed.objectCount ?? "an unknown number of"} objects (DELETE_POLICY=drop_cascade would drop them)`,
    );
  }
  if (row.status === "DELETED") return { ops: [], notes: [...notes, `${user} is already locked for a deleted IAM user`] };
  const defaults = new Set(ctx.defaultGrants.map(grantableKey));
  const ops: Op[] = [];
  for (const [key, g] of heldGrants(row, observed, ctx)) if (!defaults.has(key)) ops.push({ op: "revoke", user, what: g });
  if (!observed.dictUser || !isLockedStatus(observed.dictUser.accountStatus)) ops.push({ op: "lock", user });
  ops.push(tombstone("DELETED"));
  return { ops, notes };
}

/**
 * One unit per account: a change to an existing row first claims the next version (the script stops there
 * if another change got in first), and every registry write carries that version.
 */
function sealed(plan: AccountPlan, actual: RegistryRow | null): AccountPlan {
  if (plan.ops.length === 0) return plan;
  const version = (actual && plan.ops[0]?.op !== "registry_insert" ? actual.version : 0) + 1;
  const ops: Op[] = plan.ops.map((op) => (op.op === "registry_insert" || op.op === "registry_update" ? { ...op, row: { ...op.row, version } } : op));
  if (ops[0]?.op !== "registry_insert" && actual) {
    const key = { user: actual.dbUsername, iamUserId: actual.iamUserId, version };
    ops.unshift({ op: "claim", ...key }, { op: "bump", ...key });
  }
  return { ...plan, ops };
}

/**
 * The one planner: desired account (read from IAM) against the registry and the dictionary → ordered
 * operations, or a refusal naming the account. Pure; event sync and reconciliation both call it. Before any
 * change to an existing account it proves the account is ours (ownershipRefusal).
 */
export function planAccount(desired: DesiredAccount | null, actual: RegistryRow | null, observed: Observed, ctx: PlanContext): AccountPlan {
  return sealed(planUnsealed(desired, actual, observed, ctx), actual);
}

function planUnsealed(desired: DesiredAccount | null, actual: RegistryRow | null, observed: Observed, ctx: PlanContext): AccountPlan {
  if (!actual) {
    if (!desired) return { ops: [], notes: ["no account is managed for this IAM user"] };
    return planCreate(desired, null, observed, ctx);
  }
  if (TOMBSTONES.has(actual.status) && desired) {
    return { ops: [], notes: [`IAM user ${actual.iamUserId} was deleted (registry ${actual.status}); ${actual.dbUsername} is never reopened or granted again`] };
  }
  if (observed.accountMissing) {
    if (desired) return planCreate(desired, actual, observed, ctx);
    if (actual.status === "DROPPED") return { ops: [], notes: [] };
    return {
      ops: [{ op: "registry_update", row: { ...actual, groups: [], status: "DROPPED" } }],
      notes: [`${actual.dbUsername} no longer exists in the database; its registry row is kept as a tombstone`],
    };
  }
  if (observed.nameIsRole) return refuse(`${actual.dbUsername} exists as a database role; the product changes nothing for it`);
  if (observed.dictUser) {
    const refusal = ownershipRefusal(actual, observed.dictUser, ctx.IDENTITY_DOMAIN);
    if (refusal) return refuse(refusal);
  } else if (actual.status !== "DROPPED") {
    // No dictionary evidence, no change: a registry row (PENDING or not) proves nothing by itself.
    return refuse(`database user ${actual.dbUsername} could not be proven to be the account the registry row describes; it is left untouched`);
  }
  if (actual.status === "DROPPED") return { ops: [], notes: [] };
  if (!desired) return planDelete(actual, observed, ctx);

  const user = actual.dbUsername;
  const ops: Op[] = [];
  const want = grantsFor(desired.groups, ctx);
  const have = heldGrants(actual, observed, ctx);
  // forEach, not for-of over entries: no [key, value] array per grant (reconciliation plans every account).
  want.forEach((g, key) => {
    if (!have.has(key)) ops.push({ op: "grant", user, what: g });
  });
  have.forEach((g, key) => {
    if (!want.has(key)) ops.push({ op: "revoke", user, what: g });
  });
  const status = desired.blocked ? "LOCKED" : "OPEN";
  const locked = observed.dictUser ? isLockedStatus(observed.dictUser.accountStatus) : actual.status === "LOCKED";
  if (locked !== desired.blocked) ops.push({ op: desired.blocked ? "lock" : "unlock", user });
  const notes: string[] = [];
  // The registry keeps the name the account was created for: it is the principal its external name carries.
  if (desired.iamUserName !== actual.iamUserName) {
    notes.push(`IAM user ${actual.iamUserId} is now ${desired.iamUserName}; ${user} keeps the principal it was created with (${actual.iamUserName})`);
  }
  if (ops.length > 0 || !sameMembers(desired.groups, actual.groups) || status !== actual.status) {
    ops.push({ op: "registry_update", row: { ...actual, groups: desired.groups, status } });
  }
  return { ops, notes };
}
