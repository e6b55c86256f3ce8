import type { ColumnDef, Cond, Value } from "../sql/ast";
import { OraError } from "../sql/ora-error";
import { evalCond, evalExpr, keyOf, toDate, toNumber, toText, type EvalContext, type Row } from "./eval";
import type { Relation, ColumnMeta } from "./relation";
import { LockWait, type Session } from "./session";

export interface Constraint {
  name: string;
  kind: "primary" | "unique" | "check";
  columns: string[];
  check?: Cond;
}

/** Expression context without a row: DEFAULT values and CHECK conditions get theirs from the caller. */
export type RowlessContext = Omit<EvalContext, "column">;

/** A row a session changed and has not committed: others read `committed` (undefined: not there for them). */
interface RowLock {
  owner: Session;
  committed: Row | undefined;
}

/**
 * A user table: typed columns, NOT NULL, PRIMARY KEY/UNIQUE (hash indexes) and CHECK constraints. Every
 * change is validated completely before any row is touched, so a failing statement leaves the table as it was.
 *
 * Transactions as Oracle runs them for this purpose: a changed (or SELECT … FOR UPDATE) row is locked by its
 * session until COMMIT/ROLLBACK; other sessions read its last committed image (read committed, no dirty
 * reads) and a writer that needs it gets a LockWait to wait on and then re-runs its statement, so a
 * version check in its WHERE sees the winner's committed value (Oracle's update restart).
 */
export class Table implements Relation {
  readonly columns: ColumnMeta[];
  private readonly defs = new Map<string, ColumnDef>();
  private readonly rowsById = new Map<number, Row>();
  private readonly indexes = new Map<string, Map<string, number>>();
  private readonly ids = new WeakMap<Row, number>();
  private readonly locks = new Map<number, RowLock>();
  private readonly releases = new WeakMap<Session, () => void>();
  private nextId = 1;

  constructor(
    readonly owner: string,
    readonly name: string,
    columnDefs: ColumnDef[],
    readonly constraints: Constraint[],
  ) {
    for (const c of columnDefs) this.defs.set(c.name, c);
    const keyCols = new Set(constraints.filter((c) => c.kind === "primary").flatMap((c) => c.columns));
    this.columns = columnDefs.map((c) => ({
      name: c.name,
      type: c.type,
      precision: c.size ?? 0,
      scale: c.scale ?? 0,
      nullable: !(c.notNull || keyCols.has(c.name)),
    }));
    for (const c of constraints) if (c.kind !== "check") this.indexes.set(c.name, new Map());
  }

  rows(): Iterable<Row> {
    return this.rowsById.values();
  }

  /** The id of a stored row (rows handed out by rows()/lookup()), for UPDATE and DELETE. */
  idOf(row: Row): number | undefined {
    return this.ids.get(row);
  }

  lookup(column: string, value: Value): Row[] | undefined {
    for (const c of this.constraints) {
      if (c.kind === "check" || c.columns.length !== 1 || c.columns[0] !== column) continue;
      const id = this.indexes.get(c.name)?.get(JSON.stringify([keyOf(this.convert(column, value, false))]));
      const row = id === undefined ? undefined : this.rowsById.get(id);
      return row ? [row] : [];
    }
    return undefined;
  }

  hasColumn(name: string): boolean {
    return this.defs.has(name);
  }

  /** What `session` sees: its own changes, other sessions' rows as last committed. */
  viewFor(session: Session): Relation {
    const lockedByOthers = () => [...this.locks.values()].some((l) => l.owner !== session);
    return {
      owner: this.owner,
      name: this.name,
      columns: this.columns,
      rows: () => this.visibleRows(session),
      lookup: (column, value) => (lockedByOthers() ? undefined : this.lookup(column, value)),
      stableRows: true,
    };
  }

  private *visibleRows(session: Session): IterableIterator<Row> {
    for (const [id, row] of this.rowsById) {
      const l = this.locks.get(id);
      if (!l || l.owner === session) yield row;
      else if (l.committed) yield l.committed;
    }
    for (const [id, l] of this.locks) if (l.owner !== session && l.committed && !this.rowsById.has(id)) yield l.committed;
  }

  /** Locks rows for `session` (SELECT … FOR UPDATE and every write); LockWait when another holds one. */
  lockRows(ids: number[], session: Session): void {
    for (const id of ids) {
      const l = this.locks.get(id);
      if (l && l.owner !== session) throw new LockWait(l.owner, l.owner.ended());
    }
    for (const id of ids) this.lockRow(id, session, this.rowsById.get(id));
  }

