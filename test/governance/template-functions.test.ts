import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { RunningFunction } from "../support/fdk-harness";
import { seedDirectory } from "../servers/scim";
import { CREDS, errorOf, readTemplate, SECRET_VALUES, startLandscape, startRole, TEMPLATES, type Landscape } from "./support/landscape";

/** The four functions, each a separate process of the bundle as the Functions service runs it. */
const ROLES = ["ag-schema", "ag-request", "ag-response", "ag-test"] as const;
const SYSTEM_FOR_APP: Record<string, string> = { idcs: "IdentityDomain", azuread: "EntraID", adb: "AutonomousDB" };

let l: Landscape;
const fn = {} as Record<(typeof ROLES)[number], RunningFunction>;

beforeAll(async () => {
  l = await startLandscape();
  await Promise.all(ROLES.map(async (r) => (fn[r] = await startRole(l, r))));
});
afterAll(async () => {
  await Promise.all(ROLES.map((r) => fn[r]?.stop()));
  await l?.close();
});

function files(kind: string): string[] {
  const out: string[] = [];
  const walk = (d: string) =>
    readdirSync(d).forEach((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : out.push(relative(TEMPLATES, join(d, n)).split(sep).join("/"))));
  walk(join(TEMPLATES, kind));
  return out.sort();
}

/** `request/applications/idcs/UserAsAccount/groups/ADD_CHILD_DATA_TEMPLATE.json` → what AG sends for it. */
function invocationFor(path: string) {
  const [, , app, entity, ...rest] = path.split("/");
  const operationName = rest[rest.length - 1].replace(/_TEMPLATE\.json$/, "");
  const contextData = rest.length === 2 ? { [operationName]: rest[0] } : undefined;
  return { app, body: { connectedSystemName: SYSTEM_FOR_APP[app], entityName: entity, operationName, ...(contextData ? { contextData } : {}) } };
}

type Node = Record<string, unknown> & { uri: Record<string, string>; headers?: { name: string; value: string }[]; subRequests?: Node[] };

/** What the spec says the function must make of a request template: target and credentials set everywhere. */
function expectedRequest(file: Node, target: { scheme: string; host: string; basePath?: string }, authorization: string): Node {
  const headers = (file.headers ?? []).map((h) => (h.name.toLowerCase() === "authorization" ? { ...h, value: authorization } : h));
  if (!headers.some((h) => h.name.toLowerCase() === "authorization")) headers.push({ name: "Authorization", value: authorization });
  return {
    ...file,
    uri: { ...file.uri, scheme: target.scheme, host: target.host, path: (target.basePath ?? "") + file.uri.path },
    headers,
    ...(file.subRequests ? { subRequests: file.subRequests.map((s) => expectedRequest(s, target, authorization)) } : {}),
  };
}

const authOf = (n: Node) => n.headers?.find((h) => h.name === "Authorization")?.value ?? "";
const system = (name: string) => l.systems.find((s) => s.name === name) as { scheme: string; host: string; basePath?: string };

describe("schema function", () => {
  it.each(Object.keys(SYSTEM_FOR_APP))("returns the %s schema template as stored", async (app) => {
    const r = await fn["ag-schema"].invoke({ connectedSystemName: SYSTEM_FOR_APP[app].toUpperCase(), someFutureField: 1 });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(readTemplate(`schema/applications/${app}/TEMPLATE.json`));
  });
});

