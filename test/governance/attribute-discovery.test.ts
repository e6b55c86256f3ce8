import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPreview } from "../../function/cli/templates/preview";
import type { RunningFunction } from "../support/fdk-harness";
import { scimAttribute, URN } from "../servers/scim";
import { readTemplate, SECRET, SECRET_VALUES, startLandscape, startRole, TEMPLATES, type Landscape } from "./support/landscape";

/**
 * DayN "Fetch Attributes": the bundled template functions, over the fdk socket, discover custom identity
 * attributes on the loopback identity domain (SCIM /Schemas) and Graph (directory extensions), merge them
 * into the identity class and its SEARCH/GET templates, cache them, and fall back to the static templates.
 */

const APP_ID = "b7a1c2d3-0000-4e5f-8a9b-0123456789ab";
const EXT = (name: string) => `extension_${APP_ID.replace(/-/g, "")}_${name}`;

let l: Landscape;
const started: RunningFunction[] = [];
async function role(name: string, extra: Record<string, string> = {}): Promise<RunningFunction> {
  const fn = await startRole(l, name, extra);
  started.push(fn);
  return fn;
}

beforeAll(async () => {
  l = await startLandscape();
  l.scim.store.customAttributes.push(
    scimAttribute("costCentre", "string", { idcsDisplayName: "Cost centre" }),
    scimAttribute("badgeNumber", "integer"),
    scimAttribute("fte", "decimal"),
    scimAttribute("contractEnd", "dateTime"),
    scimAttribute("remote", "boolean"),
    scimAttribute("skills", "string", { multiValued: true }),
    scimAttribute("hrRecord", "reference", { mutability: "readOnly" }),
    // Never readable, not representable, or already a static name: left out.
    scimAttribute("doorPin", "string", { mutability: "writeOnly", returned: "never" }),
    scimAttribute("homeAddress", "complex", { subAttributes: [scimAttribute("city", "string")] }),
    scimAttribute("photo", "binary"),
    scimAttribute("department", "string"),
  );
  l.graph.addExtensionProperty(APP_ID, "costCentre", "String");
  l.graph.addExtensionProperty(APP_ID, "badgeNumber", "Integer");
  l.graph.addExtensionProperty(APP_ID, "employeeSerial", "LargeInteger");
  l.graph.addExtensionProperty(APP_ID, "remote", "Boolean");
  l.graph.addExtensionProperty(APP_ID, "hiredOn", "DateTime");
  l.graph.addExtensionProperty(APP_ID, "skills", "String", { isMultiValued: true });
  l.graph.addExtensionProperty(APP_ID, "signature", "Binary");
  l.graph.addExtensionProperty(APP_ID, "groupCode", "String", { targetObjects: ["Group"] });
});
afterAll(async () => {
  await Promise.all(started.map((f) => f.stop()));
  await l?.close();
});

type Schema = { schemaTemplates: { name: string; attributes: { name: string; dataType: string; nature?: string[]; usage: string[] }[] }[] };
const identityClass = (s: unknown, name: string) => (s as Schema).schemaTemplates.find((t) => t.name === name)?.attributes ?? [];

