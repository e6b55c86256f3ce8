import { loadConfig } from "../../function/src/config/load";
import type { RegistryRow } from "../../function/src/plan/ops";
import { planAccount, type DesiredAccount, type Observed, type PlanContext } from "../../function/src/plan/planner";
import type { DictUser } from "../../function/src/registry/ownership";
import { parseDbIdentifier } from "../../function/src/sql/quote";
import { render } from "../../function/src/sql/render";

const baseEnv = {
  ORDS_URL: "https://db.example.com/ords/admin",
  ORDS_SECRET_OCID: "ocid1.vaultsecret.oc1.eu-frankfurt-1.aaaaords",
  GROUP_ROLE_MAP: JSON.stringify({ "DB-Readers": ["READ_ROLE"], "DB-Writers": ["READ_ROLE", "WRITE_ROLE"], "ocid1.group.oc1..aaaaops": ["OPS_ROLE"] }),
};
const ctx = (env: Record<string, string> = {}): PlanContext => ({ ...loadConfig({ ...baseEnv, ...env }), newPassword: () => "Abcdefghij123456" });
const sql = (plan: { ops: Parameters<typeof render>[0][] }) => plan.ops.map((op) => render(op).sql);

const JDOE = parseDbIdentifier("JDOE");
const desired = (over: Partial<DesiredAccount> = {}): DesiredAccount => ({
  iamUserId: "ocid1.user.oc1..aaaajdoe",
  iamUserName: "jdoe",
  dbUsername: JDOE,
  groups: [],
  blocked: false,
  ...over,
});
const row = (over: Partial<RegistryRow> = {}): RegistryRow => ({
  dbUsername: JDOE,
  iamUserId: "ocid1.user.oc1..aaaajdoe",
  iamUserName: "jdoe",
  authMode: "IAM",
  groups: [],
  status: "OPEN",
  version: 3,
  createdAt: "2026-01-01T10:00:00.500Z",
  ...over,
});
/** The dictionary's evidence for row(): what the ownership proof checks. */
const dict = (over: Partial<DictUser> = {}): DictUser => ({
  username: "JDOE",
  accountStatus: "OPEN",
  authenticationType: "GLOBAL",
  externalName: "IAM_PRINCIPAL_NAME=jdoe",
  created: "2026-01-01T10:00:00Z",
  oracleMaintained: false,
  ...over,
});
const proven = (over: Partial<Observed> = {}): Observed => ({ dictUser: dict(), ...over });
const CLAIM = `INSERT INTO IAM_ADB_SYNC_CHANGES (DB_USERNAME, IAM_USER_ID, VERSION, CHANGED_AT) VALUES ('JDOE', 'ocid1.user.oc1..aaaajdoe', 4, SYSTIMESTAMP)`;
const BUMP = `UPDATE IAM_ADB_SYNC_ACCOUNTS SET VERSION = 4, UPDATED_AT = SYSTIMESTAMP WHERE DB_USERNAME = 'JDOE' AND IAM_USER_ID = 'ocid1.user.oc1..aaaajdoe'`;

