import type { RunningFunction } from "../support/fdk-harness";
import { CREDS, errorOf, SECRET, SECRET_VALUES, startLandscape, startRole, type Landscape } from "./support/landscape";

const IDCS_REQUEST = { connectedSystemName: "IdentityDomain", entityName: "UserAsAccount", operationName: "GET" };
const authOf = (body: unknown) => (body as { headers: { name: string; value: string }[] }).headers.find((h) => h.name === "Authorization")?.value;

let l: Landscape;
let fn: RunningFunction | undefined;
beforeEach(async () => {
  // Tokens live 901 s; every token handed out must have 900 s left, so a cached one is good for about a second.
  l = await startLandscape({ scimTokenTtlSeconds: 901 });
});
afterEach(async () => {
  await fn?.stop();
  fn = undefined;
  await l.close();
});

const vaultReads = (ocid: string) => l.oci.stats.requests.filter((r) => r.op === "secrets.getSecretBundle" && r.path.includes(ocid)).length;

describe("a warm function reuses what it fetched", () => {
  it("reads each secret once and requests one token for many invocations", async () => {
    fn = await startRole(l, "ag-request");
    const auths = new Set<string | undefined>();
    for (let i = 0; i < 5; i++) auths.add(authOf((await fn.invoke(IDCS_REQUEST)).json));
    expect(auths.size).toBe(1);
    expect(l.scim.tokensIssued()).toBe(1);
    expect(vaultReads(SECRET.idcs)).toBe(1);
  });

  it("concurrent first invocations share one token request", async () => {
    fn = await startRole(l, "ag-request");
    const f = fn;
    const replies = await Promise.all(Array.from({ length: 6 }, () => f.invoke(IDCS_REQUEST)));
    expect(new Set(replies.map((r) => authOf(r.json))).size).toBe(1);
    expect(l.scim.tokensIssued()).toBe(1);
  });

  it("fetches a new token once the cached one is about to expire", async () => {
    fn = await startRole(l, "ag-test");
    const first = authOf((await fn.invoke({ connectedSystemName: "IdentityDomain" })).json);
    await new Promise((r) => setTimeout(r, 1200));
    const second = authOf((await fn.invoke({ connectedSystemName: "IdentityDomain" })).json);
    expect(second).not.toBe(first);
    expect(l.scim.tokensIssued()).toBe(2);
  });

  it("keeps one token per system: ORDS, Entra and the identity domain each get their own", async () => {
    fn = await startRole(l, "ag-test");
    for (const name of ["AutonomousDB", "EntraID", "IdentityDomain", "AutonomousDB", "EntraID", "IdentityDomain"]) {
      expect((await fn.invoke({ connectedSystemName: name })).status).toBe(200);
    }
    expect(l.ords.stats.tokenRequests).toBe(1);
    expect(l.entra.issued).toHaveLength(1);
    expect(l.scim.tokensIssued()).toBe(1);
  });
});

describe("token lifetime margin", () => {
  it("refuses to hand out a token that lives less than the 900 s margin, naming both numbers", async () => {
    await l.close();
    l = await startLandscape({ scimTokenTtlSeconds: 600 });
    fn = await startRole(l, "ag-request");
    const reply = await fn.invoke(IDCS_REQUEST);
    expect(reply.status).not.toBe(200);
    const err = errorOf(reply);
    expect(err.error).toBe("token_refused");
    expect(err.message).toContain("lives 600 s, less than the 900 s");
    for (const v of SECRET_VALUES) expect(reply.body).not.toContain(v);
  });
});

describe("Entra options", () => {
  it("passes the configured scope and grant type to the token endpoint", async () => {
    const systems = l.systems.map((s) =>
      s.name === "EntraID" ? { ...s, auth: { ...(s.auth as object), scope: "api://hr-app/.default", grantType: "client_credentials" } } : s,
    );
    fn = await startRole(l, "ag-test", { AG_SYSTEMS: JSON.stringify(systems) });
    expect((await fn.invoke({ connectedSystemName: "EntraID" })).status).toBe(200);
    expect(l.entra.requests.map((f) => [f.get("grant_type"), f.get("scope")])).toEqual([["client_credentials", "api://hr-app/.default"]]);
  });
});

describe("transient failures are retried", () => {
  it("a Vault 503 and a token endpoint 503 are retried and the invocation succeeds", async () => {
    l.oci.faults.next({ status: 503, match: SECRET.idcs });
    const fault = l.scim.faults.inject({ path: "/oauth2/v1/token", status: 503, times: 1 });
    fn = await startRole(l, "ag-request");
    const r = await fn.invoke(IDCS_REQUEST);
    expect(r.status).toBe(200);
    expect(vaultReads(SECRET.idcs)).toBe(2);
    expect(fault.fired).toBe(1);
    expect(l.scim.tokensIssued()).toBe(1);
  });
});

describe("permanent failures are reported, without secrets", () => {
  it("a refused client names the system and the token host", async () => {
    l.oci.secrets.set(SECRET.idcs, JSON.stringify({ clientCode: CREDS.idcs.clientCode, clientSecret: "Wrong-Secret-123" }));
    fn = await startRole(l, "ag-test");
    const e = errorOf(await fn.invoke({ connectedSystemName: "IdentityDomain" }));
    expect(e).toEqual({
      error: "token_refused",
      message: `connected system IdentityDomain: OAuth token request to ${l.scim.host} refused (401): check the client id and secret`,
    });
    expect(fn.output()).not.toContain("Wrong-Secret-123");
  });

  it("a secret of the wrong shape names the missing field, never a value", async () => {
    l.oci.secrets.set(SECRET.ords, JSON.stringify({ user: "x", clientSecret: CREDS.ords.clientSecret }));
    fn = await startRole(l, "ag-test");
    const r = await fn.invoke({ connectedSystemName: "AutonomousDB" });
    expect(errorOf(r)).toEqual({ error: "secret_unavailable", message: "connected system AutonomousDB: Vault secret: clientId is missing" });
    for (const s of SECRET_VALUES) expect(r.body + fn.output()).not.toContain(s);
  });

  it("an unreachable token endpoint is a 503-class failure after retries", async () => {
    const systems = l.systems.map((s) => (s.name === "IdentityDomain" ? { ...s, auth: { type: "idcs", secret: SECRET.idcs, tokenHost: "127.0.0.1:9" } } : s));
    fn = await startRole(l, "ag-test", { AG_SYSTEMS: JSON.stringify(systems) });
    const e = errorOf(await fn.invoke({ connectedSystemName: "IdentityDomain" }));
    expect(e.error).toBe("token_unavailable");
    expect(e.message).toMatch(/^connected system IdentityDomain: OAuth token request: 127\.0\.0\.1:9 unreachable/);
  });
});

describe("configuration errors name the key path", () => {
  it.each([
    ["missing", undefined, "config AG_SYSTEMS: is required"],
    ["not JSON", "[{", "config AG_SYSTEMS: must be valid JSON"],
    ["empty", "[]", "config AG_SYSTEMS: must list at least one connected system"],
  ])("AG_SYSTEMS %s", async (_what, value, message) => {
    fn = await startRole(l, "ag-schema", { AG_SYSTEMS: value ?? "" });
    expect(errorOf(await fn.invoke({ connectedSystemName: "IdentityDomain" }))).toEqual({ error: "invalid_config", message });
  });
});
