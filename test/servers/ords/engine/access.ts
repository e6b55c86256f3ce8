import type { ObjectName, ObjectPrivilege, Value } from "../sql/ast";
import { OraError } from "../sql/ora-error";
import type { OrdsDatabase } from "./database";
import type { Row } from "./eval";
import type { ViewDef } from "./objects";
import { runSelect, type QueryEnv } from "./query";
import type { Relation } from "./relation";
import type { Session } from "./session";
import type { Table } from "./table";

/** What a name means to one user once synonyms are followed. */
export type Target =
  | { kind: "dictionary"; owner: string; name: string; relation: Relation }
  | { kind: "table"; owner: string; name: string; table: Table }
  | { kind: "view"; owner: string; name: string; view: ViewDef };

export interface AccessEnv {
  db: OrdsDatabase;
  /** The dictionary views (owned by SYS, reached through implicit public synonyms). */
  views: ReadonlyMap<string, Relation>;
  binds: ReadonlyMap<string, Value>;
  now: Date;
  session: Session;
}

type Hop = { kind: "synonym"; target: ObjectName };

/** Dictionary views Oracle grants to PUBLIC; the rest need SELECT ANY DICTIONARY or SELECT_CATALOG_ROLE. */
const PUBLIC_DICTIONARY = new Set(["DUAL", "ALL_USERS"]);
const MAX_SYNONYM_HOPS = 32;

/**
 * Oracle's name resolution for `user`: an unqualified name is the user's own table, view or private synonym,
 * then a public synonym, then a dictionary view; `owner.name` looks only in that schema (SYS: the
 * dictionary). A name that resolves to nothing is ORA-00942, a synonym cycle ORA-01775.
 */
export function lookup(name: ObjectName, user: string, env: Pick<AccessEnv, "db" | "views">): Target {
  const { db } = env;
  let current: ObjectName = name;
  for (let hop = 0; hop < MAX_SYNONYM_HOPS; hop++) {
    const owner = current.owner;
    const dictionary = (): Target | undefined => {
      const relation = env.views.get(current.name);
      return relation && { kind: "dictionary", owner: "SYS", name: current.name, relation };
    };
    const synonym = (o: string): Hop | undefined => {
      const target = db.objects.synonym(o, current.name)?.target;
      return target && { kind: "synonym", target };
    };
    const inSchema = (o: string): Target | Hop | undefined => {
      const table = db.table(current.name, o);
      if (table) return { kind: "table", owner: o, name: current.name, table };
      const view = db.objects.view(o, current.name);
      if (view) return { kind: "view", owner: o, name: current.name, view };
      return synonym(o);
    };
    const hit =
      owner === undefined
        ? (inSchema(user) ?? synonym("PUBLIC") ?? dictionary())
        : owner === "SYS"
          ? dictionary()
          : owner === "PUBLIC"
            ? (synonym("PUBLIC") ?? dictionary())
            : inSchema(owner);
    if (!hit) throw new OraError(942);
    if (hit.kind !== "synonym") return hit;
    current = hit.target;
  }
  throw new OraError(1775);
}

type Held = ObjectPrivilege | "ALL";

/** Object privileges `user` holds on the target: owner and administrator all, else grants and ANY privileges. */
export function privilegesOn(t: Target, user: string, db: OrdsDatabase): Set<Held> {
  if (db.isAdmin(user) || t.owner === user) return new Set(["ALL"]);
  if (t.kind === "dictionary") {
    const catalog = PUBLIC_DICTIONARY.has(t.name) || db.hasSysPrivilege(user, "SELECT ANY DICTIONARY") || db.granteesOf(user).has("SELECT_CATALOG_ROLE");
    return new Set(catalog ? ["SELECT"] : []);
  }
  const held = new Set<Held>(db.objects.privilegesOn(t.owner, t.name, db.granteesOf(user)).map((g) => g.privilege));
  for (const p of ["SELECT", "READ", "INSERT", "UPDATE", "DELETE"] as const) if (db.hasSysPrivilege(user, `${p} ANY TABLE`)) held.add(p);
  return held;
}

/** Fails with ORA-01031 unless the user holds `own` (for its own schema) or `any` (for another's). */
export function requireSys(env: Pick<AccessEnv, "db"> & { user: string }, owner: string, own: string, any: string): void {
  if (!env.db.hasSysPrivilege(env.user, owner === env.user ? own : any)) throw new OraError(1031);
}

export type Need = "query" | "lock" | "INSERT" | "UPDATE" | "DELETE";

/**
 * Fails unless `user` may do `need` on the target: no privilege at all hides the object (ORA-00942), the wrong
 * one is ORA-01031. READ allows queries only; SELECT also allows SELECT … FOR UPDATE (row locks), as in Oracle.
 */
export function requirePrivilege(t: Target, user: string, need: Need, db: OrdsDatabase): void {
  const held = privilegesOn(t, user, db);
  if (held.size === 0) throw new OraError(942);
  if (held.has("ALL")) return;
  const ok =
    need === "query" ? held.has("SELECT") || held.has("READ") : need === "lock" ? ["SELECT", "UPDATE", "INSERT", "DELETE"].some((p) => held.has(p as Held)) : held.has(need);
  if (!ok) throw new OraError(1031);
}

/** The rows `user` reads through a name: a table as the session sees it, a dictionary view, or a view's query. */
export function readable(name: ObjectName, user: string, env: AccessEnv): Relation {
  const t = lookup(name, user, env);
  requirePrivilege(t, user, "query", env.db);
  return relationOf(t, env);
}

export function relationOf(t: Target, env: AccessEnv): Relation {
  switch (t.kind) {
    case "dictionary":
      return t.relation;
    case "table":
      return t.table.viewFor(env.session);
    case "view": {
      const { view } = t;
      return {
        owner: view.owner,
        name: view.name,
        columns: view.columns,
        rows: () => {
          // Definer's rights: the view's query runs with its owner's privileges, not the reader's.
          const rs = runSelect(view.query, queryEnvAs(view.owner, { ...env, binds: new Map() }));
          return rs.rows.map((values) => Object.fromEntries(view.columns.map((c, i) => [c.name, values[i]])) as Row);
        },
      };
    }
  }
}

export function queryEnvAs(user: string, env: AccessEnv): QueryEnv {
  return { resolve: (n) => readable(n, user, env), binds: env.binds, now: env.now };
}
