import { startOrdsServer, type OrdsServer } from "./index";
import { adminAuth, requestToken, sql } from "./test-client";

describe("ORDS server: fault injection", () => {
  let server: OrdsServer;
  beforeEach(async () => {
    server = await startOrdsServer();
  });
  afterEach(() => server.close());

  const post = (signal?: AbortSignal) =>
    fetch(`${server.url}/_/sql`, { method: "POST", headers: { Authorization: adminAuth, "Content-Type": "application/sql" }, body: "select 1 from dual", signal });

  it.each([429, 500, 502, 503, 504] as const)("answers %i with an ORDS error body, then serves normally", async (status) => {
    server.faults.next({ status, retryAfterSeconds: status === 429 || status === 503 ? 7 : undefined });
    const faulted = await post();
    expect(faulted.status).toBe(status);
    const body = (await faulted.json()) as Record<string, string>;
    expect(body).toMatchObject({ code: expect.any(String), message: expect.any(String), type: expect.stringMatching(/^tag:oracle\.com,2020:error\//) });
    expect(faulted.headers.get("retry-after")).toBe(status === 429 || status === 503 ? "7" : null);
    expect((await post()).status).toBe(200);
    expect(server.stats.sqlRequests).toBe(2);
    expect(server.stats.statements).toBe(1);
  });

  it("applies a fault `times` times, in queue order", async () => {
    server.faults.next({ status: 503, times: 2 }).next({ status: 429 });
    expect(server.faults.pending).toBe(3);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post()).status);
    expect(statuses).toEqual([503, 503, 429, 200]);
    expect(server.faults.pending).toBe(0);
  });

  it("filters by path: a token fault leaves SQL alone and the other way round", async () => {
    server.faults.next({ status: 500, path: "token" }).next({ status: 502, path: "sql" });
    expect((await post()).status).toBe(502);
    expect((await requestToken(server)).status).toBe(500);
    expect((await requestToken(server)).status).toBe(200);
    expect((await post()).status).toBe(200);
  });

  it("drops the connection without a reply", async () => {
    server.faults.next({ drop: true });
    await expect(post()).rejects.toThrow(/fetch failed/);
    expect((await post()).status).toBe(200);
  });

  it("delays the reply: a client with a shorter timeout gives up, a patient one gets the result", async () => {
    server.faults.next({ delayMs: 30_000 });
    await expect(post(AbortSignal.timeout(200))).rejects.toThrow(/aborted|timeout/i);
    server.faults.next({ delayMs: 50 });
    const r = await sql(server, "select dummy from dual");
    expect(r.status).toBe(200);
    expect(r.body.items[0].resultSet?.items).toEqual([{ dummy: "X" }]);
  });

  it("delays and then fails when both are asked for", async () => {
    server.faults.next({ delayMs: 20, status: 504 });
    expect((await post()).status).toBe(504);
  });

  it("clear() forgets queued faults; bad specs are refused with a clear error", async () => {
    server.faults.next({ status: 500, times: 3 });
    server.faults.clear();
    expect(server.faults.pending).toBe(0);
    expect((await post()).status).toBe(200);
    expect(() => server.faults.next({ status: 500, times: 0 })).toThrow("faults.next: times must be a positive integer, got 0");
    expect(() => server.faults.next({ delayMs: -1 })).toThrow("faults.next: delayMs must be >= 0, got -1");
  });
});
