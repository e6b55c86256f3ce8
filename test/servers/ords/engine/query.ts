import type { Cond, Expr, ObjectName, Select, Value } from "../sql/ast";
import { OraError } from "../sql/ora-error";
import { compare, evalCond, evalExpr, keyOf, toNumber, type EvalContext, type Row, type SubqueryProbe } from "./eval";
import type { ColumnMeta, Relation } from "./relation";

export interface QueryEnv {
  resolve: (name: ObjectName) => Relation;
  binds: ReadonlyMap<string, Value>;
  now: Date;
}

export interface QueryResult {
  columns: ColumnMeta[];
  rows: Value[][];
}

/** Runs a SELECT: index-assisted candidate rows, WHERE, COUNT(*), ORDER BY, OFFSET/FETCH. */
export function runSelect(q: Select, env: QueryEnv): QueryResult {
  const rel = env.resolve(q.from);
  const known = new Set(rel.columns.map((c) => c.name));
  const items = q.items === "*" ? rel.columns.map((c) => ({ expr: { k: "col", name: c.name } as Expr, name: c.name })) : q.items;
  for (const i of items) checkColumns(i.expr, known);
  const aliases = items.map((i) => i.name);
  for (const o of q.orderBy) {
    if (typeof o.by !== "number") checkColumns(o.by, known, aliases);
    else if (o.by < 1 || o.by > items.length) throw new OraError(1785);
  }
  if (q.where) checkCondColumns(q.where, known);

  const subquery = subqueryRunner(env);
  const ctxFor = (row: Row): EvalContext => ({ binds: env.binds, now: env.now, subquery, column: (n) => row[n] ?? null });
  const rowless: EvalContext = ctxFor({});

  const matched: Row[] = [];
  for (const row of candidates(rel, q.where, rowless)) {
    if (!q.where || evalCond(q.where, ctxFor(row)) === true) matched.push(row);
  }

  const isCount = items.map((i) => i.expr.k === "count");
  if (isCount.some(Boolean)) {
    if (!isCount.every(Boolean)) throw new OraError(937);
    return { columns: items.map((i) => numberColumn(i.name)), rows: [items.map(() => matched.length)] };
  }

  const columns = items.map((i) => columnMeta(i.name, i.expr, rel));
  let projected = matched.map((row) => {
    const ctx = ctxFor(row);
    const values = items.map((i) => evalExpr(i.expr, ctx));
    const keys = q.orderBy.map(({ by }) => {
      if (typeof by === "number") return values[by - 1];
      // A name that is no column of the table is a select-list alias.
      const alias = by.k === "col" && !known.has(by.name) ? aliases.indexOf(by.name) : -1;
      return alias >= 0 ? values[alias] : evalExpr(by, ctx);
    });
    return { values, keys };
  });
  if (q.orderBy.length > 0) {
    projected.sort((a, b) => {
      for (let i = 0; i < q.orderBy.length; i++) {
        const o = q.orderBy[i];
        const x = a.keys[i];
        const y = b.keys[i];
        if (x === null || y === null) {
          if (x === y) continue;
          return (x === null) === o.nullsFirst ? -1 : 1;
        }
        const c = compare(x, y) ?? 0;
        if (c !== 0) return o.desc ? -c : c;
      }
      return 0;
    });
  }
  const offset = q.offset ? Math.max(0, toNumber(evalExpr(q.offset, rowless) ?? 0)) : 0;
  const fetch = q.fetch ? toNumber(evalExpr(q.fetch, rowless) ?? 0) : undefined;
  projected = projected.slice(offset, fetch === undefined ? undefined : offset + Math.max(0, fetch));
  return { columns, rows: projected.map((p) => p.values) };
}

/** Probes per subquery answered by a narrowed query before the whole column is materialised. */
const PROBES_BEFORE_MATERIALISING = 8;

/**
 * `IN (SELECT …)` for uncorrelated subqueries. The first few probes run the subquery narrowed to the probed
 * value (an index look-up when the column is indexed), so `WHERE pk = 'X' AND pk IN (SELECT USERNAME FROM
 * DBA_USERS)` stays O(1) among 100k users; a scan probing many values materialises the column once instead.
 */
export function subqueryRunner(env: QueryEnv): (q: Select) => SubqueryProbe {
  const cache = new Map<Select, SubqueryProbe>();
  return (sq) => {
    let probe = cache.get(sq);
    if (!probe) cache.set(sq, (probe = subqueryProbe(sq, env)));
    return probe;
  };
}

function subqueryProbe(sq: Select, env: QueryEnv): SubqueryProbe {
  const width = sq.items === "*" ? env.resolve(sq.from).columns.length : sq.items.length;
  if (width !== 1) throw new OraError(913);
  const item: Expr = sq.items === "*" ? { k: "col", name: env.resolve(sq.from).columns[0].name } : sq.items[0].expr;
  const narrowed = (c: Cond) => runSelect({ ...sq, where: sq.where ? { k: "and", a: sq.where, b: c } : c, orderBy: [] }, env).rows;
  // OFFSET/FETCH would mean something else on a narrowed subquery.
  const narrowable = sq.offset === undefined && sq.fetch === undefined;
  let probes = 0;
  let all: Set<unknown> | undefined;
  let hasNull: boolean | undefined;
  let values: Value[] | undefined;
  return {
    has(v) {
      if (!all && narrowable && probes++ < PROBES_BEFORE_MATERIALISING) return narrowed({ k: "cmp", op: "=", a: item, b: { k: "lit", v } }).length > 0;
      all ??= new Set(runSelect(sq, env).rows.map((row) => keyOf(row[0])));
      return all.has(keyOf(v));
    },
    hasNull() {
      hasNull ??= narrowed({ k: "isNull", e: item, not: false }).length > 0;
      return hasNull;
    },
    values() {
      values ??= runSelect(sq, env).rows.map((row) => row[0] ?? null);
      return values;
    },
  };
}

