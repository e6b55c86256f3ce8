import { createHash, randomBytes } from "node:crypto";
import type { ColumnDef, ConstraintDef, PrivilegeRef, UserOption } from "../sql/ast";
import { OraError } from "../sql/ora-error";
import { ADMIN_GRANTS, DEFAULT_ROLES, ORACLE_MAINTAINED_USERS, PROFILES, SYSTEM_PRIVILEGES, TABLESPACES } from "./catalog";
import type { Row } from "./eval";
import { SchemaObjects } from "./objects";
import type { Session } from "./session";
import { Table, type Constraint, type RowlessContext } from "./table";

export type AccountStatus = "OPEN" | "LOCKED" | "EXPIRED" | "EXPIRED & LOCKED";
export type AuthenticationType = "GLOBAL" | "PASSWORD" | "NONE";

/** A database user as DBA_USERS shows it. */
export interface OrdsUser {
  username: string;
  userId: number;
  accountStatus: AccountStatus;
  authenticationType: AuthenticationType;
  externalName: string | null;
  oracleMaintained: boolean;
  defaultTablespace: string;
  profile: string;
  created: Date;
}

export interface OrdsRole {
  role: string;
  oracleMaintained: boolean;
  externalName: string | null;
}

export interface DbObject {
  owner: string;
  name: string;
  type: string;
  objectId: number;
  created: Date;
}

interface UserRecord {
  username: string;
  userId: number;
  locked: boolean;
  expired: boolean;
  externalName: string | null;
  passwordHash: string | null;
  oracleMaintained: boolean;
  defaultTablespace: string;
  profile: string;
  created: Date;
}

export interface CreateUserSeed {
  /** Password user (the default: a fixed valid password) unless externalName is given. */
  password?: string;
  externalName?: string;
  locked?: boolean;
  expired?: boolean;
  oracleMaintained?: boolean;
}

/**
 * The in-memory database: users, roles, grants, objects and user tables, with Oracle's rules and ORA- codes
 * for every change. Everything is keyed in Maps so 100,000 users cost O(1) per operation.
 * Names are dictionary names: pass "JDOE", not "jdoe" (a quoted lower-case user is "jdoe").
 */
export class OrdsDatabase {
  private readonly usersByName = new Map<string, UserRecord>();
  private readonly rolesByName = new Map<string, OrdsRole>();
  private readonly externalNames = new Map<string, string>();
  /** grantee → granted role → admin option. */
  private readonly roleGrants = new Map<string, Map<string, boolean>>();
  /** grantee → system privilege → admin option. */
  private readonly sysPrivGrants = new Map<string, Map<string, boolean>>();
  /** owner → object name → object. */
  private readonly objectsByOwner = new Map<string, Map<string, DbObject>>();
  private readonly tablesByOwner = new Map<string, Map<string, Table>>();
  private readonly sysPrivileges = new Set(SYSTEM_PRIVILEGES);
  private nextUserId = 100;
  private nextObjectId = 70000;
  private nextConstraint = 10000;
  private adminPrivileges = true;
  /** user → open sessions (seeded by tests: DROP USER then fails with ORA-01940). */
  private readonly sessions = new Map<string, number>();
  /** Views, synonyms and object privileges. */
  readonly objects = new SchemaObjects();
  /** ORDS_METADATA: REST-enabled schemas by URL mapping pattern (the alias in /ords/<alias>/). */
  private readonly restAliases = new Map<string, string>();

  constructor(
    /** The REST-enabled schema: owner of tables created through the service. */
    readonly schema: string,
    adminPassword: string,
  ) {
    for (const u of ORACLE_MAINTAINED_USERS) this.createUser(u.name, { oracleMaintained: true, locked: u.locked, expired: u.locked });
    for (const r of DEFAULT_ROLES) this.rolesByName.set(r.name, { role: r.name, oracleMaintained: r.oracleMaintained, externalName: null });
    for (const r of DEFAULT_ROLES) this.grant(r.name, ...r.grants);
    this.createUser(schema, { password: adminPassword });
    this.grant(schema, ...ADMIN_GRANTS);
  }