describe("test function", () => {
  it("gives the identity-domain test request a bearer token the SCIM server accepts", async () => {
    const r = await fn["ag-test"].invoke({ connectedSystemName: "identitydomain" });
    const body = r.json as Node;
    const auth = authOf(body);
    expect(body).toEqual(expectedRequest(readTemplate("test/applications/idcs/TEMPLATE.json") as Node, system("IdentityDomain"), auth));
    expect(auth).toMatch(/^Bearer \S+$/);
    // Run the request as Access Governance would: the injected header must open the target.
    const q = new URLSearchParams((body.queryParameters as { name: string; value: string }[]).map((p): [string, string] => [p.name, p.value]));
    const res = await fetch(`${body.uri.scheme}://${body.uri.host}${body.uri.path}?${q}`, { headers: { Authorization: auth } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { totalResults: number }).totalResults).toBeGreaterThan(0);
  });

  it.each([
    ["an OAuth bearer token", "AutonomousDB", /^Bearer /],
    ["the database user's Basic credentials", "AutonomousDBBasic", /^Basic /],
  ])("gives the ORDS test request %s that runs its SQL", async (_what, name, scheme) => {
    const r = await fn["ag-test"].invoke({ connectedSystemName: name });
    const body = r.json as Node & { body: { textBody: unknown } };
    expect(body.uri.path).toBe("/ords/iam_adb_sync_ag/_/sql");
    expect(authOf(body)).toMatch(scheme);
    const res = await fetch(`${body.uri.scheme}://${body.uri.host}${body.uri.path}`, {
      method: "POST",
      headers: { Authorization: authOf(body), "Content-Type": "application/json" },
      body: JSON.stringify(body.body.textBody),
    });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { items: { resultSet: { items: unknown[] } }[] };
    // The test query counts the roles through the AG schema's view: it fails unless the set-up was run.
    expect(out.items[0].resultSet.items).toEqual([{ roles: expect.any(Number) as number }]);
  });

  it("fetches the Entra token through the configured proxy with the form credentials", async () => {
    const r = await fn["ag-test"].invoke({ connectedSystemName: "EntraID" });
    const auth = authOf(r.json as Node);
    expect(l.entra.issued.map((t) => `Bearer ${t}`)).toContain(auth);
    expect(l.proxy.tunnels).toContain(l.entra.host);
    const form = l.entra.requests[l.entra.requests.length - 1];
    expect(Object.fromEntries(form)).toEqual({
      grant_type: "client_credentials",
      client_id: CREDS.entra.clientId,
      client_secret: CREDS.entra.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    });
  });

  it("uses Basic credentials from Vault for a basic-auth system", async () => {
    const r = await fn["ag-test"].invoke({ connectedSystemName: "DomainWithBasic" });
    const expected = `Basic ${Buffer.from(`${CREDS.basic.username}:${CREDS.basic.password}`).toString("base64")}`;
    expect(r.json).toEqual(expectedRequest(readTemplate("test/applications/idcs/TEMPLATE.json") as Node, system("DomainWithBasic"), expected));
  });
});

