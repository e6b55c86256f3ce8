import { createLogger } from "../../function/src/log/logger";
import { OrdsClient } from "../../function/src/ords/client";
import { lookupAccount } from "../../function/src/registry/lookup";
import { ensureRegistry, RegistryShapeError } from "../../function/src/registry/shape";
import { DEFAULT_ADMIN, startOrdsServer, type OrdsServer } from "../servers/ords";
import { one, rows } from "../servers/ords/test-client";
import { replyBody } from "../support/fdk-harness";
import { exampleEvent, startLocalStack, type LocalStack } from "../support/local-stack";
import { V1_REGISTRY } from "../support/v1-registry";

/** A hand-made variant keyed on DB_USERNAME only (IAM_USER_ID not unique). */
const NAME_KEYED_REGISTRY = V1_REGISTRY.replace("IAM_USER_ID VARCHAR2(255) NOT NULL UNIQUE", "IAM_USER_ID VARCHAR2(255) NOT NULL");

const JANE = "ocid1.user.oc1..aaaajane";
const READERS = "ocid1.group.oc1..aaaareaders";
const WRITERS = "ocid1.group.oc1..aaaawriters";

async function oldRow(ords: OrdsServer, db: string, iamId: string, iamName: string, status = "OPEN", groups = '["DB-Readers"]'): Promise<void> {
  const r = await one(ords, {
    statementText: "INSERT INTO IAM_ADB_SYNC_ACCOUNTS (DB_USERNAME, IAM_USER_ID, IAM_USER_NAME, AUTH_MODE, MAPPED_GROUPS, STATUS) VALUES (:d, :i, :n, 'IAM', :g, :s)",
    binds: [
      { name: "d", data_type: "VARCHAR2", value: db },
      { name: "i", data_type: "VARCHAR2", value: iamId },
      { name: "n", data_type: "VARCHAR2", value: iamName },
      { name: "g", data_type: "VARCHAR2", value: groups },
      { name: "s", data_type: "VARCHAR2", value: status },
    ],
  });
  expect(r.errorCode).toBeUndefined();
}

const client = (ords: OrdsServer) => new OrdsClient({ url: ords.url, auth: { kind: "basic", ...DEFAULT_ADMIN }, log: createLogger("silent") });