  /** The REST-enabled administrator schema (ADB's ADMIN): implicit access to every object. */
  isAdmin(user: string): boolean {
    return user === this.schema;
  }

  /** The user, PUBLIC and every role the user holds, transitively: whoever a grant may name. */
  granteesOf(user: string): Set<string> {
    const out = new Set([user, "PUBLIC"]);
    const walk = (g: string) => {
      for (const r of this.roleGrants.get(g)?.keys() ?? []) {
        if (out.has(r)) continue;
        out.add(r);
        walk(r);
      }
    };
    walk(user);
    return out;
  }

  /** A system privilege held directly or through roles (the administrator holds all of them). */
  hasSysPrivilege(user: string, privilege: string): boolean {
    if (this.isAdmin(user)) return true;
    return [...this.granteesOf(user)].some((g) => this.sysPrivGrants.get(g)?.has(privilege));
  }

  // ---- ORDS metadata: REST-enabled schemas -----------------------------------------------------------

  /** ORDS.ENABLE_SCHEMA: (re)maps `alias` to the schema; running it again with the same values changes nothing. */
  enableRest(schema: string, enabled: boolean, alias: string): void {
    if (!this.usersByName.has(schema)) throw new OraError(1918, [schema]);
    const holder = this.restAliases.get(alias);
    if (holder !== undefined && holder !== schema) throw new OraError(20000, [`ORDS: the URL mapping pattern '${alias}' is already used by another schema`]);
    for (const [a, s] of [...this.restAliases]) if (s === schema) this.restAliases.delete(a);
    if (enabled) this.restAliases.set(alias, schema);
  }

  /** The schema REST-enabled under `alias`, if any. */
  restSchema(alias: string): string | undefined {
    return this.restAliases.get(alias);
  }

  /** Alias of a REST-enabled schema. */
  restAlias(schema: string): string | undefined {
    return [...this.restAliases].find(([, s]) => s === schema)?.[0];
  }

  // ---- read access for assertions --------------------------------------------------------------------

  user(name: string): OrdsUser | undefined {
    const u = this.usersByName.get(name);
    return u && toUser(u);
  }

  role(name: string): OrdsRole | undefined {
    const r = this.rolesByName.get(name);
    return r && { ...r };
  }

  get userCount(): number {
    return this.usersByName.size;
  }

  *users(): IterableIterator<OrdsUser> {
    for (const u of this.usersByName.values()) yield toUser(u);
  }

  *roles(): IterableIterator<OrdsRole> {
    for (const r of this.rolesByName.values()) yield { ...r };
  }

  /** Roles granted directly to a user or role, sorted. */
  rolesOf(grantee: string): string[] {
    return [...(this.roleGrants.get(grantee)?.keys() ?? [])].sort();
  }

  /** System privileges granted directly, sorted. */
  sysPrivsOf(grantee: string): string[] {
    return [...(this.sysPrivGrants.get(grantee)?.keys() ?? [])].sort();
  }

  *roleGrantRows(): IterableIterator<{ grantee: string; role: string; adminOption: boolean }> {
    for (const [grantee, roles] of this.roleGrants) for (const [role, adminOption] of roles) yield { grantee, role, adminOption };
  }

  *sysPrivRows(): IterableIterator<{ grantee: string; privilege: string; adminOption: boolean }> {
    for (const [grantee, privs] of this.sysPrivGrants) for (const [privilege, adminOption] of privs) yield { grantee, privilege, adminOption };
  }

  roleGrantsOf(grantee: string): ReadonlyMap<string, boolean> | undefined {
    return this.roleGrants.get(grantee);
  }

  sysPrivGrantsOf(grantee: string): ReadonlyMap<string, boolean> | undefined {
    return this.sysPrivGrants.get(grantee);
  }

  objectsOf(owner: string): DbObject[] {
    return [...(this.objectsByOwner.get(owner)?.values() ?? [])];
  }

  *allObjects(): IterableIterator<DbObject> {
    for (const objs of this.objectsByOwner.values()) yield* objs.values();
  }

  /** True when `candidate` is the user's current password (passwords are kept only as hashes). */
  checkPassword(username: string, candidate: string): boolean {
    const u = this.usersByName.get(username);
    return !!u?.passwordHash && u.passwordHash === hashPassword(username, candidate);
  }

