import type { OrdsServer } from "../servers/ords";
import { GROUPS, type GroupKey, type History, type IamChange } from "./generator";

/** The function config the histories run with (what the model reads its rules from). */
export const HISTORY_CONFIG = {
  GROUP_ROLE_MAP: { "DB-Readers": ["SALES_READ"], "DB-Writers": ["SALES_READ", "SALES_WRITE"] } as Record<string, string[]>,
  DEFAULT_GRANTS: ["CREATE SESSION"],
  DELETE_POLICY: "lock" as const,
};
export const MANAGED_ROLES = ["SALES_READ", "SALES_WRITE"];
/** Database objects that exist before any history and that the product must never touch. */
export const FOREIGN_USERS = ["HR"];

/** One IAM user's final truth, after every change of the history. */
export interface IamTruth {
  id: string;
  name: string;
  exists: boolean;
  deleted: boolean;
  blocked: boolean;
  groups: GroupKey[];
}

export function finalTruth(h: History, upTo = h.changes.length): IamTruth[] {
  const out = h.users.map((u) => ({ id: u.id, name: u.name, exists: false, deleted: false, blocked: false, groups: new Set<GroupKey>() }));
  h.changes.slice(0, upTo).forEach((c: IamChange) => {
    const s = out[c.user];
    if (c.k === "create") s.exists = true;
    else if (c.k === "add") s.groups.add(c.group);
    else if (c.k === "remove") s.groups.delete(c.group);
    else if (c.k === "block" || c.k === "unblock") s.blocked = c.k === "block";
    else if (c.k === "delete") {
      s.exists = false;
      s.deleted = true;
      s.groups.clear();
    }
  });
  return out.map((s) => ({ ...s, groups: [...s.groups].sort() }));
}

