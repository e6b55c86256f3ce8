import type { ProvisionConfig } from "../config/load";
import type { Op, RegistryRow } from "../plan/ops";
import { planAccount, type DesiredAccount, type Observed, type PlanContext } from "../plan/planner";
import { dbUsernameFor } from "../naming/db-username";
import { SqlValueError } from "../sql/quote";
import { isLockedStatus, type ActualState } from "./actual";
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
  /** Registry rows not marked DELETED: the deletion guard's base. */
  managed: number;
  /** IAM users seen in SCIM. */
  iamUsers: number;
}

/**
 * The registry row as the database really is: an account someone locked or unlocked by hand shows its real
 * state, so the shared planner sees the drift and puts it back.
 */
function asObserved(row: RegistryRow, accountStatus: string): RegistryRow {
  if (row.status === "PENDING") return row;
  if (isLockedStatus(accountStatus)) return row.status === "OPEN" ? { ...row, status: "LOCKED" } : row;
  return row.status === "OPEN" ? row : { ...row, status: "OPEN" };
}

/**
 * Feeds every IAM user, then every registry row IAM no longer has, through the one planner (planAccount).
 * Streaming: users arrive page by page; memory holds the actual state and the planned work only.
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
    for (const r of actual.byIamUser.values()) if (r.status !== "DELETED") managed++;
    this.plan = { work: [], refused: [], notes: [], unchanged: 0, managed, iamUsers: 0 };
  }

  private observed(row: RegistryRow): Observed {
    return { actualGrants: this.actual.grants.get(row.dbUsername) ?? [], accountMissing: !this.actual.dbUsers.has(row.dbUsername) };
  }

  private record(iamUserId: string, dbUsername: string, desired: DesiredAccount | null, actual: RegistryRow | null, observed: Observed): void {
    const p = planAccount(desired, actual, observed, this.ctx);
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
    if (row) {
      const actual = asObserved(row, this.actual.dbUsers.get(row.dbUsername) ?? "");
      const desired = { iamUserId: u.ocid, iamUserName: u.userName, dbUsername: row.dbUsername, groups: u.groups, blocked: u.blocked };
      this.record(u.ocid, row.dbUsername, desired, actual, this.observed(row));
      return;
    }
    // Reconciliation creates accounts for members of mapped groups only; events may have created others.
    if (u.groups.length === 0) return;
    let dbUsername;
    try {
      dbUsername = dbUsernameFor(u.userName, this.ctx.NAMING_RULE, this.ctx.NAME_PREFIX);
    } catch (err) {
      if (!(err instanceof SqlValueError)) throw err;
      this.plan.refused.push({ iamUserId: u.ocid, reason: err.message });
      return;
    }
    const owner = this.actual.byDbName.get(dbUsername) ?? this.claimed.get(dbUsername);
    const observed: Observed = {
      nameOwnedBy: owner && owner.iamUserId !== u.ocid ? owner : undefined,
      foreignAccount: !owner && this.actual.dbUsers.has(dbUsername),
    };
    const desired: DesiredAccount = { iamUserId: u.ocid, iamUserName: u.userName, dbUsername, groups: u.groups, blocked: u.blocked };
    if (!observed.nameOwnedBy && !observed.foreignAccount) {
      this.claimed.set(dbUsername, { ...desired, authMode: this.ctx.ACCOUNT_AUTH === "iam" ? "IAM" : "PASSWORD", status: "PENDING" });
    }
    this.record(u.ocid, dbUsername, desired, null, observed);
  }

  /** Registry rows whose IAM user is gone: those handled by the delete policy. */
  removals(): RegistryRow[] {
    return [...this.actual.byIamUser.values()].filter((r) => !this.seen.has(r.iamUserId));
  }

  /** Plans a removed user's account; objectCount is asked by the caller when a drop is possible. */
  addRemoval(row: RegistryRow, objectCount?: number): void {
    const actual = asObserved(row, this.actual.dbUsers.get(row.dbUsername) ?? "");
    this.record(row.iamUserId, row.dbUsername, null, actual, { ...this.observed(row), objectCount });
  }

  finish(): RunPlan {
    this.plan.work.sort((a, b) => (a.dbUsername < b.dbUsername ? -1 : a.dbUsername > b.dbUsername ? 1 : 0));
    return this.plan;
  }
}