  table(name: string, owner: string = this.schema): Table | undefined {
    return this.tablesByOwner.get(owner)?.get(name);
  }

  /** Copies of a table's rows (timestamps as Date), in insertion order. */
  tableRows(name: string, owner: string = this.schema): Row[] {
    const t = this.table(name, owner);
    if (!t) throw new Error(`table ${owner}.${name} does not exist`);
    return [...t.rows()].map((r) => ({ ...r }));
  }

  // ---- sessions ---------------------------------------------------------------------------------------

  /** Seeding helper: the user now has an open session, as if someone were logged in. */
  openSession(username: string): void {
    if (!this.usersByName.has(username)) throw new OraError(1918, [username]);
    this.sessions.set(username, (this.sessions.get(username) ?? 0) + 1);
  }

  /** Ends every session of the user (what an administrator's KILL SESSION would do). */
  closeSessions(username: string): void {
    this.sessions.delete(username);
  }

  // ---- the principal's privileges --------------------------------------------------------------------

  /** From now on user and role administration fails with ORA-01031, as for a schema without DBA rights. */
  revokeAdminPrivileges(): void {
    this.adminPrivileges = false;
  }

  restoreAdminPrivileges(): void {
    this.adminPrivileges = true;
  }

  private requireAdmin(): void {
    if (!this.adminPrivileges) throw new OraError(1031);
  }

  // ---- users -----------------------------------------------------------------------------------------

  /** Seeding helper: a foreign/application account, created as CREATE USER would (same checks). */
  createUser(name: string, seed: CreateUserSeed = {}): OrdsUser {
    const options: UserOption[] = [
      seed.externalName !== undefined ? { k: "global", externalName: seed.externalName } : { k: "password", password: seed.password ?? randomPassword() },
    ];
    if (seed.locked) options.push({ k: "lock", locked: true });
    if (seed.expired) options.push({ k: "expire" });
    // Seeds without an explicit password get a generated one that skips ADB's rules (nobody logs in with it).
    this.insertUser(name, options, seed.oracleMaintained ?? false, seed.password === undefined);
    return this.user(name) as OrdsUser;
  }

  /** CREATE USER. */
  ddlCreateUser(name: string, options: UserOption[], ifNotExists: boolean): void {
    this.requireAdmin();
    if (ifNotExists && this.usersByName.has(name)) return;
    this.insertUser(name, options, false, false);
  }

  private insertUser(name: string, options: UserOption[], oracleMaintained: boolean, skipPasswordRules: boolean): void {
    if (this.usersByName.has(name) || this.rolesByName.has(name)) throw new OraError(1920, [name]);
    const rec: UserRecord = {
      username: name,
      userId: this.nextUserId++,
      locked: false,
      expired: false,
      externalName: null,
      passwordHash: null,
      oracleMaintained,
      defaultTablespace: "DATA",
      profile: "DEFAULT",
      created: new Date(),
    };
    this.applyUserOptions(rec, options, skipPasswordRules);
    this.usersByName.set(name, rec);
    if (rec.externalName !== null) this.externalNames.set(rec.externalName, name);
  }

  /** ALTER USER. */
  ddlAlterUser(name: string, options: UserOption[]): void {
    this.requireAdmin();
    const rec = this.usersByName.get(name);
    if (!rec) throw new OraError(1918, [name]);
    if (rec.oracleMaintained) throw new OraError(1031);
    const draft = { ...rec };
    this.applyUserOptions(draft, options, false);
    if (rec.externalName !== null && rec.externalName !== draft.externalName) this.externalNames.delete(rec.externalName);
    if (draft.externalName !== null) this.externalNames.set(draft.externalName, name);
    Object.assign(rec, draft);
  }

