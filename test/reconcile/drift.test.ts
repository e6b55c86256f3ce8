import { createLogger } from "../../function/src/log/logger";
import { OrdsClient } from "../../function/src/ords/client";
import { AccountStream } from "../../function/src/reconcile/account-stream";
import { DEFAULT_ADMIN } from "../servers/ords";
import { ROLE_MAP, startLandscape, type Landscape } from "./support";

/** DB name of an IAM user under the default naming rule. */
const ALICE = "ALICE_EXAMPLE_COM";
const BOB = "BOB_EXAMPLE_COM";
const CAROL = "CAROL_EXAMPLE_COM";

describe("reconcile: drift scenarios against the loopback SCIM and ORDS servers", () => {
  let land: Landscape;
  beforeEach(async () => {
    land = await startLandscape();
    land.addUser("alice@example.com", ["DB-Readers"]);
    land.addUser("bob@example.com", ["DB-Writers", "Marketing"]);
    land.addUser("carol@example.com", ["DB-Readers"], { locked: true });
    land.addUser("dan@example.com", ["Marketing"]);
  });
  afterEach(() => land.close());

  it("creates the missing accounts of mapped-group members, with their roles and IAM lock state, then finds nothing to do", async () => {
    const first = await land.run();
    expect(first.report.outcome).toBe("applied");
    expect(first.report.ops.create_user).toBe(3);
    expect(land.rolesOf(ALICE)).toEqual(["SALES_READ"]);
    expect(land.rolesOf(BOB)).toEqual(["SALES_READ", "SALES_WRITE"]);
    expect(land.ords.db.sysPrivsOf(ALICE)).toEqual(["CREATE SESSION"]);
    expect(land.status(CAROL)).toBe("LOCKED");
    expect(land.status("DAN_EXAMPLE_COM")).toBeUndefined(); // only in an unmapped group
    const rows = land.registry();
    expect(rows.map((r) => [r.DB_USERNAME, r.STATUS, r.MAPPED_GROUPS]).sort()).toEqual([
      [ALICE, "OPEN", '["DB-Readers"]'],
      [BOB, "OPEN", '["DB-Writers"]'],
      [CAROL, "LOCKED", '["DB-Readers"]'],
    ]);
    expect(rows.find((r) => r.DB_USERNAME === ALICE)?.IAM_USER_ID).toBe(land.user("alice@example.com").ocid);

    const second = await land.run();
    expect(second.report.outcome).toBe("unchanged");
    expect(second.report.accountsToChange).toBe(0);
    expect(second.report.unchanged).toBe(3);
  });

  it("revokes grants someone added by hand when they are managed roles, and leaves other roles alone", async () => {
    await land.run();
    await land.sql(`GRANT SALES_WRITE TO ${ALICE}`, `GRANT OPS_ROLE TO ${ALICE}`);
    const r = await land.run();
    expect(r.report.ops).toMatchObject({ revoke: 1, grant: 0 });
    expect(land.rolesOf(ALICE)).toEqual(["OPS_ROLE", "SALES_READ"]);
  });

  it("re-grants a mapped role revoked by hand and follows group changes made while events were missed", async () => {
    await land.run();
    await land.sql(`REVOKE SALES_READ FROM ${BOB}`);
    land.scim.store.removeMembers(land.groups["DB-Writers"] as string, [land.user("bob@example.com").id]);
    land.scim.store.addMembers(land.groups["DB-Readers"] as string, [land.user("bob@example.com").id]);
    await land.run();
    expect(land.rolesOf(BOB)).toEqual(["SALES_READ"]);
    expect(land.registry().find((x) => x.DB_USERNAME === BOB)?.MAPPED_GROUPS).toBe('["DB-Readers"]');
  });

  it("puts back a lock or unlock done by hand, and follows IAM's own lock state", async () => {
    await land.run();
    await land.sql(`ALTER USER ${CAROL} ACCOUNT UNLOCK`, `ALTER USER ${ALICE} ACCOUNT LOCK`);
    land.scim.store.updateUser(land.user("bob@example.com").id, { active: false });
    const r = await land.run();
    expect(r.report.ops).toMatchObject({ lock: 2, unlock: 1 });
    expect([land.status(ALICE), land.status(BOB), land.status(CAROL)]).toEqual(["OPEN", "LOCKED", "LOCKED"]);
  });

  it("locks and keeps the account of a removed IAM user under DELETE_POLICY=lock, revoking its mapped roles", async () => {
    await land.run();
    land.scim.store.deleteUser(land.user("alice@example.com").id);
    const r = await land.run();
    expect(r.report.ops).toMatchObject({ lock: 1, revoke: 1 });
    expect(land.status(ALICE)).toBe("LOCKED");
    expect(land.rolesOf(ALICE)).toEqual([]);
    expect(land.registry().find((x) => x.DB_USERNAME === ALICE)?.STATUS).toBe("DELETED");
    expect((await land.run()).report.outcome).toBe("unchanged");
  });

  it("drops a removed user's empty account under DELETE_POLICY=drop but keeps one that owns objects", async () => {
    await land.run();
    land.ords.db.addObjects(BOB, 2);
    land.scim.store.deleteUser(land.user("alice@example.com").id);
    land.scim.store.deleteUser(land.user("bob@example.com").id);
    const r = await land.run({}, { DELETE_POLICY: "drop" });
    expect(land.ords.db.user(ALICE)).toBeUndefined();
    expect(land.status(BOB)).toBe("LOCKED");
    expect(r.report.notes.join("\n")).toMatch(/kept BOB_EXAMPLE_COM locked instead of dropping it: it owns 2 objects/);
    // The dropped account's row stays as a tombstone: a stale event for that OCID cannot recreate it.
    expect(land.registry().find((x) => x.DB_USERNAME === ALICE)?.STATUS).toBe("DROPPED");
  });

  it("recreates an account dropped by hand, and marks the row of one whose IAM user is gone too as a tombstone", async () => {
    await land.run();
    land.scim.store.deleteUser(land.user("carol@example.com").id);
    await land.sql(`DROP USER ${ALICE}`, `DROP USER ${CAROL}`);
    const r = await land.run();
    expect(r.report.ops).toMatchObject({ create_user: 1 });
    expect(land.rolesOf(ALICE)).toEqual(["SALES_READ"]);
    expect(land.registry().find((x) => x.DB_USERNAME === CAROL)?.STATUS).toBe("DROPPED");
  });

  it("refuses the accounts whose mapped role reaches DBA through another role, and applies the others", async () => {
    land.ords.db.grant("OPS_ROLE", "DBA");
    const r = await land.run({}, { GROUP_ROLE_MAP: JSON.stringify({ ...ROLE_MAP, Marketing: ["OPS_ROLE"] }) });
    expect(r.report.refused).toContainEqual(expect.objectContaining({ dbUsername: BOB, reason: "role OPS_ROLE is refused: it holds OPS_ROLE → DBA, which is denied" }));
    expect(land.ords.db.user(BOB)).toBeUndefined();
    expect(land.rolesOf(ALICE)).toEqual(["SALES_READ"]);
  });

  it("refuses a user named like a role, and a registry row whose schema predates it (ownership proof)", async () => {
    land.addUser("ops_role", ["DB-Readers"]);
    await land.run();
    await land.sql(
      `INSERT INTO IAM_ADB_SYNC_ACCOUNTS (DB_USERNAME, IAM_USER_ID, IAM_USER_NAME, AUTH_MODE, MAPPED_GROUPS, STATUS, VERSION) VALUES ('HR', '${land.user("alice@example.com").ocid}x', 'hr', 'IAM', '[]', 'OPEN', 1)`,
    );
    const r = await land.run();
    expect(r.report.refused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dbUsername: "OPS_ROLE", reason: expect.stringMatching(/OPS_ROLE exists as a database role/) }),
        expect.objectContaining({ dbUsername: "HR", reason: expect.stringMatching(/HR is not identified globally as IAM_PRINCIPAL_NAME=hr/) }),
      ]),
    );
    expect(land.ords.db.objectsOf("HR")).toHaveLength(3);
    expect(land.status("HR")).toBe("OPEN");
  });

  it("leaves a foreign account of the same name untouched and refuses it", async () => {
    land.addUser("hr", ["DB-Writers"]);
    const r = await land.run();
    expect(r.report.refused).toEqual([
      expect.objectContaining({ dbUsername: "HR", reason: expect.stringMatching(/exists and was not created by iam-adb-sync/) }),
    ]);
    expect(land.rolesOf("HR")).toEqual([]);
    expect(land.ords.db.objectsOf("HR")).toHaveLength(3);
  });

  it("refuses the second of two IAM names that map to one database name, in the same run and in later runs", async () => {
    land.addUser("jane.doe", ["DB-Readers"]);
    land.addUser("jane_doe", ["DB-Writers"]);
    const r = await land.run();
    expect(r.report.refused).toHaveLength(1);
    expect(r.report.refused[0]?.reason).toMatch(/already belongs to IAM user .*two IAM names map to the same database name/);
    const owner = land.registry().find((x) => x.DB_USERNAME === "JANE_DOE");
    expect(owner?.IAM_USER_ID).toBe(land.user("jane.doe").ocid);
    expect(land.rolesOf("JANE_DOE")).toEqual(["SALES_READ"]);
    const again = await land.run();
    expect(again.report.refused).toHaveLength(1);
    expect(land.rolesOf("JANE_DOE")).toEqual(["SALES_READ"]);
  });

  it("streams the same registry rows with their dictionary facts whether the database answers in pages of 2 rows or in one page", async () => {
    await land.run();
    await land.sql(`GRANT SALES_WRITE TO ${ALICE}`, `GRANT OPS_ROLE TO ${ALICE}`, `ALTER USER ${BOB} ACCOUNT LOCK`);
    const ords = new OrdsClient({ url: land.ords.url, auth: { kind: "basic", ...DEFAULT_ADMIN }, log: createLogger("silent") });
    const read = async (page?: number) => {
      const rows = [];
      for await (const p of new AccountStream(ords, null, page).pages()) rows.push(...p);
      return rows;
    };
    const whole = await read();
    const calls = ords.sqlCalls;
    const paged = await read(2);
    expect(ords.sqlCalls - calls).toBeGreaterThan(calls);
    expect(paged).toEqual(whole);
    expect(whole.map((a) => a.row.iamUserId)).toEqual([...whole.map((a) => a.row.iamUserId)].sort());
    expect(whole).toHaveLength(3);
    const byName = new Map(whole.map((a) => [a.row.dbUsername as string, a]));
    expect(byName.get(BOB)?.dictUser?.accountStatus).toBe("LOCKED");
    expect(byName.get(ALICE)?.grants.sort()).toEqual(["privilege:CREATE SESSION", "role:OPS_ROLE", "role:SALES_READ", "role:SALES_WRITE"]);
  });
});