describe("request function", () => {
  const requestFiles = files("request");

  it("has templates for every application", () => {
    expect(new Set(requestFiles.map((f) => f.split("/")[2]))).toEqual(new Set(Object.keys(SYSTEM_FOR_APP)));
  });

  it.each(requestFiles)("serves %s with target and Authorization set on every request", async (path) => {
    const { app, body } = invocationFor(path);
    const r = await fn["ag-request"].invoke(body);
    expect(r.status).toBe(200);
    const got = r.json as Node;
    const auth = authOf(got);
    expect(auth).toMatch(/^Bearer \S+$/);
    expect(got).toEqual(expectedRequest(readTemplate(path) as Node, system(SYSTEM_FOR_APP[app]), auth));
  });

  it("leaves <EL>, <JP> and UQ: text exactly as stored", async () => {
    const r = await fn["ag-request"].invoke({ connectedSystemName: "AutonomousDB", entityName: "DatabaseAccount", operationName: "SEARCH" });
    const text = JSON.stringify(r.json);
    expect(text).toContain('"offset":"UQ:<EL>currentOffset - 1</EL>"');
    expect(text).toContain("<JP>$.items[0].resultSet.items[<EL>parentCurrentIndex</EL>].db_username</JP>");
  });

  it("a SEARCH request's header reads users from the SCIM server, and its sub-request's groups", async () => {
    const { userIds } = seedDirectory(l.scim.store, { users: 3, groups: 2, userPrefix: "gov" });
    const r = await fn["ag-request"].invoke({ connectedSystemName: "IdentityDomain", entityName: "UserAsAccount", operationName: "SEARCH" });
    const main = r.json as Node;
    const sub = (main.subRequests as Node[])[0];
    // The parent's id goes into the POST /Groups/.search body (never a query parameter).
    const search = (sub.body as { textBody: Record<string, unknown> }).textBody;
    const filter = String(search.filter).replace(/<JP>.*<\/JP>/, userIds[0]);
    const res = await fetch(`${sub.uri.scheme}://${sub.uri.host}${sub.uri.path}`, {
      method: "POST",
      headers: { Authorization: authOf(sub) ?? "", "Content-Type": "application/scim+json" },
      body: JSON.stringify({ schemas: search.schemas, filter, attributes: search.attributes }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { totalResults: number }).totalResults).toBe(2);
  });
});

describe("response function", () => {
  it.each(files("response"))("serves %s as stored", async (path) => {
    const r = await fn["ag-response"].invoke(invocationFor(path).body);
    expect(r.status).toBe(200);
    expect(r.json).toEqual(readTemplate(path));
  });
});

describe("bad input gets a specific 4xx and no template", () => {
  const cases: [string, (typeof ROLES)[number], unknown, string, RegExp][] = [
    ["unknown system", "ag-request", { connectedSystemName: "Nope", entityName: "UserAsAccount", operationName: "GET" }, "unknown_system", /connected system "Nope" is not configured; known: IdentityDomain, EntraID/],
    ["unknown entity", "ag-request", { connectedSystemName: "IdentityDomain", entityName: "Printer", operationName: "GET" }, "unknown_entity", /entity "Printer" has no request templates for application idcs; known entities: GroupAsEntitlement, UserAsAccount, UserAsIdentity/],
    ["bad operation", "ag-response", { connectedSystemName: "IdentityDomain", entityName: "UserAsAccount", operationName: "ADD_ATTRIBUTE" }, "bad_request", /operationName must be one of CREATE, GET, SEARCH/],
    ["missing operation", "ag-request", { connectedSystemName: "IdentityDomain", entityName: "UserAsAccount" }, "bad_request", /^operationName is required$/],
    ["missing contextData", "ag-request", { connectedSystemName: "IdentityDomain", entityName: "UserAsAccount", operationName: "ADD_CHILD_DATA" }, "bad_request", /contextData.ADD_CHILD_DATA is required for ADD_CHILD_DATA/],
    ["path in contextData", "ag-request", { connectedSystemName: "IdentityDomain", entityName: "UserAsAccount", operationName: "REMOVE_CHILD_DATA", contextData: { REMOVE_CHILD_DATA: "../../x" } }, "bad_request", /contextData.REMOVE_CHILD_DATA may contain only letters/],
    ["missing template", "ag-request", { connectedSystemName: "IdentityDomain", entityName: "GroupAsEntitlement", operationName: "DELETE" }, "missing_template", /no request template at templates\/request\/applications\/idcs\/GroupAsEntitlement\/DELETE_TEMPLATE.json/],
    ["unknown child attribute", "ag-response", { connectedSystemName: "IdentityDomain", entityName: "UserAsAccount", operationName: "ADD_CHILD_DATA", contextData: { ADD_CHILD_DATA: "roles" } }, "missing_template", /templates\/response\/applications\/idcs\/UserAsAccount\/roles\/ADD_CHILD_DATA_TEMPLATE.json/],
    ["no system name", "ag-schema", { entityName: "x" }, "bad_request", /^connectedSystemName is required$/],
    ["not JSON", "ag-test", "{not json", "bad_request", /^request body is not JSON$/],
  ];
  it.each(cases)("%s", async (_what, role, body, code, message) => {
    const r = await fn[role].invoke(body);
    expect(r.status).toBe(502);
    const e = errorOf(r);
    expect(e.error).toBe(code);
    expect(e.message).toMatch(message);
  });
});

describe("what Access Governance receives for a failure (over the fdk socket)", () => {
  it("a 502 whose JSON body's detail is InvocationFailed: followed by our {error, message}", async () => {
    const r = await fn["ag-request"].invoke({ connectedSystemName: "Nope", entityName: "UserAsAccount", operationName: "GET" });
    expect(r.status).toBe(502);
    const wire = r.json as { detail?: unknown };
    expect(typeof wire.detail).toBe("string");
    const detail = wire.detail as string;
    expect(detail.startsWith("InvocationFailed: ")).toBe(true);
    expect(JSON.parse(detail.slice("InvocationFailed: ".length))).toEqual({ error: "unknown_system", message: expect.stringContaining('connected system "Nope" is not configured') });
  });
});

describe("credential failures", () => {
  it("a Vault secret that does not exist names the system and the OCID", async () => {
    const e = errorOf(await fn["ag-test"].invoke({ connectedSystemName: "NoSuchSecret" }));
    expect(e.error).toBe("secret_unavailable");
    expect(e.message).toMatch(/^connected system NoSuchSecret: secret ocid1\.vaultsecret\.\S+notthere: not found or not authorized \(404\)$/);
  });

  it("schema and response functions need no credentials", async () => {
    expect((await fn["ag-schema"].invoke({ connectedSystemName: "NoSuchSecret" })).status).toBe(200);
  });
});

describe("no secret in logs or errors", () => {
  it("none of the four processes logged a secret, a token or an Authorization value", () => {
    const tokens = [...l.entra.issued];
    for (const r of ROLES) {
      const out = fn[r].output();
      for (const s of [...SECRET_VALUES, ...tokens]) expect(out).not.toContain(s);
      expect(out).not.toMatch(/Bearer |Basic [A-Za-z0-9+/=]{8,}/);
    }
    // Debug logging was on, so the processes did write log lines.
    expect(fn["ag-request"].output()).toContain('"msg":"template served"');
  });
});