  private lockRow(id: number, session: Session, committed: Row | undefined): void {
    if (this.locks.has(id)) return;
    const copy = committed && { ...committed };
    if (copy) this.ids.set(copy, id);
    this.locks.set(id, { owner: session, committed: copy });
    let release = this.releases.get(session);
    if (!release) {
      release = () => {
        for (const [lid, l] of this.locks) if (l.owner === session) this.locks.delete(lid);
        this.releases.delete(session);
      };
      this.releases.set(session, release);
    }
    session.holds(release);
  }

  /**
   * ALTER TABLE … ADD: columns (existing rows get the DEFAULT; NOT NULL without one needs an empty table),
   * then constraints validated against every row. DDL needs the table to itself: a row another session
   * holds is ORA-00054 at once (DDL_LOCK_TIMEOUT 0). A failure leaves the table as it was.
   */
  alterAdd(columns: ColumnDef[], constraints: Constraint[], ctx: RowlessContext, session: Session): void {
    for (const l of this.locks.values()) if (l.owner !== session) throw new OraError(54);
    const fills = new Map<string, Value>();
    for (const c of columns) {
      if (this.defs.has(c.name)) throw new OraError(1430);
      if (fills.has(c.name)) throw new OraError(957);
      const v = c.default ? evalExpr(c.default, { ...ctx, column: noColumns }) : null;
      fills.set(c.name, v === null ? null : convertTo(c, v, this.qualified(c.name)));
      if (c.notNull && fills.get(c.name) === null && this.rowsById.size > 0) throw new OraError(1758);
    }
    const known = (name: string) => this.defs.has(name) || fills.has(name);
    const keys = [...this.constraints, ...constraints].filter((c) => c.kind !== "check");
    for (const c of constraints) {
      for (const col of c.columns) if (!known(col)) throw new OraError(904, [col]);
      if (c.kind === "check") continue;
      if (c.kind === "primary" && keys.filter((k) => k.kind === "primary").length > 1) throw new OraError(2260);
      const same = keys.find((k) => k !== c && k.columns.length === c.columns.length && k.columns.every((col) => c.columns.includes(col)));
      if (same) throw new OraError(2261);
    }
    const future = (row: Row): Row => ({ ...row, ...Object.fromEntries(fills) });
    for (const c of constraints) {
      const seen = new Set<string>();
      for (const row of this.rowsById.values()) {
        const r = future(row);
        if (c.kind === "check") {
          if (c.check && evalCond(c.check, { ...ctx, column: (n) => (known(n) ? r[n] : noColumns(n)) }) === false) throw new OraError(2293, [`${this.owner}.${c.name}`]);
          continue;
        }
        const key = this.keyFor(c, r);
        if (key === undefined) {
          if (c.kind === "primary") throw new OraError(1449);
          continue;
        }
        if (seen.has(key)) throw new OraError(c.kind === "primary" ? 2437 : 2299, [`${this.owner}.${c.name}`]);
        seen.add(key);
      }
    }
    const primary = new Set(constraints.filter((c) => c.kind === "primary").flatMap((c) => c.columns));
    for (const c of columns) {
      this.defs.set(c.name, c);
      this.columns.push({ name: c.name, type: c.type, precision: c.size ?? 0, scale: c.scale ?? 0, nullable: !(c.notNull || primary.has(c.name)) });
    }
    for (const col of this.columns) if (primary.has(col.name)) col.nullable = false;
    for (const row of this.rowsById.values()) Object.assign(row, Object.fromEntries(fills));
    for (const c of constraints) {
      this.constraints.push(c);
      if (c.kind === "check") continue;
      const index = new Map<string, number>();
      for (const [id, row] of this.rowsById) {
        const key = this.keyFor(c, row);
        if (key !== undefined) index.set(key, id);
      }
      this.indexes.set(c.name, index);
    }
  }

  insert(values: Map<string, Value>, ctx: RowlessContext, session: Session): void {
    const row: Row = {};
    for (const [name, def] of this.defs) {
      const v = values.has(name) ? values.get(name) ?? null : def.default ? evalExpr(def.default, { ...ctx, column: noColumns }) : null;
      row[name] = this.convert(name, v);
    }
    this.validate([[undefined, row]], ctx, 1400, session);
    const id = this.nextId++;
    this.lockRow(id, session, undefined);
    this.store(id, row);
    session.record({ undo: () => this.remove(id) });
  }

