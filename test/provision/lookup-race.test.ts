import { createLogger } from "../../function/src/log/logger";
import { OrdsClient } from "../../function/src/ords/client";
import { lookupAccount } from "../../function/src/registry/lookup";
import { ensureRegistry } from "../../function/src/registry/shape";
import { DEFAULT_ADMIN, startOrdsServer, type OrdsServer } from "../servers/ords";
import { sql } from "../servers/ords/test-client";

const client = (ords: OrdsServer) => new OrdsClient({ url: ords.url, auth: { kind: "basic", ...DEFAULT_ADMIN }, log: createLogger("silent") });

/**
 * The account look-up is several queries in one ORDS call, each reading the database as of its own start
 * (Oracle's statement-level consistency, as the loopback ORDS runs them): another container's unit can commit
 * between two of them. Symptom 4 of issue 9 showed it as a false "not created by iam-adb-sync" refusal.
 */
describe("account look-up beside a concurrent unit (loopback ORDS, statements interleaved)", () => {
  it("a creation committing between the look-up's registry and dictionary reads is seen whole, never as a foreign account", async () => {
    const slow = await startOrdsServer({ statementPauseMs: 2 });
    try {
      await ensureRegistry(client(slow), null);
      const seen = new Set<string>();
      for (let delay = 0; delay < 60; delay += 3) {
        const name = `RACE_${delay}`;
        // Another container's unit: its registry row and the account commit together (CREATE USER commits).
        const unit = [
          ...Array.from({ length: 15 }, () => "SELECT * FROM DUAL"),
          `INSERT INTO IAM_ADB_SYNC_ACCOUNTS (DB_USERNAME, IAM_USER_ID, IAM_USER_NAME, AUTH_MODE, MAPPED_GROUPS, STATUS, VERSION) VALUES ('${name}', 'ocid1.user.oc1..race${delay}', 'race', 'IAM', '[]', 'PENDING', 1)`,
          `CREATE USER ${name} IDENTIFIED GLOBALLY AS 'IAM_PRINCIPAL_NAME=race${delay}'`,
        ].join(";\n");
        const running = sql(slow, unit);
        await new Promise((r) => setTimeout(r, delay));
        const look = await lookupAccount(client(slow), { iamUserId: "ocid1.user.oc1..other", dbUsername: name }, null, { dryRun: false });
        await running;
        seen.add(look.dictUsers.has(name) ? (look.nameOwner ? "both" : "account without its row") : look.nameOwner ? "row without its account" : "neither");
      }
      expect(seen).not.toContain("account without its row");
      expect(seen).toContain("both");
    } finally {
      await slow.close();
    }
  });
});
