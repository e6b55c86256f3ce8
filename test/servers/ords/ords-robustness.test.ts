import { startOrdsServer, type OrdsDatabase, type OrdsServer } from "./index";
import { sql } from "./test-client";

/** Deterministic PRNG (mulberry32), so a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  "create", "user", "role", "table", "drop", "alter", "grant", "revoke", "select", "insert", "into", "values", "update",
  "set", "delete", "from", "where", "identified", "by", "globally", "as", "account", "lock", "unlock", "password",
  "expire", "cascade", "to", "connect", "dwrole", "create session", "jdoe", "t1", "id", "name", "dba_users", "username",
  '"Quoted"', "'lit''eral'", "'unterminated", '"open', "(", ")", ",", "=", "<>", "*", ":b", "1", "null", "and", "or",
  "not", "in", "is", "like", "order by", "--c\n", "/*x*/", "@", "?", "||", "-", "begin", "end;", "1e5", ".", "\n/\n",
  "'Str0ng-Passw0rd'", '"Str0ng-Passw0rd"', "if not exists", "with admin option", "primary key", "number", "varchar2(5)",
];

/** Everything a statement may change, as one comparable text. */
function fingerprint(db: OrdsDatabase): string {
  const users = [...db.users()].map((u) => [u.username, u.accountStatus, u.externalName, u.profile, db.rolesOf(u.username), db.sysPrivsOf(u.username), db.objectsOf(u.username).map((o) => o.name)]);
  const roles = [...db.roles()].map((r) => [r.role, db.rolesOf(r.role), db.sysPrivsOf(r.role)]);
  const t1 = db.table("T1") ? db.tableRows("T1") : null;
  return JSON.stringify({ users, roles, t1 });
}

describe("ORDS server: robustness against random statement text", () => {
  let server: OrdsServer;
  beforeAll(async () => {
    server = await startOrdsServer();
    const setup = await sql(server, "create table t1 (id number primary key, name varchar2(5) unique);\ninsert into t1 values (1, 'a');\ncreate user jdoe identified globally as 'IAM_PRINCIPAL_NAME=jdoe'");
    expect(setup.body.items.map((i) => i.errorCode)).toEqual([undefined, undefined, undefined]);
  });
  afterAll(() => server.close());

  it("answers every random script with 200 and one well-formed item per statement; failed statements change nothing", async () => {
    const rand = prng(20241123);
    let failures = 0;
    for (let n = 0; n < 300; n++) {
      const length = 1 + Math.floor(rand() * 9);
      const text = Array.from({ length }, () => FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)]).join(" ");
      const before = fingerprint(server.db);
      const r = await sql(server, { statementText: text, binds: [{ name: "b", data_type: "VARCHAR2", value: "x" }] });
      expect({ text, status: r.status }).toEqual({ text, status: 200 });
      for (const item of r.body.items) {
        const wellFormed = typeof item.errorCode === "number" ? /^ORA-\d{5}: /.test(item.errorDetails ?? "") : typeof item.result === "number";
        expect({ text, wellFormed }).toEqual({ text, wellFormed: true });
      }
      if (r.body.items.length > 0 && r.body.items.every((i) => i.errorCode !== undefined)) {
        failures++;
        expect({ text, state: fingerprint(server.db) }).toEqual({ text, state: before });
      }
    }
    // The generator must actually exercise the error paths, not just trivia.
    expect(failures).toBeGreaterThan(100);
    expect((await sql(server, "select dummy from dual")).body.items[0].resultSet?.items).toEqual([{ dummy: "X" }]);
  });
});
