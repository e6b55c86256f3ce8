import { DEFAULT_ADMIN, DEFAULT_CLIENT, startOrdsServer, type OrdsServer } from "./index";
import { adminAuth, basicAuth, bearer, requestToken, sql } from "./test-client";

describe("ORDS server: OAuth token endpoint and authentication", () => {
  let server: OrdsServer;
  beforeEach(async () => {
    server = await startOrdsServer();
  });
  afterEach(() => server.close());

  it("listens on loopback with the schema alias in its URL", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ords\/admin$/);
  });

  it("issues a bearer token for valid client credentials, and the token runs SQL", async () => {
    const r = await requestToken(server);
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.stringMatching(/^[\w-]{16,}$/), token_type: "bearer", expires_in: 3600 });
    const run = await sql(server, "select dummy from dual", `Bearer ${body.access_token as string}`);
    expect(run.status).toBe(200);
    expect(run.body.items[0].resultSet?.items).toEqual([{ dummy: "X" }]);
    expect(server.stats.tokenRequests).toBe(1);
    expect(server.stats.sqlRequests).toBe(1);
    expect(server.stats.statements).toBe(1);
    // The client acts as the schema: it holds ADMIN's user-administration rights.
    const ddl = await sql(server, "create user via_oauth identified globally as 'IAM_PRINCIPAL_NAME=x'", `Bearer ${body.access_token as string}`);
    expect(ddl.body.items[0].errorCode).toBeUndefined();
    expect(server.db.user("VIA_OAUTH")?.authenticationType).toBe("GLOBAL");
  });

  it("rejects a wrong secret, an unknown client and missing client auth with 401 invalid_client", async () => {
    const wrong = await requestToken(server, { clientId: DEFAULT_CLIENT.clientId, clientSecret: "nope" });
    const unknown = await requestToken(server, { clientId: "stranger", clientSecret: DEFAULT_CLIENT.clientSecret });
    const missing = await fetch(`${server.url}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    for (const r of [wrong, unknown, missing]) {
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ error: "invalid_client" });
    }
  });

  it("rejects other grant types with 400 unsupported_grant_type and a non-form body with 400", async () => {
    const auth = basicAuth(DEFAULT_CLIENT.clientId, DEFAULT_CLIENT.clientSecret);
    const pw = await fetch(`${server.url}/oauth/token`, {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=password&username=a&password=b",
    });
    expect(pw.status).toBe(400);
    expect(await pw.json()).toMatchObject({ error: "unsupported_grant_type" });
    const json = await fetch(`${server.url}/oauth/token`, {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials" }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: "invalid_request" });
  });

  it("honours several configured clients and the configured token lifetime", async () => {
    const other = { clientId: "second", clientSecret: "second-secret-value" };
    const custom = await startOrdsServer({ clients: [DEFAULT_CLIENT, other], tokenLifetimeSeconds: 120 });
    try {
      const r = await requestToken(custom, other);
      expect(await r.json()).toMatchObject({ expires_in: 120 });
    } finally {
      await custom.close();
    }
  });

  it("refuses tokens once expired: lifetime 0, and expireAllTokens()", async () => {
    const instant = await startOrdsServer({ tokenLifetimeSeconds: 0 });
    try {
      const dead = await bearer(instant);
      expect((await sql(instant, "select 1 from dual", dead)).status).toBe(401);
    } finally {
      await instant.close();
    }
    const token = await bearer(server);
    expect((await sql(server, "select 1 from dual", token)).status).toBe(200);
    server.expireAllTokens();
    const after = await sql(server, "select 1 from dual", token);
    expect(after.status).toBe(401);
    expect(after.body).toEqual({
      code: "Unauthorized",
      title: "Unauthorized",
      message: "Unauthorized",
      type: "tag:oracle.com,2020:error/Unauthorized",
      instance: expect.stringMatching(/^tag:oracle\.com,2020:ecid\/[\w-]{22}$/),
    });
    expect((await sql(server, "select 1 from dual", await bearer(server))).status).toBe(200);
  });

  it("accepts Basic auth for the schema user (any case), refuses wrong passwords, other users and no auth", async () => {
    expect((await sql(server, "select 1 from dual", basicAuth("admin", DEFAULT_ADMIN.password))).status).toBe(200);
    expect((await sql(server, "select 1 from dual", basicAuth("ADMIN", "wrong"))).status).toBe(401);
    expect((await sql(server, "select 1 from dual", basicAuth("SYS", DEFAULT_ADMIN.password))).status).toBe(401);
    expect((await sql(server, "select 1 from dual", "")).status).toBe(401);
    expect((await sql(server, "select 1 from dual", "Bearer not-a-token")).status).toBe(401);
  });

  it("follows the live dictionary for Basic auth: a locked ADMIN is shut out, a new password takes over", async () => {
    const custom = await startOrdsServer({ admin: { username: "Ops", password: "Sched-Secret-2024" }, schemaAlias: "ops" });
    try {
      expect(custom.url).toMatch(/\/ords\/ops$/);
      const auth = basicAuth("OPS", "Sched-Secret-2024");
      expect((await sql(custom, `alter user ops identified by "Rotated-Pass-2025"`, auth)).body.items[0].errorCode).toBeUndefined();
      expect((await sql(custom, "select 1 from dual", auth)).status).toBe(401);
      const rotated = basicAuth("OPS", "Rotated-Pass-2025");
      expect((await sql(custom, "alter user ops account lock", rotated)).status).toBe(200);
      expect((await sql(custom, "select 1 from dual", rotated)).status).toBe(401);
    } finally {
      await custom.close();
    }
  });

  it("answers 404 for an unknown alias or path and 405 for other methods", async () => {
    const base = server.url.replace(/\/ords\/admin$/, "");
    const alias = await fetch(`${base}/ords/hr/_/sql`, { method: "POST", headers: { Authorization: adminAuth, "Content-Type": "application/sql" }, body: "select 1 from dual" });
    expect(alias.status).toBe(404);
    expect(await alias.json()).toMatchObject({ code: "NotFound" });
    expect((await fetch(`${server.url}/nothing/here`, { method: "POST" })).status).toBe(404);
    const get = await fetch(`${server.url}/_/sql`, { headers: { Authorization: adminAuth } });
    expect(get.status).toBe(405);
    expect(get.headers.get("content-type")).toBe("application/problem+json");
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("answers 400 with an ORDS error body for malformed JSON, a bad JSON shape and a wrong content type", async () => {
    const post = (type: string, body: string) =>
      fetch(`${server.url}/_/sql`, { method: "POST", headers: { Authorization: adminAuth, "Content-Type": type }, body });
    const cases: Array<[string, string, RegExp]> = [
      ["application/json", "{\"statementText\": ", /not valid JSON/],
      ["application/json", JSON.stringify({ statementText: 42 }), /statementText/],
      ["application/json", JSON.stringify({ statementText: "select 1 from dual", limit: -1 }), /limit/],
      ["application/json", JSON.stringify({ statementText: "select 1 from dual", binds: [{ value: 1 }] }), /name or an index/],
      ["text/plain", "select 1 from dual", /unsupported Content-Type 'text\/plain'/],
      ["application/sql", "   \n ", /holds no SQL/],
    ];
    for (const [type, body, message] of cases) {
      const r = await post(type, body);
      expect(r.status).toBe(400);
      const json = (await r.json()) as { code: string; message: string };
      expect(json.code).toBe("BadRequest");
      expect(json.message).toMatch(message);
    }
    expect(server.stats.statements).toBe(0);
  });

  it("never echoes credentials in error bodies", async () => {
    const r = await sql(server, "select 1 from dual", basicAuth("ADMIN", "Very-Secret-Guess-1"));
    expect(JSON.stringify(r.body)).not.toContain("Very-Secret-Guess-1");
    const t = await requestToken(server, { clientId: DEFAULT_CLIENT.clientId, clientSecret: "Another-Secret-2" });
    expect(await t.text()).not.toContain("Another-Secret-2");
  });

  it("counts requests and statements and resets the counters", async () => {
    await sql(server, "select 1 from dual;\nselect 2 from dual;\ncommit;");
    expect(server.stats).toMatchObject({ sqlRequests: 1, statements: 3 });
    server.stats.reset();
    expect(server.stats).toMatchObject({ tokenRequests: 0, sqlRequests: 0, statements: 0 });
  });
});

describe("ORDS server: options", () => {
  it("refuses an admin password that breaks ADB's rules, saying why (without the password)", async () => {
    const start = startOrdsServer({ admin: { username: "ADMIN", password: "Admin-Admin-1234" } });
    await expect(start).rejects.toThrow(/admin user ADMIN rejected: ORA-28003.*\nORA-20000: password must not contain the user name/);
    await expect(startOrdsServer({ admin: { username: "ADMIN", password: "Admin-Admin-1234" } })).rejects.not.toThrow(/Admin-Admin-1234/);
  });

  it("runs the seed function before serving", async () => {
    const s = await startOrdsServer({ seed: (db) => db.createRole("APP_READER") });
    try {
      expect(s.db.role("APP_READER")).toEqual({ role: "APP_READER", oracleMaintained: false, externalName: null });
    } finally {
      await s.close();
    }
  });
});