describe("planner", () => {
  it("creates an IAM-authenticated account: registry first (PENDING), then the user, grants, confirmation", () => {
    expect(sql(planAccount(desired({ groups: ["DB-Readers"] }), null, {}, ctx()))).toEqual([
      `INSERT INTO IAM_ADB_SYNC_ACCOUNTS (DB_USERNAME, IAM_USER_ID, IAM_USER_NAME, AUTH_MODE, MAPPED_GROUPS, STATUS, VERSION, CREATED_AT, UPDATED_AT) VALUES ('JDOE', 'ocid1.user.oc1..aaaajdoe', 'jdoe', 'IAM', '["DB-Readers"]', 'PENDING', 1, SYSTIMESTAMP, SYSTIMESTAMP)`,
      `CREATE USER "JDOE" IDENTIFIED GLOBALLY AS 'IAM_PRINCIPAL_NAME=jdoe'`,
      `GRANT CREATE SESSION TO "JDOE"`,
      `GRANT "READ_ROLE" TO "JDOE"`,
      `UPDATE IAM_ADB_SYNC_ACCOUNTS SET IAM_USER_NAME = 'jdoe', MAPPED_GROUPS = '["DB-Readers"]', STATUS = 'OPEN', VERSION = 1, UPDATED_AT = SYSTIMESTAMP WHERE DB_USERNAME = 'JDOE' AND IAM_USER_ID = 'ocid1.user.oc1..aaaajdoe'`,
    ]);
  });

  it("prefixes the principal with a non-Default identity domain", () => {
    const [, create] = sql(planAccount(desired(), null, {}, ctx({ IDENTITY_DOMAIN: "sales" })));
    expect(create).toBe(`CREATE USER "JDOE" IDENTIFIED GLOBALLY AS 'IAM_PRINCIPAL_NAME=sales/jdoe'`);
  });

  it("creates a password account with an expired password that reports never show", () => {
    const plan = planAccount(desired(), null, {}, ctx({ ACCOUNT_AUTH: "password" }));
    const create = render(plan.ops[1]!);
    expect(create.sql).toBe(`CREATE USER "JDOE" IDENTIFIED BY "Abcdefghij123456" PASSWORD EXPIRE`);
    expect(create.display).toBe(`CREATE USER "JDOE" IDENTIFIED BY "********" PASSWORD EXPIRE`);
  });

  it("refuses an account that exists and is not in the registry", () => {
    const plan = planAccount(desired(), null, { foreignAccount: true }, ctx());
    expect(plan.ops).toEqual([]);
    expect(plan.refused).toMatch(/exists and was not created by iam-adb-sync/);
  });

  it("refuses a name collision between two IAM users", () => {
    const other = row({ iamUserId: "ocid1.user.oc1..aaaaother", iamUserName: "j.doe" });
    const plan = planAccount(desired(), null, { nameOwnedBy: other }, ctx());
    expect(plan.refused).toMatch(/already belongs to IAM user ocid1.user.oc1..aaaaother/);
  });

  it("finishes an interrupted creation (PENDING row, account missing) without inserting again, claiming the next version", () => {
    const ops = planAccount(desired(), row({ status: "PENDING" }), { accountMissing: true }, ctx()).ops.map((o) => o.op);
    expect(ops).toEqual(["claim", "bump", "create_user", "grant", "registry_update"]);
  });

  it("adopts a PENDING row's account only after the dictionary proves it is ours", () => {
    const pending = row({ status: "PENDING" });
    expect(planAccount(desired(), pending, proven({ actualGrants: [] }), ctx()).ops.map((o) => o.op)).toEqual(["claim", "bump", "grant", "registry_update"]);
    expect(planAccount(desired(), pending, {}, ctx()).refused).toMatch(/could not be proven/);
    expect(planAccount(desired(), pending, proven({ dictUser: dict({ created: "2025-12-31T00:00:00Z" }) }), ctx()).refused).toMatch(/created before its registry row/);
    expect(planAccount(desired(), pending, proven({ dictUser: dict({ externalName: "IAM_PRINCIPAL_NAME=someone" }) }), ctx()).refused).toMatch(/not identified globally as IAM_PRINCIPAL_NAME=jdoe/);
    expect(planAccount(desired(), pending, proven({ dictUser: dict({ oracleMaintained: true }) }), ctx()).refused).toMatch(/Oracle-maintained/);
    expect(planAccount(desired(), row(), proven({ nameIsRole: true }), ctx()).refused).toMatch(/exists as a database role/);
  });

  it("never reopens a tombstone", () => {
    for (const status of ["DELETED", "DROPPED"] as const) {
      const plan = planAccount(desired({ groups: ["DB-Readers"] }), row({ status }), proven(), ctx());
      expect(plan.ops).toEqual([]);
      expect(plan.notes.join()).toMatch(/never reopened/);
    }
  });

  it("grants only what a new mapped group adds and keeps roles still given by another group", () => {
    const have = row({ groups: ["DB-Readers", "DB-Writers"] });
    expect(sql(planAccount(desired({ groups: ["DB-Readers"] }), have, proven(), ctx()))).toEqual([
      CLAIM,
      BUMP,
      `REVOKE "WRITE_ROLE" FROM "JDOE"`,
      expect.stringMatching(/^UPDATE IAM_ADB_SYNC_ACCOUNTS SET .*MAPPED_GROUPS = '\["DB-Readers"\]'/),
    ]);
    expect(sql(planAccount(desired({ groups: ["DB-Readers", "ocid1.group.oc1..aaaaops"] }), row({ groups: ["DB-Readers"] }), proven(), ctx()))[2]).toBe(
      `GRANT "OPS_ROLE" TO "JDOE"`,
    );
  });

  it("changes nothing when the account already matches", () => {
    expect(planAccount(desired({ groups: ["DB-Readers"] }), row({ groups: ["DB-Readers"] }), proven(), ctx()).ops).toEqual([]);
  });

  it("locks and unlocks with the IAM state", () => {
    expect(sql(planAccount(desired({ blocked: true }), row(), proven(), ctx()))[2]).toBe(`ALTER USER "JDOE" ACCOUNT LOCK`);
    expect(sql(planAccount(desired(), row({ status: "LOCKED" }), proven({ dictUser: dict({ accountStatus: "LOCKED" }) }), ctx()))[2]).toBe(`ALTER USER "JDOE" ACCOUNT UNLOCK`);
  });

  describe("deleted IAM user", () => {
    const have = row({ groups: ["DB-Writers"] });
    it("by default revokes mapped roles, locks, and keeps the schema", () => {
      expect(sql(planAccount(null, have, proven(), ctx()))).toEqual([
        CLAIM,
      BUMP,
        `REVOKE "READ_ROLE" FROM "JDOE"`,
        `REVOKE "WRITE_ROLE" FROM "JDOE"`,
        `ALTER USER "JDOE" ACCOUNT LOCK`,
        expect.stringMatching(/STATUS = 'DELETED'/),
      ]);
    });
    it("drops an empty schema when DELETE_POLICY=drop", () => {
      expect(sql(planAccount(null, have, proven({ objectCount: 0 }), ctx({ DELETE_POLICY: "drop" })))).toEqual([
        CLAIM,
      BUMP,
        `DROP USER "JDOE"`,
        expect.stringMatching(/STATUS = 'DROPPED', VERSION = 4, .*WHERE DB_USERNAME = 'JDOE' AND IAM_USER_ID = /),
      ]);
    });
    it("never drops a schema that owns objects unless CASCADE is configured; locks it and says so", () => {
      const plan = planAccount(null, have, proven({ objectCount: 12 }), ctx({ DELETE_POLICY: "drop" }));
      expect(sql(plan)).not.toContainEqual(expect.stringMatching(/DROP USER/));
      expect(sql(plan)).toContain(`ALTER USER "JDOE" ACCOUNT LOCK`);
      expect(plan.notes.join()).toMatch(/kept JDOE locked .* owns 12 objects/);
    });
    it("drops with CASCADE only under drop_cascade, loudly", () => {
      const plan = planAccount(null, have, proven({ objectCount: 12 }), ctx({ DELETE_POLICY: "drop_cascade" }));
      expect(sql(plan)[2]).toBe(`DROP USER "JDOE" CASCADE`);
      expect(plan.notes.join()).toMatch(/12 objects/);
    });
    it("does nothing twice", () => {
      expect(planAccount(null, row({ status: "DELETED" }), proven({ dictUser: dict({ accountStatus: "LOCKED" }) }), ctx()).ops).toEqual([]);
      expect(planAccount(null, null, {}, ctx()).ops).toEqual([]);
    });
  });

  it("revokes only what the product manages when the dictionary shows more (reconciliation)", () => {
    const plan = planAccount(desired({ groups: [] }), row(), {
      dictUser: dict(),
      actualGrants: [
        { kind: "role", name: parseDbIdentifier("READ_ROLE") },
        { kind: "role", name: parseDbIdentifier("APP_OWNER_ROLE") },
        { kind: "privilege", name: "CREATE SESSION" },
      ],
    }, ctx());
    expect(sql(plan)).toEqual([CLAIM, BUMP, `REVOKE "READ_ROLE" FROM "JDOE"`, expect.stringMatching(/^UPDATE/)]);
  });
});

