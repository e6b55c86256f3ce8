import { grantableKey, type ProvisionConfig } from "../config/load";
import type { Op, RegistryRow } from "../plan/ops";
import { planAccount, type DesiredAccount, type PlanContext } from "../plan/planner";
import type { AccountLookup } from "../registry/lookup";
import { SqlValueError } from "../sql/quote";
import { desiredFrom, grantedRoles, observedFrom } from "../sync/sync-user";
import type { ActualState } from "./actual";
import type { IamUserState } from "./desired";

/** The planned change of one account. */
export interface AccountWork {
  dbUsername: string;
  iamUserId: string;
  ops: Op[];
  /** The change removes (drops) or locks the account: what the deletion guard counts. */
  removesOrLocks: boolean;
}

export interface Refusal {
  iamUserId: string;
  dbUsername?: string;
  reason: string;
}

export interface RunPlan {
  /** Accounts with something to do, ordered by database user name (the checkpoint cursor's order). */
  work: AccountWork[];
  refused: Refusal[];
  notes: string[];
  /** Accounts looked at that already match. */
  unchanged: number;
  /** Registry rows not marked deleted: the deletion guard's base. */
  managed: number;
  /** IAM users seen in SCIM. */
  iamUsers: number;
}

/**
 * Feeds every IAM user, then every registry row IAM no longer has, through the same steps syncUser takes
 * for one user (desiredFrom → observedFrom → planAccount), from one bulk read of the database instead of
 * one look-up per account. Streaming: users arrive page by page; memory holds the actual state and the work.
 */
export class RunPlanner {
  private readonly seen = new Set<string>();
  /** Database names claimed by accounts this run creates: a second IAM user mapping to one is refused. */
  private readonly claimed = new Map<string, RegistryRow>();
  private readonly plan: RunPlan;

  constructor(
    private readonly actual: ActualState,
    private readonly ctx: PlanContext & Pick<ProvisionConfig, "NAMING_RULE" | "NAME_PREFIX">,
  ) {
    let managed = 0;
    for (const r of actual.byIamUser.values()) if (r.status !== "DELETED" && r.status !== "DROPPED") managed++;
    this.plan = { work: [], refused: [], notes: [], unchanged: 0, managed, iamUsers: 0 };
  }

  /** The bulk state seen as syncUser's one-account look-up would see it. */
  private lookup(iamUserId: string, wanted: string | undefined): AccountLookup {
    const mine = this.actual.byIamUser.get(iamUserId) ?? null;
    const owner = wanted ? (this.actual.byDbName.get(wanted) ?? this.claimed.get(wanted)) : undefined;
    return {
      mine,
      nameOwner: owner && owner.iamUserId !== iamUserId ? owner : null,
      dictUsers: this.actual.dbUsers,
      roles: this.actual.roles,
      grants: mine ? (this.actual.grants.get(mine.dbUsername) ?? []).map(grantableKey) : [],
      registryWasMissing: this.actual.registryMissing,
    };
  }

  private record(iamUserId: string, desired: DesiredAccount | null, look: AccountLookup, objectCount?: number): void {
    const dbUsername = look.mine?.dbUsername ?? desired?.dbUsername ?? "";
    const observed = { ...observedFrom(look, desired?.dbUsername, this.ctx.managed), objectCount };
    const p = planAccount(desired, look.mine, observed, this.ctx);
    this.plan.notes.push(...p.notes);
    if (p.refused) this.plan.refused.push({ iamUserId, dbUsername, reason: p.refused });
    else if (p.ops.length === 0) this.plan.unchanged++;
    else this.plan.work.push({ dbUsername, iamUserId, ops: p.ops, removesOrLocks: p.ops.some((o) => o.op === "drop_user" || o.op === "lock") });
  }

  /** One IAM user: keep its account in step, or create one if it is in a mapped group. */
  addUser(u: IamUserState): void {
    this.plan.iamUsers++;
    this.seen.add(u.ocid);
    const row = this.actual.byIamUser.get(u.ocid) ?? null;
    let desired;
    try {
      desired = desiredFrom(u, u.groups, row, this.ctx);
    } catch (err) {
      if (!(err instanceof SqlValueError)) throw err;
      this.plan.refused.push({ iamUserId: u.ocid, reason: err.message });
      return;
    }
    if (!desired) return;
    const look = this.lookup(u.ocid, desired.dbUsername);
    if (!row && !look.nameOwner && !look.roles.has(desired.dbUsername) && !look.dictUsers.has(desired.dbUsername)) {
      this.claimed.set(desired.dbUsername, { ...desired, authMode: this.ctx.ACCOUNT_AUTH === "iam" ? "IAM" : "PASSWORD", status: "PENDING", version: 0 });
    }
    this.record(u.ocid, desired, look);
  }

  /** Registry rows whose IAM user is gone: those handled by the delete policy. */
  removals(): RegistryRow[] {
    return [...this.actual.byIamUser.values()].filter((r) => !this.seen.has(r.iamUserId));
  }

  /** Plans a removed user's account; objectCount is asked by the caller when a drop is possible. */
  addRemoval(row: RegistryRow, objectCount?: number): void {
    this.record(row.iamUserId, null, this.lookup(row.iamUserId, undefined), objectCount);
  }

  /** Moves accounts whose plan grants a refused role from the work to the refusals. */
  refuseRoles(refusals: ReadonlyMap<string, string>): void {
    if (refusals.size === 0) return;
    this.plan.work = this.plan.work.filter((w) => {
      const hit = w.ops.find((op) => op.op === "grant" && op.what.kind === "role" && refusals.has(op.what.name));
      if (!hit || hit.op !== "grant") return true;
      this.plan.refused.push({ iamUserId: w.iamUserId, dbUsername: w.dbUsername, reason: refusals.get(hit.what.name) ?? "role refused" });
      return false;
    });
  }

  /** Roles the planned work grants. */
  grantedRoles(): string[] {
    return [...new Set(grantedRoles(this.plan.work.flatMap((w) => w.ops)))];
  }

  finish(): RunPlan {
    this.plan.work.sort((a, b) => (a.dbUsername < b.dbUsername ? -1 : a.dbUsername > b.dbUsername ? 1 : 0));
    return this.plan;
  }
}
