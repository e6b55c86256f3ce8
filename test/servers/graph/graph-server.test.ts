import { startGraphServer, type GraphServer } from "./server";

/** The Graph stand-in's rules that templates depend on: advanced queries, selection of extensions, errors. */

let graph: GraphServer;
const token = "graph-server-test";
beforeAll(async () => {
  graph = await startGraphServer({ token });
});
afterAll(() => graph.close());

async function call(method: string, path: string, o: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(graph.url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(o.body === undefined ? {} : { "Content-Type": "application/json" }), ...o.headers },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

it("a $filter on memberOf is an advanced query: refused without ConsistencyLevel eventual and $count", async () => {
  const u = graph.addUser({ userPrincipalName: "q@contoso.test", displayName: "Q", givenName: "Q", surname: "Q" });
  graph.addGroup("Sec", [u.id]);
  graph.addGroup("M365", [u.id], { groupTypes: ["Unified"] });
  const path = `/v1.0/users/${u.id}/memberOf/microsoft.graph.group?$filter=groupTypes/any(c:c%20eq%20'Unified')`;
  const plain = await call("GET", path);
  expect(plain.status).toBe(400);
  expect(plain.json?.error).toMatchObject({ code: "Request_UnsupportedQuery", innerError: { "request-id": expect.any(String), date: expect.any(String) } });
  const advanced = await call("GET", `${path}&$count=true`, { headers: { ConsistencyLevel: "eventual" } });
  expect(advanced.status).toBe(200);
  expect(advanced.json).toMatchObject({ "@odata.count": 1, value: [{ displayName: "M365" }] });
  // Without a filter memberOf needs no advanced query.
  expect((await call("GET", `/v1.0/users/${u.id}/memberOf/microsoft.graph.group`)).json?.value).toHaveLength(2);
});

it("an unknown filter clause is Graph's 400, not an unfiltered list", async () => {
  const r = await call("GET", "/v1.0/groups?$filter=startswith(displayName,'S')");
  expect(r.status).toBe(400);
  expect(r.json?.error.code).toBe("Request_BadRequest");
});

it("directory extension values come back only when $select names them", async () => {
  const ext = graph.addExtensionProperty("00000000-0000-0000-0000-0000000000aa", "badge", "Integer");
  const u = graph.addUser({ userPrincipalName: "e@contoso.test", displayName: "E", givenName: "E", surname: "E" });
  Object.assign(u, { [ext.name]: 7 });
  expect((await call("GET", `/v1.0/users/${u.id}`)).json).not.toHaveProperty(ext.name);
  expect((await call("GET", `/v1.0/users/${u.id}?$select=id,${ext.name}`)).json).toEqual({ id: u.id, [ext.name]: 7 });
  const listed = await call("POST", "/v1.0/directoryObjects/getAvailableExtensionProperties", { body: {} });
  expect(listed.json?.value).toContainEqual(expect.objectContaining({ name: ext.name, dataType: "Integer", targetObjects: ["User"] }));
  expect((await call("POST", "/v1.0/directoryObjects/getAvailableExtensionProperties", { body: { isSyncedFromOnPremises: true } })).json?.value).toEqual([]);
});

it("assignLicense refuses an unknown SKU and a SKU without free units, and counts consumed units", async () => {
  const sku = graph.addSku("ONE_SEAT", 1);
  const a = graph.addUser({ userPrincipalName: "a@contoso.test", displayName: "A", givenName: "A", surname: "A", usageLocation: "FR" });
  const b = graph.addUser({ userPrincipalName: "b@contoso.test", displayName: "B", givenName: "B", surname: "B", usageLocation: "FR" });
  const assign = (id: string, skuId: string) => call("POST", `/v1.0/users/${id}/assignLicense`, { body: { addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] } });
  expect((await assign(a.id, "00000000-0000-0000-0000-000000000000")).json?.error.message).toMatch(/does not correspond to a valid company License/);
  expect((await assign(a.id, sku.skuId)).status).toBe(200);
  expect((await assign(b.id, sku.skuId)).json?.error.message).toMatch(/does not have any available licenses/);
  const skus = (await call("GET", "/v1.0/subscribedSkus")).json?.value as { skuId: string; consumedUnits: number; id: string }[];
  expect(skus.find((s) => s.skuId === sku.skuId)).toMatchObject({ consumedUnits: 1, id: `${graph.tenantId}_${sku.skuId}` });
  expect((await call("GET", `/v1.0/users/${a.id}/licenseDetails`)).json?.value).toEqual([expect.objectContaining({ skuId: sku.skuId, skuPartNumber: "ONE_SEAT" })]);
});

it("answers 401 InvalidAuthenticationToken without the bearer token", async () => {
  const r = await fetch(`${graph.url}/v1.0/users`);
  expect(r.status).toBe(401);
  expect(((await r.json()) as { error: { code: string } }).error.code).toBe("InvalidAuthenticationToken");
});
