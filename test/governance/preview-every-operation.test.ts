import { runPreview, type PreviewOptions } from "../../function/cli/templates/preview";
import { classifyTemplatePath, listFiles } from "../../function/cli/templates/template-files";
import { loadSchemaFile } from "../../function/cli/templates/template-loader";
import type { SchemaTemplate } from "../../function/cli/templates/template-types";
import type { Operation } from "../../function/cli/templates/vocabulary";
import type { RunningFunction } from "../support/fdk-harness";
import { startGraphServer, type GraphServer } from "../servers/graph/server";
import { seedDirectory } from "../servers/scim";
import { startLandscape, startRole, TEMPLATES, type Landscape } from "./support/landscape";

/**
 * Every operation of every shipped template set, previewed the default way (as Oracle's emulator evaluates
 * expressions) against loopback targets that behave like the real APIs: the SCIM identity domain, the
 * Graph-like server and ORDS through Access Governance's least-privilege schema. Read operations run and map
 * records; write operations are rendered without touching the target, and the identity domain's are then
 * sent (--send) in lifecycle order. The operations come from the template files, so new ones are covered.
 */

interface Op {
  app: string;
  entity: string;
  operation: Operation;
  childAttribute?: string;
}

const SYSTEM: Record<string, string> = { idcs: "IdentityDomain", azuread: "EntraID", adb: "AutonomousDB" };
const LIFECYCLE: Operation[] = ["CREATE", "UPDATE", "ENABLE", "DISABLE", "ADD_CHILD_DATA", "REMOVE_CHILD_DATA", "DELETE"];
const READS: readonly Operation[] = ["SEARCH", "GET"];

const ops: Op[] = listFiles(TEMPLATES).flatMap((rel) => {
  const c = classifyTemplatePath(rel);
  if (!c.ok || c.location.kind !== "request") return [];
  const { app, entity, operation, childAttribute } = c.location;
  return [{ app, entity, operation, ...(childAttribute ? { childAttribute } : {}) }];
});
const label = (o: Op) => [o.app, o.entity, o.childAttribute, o.operation].filter(Boolean).join("/");

let l: Landscape;
let fn: RunningFunction;
let graph: GraphServer;
const auth = new Map<string, string>();

beforeAll(async () => {
  l = await startLandscape();
  fn = await startRole(l, "ag-request");
  for (const [app, system] of Object.entries(SYSTEM)) {
    const entity = ops.find((o) => o.app === app)?.entity ?? "";
    const r = await fn.invoke({ connectedSystemName: system, entityName: entity, operationName: "SEARCH" });
    auth.set(app, (r.json as { headers: { name: string; value: string }[] }).headers.find((h) => h.name === "Authorization")?.value ?? "");
  }
  seedDirectory(l.scim.store, { users: 6, groups: 3, groupsPerUser: 1 });
  graph = await startGraphServer({ token: (auth.get("azuread") ?? "").replace(/^Bearer /, "") });
  const users = Array.from({ length: 5 }, (_, i) => graph.addUser({ userPrincipalName: `p${i}@contoso.test`, displayName: `P ${i}`, givenName: "P", surname: String(i) }));
  // One of each Entra entitlement kind the templates read: security and Microsoft 365 groups, a role, a licence.
  graph.addGroup("Finance", [users[0].id, users[2].id]);
  graph.addGroup("All staff", users.map((u) => u.id), { groupTypes: ["Unified"], mailEnabled: true, securityEnabled: false });
  graph.addRole("User Administrator", [users[1].id]);
  graph.licenses.set(users[0].id, [graph.addSku("ENTERPRISEPACK").skuId]);
  const adminSql = await fetch(`${l.ords.url}/_/sql`, {
    method: "POST",
    headers: { Authorization: `Basic ${Buffer.from("ADMIN:Loopback#Ords2024").toString("base64")}`, "Content-Type": "application/sql" },
    body: ["CREATE ROLE PREVIEW_READ;", "CREATE USER PREVIEW1 IDENTIFIED GLOBALLY AS 'IAM_PRINCIPAL_NAME=p1';", "GRANT PREVIEW_READ TO PREVIEW1;",
      "INSERT INTO IAM_ADB_SYNC_ACCOUNTS (DB_USERNAME, IAM_USER_ID, IAM_USER_NAME, AUTH_MODE, STATUS) VALUES ('PREVIEW1', 'ocid1.user.oc1..p1', 'p1@example.com', 'IAM', 'OPEN');"].join("\n"),
  });
  expect(((await adminSql.json()) as { items: { errorCode?: number }[] }).items.filter((i) => i.errorCode)).toEqual([]);
});
afterAll(async () => {
  await graph?.close();
  await fn?.stop();
  await l?.close();
});

function target(app: string): PreviewOptions["target"] {
  if (app === "azuread") return { scheme: "http", host: graph.host };
  const s = l.systems.find((x) => x.name === SYSTEM[app]) as { scheme: string; host: string; basePath?: string };
  return { scheme: s.scheme, host: s.host, ...(s.basePath ? { basePath: s.basePath } : {}) };
}

