import { TransientError } from "../net/retry";
import type { Bind, OrdsClient } from "../ords/client";
import { CHANGES_TABLE, CREATE_CHANGES_TABLE, CREATE_REGISTRY_TABLE, REGISTRY_TABLE } from "./table";

/** The product's tables as the dictionary shows them: columns, and the column lists of their keys (P/U). */
export interface TablesShape {
  columns: Map<string, Set<string>>;
  keys: Map<string, string[][]>;
}

/** What bringing the tables to the current shape takes: statements to run, or a problem no statement can fix. */
export interface Migration {
  statements: string[];
  /** Non-empty: the tables are unusable as they are and nothing is changed (a person must look). */
  problems: string[];
}

/** What ensureRegistry did (or, in a dry run, would do). */
export interface RegistryReport {
  /** The DDL run (dry run: the DDL a real run would run); empty when the tables were already current. */
  statements: string[];
  /** The registry table did not exist before. */
  created: boolean;
  dryRun: boolean;
}

/** The tables are in a shape the product cannot use or repair on its own: nothing was changed. */
export class RegistryShapeError extends Error {
  override name = "RegistryShapeError";
}

const REGISTRY_NEEDS = ["DB_USERNAME", "IAM_USER_ID", "IAM_USER_NAME", "AUTH_MODE", "MAPPED_GROUPS", "STATUS", "CREATED_AT"];
const CHANGES_NEEDS = ["DB_USERNAME", "VERSION", "IAM_USER_ID"];
/**
 * Columns a migration may add to a table that has rows, with what old rows get. Not CREATED_AT: the
 * ownership proof compares it with DBA_USERS.CREATED, and a value invented now would misdate every account.
 */
const ADDABLE: Record<string, string> = {
  VERSION: "VERSION NUMBER DEFAULT 0 NOT NULL",
  UPDATED_AT: "UPDATED_AT TIMESTAMP DEFAULT SYSTIMESTAMP NOT NULL",
};
/** Keys the registry must have; each is added (under this name) where the dictionary shows none on exactly those columns. */
const REGISTRY_KEYS: { columns: string[]; ddl: string }[] = [
  { columns: ["DB_USERNAME"], ddl: `ALTER TABLE ${REGISTRY_TABLE} ADD CONSTRAINT IAM_ADB_SYNC_ACCOUNTS_PK PRIMARY KEY (DB_USERNAME)` },
  { columns: ["IAM_USER_ID"], ddl: `ALTER TABLE ${REGISTRY_TABLE} ADD CONSTRAINT IAM_ADB_SYNC_ACCOUNTS_IAM_UK UNIQUE (IAM_USER_ID)` },
];

/**
 * Outcomes that mean another container made the same change first (two first runs, or two migrations, at
 * once): name in use, column exists, such a key exists, constraint name in use, a primary key exists.
 */
const ALREADY_DONE = new Set([955, 1430, 2261, 2264, 2260]);
/** The old rows break the key being added: duplicates (or NULLs) that a person has to resolve. */
const ROWS_BREAK_KEY = new Set([2299, 2437, 1449]);
/** DDL could not lock the table (a change script holds a row): worth retrying. */
const BUSY = 54;

const sameColumns = (a: string[], b: string[]) => a.length === b.length && a.every((c) => b.includes(c));

/** Pure: the DDL that brings `shape` to the current tables, never dropping or rewriting a row. */
export function migrationFor(shape: TablesShape): Migration {
  const statements: string[] = [];
  const problems: string[] = [];
  const registry = shape.columns.get(REGISTRY_TABLE);
  if (!registry) {
    statements.push(CREATE_REGISTRY_TABLE);
  } else {
    const missing = REGISTRY_NEEDS.filter((c) => !registry.has(c));
    if (missing.length > 0) problems.push(`${REGISTRY_TABLE} has no ${missing.join(", ")} column: it was not made by this product, or by a version that cannot be migrated; nothing was changed`);
    const add = Object.keys(ADDABLE).filter((c) => !registry.has(c));
    if (add.length > 0 && missing.length === 0) statements.push(`ALTER TABLE ${REGISTRY_TABLE} ADD (${add.map((c) => ADDABLE[c]).join(", ")})`);
    const keys = shape.keys.get(REGISTRY_TABLE) ?? [];
    for (const k of REGISTRY_KEYS) if (missing.length === 0 && !keys.some((cols) => sameColumns(cols, k.columns))) statements.push(k.ddl);
  }
  const changes = shape.columns.get(CHANGES_TABLE);
  if (!changes) {
    statements.push(CREATE_CHANGES_TABLE);
  } else {
    const missing = CHANGES_NEEDS.filter((c) => !changes.has(c));
    const key = ["DB_USERNAME", "IAM_USER_ID", "VERSION"];
    if (missing.length > 0) problems.push(`${CHANGES_TABLE} has no ${missing.join(", ")} column; nothing was changed`);
    else if (!(shape.keys.get(CHANGES_TABLE) ?? []).some((cols) => cols.every((c) => key.includes(c)))) {
      // Without a key inside (DB_USERNAME, IAM_USER_ID, VERSION) two changes from one version would both land.
      problems.push(`${CHANGES_TABLE} has no key on (DB_USERNAME, IAM_USER_ID, VERSION), which is what serializes changes; nothing was changed`);
    }
  }
  return problems.length > 0 ? { statements: [], problems } : { statements, problems };
}

