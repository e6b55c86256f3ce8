import type { Bind, OrdsClient, QueryResult } from "../ords/client";
import { OraError } from "../ords/envelope";
import type { Grantable, RegistryRow } from "../plan/ops";
import { parseRegistryRow } from "../registry/lookup";
import { parseDictUser, type DictUser } from "../registry/ownership";
import { DICT_USER_COLUMNS, REGISTRY_COLUMNS, REGISTRY_TABLE } from "../registry/table";

/** What the database holds for the accounts the product manages. */
export interface ActualState {
  /** Registry rows by IAM user OCID. */
  byIamUser: Map<string, RegistryRow>;
  /** Registry rows by database user name. */
  byDbName: Map<string, RegistryRow>;
  /** Every database user as DBA_USERS shows it (foreign accounts, manual lock/unlock, the ownership proof). */
  dbUsers: Map<string, DictUser>;
  /** Every role name (users and roles share one namespace). */
  roles: Set<string>;
  /** Managed grants the dictionary shows, by grantee (managed accounts only). */
  grants: Map<string, Grantable[]>;
  /** The registry table does not exist yet. */
  registryMissing: boolean;
}

/** Rows per ORDS query page: ORDS' own pagination.maxRows default. */
export const ORDS_PAGE = 10000;
/** Grantees per IN list (Oracle allows 1,000 expressions in a list) and lists per ORDS call. */
const GRANTEES_PER_LIST = 500;
const LISTS_PER_CALL = 4;
const ORA_TABLE_MISSING = 942;

const REGISTRY_SQL = `SELECT ${REGISTRY_COLUMNS} FROM ${REGISTRY_TABLE} ORDER BY DB_USERNAME`;
const USERS_SQL = `SELECT ${DICT_USER_COLUMNS} FROM DBA_USERS ORDER BY USERNAME`;
const ROLES_SQL = "SELECT ROLE FROM DBA_ROLES ORDER BY ROLE";

/**
 * Pages several queries side by side: every call asks the next page of each query that still has more, so
 * two result sets cost as many calls as the longer of them needs.
 */
async function pageAll(
  ords: OrdsClient,
  sqls: string[],
  page: number,
  deadline: Date | null,
  onRows: (i: number, rows: Record<string, unknown>[]) => void,
): Promise<void> {
  let open = sqls.map((_, i) => i);
  for (let offset = 0; open.length > 0; offset += page) {
    const results = await ords.queries(
      open.map((i) => sqls[i] as string),
      [],
      deadline,
      { offset, limit: page },
    );
    open = open.filter((i, k) => {
      const r = results[k];
      if (r) onRows(i, r.rows);
      return r?.hasMore === true;
    });
  }
}

/**
 * The managed accounts' role and system privilege grants, looked up by grantee in IN lists (the dictionary
 * is indexed by grantee), several lists per call: linear in the number of accounts, unlike paging a join.
 */
async function readGrants(
  ords: OrdsClient,
  grantees: readonly string[],
  managed: ReadonlyMap<string, Grantable>,
  page: number,
  deadline: Date | null,
  into: Map<string, Grantable[]>,
): Promise<void> {
  const add = (grantee: unknown, key: string) => {
    const g = managed.get(key);
    if (!g || typeof grantee !== "string") return;
    const list = into.get(grantee);
    if (list) list.push(g);
    else into.set(grantee, [g]);
  };
  const perCall = GRANTEES_PER_LIST * LISTS_PER_CALL;
  for (let start = 0; start < grantees.length; start += perCall) {
    const sqls: string[] = [];
    const binds: Bind[] = [];
    for (let l = 0; l * GRANTEES_PER_LIST < Math.min(perCall, grantees.length - start); l++) {
      const list = grantees.slice(start + l * GRANTEES_PER_LIST, start + (l + 1) * GRANTEES_PER_LIST);
      const names = list.map((_, i) => `:g${l}_${i}`).join(", ");
      list.forEach((value, i) => binds.push({ name: `g${l}_${i}`, data_type: "VARCHAR2", value }));
      sqls.push(`SELECT GRANTEE, GRANTED_ROLE FROM DBA_ROLE_PRIVS WHERE GRANTEE IN (${names})`);
      sqls.push(`SELECT GRANTEE, PRIVILEGE FROM DBA_SYS_PRIVS WHERE GRANTEE IN (${names})`);
    }
    const results = await ords.queries(sqls, binds, deadline, { offset: 0, limit: page });
    for (const [k, first] of results.entries()) {
      const take = (rows: Record<string, unknown>[]) => {
        for (const row of rows) add(row.grantee, k % 2 === 0 ? `role:${String(row.granted_role)}` : `privilege:${String(row.privilege)}`);
      };
      take(first.rows);
      // Rare: accounts holding very many grants overflow one page; that list is paged on its own.
      const own = binds.filter((b) => b.name.startsWith(`g${Math.floor(k / 2)}_`));
      for (let r = first, offset = page; r.hasMore; offset += page) {
        [r] = (await ords.queries([sqls[k] as string], own, deadline, { offset, limit: page })) as [QueryResult];
        take(r.rows);
      }
    }
  }
}

/** Registry rows, database users and the managed accounts' grants: read in pages, no per-account calls. */
export async function readActual(
  ords: OrdsClient,
  managed: ReadonlyMap<string, Grantable>,
  deadline: Date | null,
  page = ORDS_PAGE,
): Promise<ActualState> {
  const state: ActualState = { byIamUser: new Map(), byDbName: new Map(), dbUsers: new Map(), roles: new Set(), grants: new Map(), registryMissing: false };
  const onRegistry = (row: Record<string, unknown>) => {
    const r = parseRegistryRow(row);
    state.byIamUser.set(r.iamUserId, r);
    state.byDbName.set(r.dbUsername, r);
  };
  const onUser = (row: Record<string, unknown>) => state.dbUsers.set(String(row.username), parseDictUser(row));
  const onRole = (row: Record<string, unknown>) => state.roles.add(String(row.role));
  try {
    await pageAll(ords, [REGISTRY_SQL, USERS_SQL, ROLES_SQL], page, deadline, (i, rows) => rows.forEach([onRegistry, onUser, onRole][i] as (r: Record<string, unknown>) => void));
  } catch (err) {
    if (!(err instanceof OraError) || err.code !== ORA_TABLE_MISSING) throw err;
    // First run on this database: nothing is managed yet, so only the database users matter.
    state.byIamUser.clear();
    state.byDbName.clear();
    state.dbUsers.clear();
    state.roles.clear();
    state.registryMissing = true;
    await pageAll(ords, [USERS_SQL, ROLES_SQL], page, deadline, (i, rows) => rows.forEach(i === 0 ? onUser : onRole));
  }
  const grantees = [...state.byDbName.keys()].filter((name) => state.dbUsers.has(name));
  await readGrants(ords, grantees, managed, page, deadline, state.grants);
  return state;
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