describe("registry migration: a table an older version made is brought to the current shape, with its rows", () => {
  describe("through the bundled function (fdk socket, loopback ORDS + identity domain)", () => {
    let s: LocalStack;
    beforeAll(async () => {
      s = await startLocalStack();
      expect((await one(s.ords, V1_REGISTRY)).errorCode).toBeUndefined();
      // Jane's account as the old version made it, and a tombstone of a user deleted since.
      await oldRow(s.ords, "JANE_DOE_EXAMPLE_COM", JANE, "jane.doe@example.com");
      await oldRow(s.ords, "GONE", "ocid1.user.oc1..aaaagone", "gone", "DELETED");
      await new Promise((r) => setTimeout(r, 1000)); // DBA_USERS.CREATED is whole seconds, after the row
      s.ords.db.createUser("JANE_DOE_EXAMPLE_COM", { externalName: "IAM_PRINCIPAL_NAME=jane.doe@example.com" });
      s.ords.db.grant("JANE_DOE_EXAMPLE_COM", "CREATE SESSION", "SALES_READ");
      s.oci.identity.addMember(READERS, JANE);
      s.oci.identity.addMember(WRITERS, JANE);
    });
    afterAll(async () => s?.stop());

    it("the first event migrates (VERSION 0 for old rows, change table created, no row lost) and then syncs the account", async () => {
      const before = s.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS");
      const e = exampleEvent("addusertogroup") as Record<string, any>;
      e.data.additionalDetails = { userId: JANE, groupId: WRITERS };
      const r = await s.send(e);
      expect(replyBody(r)).toMatchObject({ outcome: "applied", principal: { dbUsername: "JANE_DOE_EXAMPLE_COM" } });
      expect(s.ords.db.rolesOf("JANE_DOE_EXAMPLE_COM")).toEqual(["SALES_READ", "SALES_WRITE"]);
      const after = s.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS");
      expect(after).toHaveLength(2);
      expect(after.find((x) => x.DB_USERNAME === "GONE")).toEqual({ ...before.find((x) => x.DB_USERNAME === "GONE"), VERSION: 0 });
      expect(after.find((x) => x.DB_USERNAME === "JANE_DOE_EXAMPLE_COM")).toMatchObject({ VERSION: 1, CREATED_AT: before[0].CREATED_AT, MAPPED_GROUPS: '["DB-Readers","DB-Writers"]' });
      expect(s.ords.db.tableRows("IAM_ADB_SYNC_CHANGES")).toEqual([expect.objectContaining({ DB_USERNAME: "JANE_DOE_EXAMPLE_COM", IAM_USER_ID: JANE, VERSION: 1 })]);
      expect(s.fn.output()).toMatch(/registry migrated: ALTER TABLE IAM_ADB_SYNC_ACCOUNTS ADD \(VERSION NUMBER DEFAULT 0 NOT NULL\); CREATE TABLE IAM_ADB_SYNC_CHANGES/);
    });

    it("a tombstone of the old version stays a tombstone after the migration", async () => {
      s.oci.identity.addUser({ id: "ocid1.user.oc1..aaaagone", name: "gone" });
      s.oci.identity.addMember(READERS, "ocid1.user.oc1..aaaagone");
      const e = exampleEvent("addusertogroup") as Record<string, any>;
      e.data.additionalDetails = { userId: "ocid1.user.oc1..aaaagone", groupId: READERS };
      const r = await s.send(e);
      expect(replyBody(r).outcome).not.toBe("applied");
      expect(s.ords.db.user("GONE")).toBeUndefined();
    });
  });

  describe("ensureRegistry against the loopback ORDS", () => {
    let ords: OrdsServer;
    beforeEach(async () => {
      ords = await startOrdsServer();
    });
    afterEach(() => ords.close());

    it("two containers migrating at once both succeed (ORA-01430/ORA-00955 count as done); a third run finds nothing to do", async () => {
      expect((await one(ords, V1_REGISTRY)).errorCode).toBeUndefined();
      await oldRow(ords, "A", "ocid1.user.oc1..a", "a");
      const [x, y] = await Promise.all([ensureRegistry(client(ords), null), ensureRegistry(client(ords), null)]);
      expect(x.statements).toEqual(y.statements);
      expect(x.statements.map((st) => st.split("\n")[0])).toEqual(["ALTER TABLE IAM_ADB_SYNC_ACCOUNTS ADD (VERSION NUMBER DEFAULT 0 NOT NULL)", "CREATE TABLE IAM_ADB_SYNC_CHANGES ("]);
      expect(await ensureRegistry(client(ords), null)).toMatchObject({ statements: [], created: false });
      expect(ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS")).toEqual([expect.objectContaining({ DB_USERNAME: "A", VERSION: 0 })]);
    });

    it("a registry keyed on DB_USERNAME only gets its IAM_USER_ID key; duplicate rows for one IAM user stop the migration and change nothing", async () => {
      expect((await one(ords, NAME_KEYED_REGISTRY)).errorCode).toBeUndefined();
      await oldRow(ords, "A", "ocid1.user.oc1..a", "a");
      await oldRow(ords, "A2", "ocid1.user.oc1..a", "a");
      const failed = ensureRegistry(client(ords), null);
      await expect(failed).rejects.toThrow(RegistryShapeError);
      await expect(failed).rejects.toThrow(/IAM_ADB_SYNC_ACCOUNTS_IAM_UK.*duplicate keys found.*resolve them by hand; no row was changed/);
      expect(ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS").map((r) => r.DB_USERNAME)).toEqual(["A", "A2"]);
      await one(ords, "DELETE FROM IAM_ADB_SYNC_ACCOUNTS WHERE DB_USERNAME = 'A2'"); // the person resolves it
      // What could be done was (the change table, which holds no row yet); the key waited for the person.
      expect(ords.db.table("IAM_ADB_SYNC_CHANGES")).toBeDefined();
      const ok = await ensureRegistry(client(ords), null);
      expect(ok.statements).toEqual(["ALTER TABLE IAM_ADB_SYNC_ACCOUNTS ADD CONSTRAINT IAM_ADB_SYNC_ACCOUNTS_IAM_UK UNIQUE (IAM_USER_ID)"]);
      expect(await rows(ords, "SELECT CONSTRAINT_NAME FROM USER_CONSTRAINTS WHERE CONSTRAINT_NAME = 'IAM_ADB_SYNC_ACCOUNTS_IAM_UK'")).toHaveLength(1);
    });

    it("a dry run reports the migration and changes nothing; a table missing a column it cannot invent is refused", async () => {
      expect((await one(ords, V1_REGISTRY)).errorCode).toBeUndefined();
      const dry = await ensureRegistry(client(ords), null, { dryRun: true });
      expect(dry).toMatchObject({ dryRun: true, created: false });
      expect(dry.statements).toHaveLength(2);
      expect(ords.db.table("IAM_ADB_SYNC_ACCOUNTS")?.columns.map((c) => c.name)).not.toContain("VERSION");
      expect(ords.db.table("IAM_ADB_SYNC_CHANGES")).toBeUndefined();
      await one(ords, "DROP TABLE IAM_ADB_SYNC_ACCOUNTS");
      await one(ords, "CREATE TABLE IAM_ADB_SYNC_ACCOUNTS (DB_USERNAME VARCHAR2(128) PRIMARY KEY, IAM_USER_ID VARCHAR2(255))");
      await expect(ensureRegistry(client(ords), null)).rejects.toThrow(/IAM_ADB_SYNC_ACCOUNTS has no IAM_USER_NAME, AUTH_MODE, MAPPED_GROUPS, STATUS, CREATED_AT column.*nothing was changed/);
      expect(ords.db.table("IAM_ADB_SYNC_CHANGES")).toBeUndefined();
    });

    it("a fresh database gets both tables", async () => {
      expect(await ensureRegistry(client(ords), null)).toMatchObject({ created: true });
      expect(ords.db.table("IAM_ADB_SYNC_ACCOUNTS")?.columns.map((c) => c.name)).toContain("VERSION");
      expect(ords.db.table("IAM_ADB_SYNC_CHANGES")).toBeDefined();
    });

    it("the account look-up meets the old table (ORA-00904), migrates it and reads on; a dry run refuses to plan against it", async () => {
      expect((await one(ords, V1_REGISTRY)).errorCode).toBeUndefined();
      await oldRow(ords, "A", "ocid1.user.oc1..a", "a");
      const key = { iamUserId: "ocid1.user.oc1..a", dbUsername: "A" };
      await expect(lookupAccount(client(ords), key, null, { dryRun: true })).rejects.toThrow(/older shape; a real run migrates it first \(ALTER TABLE IAM_ADB_SYNC_ACCOUNTS ADD \(VERSION/);
      expect(ords.db.table("IAM_ADB_SYNC_CHANGES")).toBeUndefined();
      const look = await lookupAccount(client(ords), key, null, { dryRun: false });
      expect(look.mine).toMatchObject({ dbUsername: "A", status: "OPEN", version: 0 });
      expect(look.registryWasMissing).toBe(false);
      expect(ords.db.table("IAM_ADB_SYNC_CHANGES")).toBeDefined();
    });
  });
});