  /** Validates every option before changing `rec`, so a failing statement changes nothing. */
  private applyUserOptions(rec: UserRecord, options: UserOption[], skipPasswordRules: boolean): void {
    const next = { ...rec };
    for (const o of options) {
      switch (o.k) {
        case "password":
          if (!skipPasswordRules) checkPasswordRules(rec.username, o.password);
          next.passwordHash = hashPassword(rec.username, o.password);
          next.externalName = null;
          next.expired = false;
          break;
        case "global": {
          const holder = this.externalNames.get(o.externalName);
          if (o.externalName !== "" && holder !== undefined && holder !== rec.username) throw new OraError(28026);
          next.externalName = o.externalName;
          next.passwordHash = null;
          break;
        }
        case "noAuth":
          next.passwordHash = null;
          next.externalName = null;
          break;
        case "expire":
          next.expired = true;
          break;
        case "lock":
          next.locked = o.locked;
          break;
        case "tablespace":
        case "quota": {
          const ts = o.k === "tablespace" ? o.name : o.tablespace;
          if (!TABLESPACES.has(ts)) throw new OraError(959, [ts]);
          if (o.k === "tablespace" && ts !== "TEMP") next.defaultTablespace = ts;
          break;
        }
        case "profile":
          if (!PROFILES.has(o.name)) throw new OraError(2380, [o.name]);
          next.profile = o.name;
          break;
      }
    }
    Object.assign(rec, next);
  }

  /** DROP USER. */
  ddlDropUser(name: string, cascade: boolean, ifExists: boolean): void {
    this.requireAdmin();
    const rec = this.usersByName.get(name);
    if (!rec) {
      if (ifExists) return;
      throw new OraError(1918, [name]);
    }
    if (rec.oracleMaintained || name === this.schema) throw new OraError(28014);
    if (this.sessions.has(name)) throw new OraError(1940);
    if (!cascade && (this.objectsByOwner.get(name)?.size ?? 0) > 0) throw new OraError(1922, [name]);
    this.usersByName.delete(name);
    if (rec.externalName !== null) this.externalNames.delete(rec.externalName);
    this.objects.dropOwner(name);
    this.objects.dropGrantee(name);
    for (const [a, s] of [...this.restAliases]) if (s === name) this.restAliases.delete(a);
    this.objectsByOwner.delete(name);
    this.tablesByOwner.delete(name);
    this.roleGrants.delete(name);
    this.sysPrivGrants.delete(name);
  }

  // ---- roles and grants ------------------------------------------------------------------------------

  /** Seeding helper and CREATE ROLE. */
  createRole(name: string, opts: { externalName?: string; oracleMaintained?: boolean } = {}): OrdsRole {
    if (this.usersByName.has(name) || this.rolesByName.has(name)) throw new OraError(1921, [name]);
    const role = { role: name, oracleMaintained: opts.oracleMaintained ?? false, externalName: opts.externalName ?? null };
    this.rolesByName.set(name, role);
    return { ...role };
  }

  ddlCreateRole(name: string, externalName: string | undefined): void {
    this.requireAdmin();
    this.createRole(name, { externalName });
  }

  ddlDropRole(name: string): void {
    this.requireAdmin();
    const role = this.rolesByName.get(name);
    if (!role) throw new OraError(1919, [name]);
    if (role.oracleMaintained) throw new OraError(28014);
    this.rolesByName.delete(name);
    this.roleGrants.delete(name);
    this.sysPrivGrants.delete(name);
    this.objects.dropGrantee(name);
    for (const granted of this.roleGrants.values()) granted.delete(name);
  }

  /** Seeding helper: grants roles and/or system privileges ("CREATE SESSION") to a user or role. */
  grant(grantee: string, ...privileges: string[]): void {
    this.applyGrant(
      privileges.map((p) => ({ name: p, phrase: p.includes(" "), quoted: false })),
      [grantee],
      false,
    );
  }

  ddlGrant(privileges: PrivilegeRef[], grantees: string[], adminOption: boolean): void {
    this.requireAdmin();
    this.applyGrant(privileges, grantees, adminOption);
  }