/** One ORDS call: the two tables' columns and key columns, from the schema's dictionary. */
export async function readTablesShape(ords: OrdsClient, deadline: Date | null): Promise<TablesShape> {
  const binds: Bind[] = [
    { name: "registry", data_type: "VARCHAR2", value: REGISTRY_TABLE },
    { name: "changes", data_type: "VARCHAR2", value: CHANGES_TABLE },
  ];
  const tables = "TABLE_NAME IN (:registry, :changes)";
  const [cols, cons, consCols] = await ords.queries(
    [
      `SELECT TABLE_NAME, COLUMN_NAME FROM USER_TAB_COLUMNS WHERE ${tables}`,
      `SELECT CONSTRAINT_NAME, TABLE_NAME FROM USER_CONSTRAINTS WHERE ${tables} AND CONSTRAINT_TYPE IN ('P', 'U')`,
      `SELECT CONSTRAINT_NAME, COLUMN_NAME, POSITION FROM USER_CONS_COLUMNS WHERE ${tables} ORDER BY CONSTRAINT_NAME, POSITION`,
    ],
    binds,
    deadline,
  );
  const columns = new Map<string, Set<string>>();
  for (const r of cols?.rows ?? []) {
    const t = String(r.table_name);
    columns.set(t, (columns.get(t) ?? new Set()).add(String(r.column_name)));
  }
  const keyTable = new Map((cons?.rows ?? []).map((r) => [String(r.constraint_name), String(r.table_name)]));
  const keyCols = new Map<string, string[]>();
  for (const r of consCols?.rows ?? []) {
    const name = String(r.constraint_name);
    if (keyTable.has(name)) keyCols.set(name, [...(keyCols.get(name) ?? []), String(r.column_name)]);
  }
  const keys = new Map<string, string[][]>();
  for (const [name, table] of keyTable) keys.set(table, [...(keys.get(table) ?? []), keyCols.get(name) ?? []]);
  return { columns, keys };
}

/**
 * Brings the registry and change tables to the current shape, read from the dictionary: creates what is
 * missing and migrates what an older version made (adds VERSION with 0 for old rows, the keys on
 * DB_USERNAME and on IAM_USER_ID), never dropping or rewriting data. Idempotent, and safe when several
 * containers run it at once: a change another one made first counts as done. A dry run only reports.
 */
export async function ensureRegistry(ords: OrdsClient, deadline: Date | null, o: { dryRun?: boolean } = {}): Promise<RegistryReport> {
  const shape = await readTablesShape(ords, deadline);
  const m = migrationFor(shape);
  if (m.problems.length > 0) throw new RegistryShapeError(m.problems.join("; "));
  const report = { statements: m.statements, created: !shape.columns.has(REGISTRY_TABLE), dryRun: o.dryRun === true };
  if (m.statements.length === 0 || o.dryRun) return report;
  // Each statement on its own: one that another container already made must not stop the rest.
  const outcomes = await ords.script(m.statements, deadline, { onError: "continue" });
  const failures: string[] = [];
  let busy = false;
  outcomes.forEach((out, i) => {
    if (!("error" in out) || ALREADY_DONE.has(out.error.code)) return;
    busy ||= out.error.code === BUSY;
    const why = ROWS_BREAK_KEY.has(out.error.code) ? " (existing rows break this key: resolve them by hand; no row was changed)" : "";
    failures.push(`${m.statements[i].split("\n")[0]}: ${out.error.message}${why}`);
  });
  if (failures.length === 0) return report;
  const message = `registry migration: ${failures.join("; ")}`;
  throw busy ? new TransientError(message) : new RegistryShapeError(message);
}
