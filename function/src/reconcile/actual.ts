import type { OrdsClient } from "../ords/client";
import { OraError } from "../ords/envelope";
import type { Grantable, RegistryRow } from "../plan/ops";
import { parseRegistryRow } from "../registry/lookup";
import { REGISTRY_COLUMNS, REGISTRY_TABLE } from "../registry/table";

/** What the database holds for the accounts the product manages. */
export interface ActualState {
  /** Registry rows by IAM user OCID. */
  byIamUser: Map<string, RegistryRow>;
  /** Registry rows by database user name. */
  byDbName: Map<string, RegistryRow>;
  /** Every database user and its ACCOUNT_STATUS (to spot foreign accounts and manual lock/unlock). */
  dbUsers: Map<string, string>;
  /** Managed grants the dictionary shows, by grantee (managed accounts only). */
  grants: Map<string, Grantable[]>;
  /** The registry table does not exist yet. */
  registryMissing: boolean;
}

/** Rows per ORDS query page (ORDS' own pagination.maxRows defaults to 10,000). */
export const ORDS_PAGE = 5000;
const ORA_TABLE_MISSING = 942;

const MANAGED = `(SELECT DB_USERNAME FROM ${REGISTRY_TABLE})`;
const REGISTRY_SQL = `SELECT ${REGISTRY_COLUMNS} FROM ${REGISTRY_TABLE} ORDER BY DB_USERNAME`;
const USERS_SQL = "SELECT USERNAME, ACCOUNT_STATUS FROM DBA_USERS ORDER BY USERNAME";
const ROLES_SQL = `SELECT GRANTEE, GRANTED_ROLE FROM DBA_ROLE_PRIVS WHERE GRANTEE IN ${MANAGED} ORDER BY GRANTEE, GRANTED_ROLE`;
const PRIVS_SQL = `SELECT GRANTEE, PRIVILEGE FROM DBA_SYS_PRIVS WHERE GRANTEE IN ${MANAGED} ORDER BY GRANTEE, PRIVILEGE`;

/**
 * Pages several queries side by side: every call asks the next page of each query that still has more, so
 * four result sets cost as many calls as the longest of them needs.
 */
async function pageAll(ords: OrdsClient, sqls: string[], deadline: Date | null, onRows: (i: number, rows: Record<string, unknown>[]) => void): Promise<void> {
  let open = sqls.map((_, i) => i);
  for (let offset = 0; open.length > 0; offset += ORDS_PAGE) {
    const results = await ords.queries(
      open.map((i) => sqls[i] as string),
      [],
      deadline,
      { offset, limit: ORDS_PAGE },
    );
    open = open.filter((i, k) => {
      const r = results[k];
      if (r) onRows(i, r.rows);
      return r?.hasMore === true;
    });
  }
}

/** Registry rows, database users and the managed accounts' grants: read in pages, no per-account calls. */
export async function readActual(ords: OrdsClient, managed: ReadonlyMap<string, Grantable>, deadline: Date | null): Promise<ActualState> {
  const state: ActualState = { byIamUser: new Map(), byDbName: new Map(), dbUsers: new Map(), grants: new Map(), registryMissing: false };
  const addGrant = (grantee: unknown, key: string) => {
    const g = managed.get(key);
    if (!g || typeof grantee !== "string") return;
    const list = state.grants.get(grantee);
    if (list) list.push(g);
    else state.grants.set(grantee, [g]);
  };
  const handlers = [
    (row: Record<string, unknown>) => {
      const r = parseRegistryRow(row);
      state.byIamUser.set(r.iamUserId, r);
      state.byDbName.set(r.dbUsername, r);
    },
    (row: Record<string, unknown>) => state.dbUsers.set(String(row.username), String(row.account_status)),
    (row: Record<string, unknown>) => addGrant(row.grantee, `role:${String(row.granted_role)}`),
    (row: Record<string, unknown>) => addGrant(row.grantee, `privilege:${String(row.privilege)}`),
  ];
  const consume = (offsetIndex: number) => (i: number, rows: Record<string, unknown>[]) => {
    const h = handlers[i + offsetIndex];
    if (h) for (const row of rows) h(row);
  };
  try {
    await pageAll(ords, [REGISTRY_SQL, USERS_SQL, ROLES_SQL, PRIVS_SQL], deadline, consume(0));
  } catch (err) {
    if (!(err instanceof OraError) || err.code !== ORA_TABLE_MISSING) throw err;
    // First run on this database: nothing is managed yet, so only the database users matter.
    state.byIamUser.clear();
    state.byDbName.clear();
    state.dbUsers.clear();
    state.grants.clear();
    state.registryMissing = true;
    await pageAll(ords, [USERS_SQL], deadline, consume(1));
  }
  return state;
}

/** ACCOUNT_STATUS says locked (by an administrator or by us); LOCKED(TIMED) after failed logins does not count. */
export function isLockedStatus(accountStatus: string): boolean {
  return /(^|& )LOCKED$/.test(accountStatus);
}

/** Count queries sent per ORDS call when asking how many objects accounts own. */
const COUNTS_PER_CALL = 50;

/** Objects owned by each account (asked before a drop is planned), many accounts per ORDS call. */
export async function countObjectsOf(ords: OrdsClient, owners: readonly string[], deadline: Date | null): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < owners.length; i += COUNTS_PER_CALL) {
    const chunk = owners.slice(i, i + COUNTS_PER_CALL);
    const results = await ords.queries(
      chunk.map((_, k) => `SELECT COUNT(*) AS OBJECT_COUNT FROM DBA_OBJECTS WHERE OWNER = :owner${k}`),
      chunk.map((owner, k) => ({ name: `owner${k}`, data_type: "VARCHAR2" as const, value: owner })),
      deadline,
    );
    chunk.forEach((owner, k) => out.set(owner, Number(results[k]?.rows[0]?.object_count ?? 0)));
  }
  return out;
}
