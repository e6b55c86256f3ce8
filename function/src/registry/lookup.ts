import { z } from "zod";
import { IAM_USER_NAME, iamUserNameSchema } from "../naming/boundary";
import type { Bind, OrdsClient, QueryResult } from "../ords/client";
import { OraError } from "../ords/envelope";
import type { RegistryRow } from "../plan/ops";
import { parseDbIdentifier } from "../sql/quote";
import { parseDictUser, type DictUser } from "./ownership";
import { ensureRegistry, RegistryShapeError } from "./shape";
import { DICT_USER_COLUMNS, REGISTRY_COLUMNS, REGISTRY_TABLE } from "./table";

const rowSchema = z.object({
  db_username: z.string().transform((s) => parseDbIdentifier(s, "registry DB_USERNAME")),
  iam_user_id: z.string(),
  // Names read back from the registry pass the same boundary as names from events and IAM.
  iam_user_name: iamUserNameSchema,
  auth_mode: z.enum(["IAM", "PASSWORD"]),
  mapped_groups: z.string().transform((s, ctx) => {
    try {
      return z.array(z.string()).parse(JSON.parse(s));
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "MAPPED_GROUPS is not a JSON array of strings" });
      return z.NEVER;
    }
  }),
  status: z.enum(["PENDING", "OPEN", "LOCKED", "DELETED", "DROPPED"]),
  version: z.coerce.number().int().min(0).default(0),
  created_at: z.string().optional(),
});

const AUTH_MODES: ReadonlySet<unknown> = new Set(["IAM", "PASSWORD"]);
const STATUSES: ReadonlySet<unknown> = new Set(["PENDING", "OPEN", "LOCKED", "DELETED", "DROPPED"]);

/** The same rules as rowSchema, checked by hand: reconciliation reads every row (zod was most of its CPU). */
function quickRow(raw: Record<string, unknown>): RegistryRow | undefined {
  const { db_username: db, iam_user_id: id, iam_user_name: name, auth_mode: auth, mapped_groups: groups, status, version, created_at: created } = raw;
  if (typeof db !== "string" || typeof id !== "string" || typeof name !== "string" || !IAM_USER_NAME.test(name)) return undefined;
  if (!AUTH_MODES.has(auth) || !STATUSES.has(status) || typeof groups !== "string" || (created !== undefined && typeof created !== "string")) return undefined;
  const v = version === undefined ? 0 : typeof version === "number" ? version : typeof version === "string" && version.trim() !== "" ? Number(version) : NaN;
  if (!Number.isInteger(v) || v < 0) return undefined;
  let list: unknown;
  try {
    list = JSON.parse(groups);
  } catch {
    return undefined;
  }
  if (!Array.isArray(list) || !list.every((g) => typeof g === "string")) return undefined;
  return {
    dbUsername: parseDbIdentifier(db, "registry DB_USERNAME"),
    iamUserId: id,
    iamUserName: name,
    authMode: auth as RegistryRow["authMode"],
    groups: list as string[],
    status: status as RegistryRow["status"],
    version: v,
    createdAt: created,
  };
}

export function parseRegistryRow(raw: Record<string, unknown>): RegistryRow {
  const quick = quickRow(raw);
  if (quick) return quick;
  // Something is off: the schema says what, in its words.
  const r = rowSchema.parse(raw);
  return {
    dbUsername: r.db_username,
    iamUserId: r.iam_user_id,
    iamUserName: r.iam_user_name,
    authMode: r.auth_mode,
    groups: r.mapped_groups,
    status: r.status,
    version: r.version,
    createdAt: r.created_at,
  };
}

/** Facts by database name, read only: a Map, or reconciliation's one name per streamed account (no Map each). */
export type ByName<T> = Pick<ReadonlyMap<string, T>, "get" | "has">;

/** Everything one account's plan needs from the database, read in one ORDS call. */
export interface AccountLookup {
  /** The registry row of this IAM user. */
  mine: RegistryRow | null;
  /** Another IAM user's row holding the wanted database name. */
  nameOwner: RegistryRow | null;
  /** DBA_USERS rows for the wanted name and for this IAM user's registered name. */
  dictUsers: ByName<DictUser>;
  /** Those names that exist as roles (users and roles share one namespace). */
  roles: Pick<ReadonlySet<string>, "has">;
  /** Grants held by this IAM user's registered account, as grantable keys (role:X, privilege:Y). */
  grants: readonly string[];
  /** The registry table did not exist (and was created, unless this is a dry run). */
  registryWasMissing: boolean;
}

const ORA_TABLE_MISSING = 942;
/** A registry column the query names is missing: a table made by an older version (no VERSION). */
const ORA_INVALID_IDENTIFIER = 904;

export { ensureRegistry };

const MINE = `(SELECT DB_USERNAME FROM ${REGISTRY_TABLE} WHERE IAM_USER_ID = :iam_user_id)`;

