import { createLogger } from "../../function/src/log/logger";
import { OrdsClient, type StatementOutcome } from "../../function/src/ords/client";
import { mergeByKey } from "../../function/src/reconcile/merge";
import { DEFAULT_ADMIN } from "../servers/ords";
import { startLandscape, type Landscape } from "./support";

async function* pages<T>(...ps: T[][]): AsyncGenerator<T[]> {
  for (const p of ps) yield p;
}

async function merged(a: string[][], b: string[][], chunk: number) {
  const out = [];
  for await (const c of mergeByKey(pages(...a), pages(...b), (x) => x, (y) => y, chunk)) out.push(c.map((m) => `${m.key}:${m.a ? "a" : ""}${m.b ? "b" : ""}`));
  return out;
}

const dbName = (n: string) => `${n.toUpperCase()}_EXAMPLE_COM`;
/** OCIDs whose order is not the order the users are created in (so the identity domain must sort). */
const ocid = (k: string) => `ocid1.user.oc1..aaaaaaaa${k}`;

describe("reconcile: the streamed merge of IAM users and registry rows", () => {
  it("merges two key-ordered streams across page boundaries, keys on one side or both, in chunks", async () => {
    const a = [["b", "d"], [], ["e", "g"]];
    const b = [["a"], ["b", "c", "e"], ["f", "h", "i"]];
    expect((await merged(a, b, 4)).flat()).toEqual(["a:b", "b:ab", "c:b", "d:a", "e:ab", "f:b", "g:a", "h:b", "i:b"]);
    expect((await merged(a, b, 4)).map((c) => c.length)).toEqual([4, 4, 1]);
    expect(await merged([], [], 3)).toEqual([]);
    expect((await merged([["x"]], [], 3)).flat()).toEqual(["x:a"]);
  });

  describe("against the loopback identity domain and database", () => {
    let land: Landscape;
    beforeEach(async () => {
      land = await startLandscape({ pageSize: 2 });
    });
    afterEach(() => land.close());

    /** Users created out of OCID order; every other one is then deleted in IAM, leaving orphans between users. */
    async function interleaved(): Promise<{ kept: string[]; gone: string[] }> {
      const names = ["pia", "ned", "ola", "max", "kim", "lea", "jon", "ida"];
      names.forEach((n, i) => land.scim.store.createUser({ userName: `${n}@example.com`, email: `${n}@example.com`, ocid: ocid(`${(names.length - i) * 7}`.padStart(4, "0")) }));
      for (const n of names) land.scim.store.addMembers(land.groups["DB-Readers"] as string, [land.user(`${n}@example.com`).id]);
      const first = await land.run({ pageRows: 2 });
      expect(first.report).toMatchObject({ outcome: "applied", accountsToChange: names.length, iamUsers: names.length });
      const byOcid = [...names].sort((x, y) => (land.user(`${x}@example.com`).ocid < land.user(`${y}@example.com`).ocid ? -1 : 1));
      const gone = byOcid.filter((_, i) => i % 2 === 0);
      for (const n of gone) land.scim.store.deleteUser(land.user(`${n}@example.com`).id);
      return { kept: byOcid.filter((_, i) => i % 2 === 1), gone };
    }

    it("syncs registry rows whose IAM user is gone (orphans between present users, across 2-row pages) and leaves the others alone", async () => {
      const { kept, gone } = await interleaved();
      const r = await land.run({ pageRows: 2 });
      expect(r.report).toMatchObject({ outcome: "applied", iamUsers: kept.length, managedAccounts: kept.length + gone.length, accountsToChange: gone.length, unchanged: kept.length });
      expect(gone.map((n) => land.status(dbName(n)))).toEqual(gone.map(() => "LOCKED"));
      expect(kept.map((n) => land.status(dbName(n)))).toEqual(kept.map(() => "OPEN"));
      expect(kept.every((n) => land.rolesOf(dbName(n)).includes("SALES_READ"))).toBe(true);
      const again = await land.run();
      expect(again.report).toMatchObject({ outcome: "unchanged", accountsToChange: 0, unchanged: kept.length + gone.length });
    });

    it("plans the same whatever the page sizes of either side", async () => {
      await interleaved();
      const plans = [];
      for (const [scimPage, pageRows] of [[1, 1], [2, 3], [3, 2], [1000, undefined]] as const) {
        const r = await land.run({ dryRun: true, pageRows }, { RECONCILE_PAGE: String(scimPage) });
        plans.push({ ops: r.report.ops, work: r.plan.work.map((w) => [w.iamUserId, w.dbUsername, w.size]), unchanged: r.report.unchanged });
      }
      for (const p of plans) expect(p).toEqual(plans[0]);
    });

    it("a database page that fails midway stops the run before any change (the plan pass reads everything first)", async () => {
      const { gone } = await interleaved();
      const before = land.registry();
      // The second registry page is answered 500 (not retried): by then the first page is merged and planned.
      let pages = 0;
      const queries = OrdsClient.prototype.queries;
      const spy = jest.spyOn(OrdsClient.prototype, "queries").mockImplementation(function (this: OrdsClient, sqls, ...rest) {
        if (sqls.some((s) => s.includes("WHERE IAM_USER_ID > :after")) && ++pages === 2) land.ords.faults.next({ path: "sql", status: 500 });
        return queries.call(this, sqls, ...rest);
      });
      try {
        await expect(land.run({ pageRows: 2 })).rejects.toThrow(/answered 500/);
      } finally {
        spy.mockRestore();
      }
      expect(pages).toBe(2);
      expect(land.registry()).toEqual(before);
      expect(gone.map((n) => land.status(dbName(n)))).toEqual(gone.map(() => "OPEN"));
    });

    it("a unit that lost its race to a concurrent change is re-read and re-planned through syncUser, not reported failed", async () => {
      const { kept } = await interleaved();
      const target = dbName(kept[0] as string);
      await land.sql(`REVOKE SALES_READ FROM ${target}`);
      // Between the plan pass and the apply pass another writer takes the account's next version.
      const racer = new OrdsClient({ url: land.ords.url, auth: { kind: "basic", ...DEFAULT_ADMIN }, log: createLogger("silent") });
      const row = land.registry().find((x) => x.DB_USERNAME === target);
      const version = Number(row?.VERSION);
      let raced = false;
      const script = OrdsClient.prototype.script;
      const spy = jest.spyOn(OrdsClient.prototype, "script").mockImplementation(async function (this: OrdsClient, sqls, deadline, o): Promise<StatementOutcome[]> {
        if (this !== racer && !raced && sqls.some((s) => s.includes("IAM_ADB_SYNC_CHANGES") && s.includes(target))) {
          raced = true;
          await script.call(racer, [
            `INSERT INTO IAM_ADB_SYNC_CHANGES (DB_USERNAME, VERSION, IAM_USER_ID) VALUES ('${target}', ${version + 1}, '${String(row?.IAM_USER_ID)}')`,
            `UPDATE IAM_ADB_SYNC_ACCOUNTS SET VERSION = ${version + 1} WHERE DB_USERNAME = '${target}'`,
          ], null);
        }
        return script.call(this, sqls, deadline, o);
      });
      try {
        const r = await land.run({ pageRows: 2 });
        expect(raced).toBe(true);
        expect(r.report.outcome).toBe("applied");
        expect(r.report.applied?.failures).toEqual([]);
        expect(land.rolesOf(target)).toContain("SALES_READ");
        expect(Number(land.registry().find((x) => x.DB_USERNAME === target)?.VERSION)).toBe(version + 2);
      } finally {
        spy.mockRestore();
      }
    });
  });
});
