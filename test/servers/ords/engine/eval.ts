import type { Cond, Expr, Select, Value } from "../sql/ast";
import { OraError } from "../sql/ora-error";

export type Row = Record<string, Value>;

export interface SubqueryProbe {
  has(v: Value): boolean;
  /** Whether the subquery yields a NULL (which makes NOT IN unknown). */
  hasNull(): boolean;
  /** Every value the subquery yields (run once): the keys an index look-up probes. */
  values(): Value[];
}

export interface EvalContext {
  /** Bind values by upper-cased name. */
  binds: ReadonlyMap<string, Value>;
  /** SYSTIMESTAMP: one value per statement, as in Oracle. */
  now: Date;
  /** Membership in an uncorrelated `IN (SELECT …)` subquery's single column. */
  subquery: (q: Select) => SubqueryProbe;
  /** Column lookup in the current row; throws ORA-00904 for an unknown column. */
  column: (name: string) => Value;
}

export function evalExpr(e: Expr, ctx: EvalContext): Value {
  switch (e.k) {
    case "lit":
      return e.v;
    case "bind": {
      if (!ctx.binds.has(e.name)) throw new OraError(1008);
      return ctx.binds.get(e.name) ?? null;
    }
    case "col":
      return ctx.column(e.name);
    case "now":
      return ctx.now;
    case "neg": {
      const v = evalExpr(e.e, ctx);
      return v === null ? null : -toNumber(v);
    }
    case "arith": {
      const a = evalExpr(e.a, ctx);
      const b = evalExpr(e.b, ctx);
      if (a === null || b === null) return null;
      return e.op === "+" ? toNumber(a) + toNumber(b) : toNumber(a) - toNumber(b);
    }
    case "concat": {
      const a = evalExpr(e.a, ctx);
      const b = evalExpr(e.b, ctx);
      const s = toText(a) + toText(b);
      return s === "" ? null : s;
    }
    case "fn": {
      const v = evalExpr(e.arg, ctx);
      if (v === null) return null;
      const s = toText(v);
      if (e.name === "UPPER") return s.toUpperCase();
      if (e.name === "LOWER") return s.toLowerCase();
      if (e.name === "LENGTH") return s.length;
      const t = s.trim();
      return t === "" ? null : t;
    }
    case "count":
      // Aggregates are computed by the query runner; reaching here means COUNT(*) in a row context.
      throw new OraError(937);
  }
}

/** Three-valued logic: null is UNKNOWN. */
export function evalCond(c: Cond, ctx: EvalContext): boolean | null {
  switch (c.k) {
    case "and": {
      const a = evalCond(c.a, ctx);
      if (a === false) return false;
      const b = evalCond(c.b, ctx);
      if (b === false) return false;
      return a === null || b === null ? null : true;
    }
    case "or": {
      const a = evalCond(c.a, ctx);
      if (a === true) return true;
      const b = evalCond(c.b, ctx);
      if (b === true) return true;
      return a === null || b === null ? null : false;
    }
    case "not": {
      const v = evalCond(c.c, ctx);
      return v === null ? null : !v;
    }
    case "isNull": {
      const isNull = evalExpr(c.e, ctx) === null;
      return c.not ? !isNull : isNull;
    }
    case "cmp": {
      const r = compare(evalExpr(c.a, ctx), evalExpr(c.b, ctx));
      if (r === null) return null;
      switch (c.op) {
        case "=":
          return r === 0;
        case "<>":
          return r !== 0;
        case "<":
          return r < 0;
        case ">":
          return r > 0;
        case "<=":
          return r <= 0;
        case ">=":
          return r >= 0;
      }
      return null;
    }
    case "in": {
      const v = evalExpr(c.e, ctx);
      if (v === null) return null;
      let sawNull = false;
      for (const item of c.list) {
        const r = compare(v, evalExpr(item, ctx));
        if (r === 0) return !c.not;
        if (r === null) sawNull = true;
      }
      return sawNull ? null : c.not;
    }
    case "inSelect": {
      const v = evalExpr(c.e, ctx);
      if (v === null) return null;
      const probe = ctx.subquery(c.query);
      if (probe.has(v)) return !c.not;
      return probe.hasNull() ? null : c.not;
    }
    case "like": {
      const v = evalExpr(c.e, ctx);
      const p = evalExpr(c.pattern, ctx);
      const esc = c.escape ? evalExpr(c.escape, ctx) : undefined;
      if (v === null || p === null || esc === null) return null;
      const hit = likeRegex(toText(p), esc === undefined ? undefined : toText(esc)).test(toText(v));
      return c.not ? !hit : hit;
    }
  }
}

/** Oracle's implicit conversion for comparisons: a number on either side makes it numeric. */
export function compare(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (typeof a === "number" || typeof b === "number") return Math.sign(toNumber(a) - toNumber(b));
  if (a instanceof Date || b instanceof Date) return Math.sign(toDate(a).getTime() - toDate(b).getTime());
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A key under which equal values collide in Sets and Maps (Dates by instant). */
export function keyOf(v: Value): unknown {
  return v instanceof Date ? v.getTime() : v;
}

export function toNumber(v: Value): number {
  if (typeof v === "number") return v;
  if (v instanceof Date) throw new OraError(932, ["NUMBER", "TIMESTAMP"]);
  const n = Number(String(v).trim());
  if (String(v).trim() === "" || Number.isNaN(n)) throw new OraError(1722);
  return n;
}

export function toDate(v: Value): Date {
  if (v instanceof Date) return v;
  const s = String(v);
  const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(s) ? s : s.replace(" ", "T") + "Z");
  if (Number.isNaN(d.getTime())) throw new OraError(1861);
  return d;
}

export function toText(v: Value): string {
  if (v === null) return "";
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function likeRegex(pattern: string, escape: string | undefined): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (escape !== undefined && ch === escape && i + 1 < pattern.length) {
      re += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    } else if (ch === "%") re += "[\\s\\S]*";
    else if (ch === "_") re += "[\\s\\S]";
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
