import type { Statement } from "../sql/ast";
import { OraError } from "../sql/ora-error";
import { lookup, privilegesOn, queryEnvAs, requireSys, type AccessEnv } from "./access";
import { runSelect } from "./query";

type Env = AccessEnv & { user: string };
type Define = Extract<Statement, { kind: "createView" | "createSynonym" }>;
type Drop = Extract<Statement, { kind: "dropView" | "dropSynonym" }>;
type Grant = Extract<Statement, { kind: "grantObject" }>;
type Revoke = Extract<Statement, { kind: "revokeObject" }>;

/** CREATE [OR REPLACE] VIEW / [PUBLIC] SYNONYM; answers the SQL*Plus feedback. OR REPLACE keeps the grants. */
export function defineObject(s: Define, env: Env): string {
  const { db, user } = env;
  if (s.kind === "createView") {
    const owner = s.view.owner ?? user;
    requireSys(env, owner, "CREATE VIEW", "CREATE ANY VIEW");
    requireFree(env, owner, s.view.name, "VIEW", s.orReplace);
    // Compiled as its owner (definer's rights): a base object the owner cannot read fails here, not later.
    const columns = runSelect(s.query, queryEnvAs(owner, { ...env, binds: new Map() })).columns;
    if (new Set(columns.map((c) => c.name)).size !== columns.length) throw new OraError(957);
    db.putObject(owner, s.view.name, "VIEW");
    db.objects.putView({ owner, name: s.view.name, query: s.query, columns });
    return "View created.";
  }
  const owner = s.isPublic ? "PUBLIC" : (s.synonym.owner ?? user);
  if (s.isPublic) {
    if (!db.hasSysPrivilege(user, "CREATE PUBLIC SYNONYM")) throw new OraError(1031);
  } else {
    requireSys(env, owner, "CREATE SYNONYM", "CREATE ANY SYNONYM");
  }
  requireFree(env, owner, s.synonym.name, "SYNONYM", s.orReplace);
  db.putObject(owner, s.synonym.name, "SYNONYM");
  // Oracle resolves the target when the synonym is used; an unqualified target is in the creator's schema.
  db.objects.putSynonym({ owner, name: s.synonym.name, target: { owner: s.target.owner ?? user, name: s.target.name } });
  return "Synonym created.";
}

function requireFree(env: Env, owner: string, name: string, type: string, orReplace: boolean): void {
  const existing = env.db.objectType(owner, name);
  if (existing !== undefined && (existing !== type || !orReplace)) throw new OraError(955);
}

export function dropObject(s: Drop, env: Env): string {
  const { db, user } = env;
  if (s.kind === "dropView") {
    const owner = s.view.owner ?? user;
    if (db.objectType(owner, s.view.name) !== "VIEW") throw new OraError(942);
    requireSys(env, owner, "CREATE VIEW", "DROP ANY VIEW");
    db.removeObject(owner, s.view.name);
    return "View dropped.";
  }
  const owner = s.isPublic ? "PUBLIC" : (s.synonym.owner ?? user);
  if (db.objectType(owner, s.synonym.name) !== "SYNONYM") throw new OraError(s.isPublic ? 1432 : 1434);
  if (s.isPublic ? !db.hasSysPrivilege(user, "DROP PUBLIC SYNONYM") : owner !== user && !db.hasSysPrivilege(user, "DROP ANY SYNONYM")) throw new OraError(1031);
  db.removeObject(owner, s.synonym.name);
  return "Synonym dropped.";
}

/**
 * GRANT … ON: on the object a synonym names. The owner may grant, the administrator too (GRANT ANY OBJECT
 * PRIVILEGE) except on the Oracle-maintained dictionary (ADB refuses that), others only what they hold WITH
 * GRANT OPTION.
 */
export function grantObject(s: Grant, env: Env): void {
  const { db, user } = env;
  const t = lookup(s.object, user, env);
  if (t.kind === "dictionary") throw new OraError(1031);
  if (t.owner !== user && !db.isAdmin(user)) {
    const held = db.objects.privilegesOn(t.owner, t.name, db.granteesOf(user));
    if (held.length === 0 && privilegesOn(t, user, db).size === 0) throw new OraError(942);
    if (!s.privileges.every((p) => held.some((g) => g.privilege === p && g.grantable))) throw new OraError(1031);
  }
  for (const g of s.grantees) if (g !== "PUBLIC" && !db.user(g) && !db.role(g)) throw new OraError(1917, [g]);
  for (const grantee of s.grantees) {
    for (const privilege of s.privileges) db.objects.grant({ owner: t.owner, object: t.name, grantee, grantor: user, privilege, grantable: s.grantOption });
  }
}

export function revokeObject(s: Revoke, env: Env): void {
  const { db, user } = env;
  const t = lookup(s.object, user, env);
  if (t.kind === "dictionary") throw new OraError(1031);
  const mayRevoke = (grantor: string) => grantor === user || t.owner === user || db.isAdmin(user);
  for (const grantee of s.grantees) {
    for (const p of s.privileges) {
      const g = db.objects.privilegesOn(t.owner, t.name, new Set([grantee])).find((x) => x.privilege === p);
      if (!g || !mayRevoke(g.grantor)) throw new OraError(1927);
    }
  }
  for (const grantee of s.grantees) for (const p of s.privileges) db.objects.revoke(t.owner, t.name, grantee, p);
}