/**
 * Rows worth testing: index look-ups when WHERE pins an indexed column through an AND-ed condition (`=`, an
 * IN list, an uncorrelated IN subquery, or an OR of such conditions), else all rows. WHERE is still applied
 * to every candidate, so these only have to be a superset of the matches, each row once.
 */
export function candidates(rel: Relation, where: Cond | undefined, ctx: EvalContext): Iterable<Row> {
  if (!where || !rel.lookup) return rel.rows();
  for (const c of conjuncts(where)) {
    const hits = indexed(rel, c, ctx);
    if (hits) return hits;
  }
  return rel.rows();
}

/** The rows that may satisfy `c`, through the relation's indexes; undefined when some part needs a scan. */
function indexed(rel: Relation, c: Cond, ctx: EvalContext): Row[] | undefined {
  const pinned = pinnedValues(c, ctx);
  if (pinned) return lookupAll(rel, pinned.column, pinned.values);
  // An OR over different columns: the union of both sides' hits, each row once (only stored rows have an
  // identity to tell repeats by; a view builds its rows afresh).
  if (c.k !== "or" || !rel.stableRows) return undefined;
  const a = indexed(rel, c.a, ctx);
  const b = a && indexed(rel, c.b, ctx);
  return b && [...new Set([...(a as Row[]), ...b])];
}

function lookupAll(rel: Relation, column: string, values: Iterable<Value>): Row[] | undefined {
  const out: Row[] = [];
  for (const v of new Set(values)) {
    if (v === null) continue;
    const hit = rel.lookup?.(column, v);
    if (hit === undefined) return undefined;
    out.push(...hit);
  }
  return out;
}

function* conjuncts(c: Cond): IterableIterator<Cond> {
  if (c.k === "and") {
    yield* conjuncts(c.a);
    yield* conjuncts(c.b);
  } else {
    yield c;
  }
}

const constant = (e: Expr) => e.k === "lit" || e.k === "bind";

/** The values a condition pins one column to (NULLs included: they match nothing). */
function pinnedValues(c: Cond, ctx: EvalContext): { column: string; values: Value[] } | undefined {
  if (c.k === "cmp" && c.op === "=") {
    if (c.a.k === "col" && constant(c.b)) return { column: c.a.name, values: [evalExpr(c.b, ctx)] };
    if (c.b.k === "col" && constant(c.a)) return { column: c.b.name, values: [evalExpr(c.a, ctx)] };
  }
  if (c.k === "in" && !c.not && c.e.k === "col" && c.list.every(constant)) return { column: c.e.name, values: c.list.map((e) => evalExpr(e, ctx)) };
  if (c.k === "inSelect" && !c.not && c.e.k === "col") return { column: c.e.name, values: ctx.subquery(c.query).values() };
  if (c.k === "or") {
    const a = pinnedValues(c.a, ctx);
    const b = a && pinnedValues(c.b, ctx);
    if (a && b && a.column === b.column) return { column: a.column, values: [...a.values, ...b.values] };
  }
  return undefined;
}

export function checkColumns(e: Expr, known: ReadonlySet<string>, aliases: string[] = []): void {
  switch (e.k) {
    case "col":
      if (!known.has(e.name) && !aliases.includes(e.name)) throw new OraError(904, [e.name]);
      return;
    case "fn":
    case "neg":
      return checkColumns(e.k === "fn" ? e.arg : e.e, known);
    case "concat":
    case "arith":
      checkColumns(e.a, known);
      return checkColumns(e.b, known);
    default:
      return;
  }
}

export function checkCondColumns(c: Cond, known: ReadonlySet<string>): void {
  switch (c.k) {
    case "and":
    case "or":
      checkCondColumns(c.a, known);
      return checkCondColumns(c.b, known);
    case "not":
      return checkCondColumns(c.c, known);
    case "cmp":
      checkColumns(c.a, known);
      return checkColumns(c.b, known);
    case "in":
      checkColumns(c.e, known);
      return c.list.forEach((e) => checkColumns(e, known));
    case "inSelect":
    case "isNull":
      return checkColumns(c.e, known);
    case "like":
      checkColumns(c.e, known);
      return checkColumns(c.pattern, known);
  }
}

function numberColumn(name: string): ColumnMeta {
  return { name, type: "NUMBER", precision: 0, scale: 0, nullable: true };
}

function columnMeta(name: string, e: Expr, rel: Relation): ColumnMeta {
  if (e.k === "col") {
    const c = rel.columns.find((x) => x.name === e.name) as ColumnMeta;
    return { ...c, name };
  }
  if (e.k === "now") return { name, type: "TIMESTAMP", precision: 0, scale: 6, nullable: true };
  if ((e.k === "lit" && typeof e.v === "number") || e.k === "neg" || (e.k === "fn" && e.name === "LENGTH")) return numberColumn(name);
  return { name, type: "VARCHAR2", precision: 4000, scale: 0, nullable: true };
}
