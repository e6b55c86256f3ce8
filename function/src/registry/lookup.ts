import { z } from "zod";
import type { Bind, OrdsClient } from "../ords/client";
import { OraError } from "../ords/envelope";
import type { RegistryRow } from "../plan/ops";
import { parseDbIdentifier } from "../sql/quote";
import { CREATE_REGISTRY_TABLE, REGISTRY_COLUMNS, REGISTRY_TABLE } from "./table";

const rowSchema = z.object({
  db_username: z.string().transform((s) => parseDbIdentifier(s, "registry DB_USERNAME")),
  iam_user_id: z.string(),
  iam_user_name: z.string(),
  auth_mode: z.enum(["IAM", "PASSWORD"]),
  mapped_groups: z.string().transform((s, ctx) => {
    try {
      return z.array(z.string()).parse(JSON.parse(s));
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "MAPPED_GROUPS is not a JSON array of strings" });
      return z.NEVER;
    }
  }),
  status: z.enum(["PENDING", "OPEN", "LOCKED", "DELETED"]),
});

export function parseRegistryRow(raw: Record<string, unknown>): RegistryRow {
  const r = rowSchema.parse(raw);
  return {
    dbUsername: r.db_username,
    iamUserId: r.iam_user_id,
    iamUserName: r.iam_user_name,
    authMode: r.auth_mode,
    groups: r.mapped_groups,
    status: r.status,
  };
}

export interface AccountLookup {
  /** The registry row of this IAM user. */
  mine: RegistryRow | null;
  /** Another IAM user's row holding the wanted database name. */
  nameOwner: RegistryRow | null;
  /** The wanted database name exists in the database. */
  dbUserExists: boolean;
  /** The registry table did not exist (and was created, unless this is a dry run). */
  registryWasMissing: boolean;
}

const ORA_TABLE_MISSING = 942;
const ORA_NAME_IN_USE = 955;

/** Creates the registry table; "already exists" is success, so concurrent first runs are harmless. */
export async function ensureRegistry(ords: OrdsClient, deadline: Date | null): Promise<void> {
  const [outcome] = await ords.script([CREATE_REGISTRY_TABLE], deadline);
  if (outcome && !outcome.ok && outcome.error.code !== ORA_NAME_IN_USE) throw outcome.error;
}

/**
 * One call: the registry rows for this IAM user or the wanted name, and whether that name exists in the
 * database. A missing registry is created on first use (never in a dry run).
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
  const sqls = [
    `SELECT ${REGISTRY_COLUMNS} FROM ${REGISTRY_TABLE} WHERE IAM_USER_ID = :iam_user_id OR DB_USERNAME = :db_username`,
    `SELECT USERNAME FROM DBA_USERS WHERE USERNAME = :db_username`,
  ];
  let registryWasMissing = false;
  let results;
  try {
    results = await ords.queries(sqls, binds, deadline);
  } catch (err) {
    if (!(err instanceof OraError) || err.code !== ORA_TABLE_MISSING) throw err;
    registryWasMissing = true;
    if (opts.dryRun) {
      results = [{ rows: [], hasMore: false }, ...(await ords.queries(sqls.slice(1), binds.slice(1), deadline))];
    } else {
      await ensureRegistry(ords, deadline);
      results = await ords.queries(sqls, binds, deadline);
    }
  }
  const rows = (results[0]?.rows ?? []).map(parseRegistryRow);
  return {
    mine: rows.find((r) => r.iamUserId === key.iamUserId) ?? null,
    nameOwner: rows.find((r) => r.iamUserId !== key.iamUserId && r.dbUsername === key.dbUsername) ?? null,
    dbUserExists: (results[1]?.rows.length ?? 0) > 0,
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