function lookupSql(withRegistry: boolean): string[] {
  const orMine = (col: string) => (withRegistry ? ` OR ${col} IN ${MINE}` : "");
  const sqls = [
    `SELECT ${DICT_USER_COLUMNS} FROM DBA_USERS WHERE USERNAME = :db_username${orMine("USERNAME")}`,
    `SELECT ROLE FROM DBA_ROLES WHERE ROLE = :db_username${orMine("ROLE")}`,
  ];
  if (!withRegistry) return sqls;
  return [
    `SELECT ${REGISTRY_COLUMNS} FROM ${REGISTRY_TABLE} WHERE IAM_USER_ID = :iam_user_id OR DB_USERNAME = :db_username`,
    ...sqls,
    `SELECT GRANTEE, GRANTED_ROLE FROM DBA_ROLE_PRIVS WHERE GRANTEE IN ${MINE}`,
    `SELECT GRANTEE, PRIVILEGE FROM DBA_SYS_PRIVS WHERE GRANTEE IN ${MINE}`,
  ];
}

/**
 * One call: the registry rows for this IAM user or the wanted name, the dictionary's view of both names
 * (users, roles) and the account's grants. A missing registry is created on first use (never in a dry run).
 */
export async function lookupAccount(
  ords: OrdsClient,
  key: { iamUserId: string; dbUsername?: string },
  deadline: Date | null,
  opts: { dryRun: boolean },
): Promise<AccountLookup> {
  const binds: Bind[] = [
    { name: "iam_user_id", data_type: "VARCHAR2", value: key.iamUserId },
    { name: "db_username", data_type: "VARCHAR2", value: key.dbUsername ?? "" },
  ];
  let registryWasMissing = false;
  let results;
  try {
    results = await ords.queries(lookupSql(true), binds, deadline);
  } catch (err) {
    if (!(err instanceof OraError) || (err.code !== ORA_TABLE_MISSING && err.code !== ORA_INVALID_IDENTIFIER)) throw err;
    if (err.code === ORA_INVALID_IDENTIFIER) {
      // An older version's registry: migrate it (a dry run cannot plan against a table it may not change).
      const migration = await ensureRegistry(ords, deadline, { dryRun: opts.dryRun });
      if (migration.statements.length === 0) throw err;
      if (opts.dryRun) {
        throw new RegistryShapeError(`${REGISTRY_TABLE} has an older shape; a real run migrates it first (${migration.statements.map((s) => s.split("\n")[0]).join("; ")}); nothing was changed`);
      }
      results = await ords.queries(lookupSql(true), binds, deadline);
      return accountLookup(results, key, false);
    }
    registryWasMissing = true;
    if (opts.dryRun) {
      const [users, roles] = await ords.queries(lookupSql(false), binds.slice(1), deadline);
      results = [{ rows: [], hasMore: false }, users, roles, { rows: [], hasMore: false }, { rows: [], hasMore: false }];
    } else {
      await ensureRegistry(ords, deadline);
      results = await ords.queries(lookupSql(true), binds, deadline);
    }
  }
  const look = accountLookup(results, key, registryWasMissing);
  // Each query sees the database as of its own start: a unit of another container that committed between the
  // registry read and the dictionary read (its row and its CREATE USER commit together) shows an account
  // without its row. Read once more before taking the account for one the product did not create.
  if (!registryWasMissing && !look.mine && !look.nameOwner && key.dbUsername && look.dictUsers.has(key.dbUsername)) {
    return accountLookup(await ords.queries(lookupSql(true), binds, deadline), key, false);
  }
  return look;
}

function accountLookup(results: QueryResult[], key: { iamUserId: string; dbUsername?: string }, registryWasMissing: boolean): AccountLookup {
  const [reg, users, roles, rolePrivs, sysPrivs] = results;
  const rows = (reg?.rows ?? []).map(parseRegistryRow);
  const dictUsers = new Map<string, DictUser>();
  for (const raw of users?.rows ?? []) {
    const u = parseDictUser(raw);
    dictUsers.set(u.username, u);
  }
  return {
    mine: rows.find((r) => r.iamUserId === key.iamUserId) ?? null,
    nameOwner: rows.find((r) => r.iamUserId !== key.iamUserId && r.dbUsername === key.dbUsername) ?? null,
    dictUsers,
    roles: new Set((roles?.rows ?? []).map((r) => String(r.role))),
    grants: [
      ...(rolePrivs?.rows ?? []).map((r) => `role:${String(r.granted_role)}`),
      ...(sysPrivs?.rows ?? []).map((r) => `privilege:${String(r.privilege)}`),
    ],
    registryWasMissing,
  };
}

/** Objects the account owns, asked before any drop. */
export async function countObjects(ords: OrdsClient, dbUsername: string, deadline: Date | null): Promise<number> {
  const [r] = await ords.queries(
    [`SELECT COUNT(*) AS OBJECT_COUNT FROM DBA_OBJECTS WHERE OWNER = :owner`],
    [{ name: "owner", data_type: "VARCHAR2", value: dbUsername }],
    deadline,
  );
  return Number(r?.rows[0]?.object_count ?? 0);
}
