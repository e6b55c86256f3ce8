import type { Bind, OrdsClient, QueryResult } from "../ords/client";
import { OraError } from "../ords/envelope";
import { grantableKey } from "../config/load";
import type { Grantable, RegistryRow } from "../plan/ops";
import { parseRegistryRow } from "../registry/lookup";
import { parseDictUser, type DictUser } from "../registry/ownership";
import { DICT_USER_COLUMNS, REGISTRY_COLUMNS, REGISTRY_TABLE } from "../registry/table";

/** A registry row with what the dictionary says about its database name. */
export interface AccountRow {
  row: RegistryRow;
  dictUser?: DictUser;
  /** The name exists as a role (users and roles share one namespace). */
  isRole: boolean;
  /** Grants the account holds, as grantable keys (role:X, privilege:Y). */
  grants: string[];
}

/** Rows per ORDS query page: ORDS' own pagination.maxRows default. */
const ORDS_PAGE = 10000;
/** Names per IN list (Oracle allows 1,000 expressions in a list) and lists per ORDS call. */
const NAMES_PER_LIST = 500;
const LISTS_PER_CALL = 4;
const ORA_TABLE_MISSING = 942;

const FIRST_PAGE = `SELECT ${REGISTRY_COLUMNS} FROM ${REGISTRY_TABLE} ORDER BY IAM_USER_ID`;
// Keyset paging: each page starts after the last key seen, so rows written meanwhile cannot shift the pages.
const NEXT_PAGE = `SELECT ${REGISTRY_COLUMNS} FROM ${REGISTRY_TABLE} WHERE IAM_USER_ID > :after ORDER BY IAM_USER_ID`;

/** Bind names n<list>_<i>, made once: every look-up call of a run uses the same few thousand. */
const BIND_NAMES = Array.from({ length: LISTS_PER_CALL }, (_, l) => Array.from({ length: NAMES_PER_LIST }, (_, i) => `n${l}_${i}`));
const bindName = (l: number, i: number) => (BIND_NAMES[l] as string[])[i] as string;

/** Queries by name in IN lists of binds, several lists per ORDS call; `sql` gets the list's bind names. */
export async function byNames(
  ords: OrdsClient,
  names: readonly string[],
  sqls: readonly ((list: string) => string)[],
  deadline: Date | null,
  onRows: (statement: number, rows: Record<string, unknown>[]) => void,
  page = ORDS_PAGE,
): Promise<void> {
  const perCall = NAMES_PER_LIST * LISTS_PER_CALL;
  for (let start = 0; start < names.length; start += perCall) {
    const statements: string[] = [];
    const binds: Bind[] = [];
    const lists: Bind[][] = [];
    for (let l = 0; l * NAMES_PER_LIST < Math.min(perCall, names.length - start); l++) {
      const list = names.slice(start + l * NAMES_PER_LIST, start + (l + 1) * NAMES_PER_LIST);
      const own = list.map((value, i): Bind => ({ name: bindName(l, i), data_type: "VARCHAR2", value }));
      binds.push(...own);
      const placeholders = own.map((b) => `:${b.name}`).join(", ");
      for (const sql of sqls) {
        statements.push(sql(placeholders));
        lists.push(own);
      }
    }
    const results = await ords.queries(statements, binds, deadline, { offset: 0, limit: page });
    for (const [k, first] of results.entries()) {
      onRows(k % sqls.length, first.rows);
      // Rare: names holding very many grants overflow one page; that list is paged on its own.
      for (let r = first, offset = page; r.hasMore; offset += page) {
        [r] = (await ords.queries([statements[k] as string], lists[k] as Bind[], deadline, { offset, limit: page })) as [QueryResult];
        onRows(k % sqls.length, r.rows);
      }
    }
  }
}

const DICT_SQLS = [
  (list: string) => `SELECT ${DICT_USER_COLUMNS} FROM DBA_USERS WHERE USERNAME IN (${list})`,
  (list: string) => `SELECT ROLE FROM DBA_ROLES WHERE ROLE IN (${list})`,
  (list: string) => `SELECT GRANTEE, GRANTED_ROLE FROM DBA_ROLE_PRIVS WHERE GRANTEE IN (${list})`,
  (list: string) => `SELECT GRANTEE, PRIVILEGE FROM DBA_SYS_PRIVS WHERE GRANTEE IN (${list})`,
];

/**
 * Grant keys made once per role or privilege name: a few of them are held by every account, and a key string
 * made per grant lived on with its page (and was flattened again for every look-up the planner made with it).
 */
class GrantKeys {
  private readonly roles = new Map<string, string>();
  private readonly privileges = new Map<string, string>();

  of(kind: Grantable["kind"], name: string): string {
    const made = kind === "role" ? this.roles : this.privileges;
    let key = made.get(name);
    if (key === undefined) made.set(name, (key = grantableKey({ kind, name } as Grantable)));
    return key;
  }
}

/**
 * The registry in ascending IAM_USER_ID order, page by page, each row with its dictionary facts (read by
 * name for the page's accounts only): the database side of reconciliation's merge, never held whole.
 */
export class AccountStream {
  /** The registry table does not exist yet (known after the first page). */
  registryMissing = false;
  /** Rows not marked deleted: the deletion guard's base. */
  managed = 0;
  private readonly keys = new GrantKeys();

  constructor(
    private readonly ords: OrdsClient,
    private readonly deadline: Date | null,
    private readonly page = ORDS_PAGE,
  ) {}

  async *pages(): AsyncGenerator<AccountRow[]> {
    let after: string | undefined;
    for (;;) {
      let result: QueryResult;
      try {
        [result] = (await this.ords.queries(
          [after === undefined ? FIRST_PAGE : NEXT_PAGE],
          after === undefined ? [] : [{ name: "after", data_type: "VARCHAR2", value: after }],
          this.deadline,
          { offset: 0, limit: this.page },
        )) as [QueryResult];
      } catch (err) {
        // First run on this database: nothing is managed yet.
        if (after === undefined && err instanceof OraError && err.code === ORA_TABLE_MISSING) {
          this.registryMissing = true;
          return;
        }
        throw err;
      }
      const rows = result.rows.map(parseRegistryRow);
      const more = result.hasMore && rows.length > 0;
      // Not held while the dictionary is read and the page is planned: the raw rows would outlive V8's young generation.
      result.rows = [];
      for (const r of rows) {
        if (after !== undefined && r.iamUserId <= after) throw new Error(`registry listed ${r.iamUserId} after ${after}: not in ascending IAM_USER_ID order; nothing was changed`);
        after = r.iamUserId;
        if (r.status !== "DELETED" && r.status !== "DROPPED") this.managed++;
      }
      if (rows.length > 0) yield await this.withDictionary(rows);
      if (!more) return;
    }
  }

  private async withDictionary(rows: RegistryRow[]): Promise<AccountRow[]> {
    const out = new Map<string, AccountRow>(rows.map((row) => [row.dbUsername, { row, isRole: false, grants: [] }]));
    await byNames(this.ords, [...out.keys()], DICT_SQLS, this.deadline, (statement, found) => {
      for (const raw of found) {
        if (statement === 0) {
          const a = out.get(String(raw.username));
          if (a) a.dictUser = parseDictUser(raw);
        } else if (statement === 1) {
          const a = out.get(String(raw.role));
          if (a) a.isRole = true;
        } else {
          out.get(String(raw.grantee))?.grants.push(statement === 2 ? this.keys.of("role", String(raw.granted_role)) : this.keys.of("privilege", String(raw.privilege)));
        }
      }
    }, this.page);
    return [...out.values()];
  }
}