  ddlRevoke(privileges: PrivilegeRef[], grantees: string[]): void {
    this.requireAdmin();
    const resolved = privileges.map((p) => this.resolvePrivilege(p));
    for (const g of grantees) this.requireGrantee(g);
    for (const g of grantees) {
      for (const p of resolved) {
        const held = (p.kind === "role" ? this.roleGrants : this.sysPrivGrants).get(g);
        if (!held?.has(p.name)) throw p.kind === "role" ? new OraError(1951, [p.name, g]) : new OraError(1952, [g]);
      }
    }
    for (const g of grantees) {
      for (const p of resolved) (p.kind === "role" ? this.roleGrants : this.sysPrivGrants).get(g)?.delete(p.name);
    }
  }

  private applyGrant(privileges: PrivilegeRef[], grantees: string[], adminOption: boolean): void {
    // GRANT ALL PRIVILEGES: every system privilege (Oracle's shorthand, still accepted).
    const expanded = privileges.flatMap((p) =>
      p.phrase && !p.quoted && p.name === "ALL PRIVILEGES" ? [...this.sysPrivileges].map((name) => ({ name, phrase: true, quoted: false })) : [p],
    );
    const resolved = expanded.map((p) => this.resolvePrivilege(p));
    for (const g of grantees) this.requireGrantee(g);
    // A role granted to itself, or to a role it already contains, is ORA-01934.
    for (const g of grantees) for (const p of resolved) if (p.kind === "role" && this.contains(p.name, g)) throw new OraError(1934);
    for (const g of grantees) {
      for (const p of resolved) {
        const store = p.kind === "role" ? this.roleGrants : this.sysPrivGrants;
        let held = store.get(g);
        if (!held) store.set(g, (held = new Map()));
        held.set(p.name, adminOption || (held.get(p.name) ?? false));
      }
    }
  }

  /** True when `role` is `grantee` or holds it, transitively. */
  private contains(role: string, grantee: string, seen = new Set<string>()): boolean {
    if (role === grantee) return true;
    if (seen.has(role)) return false;
    seen.add(role);
    return [...(this.roleGrants.get(role)?.keys() ?? [])].some((r) => this.contains(r, grantee, seen));
  }

  private resolvePrivilege(p: PrivilegeRef): { kind: "role" | "sys"; name: string } {
    if (!p.quoted && this.sysPrivileges.has(p.name)) return { kind: "sys", name: p.name };
    if (p.phrase) throw new OraError(990);
    if (!this.rolesByName.has(p.name)) throw new OraError(1919, [p.name]);
    return { kind: "role", name: p.name };
  }

  private requireGrantee(name: string): void {
    if (!this.usersByName.has(name) && !this.rolesByName.has(name)) throw new OraError(1917, [name]);
  }

  // ---- objects and tables ----------------------------------------------------------------------------

  /** Seeding helper: `n` objects (tables by default) owned by `owner`, so DROP USER needs CASCADE. */
  addObjects(owner: string, n: number, type: string = "TABLE"): void {
    if (!this.usersByName.has(owner)) throw new OraError(1918, [owner]);
    const objs = this.objectsOf(owner).length;
    for (let i = 1; i <= n; i++) this.registerObject(owner, `OBJ_${objs + i}`, type);
  }

  ddlCreateTable(owner: string, name: string, columns: ColumnDef[], defs: ConstraintDef[], ifNotExists: boolean): void {
    if (!this.usersByName.has(owner)) throw new OraError(1918, [owner]);
    if (this.objectsByOwner.get(owner)?.has(name)) {
      if (ifNotExists) return;
      throw new OraError(955);
    }
    const seen = new Set<string>();
    for (const c of columns) {
      if (seen.has(c.name)) throw new OraError(957);
      seen.add(c.name);
    }
    if (defs.filter((d) => d.kind === "primary").length > 1) throw new OraError(2260);
    for (const d of defs) for (const col of d.columns) if (!seen.has(col)) throw new OraError(904, [col]);
    const constraints = this.namedConstraints(owner, defs);
    let tables = this.tablesByOwner.get(owner);
    if (!tables) this.tablesByOwner.set(owner, (tables = new Map()));
    tables.set(name, new Table(owner, name, columns, constraints));
    this.registerObject(owner, name, "TABLE");
  }

  /** ALTER TABLE … ADD columns and constraints (see Table.alterAdd). */
  ddlAlterTableAdd(owner: string, name: string, columns: ColumnDef[], defs: ConstraintDef[], ctx: RowlessContext, session: Session): void {
    const t = this.table(name, owner);
    if (!t) throw new OraError(942);
    t.alterAdd(columns, this.namedConstraints(owner, defs), ctx, session);
  }

