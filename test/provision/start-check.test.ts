import { replyBody } from "../support/fdk-harness";
import { startLocalStack, type LocalStack } from "../support/local-stack";

/** The start check (function/src/runtime/start-check.ts) through the bundled function under the fdk listener. */
const startLines = (s: LocalStack) => s.fn.output().split("\n").filter((l) => l.includes('"check":"start"')).map((l) => JSON.parse(l) as Record<string, any>);

describe("start check: the first invocation that reaches the database checks every role it may grant and the registry, and logs it", () => {
  let s: LocalStack | undefined;
  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  it("runs before the first invocation that reaches the database: an ignored or malformed first event makes no remote call", async () => {
    s = await startLocalStack();
    expect(replyBody(await s.send("unrelated-createbucket"))).toMatchObject({ outcome: "ignored" });
    expect(replyBody(await s.send({ eventType: "com.oraclecloud.identitycontrolplane.createuser", data: "not an object" }))).toMatchObject({ outcome: "invalid" });
    expect([s.ords.stats.tokenRequests, s.ords.stats.sqlRequests, s.oci.stats.requests.length]).toEqual([0, 0, 0]);
    expect(startLines(s)).toEqual([]);
    expect(replyBody(await s.send("createuser"))).toMatchObject({ outcome: "unchanged" });
    expect(startLines(s)).toEqual([expect.objectContaining({ msg: "start check: roles may be granted: SALES_READ, SALES_WRITE; registry created: CREATE TABLE IAM_ADB_SYNC_ACCOUNTS; CREATE TABLE IAM_ADB_SYNC_CHANGES" })]);
  });

  it("DRY_RUN: reports what the registry needs and creates nothing; the roles are still checked", async () => {
    s = await startLocalStack({ config: { DRY_RUN: "true", GROUP_ROLE_MAP: JSON.stringify({ "DB-Readers": ["SALES_READ", "NOT_A_ROLE"] }) } });
    const r = await s.send("createuser");
    expect(replyBody(r)).toMatchObject({ dryRun: true });
    const [line] = startLines(s);
    expect(line).toMatchObject({ level: "warn", refusedRoles: { NOT_A_ROLE: "role NOT_A_ROLE does not exist in the database" } });
    expect(line.msg).toContain("registry needs (dry run, nothing changed): CREATE TABLE IAM_ADB_SYNC_ACCOUNTS; CREATE TABLE IAM_ADB_SYNC_CHANGES");
    expect(s.ords.db.table("IAM_ADB_SYNC_ACCOUNTS")).toBeUndefined();
    expect(s.ords.db.table("IAM_ADB_SYNC_CHANGES")).toBeUndefined();
  });

  it("a check that cannot run (ORDS answers 500) is logged, the event goes on, and the next invocation checks again; it runs once per process", async () => {
    s = await startLocalStack();
    s.ords.faults.next({ path: "sql", status: 500 });
    const first = await s.send("createuser");
    expect(replyBody(first)).toMatchObject({ outcome: "unchanged" });
    expect(startLines(s)).toEqual([expect.objectContaining({ level: "warn", msg: "start check could not run; it runs again with the next invocation" })]);
    await s.send("createuser");
    await s.send("createuser");
    const lines = startLines(s);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ level: "info", refusedRoles: {}, roles: ["SALES_READ", "SALES_WRITE"], registry: "current" });
    await s.restart();
    await s.send("createuser");
    expect(startLines(s)).toEqual([expect.objectContaining({ msg: "start check: roles may be granted: SALES_READ, SALES_WRITE; registry IAM_ADB_SYNC_ACCOUNTS is current" })]);
  });
});