const preview = (o: Op, extra: Partial<PreviewOptions> = {}) =>
  runPreview({ templatesRoot: TEMPLATES, ...o, target: target(o.app), authorization: auth.get(o.app) ?? "", pageSize: 3, ...extra });

const schemaOf = (o: Op, name = o.entity) => loadSchemaFile(TEMPLATES, o.app)?.schemaTemplates.find((t) => t.name === name) as SchemaTemplate;

/**
 * Values Access Governance would send for an operation: the PROVISION attributes (a lookup-linked one gets
 * the lookup's first code) and, for child data, the child's key.
 */
function attributesFor(o: Op, childKey: string): NonNullable<PreviewOptions["attributes"]> {
  const out: NonNullable<PreviewOptions["attributes"]> = {};
  for (const a of schemaOf(o).attributes ?? []) {
    const lookup = a.relationship ? schemaOf(o, a.relationship.relatedTo) : undefined;
    if (a.name === o.childAttribute) out[a.name] = { [a.relationship?.relatedBy ?? "uid"]: [childKey] };
    else if (!a.usage?.includes("PROVISION")) continue;
    else if (lookup?.type === "LOOKUP" && lookup.data) out[a.name] = [Object.keys(lookup.data)[0]];
    else if (!a.relationship) out[a.name] = [a.name === "password" ? "Preview-Passw0rd#2026" : /mail|^name$/i.test(a.name) ? "preview.user@example.com" : a.dataType === "FLAG" ? "true" : `Preview ${a.name}`];
  }
  return out;
}

/** First uid a SEARCH of the entity finds (GET and the writes need an existing record). */
async function someUid(app: string, entity: string): Promise<string> {
  const out = await preview({ app, entity, operation: "SEARCH" }, { limit: 1 });
  return String(out.records[0]?.uid?.[0] ?? "");
}

describe.each(Object.keys(SYSTEM))("%s: every read operation runs and maps records", (app) => {
  const reads = ops.filter((o) => o.app === app && READS.includes(o.operation));
  it("has read operations", () => expect(reads.length).toBeGreaterThan(0));
  it.each(reads.map((o) => [label(o), o] as const))("%s", async (_l, o) => {
    const id = o.operation === "GET" ? await someUid(o.app, o.entity) : undefined;
    const out = await preview(o, id ? { id } : {});
    expect(out.records.length).toBeGreaterThan(0);
    for (const r of out.records) expect(Object.keys(r).length).toBeGreaterThan(0);
    if (id) expect(out.records[0].uid).toEqual([id]);
  });
});

const withWrites = Object.keys(SYSTEM).filter((app) => ops.some((o) => o.app === app && !READS.includes(o.operation)));
it("adb has no write operations (read-only: Access Governance's database connector writes)", () => expect(withWrites).not.toContain("adb"));

describe.each(withWrites)("%s: every write operation is rendered and not sent", (app) => {
  const writes = ops.filter((o) => o.app === app && !READS.includes(o.operation));
  it.each(writes.map((o) => [label(o), o] as const))("%s", async (_l, o) => {
    const before = JSON.stringify([[...l.scim.store.users.values()], [...graph.requests]]);
    const out = await preview(o, { id: "preview-uid-1", attributes: attributesFor(o, "preview-child-1") });
    expect(out.requests).toBe(0);
    const r = out.rendered!;
    expect(new URL(r.url).host).toBe(target(o.app).host);
    expect(r.headers.Authorization).toMatch(/^\S+ ••••••$/);
    if (r.body !== undefined && r.headers["Content-Type"]?.includes("json")) expect(() => JSON.parse(r.body as string) as unknown).not.toThrow();
    expect(JSON.stringify([[...l.scim.store.users.values()], [...graph.requests]])).toBe(before);
  });
});

describe("identity domain: the write operations sent (--send) in lifecycle order change the directory", () => {
  const writes = ops.filter((o) => o.app === "idcs" && !READS.includes(o.operation)).sort((a, b) => LIFECYCLE.indexOf(a.operation) - LIFECYCLE.indexOf(b.operation));
  let uid = "";
  it.each(writes.map((o) => [label(o), o] as const))("%s", async (_l, o) => {
    const groupId = [...l.scim.store.groups.keys()][0];
    const attributes = attributesFor(o, groupId);
    const out = await preview(o, { send: true, attributes, ...(o.operation === "CREATE" ? {} : { id: uid }) });
    expect(out.requests).toBe(1);
    if (o.operation === "CREATE") {
      uid = String(out.records[0]?.uid?.[0]);
      expect(l.scim.store.users.get(uid)?.userName).toBe("preview.user@example.com");
    } else if (o.operation === "DELETE") {
      expect(l.scim.store.users.has(uid)).toBe(false);
    } else {
      expect(l.scim.store.users.has(uid)).toBe(true);
    }
    if (o.operation === "ADD_CHILD_DATA") expect(l.scim.store.memberOf.get(uid)).toContain(groupId);
    if (o.operation === "REMOVE_CHILD_DATA") expect(l.scim.store.memberOf.get(uid) ?? []).not.toContain(groupId);
  });
});
