import { grantableKey, type ProvisionConfig } from "../config/load";
import type { DbIdentifier } from "../sql/quote";
import type { Grantable, Op, RegistryRow } from "./ops";

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
  /** Objects owned by the account (asked only when a drop is possible). */
  objectCount?: number;
  /** Grants the dictionary shows (reconciliation); otherwise derived from the registry's groups. */
  actualGrants?: readonly Grantable[];
  /** The registry row's database user no longer exists (dropped by hand; seen by reconciliation). */
  accountMissing?: boolean;
}

export type PlanContext = Pick<
  ProvisionConfig,
  "mapping" | "defaultGrants" | "managed" | "ACCOUNT_AUTH" | "IDENTITY_DOMAIN" | "DELETE_POLICY"
> & { newPassword: () => string };

export interface AccountPlan {
  ops: Op[];
  /** The change is refused (collision, foreign account …); nothing may run. */
  refused?: string;
  /** Things a person should know (an account kept instead of dropped …). */
  notes: string[];
}

function grantsFor(groups: readonly string[], ctx: PlanContext): Map<string, Grantable> {
  const out = new Map<string, Grantable>();
  for (const g of ctx.defaultGrants) out.set(grantableKey(g), g);
  for (const group of groups) for (const g of ctx.mapping.get(group) ?? []) out.set(grantableKey(g), g);
  return out;
}

/** Grants held now; from the dictionary when known (only those the product manages), else from the registry. */
function heldGrants(row: RegistryRow, observed: Observed, ctx: PlanContext): Map<string, Grantable> {
  if (!observed.actualGrants) return grantsFor(row.groups, ctx);
  const out = new Map<string, Grantable>();
  for (const g of observed.actualGrants) if (ctx.managed.has(grantableKey(g))) out.set(grantableKey(g), g);
  return out;
}

function principal(name: string, ctx: PlanContext): string {
  return ctx.IDENTITY_DOMAIN.toLowerCase() === "default" ? name : `${ctx.IDENTITY_DOMAIN}/${name}`;
}

function planCreate(d: DesiredAccount, pending: RegistryRow | null, observed: Observed, ctx: PlanContext): AccountPlan {
  if (observed.nameOwnedBy) {
    return {
      ops: [],
      notes: [],
      refused: `database user ${d.dbUsername} already belongs to IAM user ${observed.nameOwnedBy.iamUserId} (${observed.nameOwnedBy.iamUserName}); two IAM names map to the same database name`,
    };
  }
  if (observed.foreignAccount && !pending) {
    return { ops: [], notes: [], refused: `database user ${d.dbUsername} exists and was not created by iam-adb-sync; it is left untouched` };
  }
  const authMode = ctx.ACCOUNT_AUTH === "iam" ? "IAM" : "PASSWORD";
  const row: RegistryRow = {
    dbUsername: d.dbUsername,
    iamUserId: d.iamUserId,
    iamUserName: d.iamUserName,
    authMode,
    groups: d.groups,
    status: "PENDING",
  };
  const ops: Op[] = [];
  // The registry row comes first: an interrupted run leaves a PENDING row, so the retry knows the account is ours.
  if (!pending) ops.push({ op: "registry_insert", row });
  ops.push({
    op: "create_user",
    user: d.dbUsername,
    auth: authMode === "IAM" ? { mode: "IAM", principal: principal(d.iamUserName, ctx) } : { mode: "PASSWORD", password: ctx.newPassword() },
  });
  for (const g of grantsFor(d.groups, ctx).values()) ops.push({ op: "grant", user: d.dbUsername, what: g });
  if (d.blocked) ops.push({ op: "lock", user: d.dbUsername });
  ops.push({ op: "registry_update", row: { ...row, status: d.blocked ? "LOCKED" : "OPEN" } });
  return { ops, notes: [] };
}

function planDelete(row: RegistryRow, observed: Observed, ctx: PlanContext): AccountPlan {
  const user = row.dbUsername;
  const notes: string[] = [];
  if (ctx.DELETE_POLICY === "drop_cascade") {
    notes.push(`dropping ${user} with everything it owns (${observed.objectCount ?? "unknown number of"} objects): DELETE_POLICY=drop_cascade`);
    return { ops: [{ op: "drop_user", user, cascade: true }, { op: "registry_delete", user }], notes };
  }
  if (ctx.DELETE_POLICY === "drop") {
    if (observed.objectCount === 0) return { ops: [{ op: "drop_user", user, cascade: false }, { op: "registry_delete", user }], notes };
    notes.push(
      `kept ${user} locked instead of dropping it: it owns ${observed.objectCount ?? "an unknown number of"} objects (DELETE_POLICY=drop_cascade would drop them)`,
    );
  }
  if (row.status === "DELETED") return { ops: [], notes: [...notes, `${user} is already locked for a deleted IAM user`] };
  const defaults = new Set(ctx.defaultGrants.map(grantableKey));
  const ops: Op[] = [];
  for (const [key, g] of heldGrants(row, observed, ctx)) if (!defaults.has(key)) ops.push({ op: "revoke", user, what: g });
  ops.push({ op: "lock", user });
  ops.push({ op: "registry_update", row: { ...row, groups: [], status: "DELETED" } });
  return { ops, notes };
}

/**
 * The one planner: desired account (from an event or from IAM) against the registry and the database →
 * ordered operations. Pure; the event path and reconciliation both call it.
 */
export function planAccount(
  desired: DesiredAccount | null,
  actual: RegistryRow | null,
  observed: Observed,
  ctx: PlanContext,
): AccountPlan {
  if (!actual) {
    if (!desired) return { ops: [], notes: ["no account is managed for this IAM user"] };
    return planCreate(desired, null, observed, ctx);
  }
  if (observed.accountMissing) {
    if (desired) return planCreate(desired, actual, observed, ctx);
    return { ops: [{ op: "registry_delete", user: actual.dbUsername }], notes: [`${actual.dbUsername} no longer exists in the database; its registry row goes too`] };
  }
  if (!desired) return planDelete(actual, observed, ctx);
  if (actual.status === "PENDING") return planCreate(desired, actual, observed, ctx);

  const user = actual.dbUsername;
  const ops: Op[] = [];
  const want = grantsFor(desired.groups, ctx);
  const have = heldGrants(actual, observed, ctx);
  for (const [key, g] of want) if (!have.has(key)) ops.push({ op: "grant", user, what: g });
  for (const [key, g] of have) if (!want.has(key)) ops.push({ op: "revoke", user, what: g });
  const status = desired.blocked ? "LOCKED" : "OPEN";
  if (status !== actual.status) ops.push({ op: desired.blocked ? "lock" : "unlock", user });
  const sameGroups = [...desired.groups].sort().join("\n") === [...actual.groups].sort().join("\n");
  if (ops.length > 0 || !sameGroups || desired.iamUserName !== actual.iamUserName) {
    ops.push({ op: "registry_update", row: { ...actual, iamUserName: desired.iamUserName, groups: desired.groups, status } });
  }
  return { ops, notes: [] };
}