describe("configuration", () => {
  it("names the missing key", () => {
    expect(() => loadConfig({})).toThrow("config ORDS_URL: is required");
    expect(() => loadConfig({ ORDS_URL: baseEnv.ORDS_URL })).toThrow("config ORDS_SECRET_OCID: is required");
  });
  it("names the malformed key", () => {
    expect(() => loadConfig({ ...baseEnv, GROUP_ROLE_MAP: "{" })).toThrow("config GROUP_ROLE_MAP: must be valid JSON");
    expect(() => loadConfig({ ...baseEnv, ORDS_URL: "https://db.example.com/" })).toThrow(/config ORDS_URL: must end in \/ords\/<schema-alias>/);
    expect(() => loadConfig({ ...baseEnv, DELETE_POLICY: "shred" })).toThrow(/config DELETE_POLICY/);
    expect(() => loadConfig({ ...baseEnv, GROUP_ROLE_MAP: '{"g":["READ;ROLE"]}' })).toThrow(/config GROUP_ROLE_MAP: .* \(at g\.0\)/);
    expect(() => loadConfig({ ...baseEnv, ORDS_SECRET_OCID: "secret" })).toThrow(/config ORDS_SECRET_OCID: must be an OCID/);
  });
  it("refuses deny-listed roles at load, built-in and configured", () => {
    expect(() => loadConfig({ ...baseEnv, GROUP_ROLE_MAP: '{"Admins":["dba"]}' })).toThrow(
      "config GROUP_ROLE_MAP.Admins: DBA is on the deny-list and may not be granted by this product",
    );
    expect(() => loadConfig({ ...baseEnv, DENY_ROLES: "READ_ROLE" })).toThrow(/READ_ROLE is on the deny-list/);
    expect(() => loadConfig({ ...baseEnv, DEFAULT_GRANTS: "CREATE SESSION, PDB_DBA" })).toThrow(/config DEFAULT_GRANTS: PDB_DBA/);
  });
  it("parses defaults into typed values", () => {
    const c = loadConfig(baseEnv);
    expect(c.DELETE_POLICY).toBe("lock");
    expect(c.ACCOUNT_AUTH).toBe("iam");
    expect(c.defaultGrants).toEqual([{ kind: "privilege", name: "CREATE SESSION" }]);
    expect([...c.managed.keys()].sort()).toEqual(["privilege:CREATE SESSION", "role:OPS_ROLE", "role:READ_ROLE", "role:WRITE_ROLE"]);
  });
});