describe("identity domain: custom user schema from GET /admin/v1/Schemas", () => {
  it("merges readable custom attributes into UserAsIdentity with their data types, READ only; other classes unchanged", async () => {
    const fn = await role("ag-schema");
    const r = await fn.invoke({ connectedSystemName: "IdentityDomain" });
    expect(r.status).toBe(200);
    const stored = readTemplate("schema/applications/idcs/TEMPLATE.json") as Schema;
    const got = identityClass(r.json, "UserAsIdentity");
    const staticPart = identityClass(stored, "UserAsIdentity");
    expect(got.slice(0, staticPart.length)).toEqual(staticPart);
    expect(got.slice(staticPart.length)).toEqual([
      { name: "costCentre", dataType: "TEXT", usage: ["READ"] },
      { name: "badgeNumber", dataType: "NUMBER", usage: ["READ"] },
      { name: "fte", dataType: "DECIMAL_NUMBER", usage: ["READ"] },
      { name: "contractEnd", dataType: "DATE", usage: ["READ"] },
      { name: "remote", dataType: "FLAG", usage: ["READ"] },
      { name: "skills", dataType: "TEXT", nature: ["MULTIVALUED"], usage: ["READ"] },
      { name: "hrRecord", dataType: "TEXT", usage: ["READ"] },
    ]);
    const others = (x: Schema) => x.schemaTemplates.filter((t) => t.name !== "UserAsIdentity");
    expect(others(r.json as Schema)).toEqual(others(stored));
    expect(fn.output()).toMatch(/"leftOut":\["department"\],"msg":"custom identity attributes discovered"/);
  });

  it("the served SEARCH request and response load the custom values (previewed against the domain)", async () => {
    const ada = l.scim.store.createUser({ userName: "ada.custom@example.com", displayName: "Ada" });
    l.scim.store.customValues.set(ada.id, { costCentre: "CC-1843", badgeNumber: 42, remote: true, skills: ["maths", "poetry"] });
    const request = await role("ag-request");
    const response = await role("ag-response");
    const ask = { connectedSystemName: "IdentityDomain", entityName: "UserAsIdentity", operationName: "SEARCH" };
    const served = { request: (await request.invoke(ask)).json, response: (await response.invoke(ask)).json };
    expect(JSON.stringify(served.request)).toContain(URN.custom);
    const tree = mkdtempSync(join(tmpdir(), "served-"));
    try {
      cpSync(TEMPLATES, tree, { recursive: true });
      writeFileSync(join(tree, "request/applications/idcs/UserAsIdentity/SEARCH_TEMPLATE.json"), JSON.stringify(served.request));
      writeFileSync(join(tree, "response/applications/idcs/UserAsIdentity/SEARCH_TEMPLATE.json"), JSON.stringify(served.response));
      const token = (served.request as { headers: { name: string; value: string }[] }).headers.find((h) => h.name === "Authorization")?.value ?? "";
      const out = await runPreview({ templatesRoot: tree, app: "idcs", entity: "UserAsIdentity", operation: "SEARCH", target: { scheme: "http", host: l.scim.host }, authorization: token });
      expect(out.records.find((rec) => rec.uid[0] === ada.id)).toMatchObject({ costCentre: ["CC-1843"], badgeNumber: ["42"], remote: ["true"], skills: ["maths", "poetry"] });
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it("reuses the discovery for the TTL (one /Schemas read for several calls); TTL 0 reads it every time", async () => {
    const cached = await role("ag-schema");
    const uncached = await role("ag-schema", { AG_DISCOVERY_TTL_SECONDS: "0" });
    const reads = () => l.scim.counters.get("GET /admin/v1/Schemas");
    const before = reads();
    for (let i = 0; i < 3; i++) await cached.invoke({ connectedSystemName: "IdentityDomain" });
    expect(reads() - before).toBe(1);
    for (let i = 0; i < 3; i++) await uncached.invoke({ connectedSystemName: "IdentityDomain" });
    expect(reads() - before).toBe(4);
  });
});

describe("Entra ID: directory extensions from POST /directoryObjects/getAvailableExtensionProperties", () => {
  it("merges user extensions into User, adds them to $select, and the response reads them", async () => {
    const schema = await (await role("ag-schema")).invoke({ connectedSystemName: "EntraID" });
    const stored = identityClass(readTemplate("schema/applications/azuread/TEMPLATE.json"), "User");
    expect(identityClass(schema.json, "User").slice(stored.length)).toEqual([
      { name: EXT("costCentre"), dataType: "TEXT", usage: ["READ"] },
      { name: EXT("badgeNumber"), dataType: "NUMBER", usage: ["READ"] },
      { name: EXT("employeeSerial"), dataType: "NUMBER", usage: ["READ"] },
      { name: EXT("remote"), dataType: "FLAG", usage: ["READ"] },
      { name: EXT("hiredOn"), dataType: "DATE", usage: ["READ"] },
      { name: EXT("skills"), dataType: "TEXT", nature: ["MULTIVALUED"], usage: ["READ"] },
    ]);
    // The discovery went through the configured egress proxy, like the token request.
    expect(l.proxy.tunnels).toContain(l.graph.host);

    const grace = l.graph.addUser({ userPrincipalName: "grace@contoso.test", displayName: "Grace", givenName: "Grace", surname: "Hopper" });
    Object.assign(grace, { [EXT("costCentre")]: "CC-1906", [EXT("remote")]: false, [EXT("skills")]: ["COBOL", "compilers"] });
    const ask = { connectedSystemName: "EntraID", entityName: "User", operationName: "GET" };
    const request = (await (await role("ag-request")).invoke(ask)).json as { queryParameters: { name: string; value: string }[]; headers: { name: string; value: string }[] };
    expect(request.queryParameters.find((q) => q.name === "$select")?.value).toContain(`,${EXT("costCentre")},`);
    const response = (await (await role("ag-response")).invoke(ask)).json;
    const tree = mkdtempSync(join(tmpdir(), "served-"));
    try {
      cpSync(TEMPLATES, tree, { recursive: true });
      writeFileSync(join(tree, "request/applications/azuread/User/GET_TEMPLATE.json"), JSON.stringify(request));
      writeFileSync(join(tree, "response/applications/azuread/User/GET_TEMPLATE.json"), JSON.stringify(response));
      const token = request.headers.find((h) => h.name === "Authorization")?.value ?? "";
      const out = await runPreview({ templatesRoot: tree, app: "azuread", entity: "User", operation: "GET", id: grace.id, target: { scheme: "http", host: l.graph.host }, authorization: token });
      expect(out.records[0]).toMatchObject({ uid: [grace.id], [EXT("costCentre")]: ["CC-1906"], [EXT("remote")]: ["false"], [EXT("skills")]: ["COBOL", "compilers"] });
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});

describe("falls back to the static schema with one clear log line", () => {
  let odd: Server;
  let mode: "malformed" | "hang" = "malformed";
  beforeAll(async () => {
    odd = createServer((_req, res) => {
      if (mode === "hang") return; // never answers
      res.writeHead(200, { "content-type": "application/scim+json" });
      res.end(JSON.stringify({ schemas: [URN.listResponse], totalResults: 1, Resources: "not a list" }));
    });
    await new Promise<void>((r) => odd.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    odd.closeAllConnections();
    await new Promise((r) => odd.close(r));
  });

  const staticIdcs = () => readTemplate("schema/applications/idcs/TEMPLATE.json");
  const oddSystems = () =>
    JSON.stringify([...l.systems, { name: "OddDomain", application: "idcs", scheme: "http", host: `127.0.0.1:${(odd.address() as AddressInfo).port}`, auth: { type: "basic", secret: SECRET.basic } }]);
  const failures = (fn: RunningFunction) => fn.output().split("\n").filter((line) => line.includes("custom attribute discovery failed"));

  it("on 401 from /Schemas", async () => {
    const fn = await role("ag-schema", { AG_DISCOVERY_TTL_SECONDS: "0" });
    l.scim.faults.inject({ path: "/admin/v1/Schemas", status: 401 });
    const r = await fn.invoke({ connectedSystemName: "IdentityDomain" });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(staticIdcs());
    const lines = failures(fn);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/"system":"IdentityDomain".*"reason":"GET \/admin\/v1\/Schemas answered 401"/);
    for (const secret of SECRET_VALUES) expect(fn.output()).not.toContain(secret);
    expect(fn.output()).not.toMatch(/Bearer [A-Za-z0-9_-]{10,}/);
  });

  it("on a malformed answer, and when the target does not answer in time", async () => {
    const fn = await role("ag-schema", { AG_DISCOVERY_TTL_SECONDS: "0", AG_SYSTEMS: oddSystems() });
    const malformed = await fn.invoke({ connectedSystemName: "OddDomain" });
    expect(malformed.json).toEqual(staticIdcs());
    expect(failures(fn)[0]).toMatch(/"reason":"\/admin\/v1\/Schemas did not answer a SCIM ListResponse of schemas \(Resources: /);
    mode = "hang";
    const started = Date.now();
    const slow = await fn.invoke({ connectedSystemName: "OddDomain" });
    expect(slow.json).toEqual(staticIdcs());
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(failures(fn)[1]).toMatch(/"reason":"custom attribute discovery \(GET \/admin\/v1\/Schemas\): .*time/i);
  });

  it("when the credentials cannot be read: no request is sent, the static schema is served", async () => {
    const fn = await role("ag-schema");
    const r = await fn.invoke({ connectedSystemName: "NoSuchSecret" });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(staticIdcs());
    expect(failures(fn)[0]).toMatch(/"system":"NoSuchSecret".*"reason":"connected system NoSuchSecret: /);
  });
});
