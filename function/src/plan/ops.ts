import type { DbIdentifier } from "../sql/quote";

/** A grantable thing: a database role (quoted identifier) or a system privilege (keywords). */
export type Grantable = { kind: "role"; name: DbIdentifier } | { kind: "privilege"; name: string };

/** PENDING: registered, creation not yet confirmed; DELETED: IAM user gone, account locked and kept. */
export type AccountStatus = "PENDING" | "OPEN" | "LOCKED" | "DELETED";

/** What the registry remembers about an account the product created. */
export interface RegistryRow {
  dbUsername: DbIdentifier;
  iamUserId: string;
  iamUserName: string;
  authMode: "IAM" | "PASSWORD";
  /** Mapping keys of the IAM groups the user is in. */
  groups: string[];
  status: AccountStatus;
}

/** One database change; rendered to SQL in exactly one place (sql/render.ts). */
export type Op =
  | { op: "create_user"; user: DbIdentifier; auth: { mode: "IAM"; principal: string } | { mode: "PASSWORD"; password: string } }
  | { op: "lock"; user: DbIdentifier }
  | { op: "unlock"; user: DbIdentifier }
  | { op: "drop_user"; user: DbIdentifier; cascade: boolean }
  | { op: "grant"; user: DbIdentifier; what: Grantable }
  | { op: "revoke"; user: DbIdentifier; what: Grantable }
  | { op: "registry_insert"; row: RegistryRow }
  | { op: "registry_update"; row: RegistryRow }
  | { op: "registry_delete"; user: DbIdentifier };