  /** Applies `change` to each row; all-or-nothing. Returns the number of rows updated. */
  update(targets: Array<[number, Row]>, change: (row: Row) => Map<string, Value>, ctx: RowlessContext, session: Session): number {
    this.lockRows(targets.map(([id]) => id), session);
    const next: Array<[number, Row]> = targets.map(([id, row]) => {
      const updated = { ...row };
      for (const [col, v] of change(row)) updated[col] = this.convert(col, v);
      return [id, updated];
    });
    this.validate(next, ctx, 1407, session);
    for (const [id] of next) {
      const before = this.rowsById.get(id) as Row;
      session.record({ undo: () => this.replace(id, before) });
      this.unindex(id);
    }
    for (const [id, row] of next) this.store(id, row);
    return next.length;
  }

  delete(ids: number[], session: Session): number {
    this.lockRows(ids, session);
    for (const id of ids) {
      const before = this.rowsById.get(id) as Row;
      session.record({ undo: () => this.replace(id, before) });
      this.remove(id);
    }
    return ids.length;
  }

  private remove(id: number): void {
    this.unindex(id);
    this.rowsById.delete(id);
  }

  private replace(id: number, row: Row): void {
    this.unindex(id);
    this.store(id, row);
  }

  /** A value converted to the column's type, or ORA-01722/01861 (and ORA-12899 when storing). */
  private convert(column: string, v: Value, storing = true): Value {
    const def = this.defs.get(column);
    if (!def) throw new OraError(904, [column]);
    return v === null ? null : convertTo(def, v, this.qualified(column), storing);
  }

  private validate(changes: Array<[number | undefined, Row]>, ctx: RowlessContext, nullCode: 1400 | 1407, session: Session): void {
    for (const [, row] of changes) {
      for (const col of this.columns) {
        if (!col.nullable && row[col.name] === null) throw new OraError(nullCode, [this.qualified(col.name)]);
      }
      for (const c of this.constraints) {
        if (c.kind !== "check" || !c.check) continue;
        const ok = evalCond(c.check, { ...ctx, column: (n) => this.columnOf(row, n) });
        if (ok === false) throw new OraError(2290, [`${this.owner}.${c.name}`]);
      }
    }
    for (const c of this.constraints) {
      if (c.kind === "check") continue;
      const index = this.indexes.get(c.name) as Map<string, number>;
      const changedIds = new Set(changes.map(([id]) => id));
      const seen = new Set<string>();
      for (const [, row] of changes) {
        const key = this.keyFor(c, row);
        if (key === undefined) continue;
        const holder = index.get(key);
        // A key another session inserted or changed and has not committed: Oracle waits on the index entry.
        const lock = holder === undefined ? undefined : this.locks.get(holder);
        if (lock && lock.owner !== session && !changedIds.has(holder)) throw new LockWait(lock.owner, lock.owner.ended());
        if (seen.has(key) || (holder !== undefined && !changedIds.has(holder))) {
          throw new OraError(1, [`${this.owner}.${c.name}`]);
        }
        seen.add(key);
      }
    }
  }

  private columnOf(row: Row, name: string): Value {
    if (!this.defs.has(name)) throw new OraError(904, [name]);
    return row[name];
  }

  private keyFor(c: Constraint, row: Row): string | undefined {
    const vals = c.columns.map((col) => row[col]);
    if (vals.some((v) => v === null)) return undefined;
    return JSON.stringify(vals.map(keyOf));
  }

  private store(id: number, row: Row): void {
    this.rowsById.set(id, row);
    this.ids.set(row, id);
    for (const c of this.constraints) {
      if (c.kind === "check") continue;
      const key = this.keyFor(c, row);
      if (key !== undefined) this.indexes.get(c.name)?.set(key, id);
    }
  }

  private unindex(id: number): void {
    const row = this.rowsById.get(id);
    if (!row) return;
    for (const c of this.constraints) {
      if (c.kind === "check") continue;
      const key = this.keyFor(c, row);
      if (key !== undefined) this.indexes.get(c.name)?.delete(key);
    }
  }

  private qualified(column: string): string {
    return `"${this.owner}"."${this.name}"."${column}"`;
  }
}

/** A value converted to a column's type, or ORA-01722/01861 (and ORA-12899 when storing). */
function convertTo(def: ColumnDef, v: Exclude<Value, null>, qualified: string, storing = true): Value {
  switch (def.type) {
    case "NUMBER": {
      const n = toNumber(v);
      return def.scale !== undefined && def.size !== undefined ? Number(n.toFixed(def.scale)) : n;
    }
    case "TIMESTAMP":
    case "DATE":
      return toDate(v);
    default: {
      const s = toText(v);
      const bytes = Buffer.byteLength(s);
      if (storing && def.size !== undefined && bytes > def.size) throw new OraError(12899, [qualified, String(bytes), String(def.size)]);
      return s === "" ? null : s;
    }
  }
}

/** DEFAULT expressions may not name columns. */
function noColumns(_name: string): Value {
  throw new OraError(984);
}
