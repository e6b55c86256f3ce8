import type { DbIdentifier } from "../sql/quote";

/** A grantable thing: a database role (quoted identifier) or a system privilege (keywords). */
export type Grantable = { kind: "role"; name: DbIdentifier } | { kind: "privilege"; name: string };

/**
 * PENDING: registered, creation not yet confirmed; DELETED: IAM user gone, account locked and kept; DROPPED:
 * IAM user gone, account dropped. DELETED and DROPPED rows are tombstones: OCIDs are never reused, so nothing
 * reopens or grants to them again.
 */
export type AccountStatus = "PENDING" | "OPEN" | "LOCKED" | "DELETED" | "DROPPED";

export const TOMBSTONES: ReadonlySet<AccountStatus> = new Set(["DELETED", "DROPPED"]);

/** What the registry remembers about an account the product created. */
export interface RegistryRow {
  dbUsername: DbIdentifier;
  iamUserId: string;
  iamUserName: string;
  authMode: "IAM" | "PASSWORD";
  /** Mapping keys of the IAM groups the user is in. */
  groups: string[];
  status: AccountStatus;
  /** Bumped by every change of the account; a change is planned from one version and applied only on it. */
  version: number;
  /** When the row was written (database clock, ISO): the account may not be older than its row. */
  createdAt?: string;
}

/** One database change; rendered to SQL in exactly one place (sql/render.ts). */
export type Op =
  /** First statement of every change to an existing account: takes the next version or fails (ORA-00001). */
  | { op: "claim"; user: DbIdentifier; iamUserId: string; version: number }
  /** Right after the claim: the registry row takes the claimed version, so a unit that fails later (after DDL
   * committed the claim) leaves row and change log agreeing and the next plan claims the version after it. */
  | { op: "bump"; user: DbIdentifier; iamUserId: string; version: number }
  | { op: "create_user"; user: DbIdentifier; auth: { mode: "IAM"; principal: string } | { mode: "PASSWORD"; password: string } }
  | { op: "lock"; user: DbIdentifier }
  | { op: "unlock"; user: DbIdentifier }
  | { op: "drop_user"; user: DbIdentifier; cascade: boolean }
  | { op: "grant"; user: DbIdentifier; what: Grantable }
  | { op: "revoke"; user: DbIdentifier; what: Grantable }
  | { op: "registry_insert"; row: RegistryRow }
  | { op: "registry_update"; row: RegistryRow };