  /** The user tables `owner` owns, by name. */
  tablesOf(owner: string): IterableIterator<Table> {
    return (this.tablesByOwner.get(owner) ?? new Map<string, Table>()).values();
  }

  /** Constraint names are unique in their schema (ORA-02264); unnamed ones get SYS_Cnnnnnnn. */
  private namedConstraints(owner: string, defs: ConstraintDef[]): Constraint[] {
    const taken = new Set([...this.tablesOf(owner)].flatMap((t) => t.constraints.map((c) => c.name)));
    return defs.map((d) => {
      const name = d.name ?? `SYS_C${String(this.nextConstraint++).padStart(7, "0")}`;
      if (taken.has(name)) throw new OraError(2264);
      taken.add(name);
      return { name, kind: d.kind, columns: d.columns, check: d.check };
    });
  }

  ddlDropTable(owner: string, name: string, ifExists: boolean): void {
    if (!this.tablesByOwner.get(owner)?.has(name)) {
      if (ifExists) return;
      throw new OraError(942);
    }
    this.tablesByOwner.get(owner)?.delete(name);
    this.removeObject(owner, name);
  }

  /** The type of owner.name in the schema's namespace (TABLE, VIEW, SYNONYM, …), if it exists. */
  objectType(owner: string, name: string): string | undefined {
    return this.objectsByOwner.get(owner)?.get(name)?.type;
  }

  /** Registers a view or synonym in the namespace (DBA_OBJECTS); an existing entry keeps its id. */
  putObject(owner: string, name: string, type: string): void {
    if (!this.usersByName.has(owner) && owner !== "PUBLIC") throw new OraError(1918, [owner]);
    if (!this.objectsByOwner.get(owner)?.has(name)) this.registerObject(owner, name, type);
  }

  removeObject(owner: string, name: string): void {
    this.objectsByOwner.get(owner)?.delete(name);
    this.objects.remove(owner, name);
  }

  private registerObject(owner: string, name: string, type: string): void {
    let objs = this.objectsByOwner.get(owner);
    if (!objs) this.objectsByOwner.set(owner, (objs = new Map()));
    objs.set(name, { owner, name, type, objectId: this.nextObjectId++, created: new Date() });
  }
}

function toUser(u: UserRecord): OrdsUser {
  const status: AccountStatus = u.expired && u.locked ? "EXPIRED & LOCKED" : u.expired ? "EXPIRED" : u.locked ? "LOCKED" : "OPEN";
  return {
    username: u.username,
    userId: u.userId,
    accountStatus: status,
    authenticationType: u.externalName !== null ? "GLOBAL" : u.passwordHash !== null ? "PASSWORD" : "NONE",
    externalName: u.externalName,
    oracleMaintained: u.oracleMaintained,
    defaultTablespace: u.defaultTablespace,
    profile: u.profile,
    created: u.created,
  };
}

/**
 * ADB's password rules. Oracle reports ORA-28003 with the verify function's reason stacked as ORA-20000
 * (assumption: the reason's wording; clients should match the number only).
 */
function checkPasswordRules(username: string, password: string): void {
  const fail = (reason: string) => {
    throw new OraError(28003, [], { detailLines: [`ORA-20000: ${reason}`] });
  };
  if (password.length < 12 || password.length > 30) fail("password length must be between 12 and 30 characters");
  if (!/[A-Z]/.test(password)) fail("password must contain at least one upper case letter");
  if (!/[a-z]/.test(password)) fail("password must contain at least one lower case letter");
  if (!/[0-9]/.test(password)) fail("password must contain at least one digit");
  if (password.includes('"')) fail('password must not contain the double quote character');
  if (password.toUpperCase().includes(username.toUpperCase())) fail("password must not contain the user name");
}

function hashPassword(username: string, password: string): string {
  return createHash("sha256").update(`${username}\0${password}`).digest("hex");
}

function randomPassword(): string {
  return randomBytes(12).toString("base64url");
}