/** The naming rule (README "Naming rule") with no prefix. */
export function dbName(iamName: string): string {
  const n = iamName.toUpperCase().replace(/[^A-Z0-9_$#]/g, "_");
  return /^[A-Z]/.test(n) ? n : `U_${n}`;
}

/** What one account must look like; `absent` also allows "never created". */
export type Expected =
  | { kind: "open"; roles: string[]; optional: boolean }
  | { kind: "locked"; optional: boolean }
  | { kind: "deleted" }
  | { kind: "absent" };

/**
 * The rules (issue 9, README "Events handled"): an existing, active user → OPEN with the roles of their
 * current mapped groups plus the default grants; blocked or deactivated → LOCKED; deleted → per DELETE_POLICY
 * (lock: LOCKED, mapped roles revoked), never reopened. A user in no mapped group need not have an account
 * (the product creates accounts for mapped-group members only); if one exists it follows the same rules.
 */
export function expectedFor(t: IamTruth): Expected {
  if (t.deleted) return { kind: "deleted" };
  if (!t.exists) return { kind: "absent" };
  const roles = new Set(t.groups.flatMap((g) => HISTORY_CONFIG.GROUP_ROLE_MAP[GROUPS[g].name] ?? []));
  const optional = roles.size === 0;
  if (t.blocked) return { kind: "locked", optional };
  return { kind: "open", roles: [...roles].sort(), optional };
}

/** The database side the model is compared with: accounts, lock status, managed grants, and who owns each. */
export interface AccountSnapshot {
  status: string;
  roles: string[];
  sysPrivs: string[];
}

export interface DbSnapshot {
  accounts: Map<string, AccountSnapshot>;
  /** Grants held by the managed roles themselves (a GRANT landing on a role shows here). */
  roleGrants: Map<string, string[]>;
  /** DB_USERNAME → IAM_USER_ID from the registry, when the registry table exists. */
  owners: Map<string, string>;
}

export function snapshot(ords: OrdsServer, baseline: ReadonlySet<string>): DbSnapshot {
  const accounts = new Map<string, AccountSnapshot>();
  for (const u of ords.db.users()) {
    if (u.oracleMaintained || baseline.has(u.username)) continue;
    accounts.set(u.username, {
      status: u.accountStatus,
      roles: ords.db.rolesOf(u.username).filter((r) => MANAGED_ROLES.includes(r)),
      sysPrivs: ords.db.sysPrivsOf(u.username),
    });
  }
  const roleGrants = new Map(MANAGED_ROLES.map((r) => [r, [...ords.db.rolesOf(r), ...ords.db.sysPrivsOf(r)]]));
  const owners = new Map<string, string>();
  for (const o of ords.db.objectsOf(ords.db.schema)) {
    if (o.type !== "TABLE") continue;
    for (const row of ords.db.tableRows(o.name)) {
      if (typeof row.DB_USERNAME === "string" && typeof row.IAM_USER_ID === "string") owners.set(row.DB_USERNAME, row.IAM_USER_ID);
    }
  }
  return { accounts, roleGrants, owners };
}

/**
 * Every way the database differs from the model: an account per IAM user as the rules say, nothing for a
 * forged or foreign name, nothing granted to a managed role, foreign schemas as they were.
 */
export function divergences(h: History, db: DbSnapshot, foreign: Map<string, AccountSnapshot>, baselineRoleGrants: Map<string, string[]>): string[] {
  const out: string[] = [];
  const truths = finalTruth(h);
  const byName = new Map<string, IamTruth[]>();
  for (const t of truths) byName.set(dbName(t.name), [...(byName.get(dbName(t.name)) ?? []), t]);
  for (const [name, claimants] of byName) {
    const acct = db.accounts.get(name);
    // A name that is a role cannot be an account (one namespace); a foreign schema is checked below.
    if (FOREIGN_USERS.includes(name)) continue;
    if (MANAGED_ROLES.includes(name)) {
      if (acct) out.push(`${name}: a role name got an account ${JSON.stringify(acct)}`);
      continue;
    }
    // Colliding IAM users: the account belongs to whichever was provisioned first (the registry says who).
    const ownerId = db.owners.get(name);
    const owner = claimants.find((t) => t.id === ownerId) ?? (claimants.length === 1 ? claimants[0] : undefined);
    const candidates = owner ? [owner] : claimants;
    const problems = candidates.map((t) => check(name, expectedFor(t), acct));
    if (problems.every((p) => p !== undefined)) out.push(`${problems[0]} (IAM ${candidates.map((t) => `${t.name}=${describe(t)}`).join(" | ")})`);
  }
  for (const [name, acct] of db.accounts) {
    if (!byName.has(name) && !FOREIGN_USERS.includes(name)) out.push(`${name}: an account no IAM user accounts for ${JSON.stringify(acct)}`);
  }
  for (const [role, grants] of db.roleGrants) {
    const before = baselineRoleGrants.get(role) ?? [];
    if (JSON.stringify(grants) !== JSON.stringify(before)) out.push(`role ${role} changed: ${JSON.stringify(before)} → ${JSON.stringify(grants)}`);
  }
  for (const [name, was] of foreign) {
    const now = db.accounts.get(name);
    if (JSON.stringify(now) !== JSON.stringify(was)) out.push(`foreign ${name} touched: ${JSON.stringify(was)} → ${JSON.stringify(now)}`);
  }
  return out;
}

function describe(t: IamTruth): string {
  return t.deleted ? "deleted" : !t.exists ? "never created" : `${t.blocked ? "blocked" : "active"}[${t.groups.join(",")}]`;
}

function check(name: string, want: Expected, acct: AccountSnapshot | undefined): string | undefined {
  switch (want.kind) {
    case "absent":
      return acct ? `${name}: exists (${acct.status}) although the IAM user was never created` : undefined;
    case "deleted":
      if (!acct) return undefined;
      if (acct.status === "OPEN") return `${name}: OPEN although the IAM user is deleted`;
      return acct.roles.length ? `${name}: deleted IAM user keeps ${acct.roles.join(",")}` : undefined;
    case "locked":
      if (!acct) return want.optional ? undefined : `${name}: missing (want LOCKED)`;
      return acct.status.includes("LOCKED") ? undefined : `${name}: ${acct.status} (want LOCKED)`;
    case "open": {
      if (!acct) return want.optional ? undefined : `${name}: missing (want OPEN ${want.roles.join(",")})`;
      if (acct.status !== "OPEN") return `${name}: ${acct.status} (want OPEN)`;
      if (acct.roles.join(",") !== want.roles.join(",")) return `${name}: roles [${acct.roles.join(",")}] (want [${want.roles.join(",")}])`;
      const missing = HISTORY_CONFIG.DEFAULT_GRANTS.filter((g) => !acct.sysPrivs.includes(g));
      return missing.length ? `${name}: lacks ${missing.join(",")}` : undefined;
    }
  }
}
